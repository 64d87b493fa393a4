/** Asked when Delete is pressed in the list (a stray key should not delete); Undo follows either way. */
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { deleteWithUndo } from '../actions'
import { useMemoriesStore } from '../store'

export function DeleteConfirmModal(): React.JSX.Element {
  const id = useMemoriesStore((s) => s.confirmDeleteId)
  const text = useMemoriesStore((s) => {
    if (!s.confirmDeleteId) return ''
    const m = s.items.find((x) => x.id === s.confirmDeleteId)
    return m?.content ?? s.search?.hits.find((h) => h.id === s.confirmDeleteId)?.text ?? s.detail?.memory.content ?? ''
  })
  const askDelete = useMemoriesStore((s) => s.askDelete)
  const [busy, setBusy] = useState(false)
  const close = (): void => {
    askDelete(null)
    document.querySelector<HTMLElement>('.engram-memory-list')?.focus()
  }

  return (
    <Modal opened={id !== null} onClose={close} title="Delete this memory?" returnFocus={false}>
      <Stack gap="md">
        <Text size="sm" lineClamp={4} style={{ whiteSpace: 'pre-wrap' }}>
          {text}
        </Text>
        <Text size="sm" c="dimmed">
          It and its earlier versions are removed. You can undo right after.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button
            color="red"
            data-autofocus
            loading={busy}
            onClick={() => {
              if (!id) return
              setBusy(true)
              void deleteWithUndo(id).finally(() => {
                setBusy(false)
                close()
              })
            }}
          >
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
