/** Asked before a chat is deleted: deleting is for good (archiving is the gentle way). */
import { Text } from '@mantine/core'
import { ConfirmDestroyModal } from '../../../app/ConfirmDestroyModal'
import { deleteSession } from '../actions'
import { plural } from '../format'
import { useChatStore } from '../store'

export function DeleteSessionModal(): React.JSX.Element {
  const id = useChatStore((s) => s.confirmDeleteId)
  const session = useChatStore((s) => s.sessions.find((x) => x.id === s.confirmDeleteId) ?? (s.detail?.session.id === s.confirmDeleteId ? s.detail.session : null))
  const askDelete = useChatStore((s) => s.askDelete)

  return (
    <ConfirmDestroyModal
      opened={id !== null}
      title="Delete this chat?"
      subject={
        session && (
          <Text size="sm" fw={600} lineClamp={2}>
            {session.title}
          </Text>
        )
      }
      consequence={
        <Text size="sm">
          {session ? `Its ${plural(session.messageCount, 'message', 'messages')} are` : 'Its messages are'} deleted for good; this cannot be undone.
          Memories you saved from it stay. To keep it out of the way instead, archive it.
        </Text>
      }
      confirmLabel="Delete chat"
      focus="cancel"
      onConfirm={async () => (id ? deleteSession(id) : false)}
      onClose={() => askDelete(null)}
    />
  )
}
