/**
 * The shared machinery of Engram's long lists (@tanstack/react-virtual): only the rows on
 * screen (plus `overscan`) are in the DOM; the visible range is reported and the next page
 * asked for near the end; and the keyboard moves the selection (arrows, PageUp/PageDown,
 * Home/End), keeping the selected row scrolled into view. Each list adds its own keys
 * (Enter, Delete, …) after `navigate` declines a key.
 */
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'

/** Ask for the next page when the last rendered row is this close to the end. */
export const PREFETCH_ROWS = 40

export interface VirtualListNavOptions {
  /** The loaded rows' ids, in order. */
  ids: readonly string[]
  rowHeight: number
  overscan: number
  hasMore: boolean
  loading: boolean
  selectedId: string | null
  onSelect(id: string): void
  onEndReached(): void
  onVisibleRange(start: number, end: number): void
}

export interface VirtualListNav {
  scroller: React.RefObject<HTMLDivElement | null>
  virtualizer: Virtualizer<HTMLDivElement, Element>
  selectedIndex: number
  moveTo(index: number): void
  /** Handles the movement keys; false for any other key (or with a modifier held). */
  navigate(e: React.KeyboardEvent): boolean
}

export function useVirtualListNav(o: VirtualListNavOptions): VirtualListNav {
  const { ids, hasMore, loading, onEndReached, onVisibleRange } = o
  const scroller = useRef<HTMLDivElement>(null)
  // The virtualizer hands back fresh measurements on each render; nothing here memoises them.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: ids.length + (hasMore ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => o.rowHeight,
    overscan: o.overscan,
    getItemKey: (i) => ids[i] ?? 'more'
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0

  useEffect(() => {
    onVisibleRange(first, last)
    if (hasMore && !loading && last >= ids.length - PREFETCH_ROWS) onEndReached()
  }, [first, last, hasMore, loading, ids.length, onEndReached, onVisibleRange])

  const selectedIndex = o.selectedId ? ids.indexOf(o.selectedId) : -1

  function moveTo(index: number): void {
    const to = Math.max(0, Math.min(ids.length - 1, index))
    const id = ids[to]
    if (id === undefined) return
    o.onSelect(id)
    virtualizer.scrollToIndex(to, { align: 'auto' })
  }

  function navigate(e: React.KeyboardEvent): boolean {
    if (e.altKey || e.ctrlKey || e.metaKey) return false
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? o.rowHeight) / o.rowHeight) - 1)
    const at = selectedIndex
    switch (e.key) {
      case 'ArrowDown':
        moveTo(at < 0 ? 0 : at + 1)
        return true
      case 'ArrowUp':
        moveTo(at < 0 ? 0 : at - 1)
        return true
      case 'PageDown':
        moveTo(at + page)
        return true
      case 'PageUp':
        moveTo(at - page)
        return true
      case 'Home':
        moveTo(0)
        return true
      case 'End':
        moveTo(ids.length - 1)
        return true
    }
    return false
  }

  return { scroller, virtualizer, selectedIndex, moveTo, navigate }
}
