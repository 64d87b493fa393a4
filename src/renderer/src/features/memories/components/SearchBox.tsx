/** Search as you type; "/" anywhere on the screen comes here. */
import { CloseButton, Kbd, Loader, TextInput } from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'
import { useMemoriesStore } from '../store'

export const SEARCH_INPUT_ID = 'memory-search'

export function SearchBox(): React.JSX.Element {
  const query = useMemoriesStore((s) => s.query)
  const searching = useMemoriesStore((s) => s.searching)
  const setQuery = useMemoriesStore((s) => s.setQuery)
  return (
    <TextInput
      id={SEARCH_INPUT_ID}
      style={{ flex: 1 }}
      type="search"
      aria-label="Search memories"
      aria-keyshortcuts="/"
      placeholder="Search memories…"
      value={query}
      onChange={(e) => setQuery(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && query) {
          e.preventDefault()
          setQuery('')
        }
        // Down from the box goes into the results.
        if (e.key === 'ArrowDown') {
          e.preventDefault()
          document.querySelector<HTMLElement>('.engram-memory-list')?.focus()
        }
      }}
      leftSection={searching ? <Loader size={14} aria-hidden="true" /> : <IconSearch size={16} aria-hidden="true" />}
      rightSection={
        query ? (
          <CloseButton size="sm" aria-label="Clear search" onClick={() => setQuery('')} />
        ) : (
          <Kbd size="xs" aria-hidden="true">
            /
          </Kbd>
        )
      }
    />
  )
}
