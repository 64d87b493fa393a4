/** Asked before a chat is deleted: deleting is for good (archiving is the gentle way). */
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { deleteSession } from '../actions'
import { plural } from '../format'
import { useChatStore } from '../store'

export function DeleteSessionModal(): React.JSX.Element {
  const id = useChatStore((s) => s.confirmDeleteId)
  const session = useChatStore((s) => s.sessions.find((x) => x.id === s.confirmDeleteId) ?? (s.detail?.session.id === s.confirmDeleteId ? s.detail.session : null))
  const askDelete = useChatStore((s) => s.askDelete)
  const [busy, setBusy] = useState(false)
  const close = (): void => askDelete(null)

  return (
    <Modal opened={id !== null} onClose={close} title="Delete this chat?">
      <Stack gap="md">
        {session && (
          <Text size="sm" fw={600} lineClamp={2}>
            {session.title}
          </Text>
        )}
        <Text size="sm">
          {session ? `Its ${plural(session.messageCount, 'message', 'messages')} are` : 'Its messages are'} deleted for good; this cannot be undone.
          Memories you saved from it stay. To keep it out of the way instead, archive it.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} data-autofocus>
            Cancel
          </Button>
          <Button
            color="red"
            loading={busy}
            onClick={() => {
              if (!id) return
              setBusy(true)
              void deleteSession(id).then((ok) => {
                setBusy(false)
                if (ok) close()
              })
            }}
          >
            Delete chat
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
