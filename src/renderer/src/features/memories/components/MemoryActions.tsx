/** Archive or restore, and delete (with Undo in the note that follows). */
import { Button, Group } from '@mantine/core'
import { IconArchive, IconArchiveOff, IconTrash } from '@tabler/icons-react'
import type { Memory } from '../../../../../shared/types'
import { useAction } from '../../../lib/useAction'
import { notifyError, notifySuccess } from '../../notifications/store'
import { deleteWithUndo } from '../actions'
import { useMemoriesStore } from '../store'

export function MemoryActions(props: { memory: Memory }): React.JSX.Element {
  const { memory } = props
  const archive = useMemoriesStore((s) => s.archive)
  const restore = useMemoriesStore((s) => s.restore)
  const archived = memory.status === 'archived'
  const toggle = useAction(async () => {
    try {
      if (archived) {
        await restore(memory.id)
        notifySuccess('Memory restored')
      } else {
        await archive(memory.id)
        notifySuccess('Memory archived', 'Find it again with the Archived filter.')
      }
    } catch (err) {
      notifyError(err, archived ? 'Could not restore the memory' : 'Could not archive the memory')
      throw err
    }
  })
  const remove = useAction(() => deleteWithUndo(memory.id))
  return (
    <Group gap="xs">
      <Button
        size="xs"
        variant="default"
        leftSection={archived ? <IconArchiveOff size={14} /> : <IconArchive size={14} />}
        loading={toggle.busy}
        onClick={() => void toggle.run()}
      >
        {archived ? 'Restore' : 'Archive'}
      </Button>
      <Button size="xs" variant="light" color="red" leftSection={<IconTrash size={14} />} loading={remove.busy} onClick={() => void remove.run()}>
        Delete
      </Button>
    </Group>
  )
}
