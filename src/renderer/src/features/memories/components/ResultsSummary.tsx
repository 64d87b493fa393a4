/** One line above the list: how many memories, or how many hits, the search mode and its time. */
import { Group, Text } from '@mantine/core'
import { formatCount, plural } from '../format'
import { isFiltered, SEARCH_K, useMemoriesStore } from '../store'

export function ResultsSummary(): React.JSX.Element {
  const total = useMemoriesStore((s) => s.total)
  const filters = useMemoriesStore((s) => s.filters)
  const query = useMemoriesStore((s) => s.query.trim())
  const search = useMemoriesStore((s) => s.search)
  const searching = useMemoriesStore((s) => s.searching)

  let main: string
  let extra: string | null = null
  if (query) {
    if (!search) main = 'Searching…'
    else {
      const n = search.hits.length
      main = `${n >= SEARCH_K ? 'Top ' : ''}${plural(n, 'match', 'matches')} for “${search.query}”`
      extra = `${search.mode === 'keyword' ? 'keyword only — no embedding model' : 'meaning and keywords'} · ${formatCount(Math.round(search.tookMs))} ms`
    }
  } else if (total === null) main = 'Loading…'
  else if (filters.archived) main = plural(total, 'archived memory', 'archived memories')
  else main = isFiltered(filters) ? `${plural(total, 'memory matches', 'memories match')} the filters` : plural(total, 'memory', 'memories')

  return (
    <Group gap="xs" role="status" aria-live="polite" aria-busy={searching} data-testid="memories-summary">
      <Text size="sm" fw={600}>
        {main}
      </Text>
      {extra && (
        <Text size="sm" c="dimmed">
          · {extra}
        </Text>
      )}
    </Group>
  )
}
