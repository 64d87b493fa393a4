/**
 * Memories: capture at the top, then the embedding status and timeline, search and
 * filters, and the virtualised list with the open memory beside it. With no memories at
 * all it stays an honest empty state under the composer. "/" focuses search.
 */
import { Center, Loader, Stack } from '@mantine/core'
import { useEffect } from 'react'
import { SectionPage } from '../../../app/SectionPage'
import '../memories.css'
import { isFiltered, useMemoriesStore } from '../store'
import { useMemoriesEvents } from '../useMemoriesEvents'
import { DeleteConfirmModal } from './DeleteConfirmModal'
import { MemoriesEmptyState } from './MemoriesEmptyState'
import { MemoriesOverview } from './MemoriesOverview'
import { MemoriesToolbar } from './MemoriesToolbar'
import { MemoryComposer } from './MemoryComposer'
import { MemoryDetailPanel } from './MemoryDetailPanel'
import { MemoryListPane } from './MemoryListPane'
import { ResultsSummary } from './ResultsSummary'
import { SEARCH_INPUT_ID } from './SearchBox'

const isTyping = (el: EventTarget | null): boolean =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))

export function MemoriesScreen(): React.JSX.Element {
  useMemoriesEvents()
  const view = useMemoriesStore((s) => {
    if (s.total === null && !s.listError) return 'loading'
    return s.total === 0 && !s.listError && !isFiltered(s.filters) && s.query.trim() === '' ? 'empty' : 'list'
  })
  const open = useMemoriesStore((s) => s.openId !== null)

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return
      if (document.querySelector('[role="dialog"]')) return
      const box = document.getElementById(SEARCH_INPUT_ID)
      if (!box) return
      e.preventDefault()
      box.focus()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  return (
    <SectionPage title="Memories">
      <Stack gap="md">
        <MemoryComposer />
        {view === 'loading' && (
          <Center py="xl">
            <Loader aria-label="Loading memories" />
          </Center>
        )}
        {view === 'empty' && <MemoriesEmptyState />}
        {view === 'list' && (
          <>
            <MemoriesOverview />
            <MemoriesToolbar />
            <ResultsSummary />
            <div className="engram-memories-body" data-open={open}>
              <MemoryListPane />
              {open && <MemoryDetailPanel />}
            </div>
          </>
        )}
      </Stack>
      <DeleteConfirmModal />
    </SectionPage>
  )
}
