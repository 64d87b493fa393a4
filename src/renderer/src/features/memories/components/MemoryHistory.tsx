/** Earlier versions of the memory, newest first: what it said before each edit or merge. */
import { Paper, Stack, Text, Title } from '@mantine/core'
import type { Memory } from '../../../../../shared/types'
import { formatDateTime } from '../format'

export function MemoryHistory(props: { history: Memory[] }): React.JSX.Element {
  return (
    <Stack gap="xs" component="section" aria-labelledby="memory-history-title">
      <Title order={3} size="h6" id="memory-history-title">
        Earlier versions ({props.history.length})
      </Title>
      <Stack gap={6} component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {props.history.map((h) => (
          <Paper component="li" key={h.id} withBorder radius="md" p="xs" bg="var(--engram-backdrop)">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} lineClamp={6}>
              {h.content}
            </Text>
            <Text size="xs" c="dimmed" mt={4}>
              Replaced {formatDateTime(h.updatedAt)}
            </Text>
          </Paper>
        ))}
      </Stack>
    </Stack>
  )
}
