/** Asked before anything in the archive is deleted for good: it says plainly that it cannot be undone. */
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { purgeItem } from '../actions'
import { useArchiveStore } from '../store'

const WHAT = {
  memories: { title: 'Delete this memory forever?', body: 'It and its earlier versions are removed from Engram.' },
  documents: { title: 'Delete this document forever?', body: 'Its text, passages and stored copy are removed from Engram. The file on your disk is not touched.' },
  sessions: { title: 'Delete this chat forever?', body: 'The chat and all of its messages are removed from Engram. Memories made from it stay.' }
} as const

export function PurgeConfirmModal(): React.JSX.Element {
  const target = useArchiveStore((s) => s.confirm)
  const [busy, setBusy] = useState(false)
  const close = (): void => useArchiveStore.getState().askPurge(null)
  const words = WHAT[target?.kind ?? 'memories']

  return (
    <Modal opened={target !== null} onClose={close} title={words.title} closeOnClickOutside={!busy} closeOnEscape={!busy}>
      <Stack gap="md">
        <Text size="sm" lineClamp={4} fw={500} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {target?.label}
        </Text>
        <Text size="sm">{words.body}</Text>
        <Text size="sm" fw={600} c="red">
          This cannot be undone.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={busy} data-autofocus>
            Keep it
          </Button>
          <Button
            color="red"
            loading={busy}
            onClick={() => {
              if (!target) return
              setBusy(true)
              void purgeItem(target.kind, target.id).then((done) => {
                setBusy(false)
                if (done) close()
              })
            }}
          >
            Delete forever
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
