/**
 * Search across documents: the passages that match, best first, each with its document,
 * page and highlighted words. Choosing one opens the reader at that passage, marked.
 */
import { Alert, Center, Loader, Mark, Paper, Stack, Text } from '@mantine/core'
import { IconSearchOff } from '@tabler/icons-react'
import type { SearchHit } from '../../../../../shared/types'
import { openDocumentAt } from '../route'
import { useDocumentsStore } from '../store'
import { splitSnippet } from '../../../lib/format'

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

function Hit({ hit }: { hit: SearchHit }): React.JSX.Element {
  const docId = typeof hit.meta['documentId'] === 'string' ? hit.meta['documentId'] : null
  const name = typeof hit.meta['documentName'] === 'string' ? hit.meta['documentName'] : 'Document'
  const page = num(hit.meta['page'])
  const start = num(hit.meta['charStart'])
  const end = num(hit.meta['charEnd'])
  return (
    <button type="button" className="engram-hit" disabled={!docId} onClick={() => docId && openDocumentAt(docId, start, end)}>
      <Text size="sm" fw={600} truncate>
        {name}
        {page !== undefined && (
          <Text span size="xs" c="dimmed" fw={400}>
            {' '}
            · page {page}
          </Text>
        )}
      </Text>
      <Text size="sm" lineClamp={3} c="dimmed">
        {splitSnippet(hit.snippet || hit.text).map((p, i) =>
          p.marked ? (
            <Mark key={i} color="yellow">
              {p.text}
            </Mark>
          ) : (
            <span key={i}>{p.text}</span>
          )
        )}
      </Text>
    </button>
  )
}

export function DocumentHits(): React.JSX.Element {
  const query = useDocumentsStore((s) => s.query.trim())
  const search = useDocumentsStore((s) => s.search)
  const searching = useDocumentsStore((s) => s.searching)
  const error = useDocumentsStore((s) => s.searchError)

  let body: React.ReactNode
  if (error) {
    body = (
      <Alert color="red" variant="light" m="md" title="Search failed">
        {error.message}
      </Alert>
    )
  } else if (!search || (searching && search.query !== query)) {
    body = (
      <Center p="xl">
        <Loader aria-label="Searching" />
      </Center>
    )
  } else if (search.hits.length === 0) {
    body = (
      <Center p="xl">
        <Stack align="center" gap="xs">
          <IconSearchOff size={32} stroke={1.5} color="var(--mantine-color-dimmed)" />
          <Text fw={500}>No passage matches “{query}”.</Text>
          <Text size="sm" c="dimmed">
            Only documents that finished importing are searched.
          </Text>
        </Stack>
      </Center>
    )
  } else {
    body = (
      <div role="list" aria-label={`Passages matching ${query}`}>
        {search.hits.map((h) => (
          <div role="listitem" key={h.id}>
            <Hit hit={h} />
          </div>
        ))}
      </div>
    )
  }
  return (
    <Paper withBorder radius="lg" style={{ overflow: 'hidden' }}>
      {body}
    </Paper>
  )
}
