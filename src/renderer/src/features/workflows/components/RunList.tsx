/**
 * The runs as one virtualised listbox (@tanstack/react-virtual): arrows, Home/End and
 * PageUp/PageDown move, Enter opens, Escape closes the open run. While a run is open, the
 * arrows open the run they land on. Near the end it asks for the next page.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'
import type { WorkflowRun } from '../../../../../shared/workflows'
import { useNow } from '../useNow'
import { RUN_ROW_HEIGHT, RunRow, runRowId } from './RunRow'
import { LoadingMoreRow } from '../../../components/LoadingMoreRow'

const PREFETCH_ROWS = 15
/** The list grows with its rows up to this height, then scrolls. */
export const LIST_MAX_HEIGHT = 560

export function RunList(props: {
  runs: WorkflowRun[]
  total: number
  hasMore: boolean
  loading: boolean
  selectedId: string | null
  openId: string | null
  onEndReached(): void
  onSelect(id: string): void
  onOpen(id: string): void
  onClose(): void
}): React.JSX.Element {
  const { runs, hasMore, loading, onEndReached } = props
  const scroller = useRef<HTMLDivElement>(null)
  const count = runs.length + (hasMore ? 1 : 0)
  // The virtualizer hands back fresh measurements on each render; nothing here memoises them.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => RUN_ROW_HEIGHT,
    overscan: 4,
    getItemKey: (i) => runs[i]?.id ?? 'more'
  })
  const items = virtualizer.getVirtualItems()
  const last = items[items.length - 1]?.index ?? 0
  const ticking = runs.some((r) => r.status === 'running' || r.status === 'pending')
  const now = useNow(ticking)

  useEffect(() => {
    if (hasMore && !loading && last >= runs.length - PREFETCH_ROWS) onEndReached()
  }, [last, hasMore, loading, runs.length, onEndReached])

  const selectedIndex = props.selectedId ? runs.findIndex((r) => r.id === props.selectedId) : -1

  function moveTo(index: number): void {
    const to = Math.max(0, Math.min(runs.length - 1, index))
    const run = runs[to]
    if (!run) return
    if (props.openId) props.onOpen(run.id)
    else props.onSelect(run.id)
    virtualizer.scrollToIndex(to, { align: 'auto' })
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLDivElement>): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? RUN_ROW_HEIGHT) / RUN_ROW_HEIGHT) - 1)
    const selected = selectedIndex >= 0 ? runs[selectedIndex] : undefined
    let handled = true
    switch (e.key) {
      case 'ArrowDown':
        moveTo(selectedIndex < 0 ? 0 : selectedIndex + 1)
        break
      case 'ArrowUp':
        moveTo(selectedIndex < 0 ? 0 : selectedIndex - 1)
        break
      case 'PageDown':
        moveTo(selectedIndex + page)
        break
      case 'PageUp':
        moveTo(selectedIndex - page)
        break
      case 'Home':
        moveTo(0)
        break
      case 'End':
        moveTo(runs.length - 1)
        break
      case 'Enter':
        if (selected) props.onOpen(selected.id)
        else handled = false
        break
      case 'Escape':
        if (props.openId) props.onClose()
        else handled = false
        break
      default:
        handled = false
    }
    if (handled) e.preventDefault()
  }

  return (
    <div
      ref={scroller}
      className="engram-vlist engram-run-list"
      style={{ height: Math.min(LIST_MAX_HEIGHT, Math.max(RUN_ROW_HEIGHT, virtualizer.getTotalSize())) }}
      role="listbox"
      aria-label="Workflow runs"
      aria-activedescendant={selectedIndex >= 0 && runs[selectedIndex] ? runRowId(runs[selectedIndex].id) : undefined}
      aria-keyshortcuts="ArrowUp ArrowDown Enter Escape"
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (selectedIndex < 0 && runs[0]) props.onSelect(runs[0].id)
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {items.map((item) => {
          const run = runs[item.index]
          if (!run)
            return <LoadingMoreRow key={item.key} item={item} />
          return (
            <RunRow
              key={item.key}
              run={run}
              index={item.index}
              setSize={props.total}
              start={item.start}
              selected={run.id === props.selectedId}
              open={run.id === props.openId}
              now={now}
              onActivate={props.onOpen}
              measureRef={virtualizer.measureElement}
            />
          )
        })}
      </div>
    </div>
  )
}
