/** Workflows: background work such as imports and indexing, with its progress. */
import { IconRoute } from '@tabler/icons-react'
import { SectionEmptyState } from '../../../app/SectionEmptyState'
import { SectionPage } from '../../../app/SectionPage'

export function WorkflowsScreen(): React.JSX.Element {
  return (
    <SectionPage title="Workflows">
      <SectionEmptyState icon={IconRoute} title="No background work yet" description="Long-running jobs, such as imports, show their progress here." />
    </SectionPage>
  )
}
