/** Search as you type; "/" anywhere on the screen comes here. */
import { Kbd } from '@mantine/core'
import { SearchInput } from '../../../components/SearchInput'
import { useMemoriesStore } from '../store'

export const SEARCH_INPUT_ID = 'memory-search'

export function SearchBox(): React.JSX.Element {
  const query = useMemoriesStore((s) => s.query)
  const searching = useMemoriesStore((s) => s.searching)
  const setQuery = useMemoriesStore((s) => s.setQuery)
  return (
    <SearchInput
      id={SEARCH_INPUT_ID}
      style={{ flex: 1 }}
      aria-label="Search memories"
      aria-keyshortcuts="/"
      placeholder="Search memories…"
      value={query}
      onChange={setQuery}
      busy={searching}
      // Down from the box goes into the results.
      onArrowDown={() => document.querySelector<HTMLElement>('.engram-memory-list')?.focus()}
      emptyHint={
        <Kbd size="xs" aria-hidden="true">
          /
        </Kbd>
      }
    />
  )
}
