/** Pin, importance, topics and type of the open memory; each change is saved at once (same id). */
import { Group, Select, Slider, Stack, Switch, TagsInput, Text } from '@mantine/core'
import { useState } from 'react'
import type { Memory } from '../../../../../shared/types'
import { notifyError } from '../../notifications/store'
import { togglePin } from '../actions'
import { formatImportance } from '../format'
import { typeOptions } from '../memoryTypes'
import { useMemoriesStore } from '../store'

export function MemoryAttributes(props: { memory: Memory }): React.JSX.Element {
  const { memory } = props
  const patch = useMemoriesStore((s) => s.patch)
  const [dragging, setDragging] = useState<number | null>(null)
  const [topics, setTopics] = useState<string[] | null>(null)
  const active = memory.status === 'active'

  const save = (fields: Parameters<typeof patch>[1], what: string): Promise<unknown> =>
    patch(memory.id, fields).catch((err: unknown) => notifyError(err, `Could not change the ${what}`))

  return (
    <Stack gap="sm">
      <Switch
        label="Pinned"
        description="Pinned memories stay hot and rank higher."
        checked={memory.pinned}
        disabled={!active}
        aria-keyshortcuts="p"
        onChange={(e) => togglePin(memory.id, e.currentTarget.checked)}
      />
      <Stack gap={4}>
        <Text size="sm" fw={500} id="detail-importance">
          Importance {formatImportance(dragging ?? memory.importance)}
        </Text>
        <Slider
          aria-labelledby="detail-importance"
          min={0}
          max={1}
          step={0.05}
          disabled={!active}
          value={dragging ?? memory.importance}
          label={formatImportance}
          onChange={setDragging}
          onChangeEnd={(v) => void save({ importance: v }, 'importance').finally(() => setDragging(null))}
        />
      </Stack>
      <Group gap="sm" align="flex-start" grow>
        <TagsInput
          label="Topics"
          size="xs"
          placeholder="Add a topic"
          disabled={!active}
          value={topics ?? memory.topics}
          onChange={(v) => {
            setTopics(v)
            void save({ topics: v }, 'topics').finally(() => setTopics(null))
          }}
        />
        <Select
          label="Type"
          size="xs"
          disabled={!active}
          data={typeOptions([memory.type])}
          value={memory.type}
          allowDeselect={false}
          onChange={(v) => v && v !== memory.type && void save({ type: v }, 'type')}
        />
      </Group>
    </Stack>
  )
}
