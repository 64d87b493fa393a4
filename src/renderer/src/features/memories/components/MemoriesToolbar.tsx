/** Search, sort and filters above the list. Search ranks by relevance, so sort applies to the list only. */
import { Group, SegmentedControl, Stack, Tooltip } from '@mantine/core'
import { useMemoriesStore, type SortKey } from '../store'
import { MemoryFilters } from './MemoryFilters'
import { SearchBox } from './SearchBox'

const SORTS: Array<{ value: SortKey; label: string }> = [
  { value: 'recent', label: 'Recent' },
  { value: 'importance', label: 'Important' },
  { value: 'accessed', label: 'Last used' }
]

export function MemoriesToolbar(): React.JSX.Element {
  const sort = useMemoriesStore((s) => s.filters.sort)
  const searching = useMemoriesStore((s) => s.query.trim() !== '')
  const setFilters = useMemoriesStore((s) => s.setFilters)
  return (
    <Stack gap="sm">
      <Group gap="sm" wrap="nowrap">
        <SearchBox />
        <Tooltip label="Search results are ranked by relevance" disabled={!searching}>
          <SegmentedControl
            aria-label="Sort"
            size="sm"
            data={SORTS}
            value={sort}
            disabled={searching}
            onChange={(v) => setFilters({ sort: v as SortKey })}
          />
        </Tooltip>
      </Group>
      <MemoryFilters />
    </Stack>
  )
}
