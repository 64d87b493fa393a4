/**
 * The memory's text, and its editor. Saving new text supersedes: the core keeps the old
 * version (it shows under "Earlier versions") and answers with a new memory, which the
 * panel then shows.
 */
import { Button, Group, Kbd, Stack, Text, Textarea } from '@mantine/core'
import { IconPencil } from '@tabler/icons-react'
import { useState } from 'react'
import type { Memory } from '../../../../../shared/types'
import { modLabel } from '../../../lib/platform'
import { useAction } from '../../../lib/useAction'
import { useMemoriesStore } from '../store'

export function MemoryContentEditor(props: { memory: Memory; editing: boolean }): React.JSX.Element {
  const { memory } = props
  const setEditing = useMemoriesStore((s) => s.setEditing)
  const saveContent = useMemoriesStore((s) => s.saveContent)
  const [text, setText] = useState(memory.content)
  const save = useAction(async (next: string) => {
    if (next.trim() === memory.content) return setEditing(false)
    await saveContent(memory.id, next)
  })
  const active = memory.status === 'active'

  if (!props.editing)
    return (
      <Stack gap="xs">
        <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{memory.content}</Text>
        <Group>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconPencil size={14} />}
            disabled={!active}
            title={active ? undefined : 'Restore it first to edit it'}
            aria-keyshortcuts="e"
            onClick={() => {
              setText(memory.content)
              setEditing(true)
            }}
          >
            Edit
          </Button>
        </Group>
      </Stack>
    )

  const cancel = (): void => {
    save.reset()
    setEditing(false)
  }
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault()
        void save.run(text)
      }}
    >
      <Stack gap="xs">
        <Textarea
          aria-label="Memory text"
          autoFocus
          autosize
          minRows={3}
          maxRows={14}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={save.fields['content'] ?? save.error?.message}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault()
              void save.run(text)
            } else if (e.key === 'Escape') {
              e.preventDefault()
              e.stopPropagation()
              cancel()
            }
          }}
        />
        <Text size="xs" c="dimmed">
          Editing keeps the earlier version in history.
        </Text>
        <Group gap="xs">
          <Button type="submit" size="xs" loading={save.busy} rightSection={<Kbd size="xs">{modLabel} ⏎</Kbd>}>
            Save
          </Button>
          <Button size="xs" variant="default" onClick={cancel} disabled={save.busy}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
