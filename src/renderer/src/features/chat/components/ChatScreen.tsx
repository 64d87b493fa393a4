/** Chat: conversations about what the user has saved. The chat feature itself arrives later. */
import { IconMessageCircle } from '@tabler/icons-react'
import { SectionEmptyState } from '../../../app/SectionEmptyState'
import { SectionPage } from '../../../app/SectionPage'

export function ChatScreen(): React.JSX.Element {
  return (
    <SectionPage title="Chat">
      <SectionEmptyState icon={IconMessageCircle} title="No conversations yet" description="Ask anything about what you've saved." />
    </SectionPage>
  )
}
