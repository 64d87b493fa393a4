/**
 * The virtualised memory list (@tanstack/react-virtual): only the rows on screen, plus a
 * few, are in the DOM, so 100,000 memories scroll like 100. It is one listbox the
 * keyboard drives (arrows, Home/End, PageUp/PageDown, Enter, e, p, Delete); the selected
 * row is kept scrolled into view. Near the end it asks for the next page.
 */
import { useMemo } from 'react'
import { useVirtualListNav } from '../../../lib/useVirtualListNav'
import type { MemoryRowData } from '../rows'
import { MemoryListRow, ROW_HEIGHT, rowDomId } from './MemoryListRow'
import { LoadingMoreRow } from '../../../components/LoadingMoreRow'

export interface MemoryListProps {
  label: string
  rows: MemoryRowData[]
  /** All rows there are, loaded or not (the list's total). */
  setSize: number
  hasMore: boolean
  loading: boolean
  selectedId: string | null
  openId: string | null
  onEndReached(): void
  onVisibleRange(start: number, end: number): void
  onSelect(id: string): void
  onOpen(id: string, opts?: { edit?: boolean }): void
  onTogglePin(row: MemoryRowData): void
  onDelete(id: string): void
  onEscape(): void
}

export function MemoryList(props: MemoryListProps): React.JSX.Element {
  const { rows, hasMore, loading, onEndReached, onVisibleRange } = props
  const ids = useMemo(() => rows.map((r) => r.id), [rows])
  const { scroller, virtualizer, selectedIndex, navigate } = useVirtualListNav({ ids, rowHeight: ROW_HEIGHT, overscan: 6, hasMore, loading, selectedId: props.selectedId, onSelect: props.onSelect, onEndReached, onVisibleRange })
  const items = virtualizer.getVirtualItems()

  function onKeyDown(e: React.KeyboardEvent<HTMLDivElement>): void {
    if (navigate(e)) {
      e.preventDefault()
      return
    }
    if (e.altKey || e.ctrlKey || e.metaKey) return
    const selected = selectedIndex >= 0 ? rows[selectedIndex] : undefined
    const handled = (() => {
      if (e.key === 'Escape') {
        props.onEscape()
        return true
      }
      if (!selected) return false
      switch (e.key) {
        case 'Enter':
          props.onOpen(selected.id)
          return true
        case 'e':
          props.onOpen(selected.id, { edit: true })
          return true
        case 'p':
          props.onTogglePin(selected)
          return true
        case 'Delete':
          props.onDelete(selected.id)
          return true
      }
      return false
    })()
    if (handled) e.preventDefault()
  }

  return (
    <div
      ref={scroller}
      className="engram-vlist engram-memory-list"
      style={{ height: '100%' }}
      role="listbox"
      aria-label={props.label}
      aria-activedescendant={selectedIndex >= 0 && rows[selectedIndex] ? rowDomId(rows[selectedIndex].id) : undefined}
      aria-keyshortcuts="ArrowUp ArrowDown Enter e p Delete"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {items.map((item) => {
          const row = rows[item.index]
          if (!row)
            return <LoadingMoreRow key={item.key} item={item} />
          return (
            <MemoryListRow
              key={item.key}
              row={row}
              index={item.index}
              setSize={props.setSize}
              start={item.start}
              selected={row.id === props.selectedId}
              open={row.id === props.openId}
              onActivate={props.onOpen}
              measureRef={virtualizer.measureElement}
            />
          )
        })}
      </div>
    </div>
  )
}
