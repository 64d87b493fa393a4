/** Asked when Delete is pressed in the list (a stray key should not delete); Undo follows either way. */
import { Text } from '@mantine/core'
import { ConfirmDestroyModal } from '../../../app/ConfirmDestroyModal'
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
  const close = (): void => {
    askDelete(null)
    document.querySelector<HTMLElement>('.engram-memory-list')?.focus()
  }

  return (
    <ConfirmDestroyModal
      opened={id !== null}
      title="Delete this memory?"
      subject={
        <Text size="sm" lineClamp={4} style={{ whiteSpace: 'pre-wrap' }}>
          {text}
        </Text>
      }
      consequence="It and its earlier versions are removed. You can undo right after."
      onConfirm={async () => (id ? deleteWithUndo(id) : undefined)}
      onClose={close}
    />
  )
}
