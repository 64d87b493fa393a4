/**
 * The virtualised memory list (@tanstack/react-virtual): only the rows on screen, plus a
 * few, are in the DOM, so 100,000 memories scroll like 100. It is one listbox the
 * keyboard drives (arrows, Home/End, PageUp/PageDown, Enter, e, p, Delete); the selected
 * row is kept scrolled into view. Near the end it asks for the next page.
 */
import { Center, Group, Loader, Text } from '@mantine/core'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'
import type { MemoryRowData } from '../rows'
import { MemoryListRow, ROW_HEIGHT, rowDomId } from './MemoryListRow'

/** Ask for the next page when the last rendered row is this close to the end. */
const PREFETCH_ROWS = 40

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
  const scroller = useRef<HTMLDivElement>(null)
  const count = rows.length + (hasMore ? 1 : 0)
  // The virtualizer hands back fresh measurements on each render; nothing here memoises them.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    getItemKey: (i) => rows[i]?.id ?? 'more'
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0

  useEffect(() => {
    onVisibleRange(first, last)
    if (hasMore && !loading && last >= rows.length - PREFETCH_ROWS) onEndReached()
  }, [first, last, hasMore, loading, rows.length, onEndReached, onVisibleRange])

  const selectedIndex = props.selectedId ? rows.findIndex((r) => r.id === props.selectedId) : -1

  function moveTo(index: number): void {
    const to = Math.max(0, Math.min(rows.length - 1, index))
    const row = rows[to]
    if (!row) return
    props.onSelect(row.id)
    virtualizer.scrollToIndex(to, { align: 'auto' })
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLDivElement>): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1)
    const selected = selectedIndex >= 0 ? rows[selectedIndex] : undefined
    const handled = (() => {
      switch (e.key) {
        case 'ArrowDown':
          moveTo(selectedIndex < 0 ? 0 : selectedIndex + 1)
          return true
        case 'ArrowUp':
          moveTo(selectedIndex < 0 ? 0 : selectedIndex - 1)
          return true
        case 'PageDown':
          moveTo(selectedIndex + page)
          return true
        case 'PageUp':
          moveTo(selectedIndex - page)
          return true
        case 'Home':
          moveTo(0)
          return true
        case 'End':
          moveTo(rows.length - 1)
          return true
        case 'Escape':
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
      className="engram-memory-list"
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
            return (
              <Center key={item.key} style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: item.size, transform: `translateY(${item.start}px)` }}>
                <Group gap="xs">
                  <Loader size="xs" />
                  <Text size="sm" c="dimmed">
                    Loading more…
                  </Text>
                </Group>
              </Center>
            )
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
