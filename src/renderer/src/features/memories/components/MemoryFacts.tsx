/** Where the memory came from and what has happened to it since. */
import { Stack, Text } from '@mantine/core'
import type { MemoryDetail } from '../../../../../shared/types'
import { formatDateTime, formatRelative, plural, provenanceText } from '../format'

const EMBEDDING: Record<string, string> = {
  pending: 'Waiting for embedding: found by keywords until then.',
  ready: 'Embedded for semantic search',
  failed: 'Embedding failed: found by keywords only.'
}

export function MemoryFacts(props: { detail: MemoryDetail }): React.JSX.Element {
  const { memory, provenance } = props.detail
  const embedded = memory.embeddingStatus === 'ready' && memory.embeddingModel ? ` (${memory.embeddingModel})` : ''
  return (
    <Stack gap={4} component="section" aria-label="Provenance">
      <Text size="sm">{provenanceText(provenance)}</Text>
      {memory.updatedAt !== memory.createdAt && (
        <Text size="xs" c="dimmed">
          Changed {formatRelative(memory.updatedAt)} ({formatDateTime(memory.updatedAt)})
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {memory.accessCount === 0
          ? 'Not used yet'
          : `Used ${plural(memory.accessCount, 'time', 'times')}${memory.lastAccessedAt ? `, last ${formatRelative(memory.lastAccessedAt)}` : ''}`}
      </Text>
      {memory.archivedAt && (
        <Text size="xs" c="dimmed">
          Archived {formatDateTime(memory.archivedAt)}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {(EMBEDDING[memory.embeddingStatus] ?? memory.embeddingStatus) + embedded}
      </Text>
    </Stack>
  )
}
