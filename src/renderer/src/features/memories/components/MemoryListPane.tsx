/**
 * The list area: the memories (pages from `memories:list`) or, while the search box has
 * text, the ranked hits, in the same list; and the honest empty states of either.
 */
import { Button, Center, Loader, Paper, Stack, Text } from '@mantine/core'
import { IconSearchOff } from '@tabler/icons-react'
import { useCallback, useMemo } from 'react'
import { togglePin } from '../actions'
import { rowFromHit, rowFromMemory, type MemoryRowData } from '../rows'
import { DEFAULT_FILTERS, useMemoriesStore } from '../store'
import { MemoryList } from './MemoryList'
import { RetryAlert } from '../../../components/RetryAlert'

export function MemoryListPane(): React.JSX.Element {
  const items = useMemoriesStore((s) => s.items)
  const total = useMemoriesStore((s) => s.total)
  const nextCursor = useMemoriesStore((s) => s.nextCursor)
  const listLoading = useMemoriesStore((s) => s.listLoading)
  const listError = useMemoriesStore((s) => s.listError)
  const query = useMemoriesStore((s) => s.query.trim())
  const search = useMemoriesStore((s) => s.search)
  const searching = useMemoriesStore((s) => s.searching)
  const searchError = useMemoriesStore((s) => s.searchError)
  const tier = useMemoriesStore((s) => s.filters.tier)
  const selectedId = useMemoriesStore((s) => s.selectedId)
  const openId = useMemoriesStore((s) => s.openId)
  const store = useMemoriesStore.getState()
  const inSearch = query !== ''

  const rows = useMemo<MemoryRowData[]>(() => {
    if (!inSearch) return items.map(rowFromMemory)
    // Search has no tier filter of its own: the hits carry their tier, so filter here.
    const hits = (search?.hits ?? []).filter((h) => h.source === 'memory').map(rowFromHit)
    return tier ? hits.filter((r) => r.tier === tier) : hits
  }, [inSearch, items, search, tier])

  const loadMore = useCallback(() => void useMemoriesStore.getState().loadMore(), [])
  const onVisibleRange = useCallback((a: number, b: number) => useMemoriesStore.getState().setVisibleRange(a, b), [])
  const onOpen = useCallback((id: string, opts?: { edit?: boolean }) => void useMemoriesStore.getState().open(id, opts), [])
  const onDelete = useCallback((id: string) => useMemoriesStore.getState().askDelete(id), [])
  const onPin = useCallback((row: MemoryRowData) => togglePin(row.id, !row.pinned), [])

  const error = inSearch ? searchError : listError
  let body: React.ReactNode
  if (error && rows.length === 0) {
    body = (
      <Center h="100%" p="xl">
        <RetryAlert title={inSearch ? 'Search failed' : 'Could not load memories'} message={error.message} onRetry={() => (inSearch ? store.setQuery(store.query) : void store.loadFirst())} />
      </Center>
    )
  } else if (inSearch && rows.length === 0) {
    body = (
      <Center h="100%" p="xl">
        {searching || !search ? (
          <Loader aria-label="Searching" />
        ) : (
          <Stack align="center" gap="xs">
            <IconSearchOff size={32} stroke={1.5} color="var(--mantine-color-dimmed)" />
            <Text fw={500}>Nothing matches “{query}”.</Text>
            <Text size="sm" c="dimmed">
              Try other words, or clear the filters.
            </Text>
          </Stack>
        )}
      </Center>
    )
  } else if (!inSearch && total === 0) {
    body = (
      <Center h="100%" p="xl">
        <Stack align="center" gap="xs">
          <Text fw={500}>No memories match these filters.</Text>
          <Button variant="light" size="xs" onClick={() => store.setFilters({ ...DEFAULT_FILTERS, sort: store.filters.sort })}>
            Clear filters
          </Button>
        </Stack>
      </Center>
    )
  } else if (!inSearch && total === null) {
    body = (
      <Center h="100%">
        <Loader aria-label="Loading memories" />
      </Center>
    )
  } else {
    body = (
      <MemoryList
        label={inSearch ? `Search results for ${query}` : 'Memories'}
        rows={rows}
        setSize={inSearch ? rows.length : (total ?? -1)}
        hasMore={!inSearch && nextCursor !== null}
        loading={listLoading}
        selectedId={selectedId}
        openId={openId}
        onEndReached={loadMore}
        onVisibleRange={onVisibleRange}
        onSelect={store.select}
        onOpen={onOpen}
        onTogglePin={onPin}
        onDelete={onDelete}
        onEscape={store.close}
      />
    )
  }

  return (
    <Paper withBorder radius="lg" className="engram-memories-pane" style={{ overflow: 'hidden' }}>
      {body}
    </Paper>
  )
}
