/** The topic filter: free text with suggestions, applied on Enter, on pick, or when leaving the field. */
import { Autocomplete } from '@mantine/core'
import { useMemo, useState } from 'react'
import { useMemoriesStore } from '../store'

export function TopicFilter(): React.JSX.Element {
  const topic = useMemoriesStore((s) => s.filters.topic)
  const items = useMemoriesStore((s) => s.items)
  const setFilters = useMemoriesStore((s) => s.setFilters)
  const [draft, setDraft] = useState<string | null>(null)
  const value = draft ?? topic

  const suggestions = useMemo(() => {
    const counts = new Map<string, number>()
    for (const m of items.slice(0, 2000)) for (const t of m.topics) counts.set(t, (counts.get(t) ?? 0) + 1)
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 50)
      .map(([t]) => t)
  }, [items])

  const apply = (v: string): void => {
    setDraft(null)
    const next = v.trim().toLowerCase()
    if (next !== topic) setFilters({ topic: next })
  }

  return (
    <Autocomplete
      label="Topic"
      size="xs"
      w={150}
      placeholder="Any"
      data={suggestions}
      value={value}
      onChange={setDraft}
      onOptionSubmit={apply}
      onBlur={() => apply(value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') apply(e.currentTarget.value)
      }}
    />
  )
}
