/** Asked before anything in the archive is deleted for good: it says plainly that it cannot be undone. */
import { Stack, Text } from '@mantine/core'
import { ConfirmDestroyModal } from '../../../app/ConfirmDestroyModal'
import { purgeItem } from '../actions'
import { useArchiveStore } from '../store'

const WHAT = {
  memories: { title: 'Delete this memory forever?', body: 'It and its earlier versions are removed from Engram.' },
  documents: { title: 'Delete this document forever?', body: 'Its text, passages and stored copy are removed from Engram. The file on your disk is not touched.' },
  sessions: { title: 'Delete this chat forever?', body: 'The chat and all of its messages are removed from Engram. Memories made from it stay.' }
} as const

export function PurgeConfirmModal(): React.JSX.Element {
  const target = useArchiveStore((s) => s.confirm)
  const words = WHAT[target?.kind ?? 'memories']

  return (
    <ConfirmDestroyModal
      opened={target !== null}
      title={words.title}
      subject={
        <Text size="sm" lineClamp={4} fw={500} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {target?.label}
        </Text>
      }
      consequence={
        <Stack gap="md">
          <Text size="sm">{words.body}</Text>
          <Text size="sm" fw={600} c="red">
            This cannot be undone.
          </Text>
        </Stack>
      }
      confirmLabel="Delete forever"
      cancelLabel="Keep it"
      focus="cancel"
      onConfirm={async () => (target ? purgeItem(target.kind, target.id) : false)}
      onClose={() => useArchiveStore.getState().askPurge(null)}
    />
  )
}
