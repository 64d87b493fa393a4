/** The strip above the list: the embedding status and the capture timeline. */
import { Group, Paper, Stack, Text } from '@mantine/core'
import { EmbeddingStatusBadge } from './EmbeddingStatusBadge'
import { TimelineChart } from './TimelineChart'

export function MemoriesOverview(): React.JSX.Element {
  return (
    <Paper withBorder radius="lg" p="md">
      <Group gap="xl" align="center" wrap="nowrap">
        <Stack gap={6} maw={320}>
          <Text size="xs" tt="uppercase" fw={600} c="dimmed">
            Search
          </Text>
          <EmbeddingStatusBadge />
        </Stack>
        <TimelineChart />
      </Group>
    </Paper>
  )
}
