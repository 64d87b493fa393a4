/** Asked before a document is deleted (the Delete key, or a row's delete button): there is no undo. */
import { Text } from '@mantine/core'
import { ConfirmDestroyModal } from '../../../app/ConfirmDestroyModal'
import { deleteDocument } from '../actions'
import { docOpenId } from './DocumentRow'
import { useDocumentsStore } from '../store'

export function DeleteDocumentModal(): React.JSX.Element {
  const id = useDocumentsStore((s) => s.confirmDeleteId)
  const name = useDocumentsStore((s) => {
    if (!s.confirmDeleteId) return ''
    return s.items.find((d) => d.id === s.confirmDeleteId)?.name ?? (s.reader?.id === s.confirmDeleteId ? s.reader.detail?.document.name : undefined) ?? 'this document'
  })
  const close = (): void => {
    const { selectedId } = useDocumentsStore.getState()
    useDocumentsStore.getState().askDelete(null)
    // Back to the list where the keyboard was (the next row once this one is gone).
    requestAnimationFrame(() => (selectedId ? document.getElementById(docOpenId(selectedId))?.focus() : undefined))
  }

  return (
    <ConfirmDestroyModal
      opened={id !== null}
      title="Delete this document?"
      subject={
        <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
          {name}
        </Text>
      }
      consequence="Its text and passages leave Engram and search. The file on your disk is not touched. This cannot be undone."
      onConfirm={async () => (id ? deleteDocument(id) : undefined)}
      onClose={close}
    />
  )
}
