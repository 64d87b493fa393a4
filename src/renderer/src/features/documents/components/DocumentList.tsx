/**
 * The virtualised document list (@tanstack/react-virtual): only the rows on screen, plus
 * a few, are in the DOM, so a 1,000-file drop scrolls and updates smoothly. Near the end it
 * asks for the next page of 200. Keyboard: arrows, Home/End and PageUp/PageDown move the
 * selection (and focus), Enter opens the selected document, Delete asks to delete it.
 */
import { useEffect, useMemo, useRef } from 'react'
import { useVirtualListNav } from '../../../lib/useVirtualListNav'
import type { DocumentSummary } from '../../../../../shared/types'
import type { RunProgress } from '../drop'
import { DOC_ROW_HEIGHT, DocumentRow, docOpenId } from './DocumentRow'
import { LoadingMoreRow } from '../../../components/LoadingMoreRow'

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
  /** Set when the keyboard moved the selection: focus follows once the row is rendered. */
  const focusPending = useRef(false)
  const ids = useMemo(() => docs.map((d) => d.id), [docs])
  const { scroller, virtualizer, selectedIndex, navigate } = useVirtualListNav({
    ids,
    rowHeight: DOC_ROW_HEIGHT,
    overscan: 8,
    hasMore,
    loading,
    selectedId: props.selectedId,
    onSelect: (id) => {
      focusPending.current = true
      props.onSelect(id)
    },
    onEndReached,
    onVisibleRange
  })
  const items = virtualizer.getVirtualItems()
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

  function onKeyDown(e: React.KeyboardEvent<HTMLDivElement>): void {
    // Keys typed into a control of a row (a button's Space, say) stay with it, except these.
    if (navigate(e)) e.preventDefault()
    else if (e.key === 'Delete' && !(e.altKey || e.ctrlKey || e.metaKey) && props.selectedId) {
      props.onDelete(props.selectedId)
      e.preventDefault()
    }
  }

  return (
    <div ref={scroller} className="engram-vlist engram-doc-list" onKeyDown={onKeyDown}>
      <div role="list" aria-label={props.label} style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {items.map((item) => {
          const doc = docs[item.index]
          if (!doc)
            return <LoadingMoreRow key={item.key} item={item} role="listitem" />
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
