/** Asked before a document is deleted (the Delete key, or a row's delete button): there is no undo. */
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { deleteDocument } from '../actions'
import { docOpenId } from './DocumentRow'
import { useDocumentsStore } from '../store'

export function DeleteDocumentModal(): React.JSX.Element {
  const id = useDocumentsStore((s) => s.confirmDeleteId)
  const name = useDocumentsStore((s) => {
    if (!s.confirmDeleteId) return ''
    return s.items.find((d) => d.id === s.confirmDeleteId)?.name ?? (s.reader?.id === s.confirmDeleteId ? s.reader.detail?.document.name : undefined) ?? 'this document'
  })
  const [busy, setBusy] = useState(false)
  const close = (): void => {
    const { selectedId } = useDocumentsStore.getState()
    useDocumentsStore.getState().askDelete(null)
    // Back to the list where the keyboard was (the next row once this one is gone).
    requestAnimationFrame(() => (selectedId ? document.getElementById(docOpenId(selectedId))?.focus() : undefined))
  }

  return (
    <Modal opened={id !== null} onClose={close} title="Delete this document?" returnFocus={false}>
      <Stack gap="md">
        <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
          {name}
        </Text>
        <Text size="sm" c="dimmed">
          Its text and passages leave Engram and search. The file on your disk is not touched. This cannot be undone.
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
              void deleteDocument(id).finally(() => {
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
