/** Near-duplicates the embedding found: merge them, or say they are not duplicates. */
import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { useState } from 'react'
import type { DuplicateCandidate, Memory } from '../../../../../shared/types'
import { notifyError } from '../../notifications/store'
import { useMemoriesStore } from '../store'
import { MergeModal } from './MergeModal'

export function DuplicateCandidates(props: { memory: Memory; duplicates: DuplicateCandidate[] }): React.JSX.Element {
  const dismiss = useMemoriesStore((s) => s.dismissDuplicate)
  const [merging, setMerging] = useState<Memory | null>(null)
  return (
    <Stack gap="xs" component="section" aria-labelledby="memory-duplicates-title">
      <Title order={3} size="h6" id="memory-duplicates-title">
        Possible duplicates ({props.duplicates.length})
      </Title>
      <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {props.duplicates.map((d) => (
          <Paper component="li" key={d.memory.id} withBorder radius="md" p="xs">
            <Group gap="xs" justify="space-between" wrap="nowrap" align="flex-start">
              <Text size="sm" lineClamp={3} style={{ overflowWrap: 'anywhere' }}>
                {d.memory.content}
              </Text>
              <Badge variant="light" color="grape" style={{ flexShrink: 0 }} aria-label={`${Math.round(d.similarity * 100)}% similar`}>
                {Math.round(d.similarity * 100)}%
              </Badge>
            </Group>
            <Group gap="xs" mt="xs">
              <Button size="compact-xs" variant="light" onClick={() => setMerging(d.memory)}>
                Merge
              </Button>
              <Button
                size="compact-xs"
                variant="subtle"
                color="gray"
                onClick={() => void dismiss(props.memory.id, d.memory.id).catch((err: unknown) => notifyError(err, 'Could not dismiss it'))}
              >
                Not a duplicate
              </Button>
            </Group>
          </Paper>
        ))}
      </Stack>
      {merging && <MergeModal memory={props.memory} other={merging} onClose={() => setMerging(null)} />}
    </Stack>
  )
}
