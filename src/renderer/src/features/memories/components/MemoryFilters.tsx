/** The filter row: type, topic, tier, a date range and the archive switch. */
import { Button, Group, Select, Switch, TextInput } from '@mantine/core'
import { useMemo } from 'react'
import type { MemoryTier } from '../../../../../shared/types'
import { typeOptions } from '../memoryTypes'
import { DEFAULT_FILTERS, isFiltered, useMemoriesStore } from '../store'
import { TopicFilter } from './TopicFilter'

const TIERS: Array<{ value: MemoryTier; label: string }> = [
  { value: 'hot', label: 'Hot' },
  { value: 'warm', label: 'Warm' },
  { value: 'cold', label: 'Cold' }
]

export function MemoryFilters(): React.JSX.Element {
  const filters = useMemoriesStore((s) => s.filters)
  const items = useMemoriesStore((s) => s.items)
  const setFilters = useMemoriesStore((s) => s.setFilters)
  const searching = useMemoriesStore((s) => s.query.trim() !== '')
  const types = useMemo(() => typeOptions(items.slice(0, 2000).map((m) => m.type)), [items])

  return (
    <Group gap="sm" align="flex-end" role="group" aria-label="Filters">
      <Select
        label="Type"
        size="xs"
        w={130}
        placeholder="Any"
        data={types}
        value={filters.type || null}
        onChange={(v) => setFilters({ type: v ?? '' })}
        clearable
        allowDeselect
      />
      <TopicFilter />
      <Select
        label="Tier"
        size="xs"
        w={110}
        placeholder="Any"
        data={TIERS}
        value={filters.tier}
        onChange={(v) => setFilters({ tier: (v as MemoryTier | null) ?? null })}
        clearable
      />
      <TextInput
        label="From"
        size="xs"
        type="date"
        w={140}
        value={filters.from}
        max={filters.to || undefined}
        onChange={(e) => setFilters({ from: e.currentTarget.value })}
      />
      <TextInput
        label="To"
        size="xs"
        type="date"
        w={140}
        value={filters.to}
        min={filters.from || undefined}
        onChange={(e) => setFilters({ to: e.currentTarget.value })}
      />
      <Switch
        label={searching ? 'Include archived' : 'Archived only'}
        size="sm"
        mb={4}
        checked={filters.archived}
        onChange={(e) => setFilters({ archived: e.currentTarget.checked })}
      />
      {isFiltered(filters) && (
        <Button variant="subtle" size="xs" onClick={() => setFilters({ ...DEFAULT_FILTERS, sort: filters.sort })}>
          Clear filters
        </Button>
      )}
    </Group>
  )
}
