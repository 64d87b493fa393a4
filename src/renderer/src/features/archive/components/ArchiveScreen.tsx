/** Archive: conversations and memories put away. Archiving arrives with those features. */
import { IconArchive } from '@tabler/icons-react'
import { SectionEmptyState } from '../../../app/SectionEmptyState'
import { SectionPage } from '../../../app/SectionPage'

export function ArchiveScreen(): React.JSX.Element {
  return (
    <SectionPage title="Archive">
      <SectionEmptyState icon={IconArchive} title="Nothing archived" description="What you archive is kept here, out of the way." />
    </SectionPage>
  )
}
