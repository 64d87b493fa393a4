/**
 * The virtualised document list (@tanstack/react-virtual): only the rows on screen, plus
 * a few, are in the DOM, so a 1,000-file drop scrolls and updates smoothly. Near the end it
 * asks for the next page of 200. Keyboard: arrows, Home/End and PageUp/PageDown move the
 * selection (and focus), Enter opens the selected document, Delete asks to delete it.
 */
import { Center, Group, Loader, Text } from '@mantine/core'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'
import type { DocumentSummary } from '../../../../../shared/types'
import type { RunProgress } from '../drop'
import { DOC_ROW_HEIGHT, DocumentRow, docOpenId } from './DocumentRow'

const PREFETCH_ROWS = 40

export interface DocumentListProps {
  label: string
  docs: DocumentSummary[]
  runs: Readonly<Record<string, RunProgress>>
  setSize: number
  hasMore: boolean
  loading: boolean
  selectedId: string | null
  onEndReached(): void
  onVisibleRange(start: number, end: number): void
  onSelect(id: string): void
  onDelete(id: string): void
}

export function DocumentList(props: DocumentListProps): React.JSX.Element {
  const { docs, hasMore, loading, onEndReached, onVisibleRange } = props
  const scroller = useRef<HTMLDivElement>(null)
  /** Set when the keyboard moved the selection: focus follows once the row is rendered. */
  const focusPending = useRef(false)
  const count = docs.length + (hasMore ? 1 : 0)
  // The virtualizer hands back fresh measurements on each render; nothing here memoises them.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => DOC_ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => docs[i]?.id ?? 'more'
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0

  useEffect(() => {
    onVisibleRange(first, last)
    if (hasMore && !loading && last >= docs.length - PREFETCH_ROWS) onEndReached()
  }, [first, last, hasMore, loading, docs.length, onEndReached, onVisibleRange])

  const selectedIndex = props.selectedId ? docs.findIndex((d) => d.id === props.selectedId) : -1
  const rendered = new Set(items.map((i) => i.index))
  // One row's buttons are in the Tab order: the selected one when it is on screen, else the first shown.
  const tabbableIndex = selectedIndex >= 0 && rendered.has(selectedIndex) ? selectedIndex : (items.find((i) => docs[i.index])?.index ?? -1)

  useEffect(() => {
    if (!focusPending.current || !props.selectedId) return
    const el = document.getElementById(docOpenId(props.selectedId))
    if (el) {
      focusPending.current = false
      el.focus({ preventScroll: true })
    }
  })

  function moveTo(index: number): void {
    const to = Math.max(0, Math.min(docs.length - 1, index))
    const doc = docs[to]
    if (!doc) return
    focusPending.current = true
    props.onSelect(doc.id)
    virtualizer.scrollToIndex(to, { align: 'auto' })
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLDivElement>): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return
    // Keys typed into a control of a row (a button's Space, say) stay with it, except these.
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? DOC_ROW_HEIGHT) / DOC_ROW_HEIGHT) - 1)
    const at = selectedIndex
    let handled = true
    switch (e.key) {
      case 'ArrowDown':
        moveTo(at < 0 ? 0 : at + 1)
        break
      case 'ArrowUp':
        moveTo(at < 0 ? 0 : at - 1)
        break
      case 'PageDown':
        moveTo(at + page)
        break
      case 'PageUp':
        moveTo(at - page)
        break
      case 'Home':
        moveTo(0)
        break
      case 'End':
        moveTo(docs.length - 1)
        break
      case 'Delete':
        if (props.selectedId) props.onDelete(props.selectedId)
        break
      default:
        handled = false
    }
    if (handled) e.preventDefault()
  }

  return (
    <div ref={scroller} className="engram-doc-list" onKeyDown={onKeyDown}>
      <div role="list" aria-label={props.label} style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {items.map((item) => {
          const doc = docs[item.index]
          if (!doc)
            return (
              <Center
                key={item.key}
                role="listitem"
                style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: item.size, transform: `translateY(${item.start}px)` }}
              >
                <Group gap="xs">
                  <Loader size="xs" />
                  <Text size="sm" c="dimmed">
                    Loading more…
                  </Text>
                </Group>
              </Center>
            )
          return (
            <DocumentRow
              key={item.key}
              doc={doc}
              run={doc.runId ? props.runs[doc.runId] : undefined}
              index={item.index}
              setSize={props.setSize}
              start={item.start}
              selected={doc.id === props.selectedId}
              tabbable={item.index === tabbableIndex}
              measureRef={virtualizer.measureElement}
            />
          )
        })}
      </div>
    </div>
  )
}
