/** Merges two memories into one; the text starts as the open memory's and can be edited first. */
import { Button, Group, Modal, Paper, Stack, Text, Textarea } from '@mantine/core'
import { useState } from 'react'
import type { Memory } from '../../../../../shared/types'
import { useAction } from '../../../lib/useAction'
import { notifySuccess } from '../../notifications/store'
import { useMemoriesStore } from '../store'

export function MergeModal(props: { memory: Memory; other: Memory; onClose(): void }): React.JSX.Element {
  const merge = useMemoriesStore((s) => s.merge)
  const [text, setText] = useState(props.memory.content)
  const action = useAction(async () => {
    const edited = text.trim() !== props.memory.content
    await merge([props.memory.id, props.other.id], edited ? text : undefined)
    notifySuccess('Memories merged', 'Both originals are kept in its history.')
    props.onClose()
  })
  return (
    <Modal opened onClose={props.onClose} title="Merge two memories" size="lg">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          They become one memory with both sets of topics and the higher importance. Both originals stay in its history.
        </Text>
        <Paper withBorder p="xs" radius="md" bg="var(--engram-backdrop)">
          <Text size="xs" c="dimmed" mb={2}>
            The other memory
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {props.other.content}
          </Text>
        </Paper>
        <Textarea
          label="Merged text"
          autosize
          minRows={3}
          maxRows={12}
          data-autofocus
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={action.fields['content'] ?? (action.error && !action.fields['content'] ? action.error.message : undefined)}
        />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={props.onClose} disabled={action.busy}>
            Cancel
          </Button>
          <Button onClick={() => void action.run()} loading={action.busy}>
            Merge
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
