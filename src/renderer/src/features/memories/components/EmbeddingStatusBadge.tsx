/** Whether search understands meaning yet: the model's state and how many memories wait for it. */
import { Badge, Group, Tooltip } from '@mantine/core'
import { useMemoriesStore } from '../store'
import { embeddingWords } from '../format'
import { ModelDownloadButton } from './ModelDownloadButton'

export function EmbeddingStatusBadge(): React.JSX.Element | null {
  const status = useMemoriesStore((s) => s.embedding)
  if (!status) return null
  const words = embeddingWords(status)
  return (
    <Group gap={6} role="status" aria-label={`Embeddings: ${words.label}${status.randomWeights ? ', test model (random weights)' : ''}`}>
      <Tooltip label={words.detail || words.label} multiline w={300} disabled={!words.detail}>
        <Badge variant="dot" color={words.color} size="md" tt="none" fw={500}>
          {words.label}
        </Badge>
      </Tooltip>
      {status.randomWeights && (
        <Tooltip label="The embedding model has random weights: fine for testing, useless for meaning." multiline w={280}>
          <Badge variant="light" color="grape" size="md" tt="none" fw={500}>
            test model (random weights)
          </Badge>
        </Tooltip>
      )}
      <ModelDownloadButton />
    </Group>
  )
}
