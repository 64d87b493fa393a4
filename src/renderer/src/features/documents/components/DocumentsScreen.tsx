/**
 * Documents: files given to Engram, read, split into passages and searchable. Drop files
 * or folders anywhere on the window (DropAnywhere), or choose them here. The list shows
 * every import with its live progress and, when one failed, why in words; the summary
 * banner follows the latest drop. `#/documents/<id>` opens the reader instead of the list.
 */
import { Button, Center, Group, Loader, Paper, SegmentedControl, Stack, Text } from '@mantine/core'
import { IconFileText, IconFolderOpen, IconRefreshDot, IconUpload } from '@tabler/icons-react'
import { useCallback, useEffect, useRef, useState } from 'react'
import { SectionEmptyState } from '../../../app/SectionEmptyState'
import { SectionPage } from '../../../app/SectionPage'
import { SearchInput } from '../../../components/SearchInput'
import '../documents.css'
import { formatCount } from '../format'
import { importChosen, pickWithDialog } from '../importer'
import { useDocumentRoute } from '../route'
import { useDocumentsStore } from '../store'
import { useDocumentsScreen } from '../useDocumentsEvents'
import { DeleteDocumentModal } from './DeleteDocumentModal'
import { DocumentHits } from './DocumentHits'
import { DocumentList } from './DocumentList'
import { docOpenId } from './DocumentRow'
import { DocumentReader } from './DocumentReader'
import { ImportBanner } from './ImportBanner'
import { PasswordModal } from './PasswordModal'
import { SourcesDrawer } from './SourcesDrawer'
import { RetryAlert } from '../../../components/RetryAlert'

const FORMATS = 'PDF, Word (.docx), OpenDocument (.odt), EPUB, RTF, HTML, Markdown, text and CSV'

function ChooseButtons(props: { size?: 'xs' | 'sm' }): React.JSX.Element {
  const files = useRef<HTMLInputElement>(null)
  const folder = useRef<HTMLInputElement>(null)
  useEffect(() => {
    // Not in React's typings: a file input that picks a folder (and everything in it).
    folder.current?.setAttribute('webkitdirectory', '')
  }, [])
  const choose = (kind: 'files' | 'folder'): void => {
    void pickWithDialog(kind).then((done) => {
      if (!done) (kind === 'files' ? files : folder).current?.click()
    })
  }
  const onChange = (e: React.ChangeEvent<HTMLInputElement>): void => {
    importChosen(e.currentTarget.files)
    e.currentTarget.value = ''
  }
  return (
    <Group gap="xs">
      <Button size={props.size ?? 'sm'} leftSection={<IconUpload size={16} />} onClick={() => choose('files')}>
        Choose files…
      </Button>
      <Button size={props.size ?? 'sm'} variant="default" leftSection={<IconFolderOpen size={16} />} onClick={() => choose('folder')}>
        Choose folder…
      </Button>
      <input ref={files} type="file" multiple hidden onChange={onChange} aria-label="Files to import" data-testid="document-file-input" />
      <input ref={folder} type="file" multiple hidden onChange={onChange} aria-label="Folder to import" />
    </Group>
  )
}

function DocumentsListPane(): React.JSX.Element {
  const items = useDocumentsStore((s) => s.items)
  const runs = useDocumentsStore((s) => s.runs)
  const total = useDocumentsStore((s) => s.total)
  const nextCursor = useDocumentsStore((s) => s.nextCursor)
  const listLoading = useDocumentsStore((s) => s.listLoading)
  const listError = useDocumentsStore((s) => s.listError)
  const selectedId = useDocumentsStore((s) => s.selectedId)
  const archived = useDocumentsStore((s) => s.archived)
  const loadMore = useCallback(() => void useDocumentsStore.getState().loadMore(), [])
  const onVisibleRange = useCallback((a: number, b: number) => useDocumentsStore.getState().setVisibleRange(a, b), [])
  const onSelect = useCallback((id: string) => useDocumentsStore.getState().select(id), [])
  const onDelete = useCallback((id: string) => useDocumentsStore.getState().askDelete(id), [])

  if (listError && items.length === 0)
    return (
      <RetryAlert title="Could not load documents" message={listError.message} onRetry={() => void useDocumentsStore.getState().loadFirst()} />
    )
  if (total === null)
    return (
      <Center py="xl">
        <Loader aria-label="Loading documents" />
      </Center>
    )
  if (total === 0 && archived)
    return (
      <Paper withBorder radius="lg" p="xl">
        <Text c="dimmed" ta="center">
          No archived documents.
        </Text>
      </Paper>
    )
  if (total === 0)
    return (
      <SectionEmptyState
        icon={IconFileText}
        title="No documents yet"
        description={
          <>
            <span style={{ display: 'block' }}>Drop files here to import them.</span>
            <span style={{ display: 'block', marginTop: 6 }}>
              Folders too, anywhere in this window, or choose them above. Engram reads {FORMATS}, splits them into passages, and makes them searchable.
            </span>
          </>
        }
      />
    )
  return (
    <Stack gap={6}>
      <Text size="xs" c="dimmed" data-testid="documents-count">
        {formatCount(total)} {archived ? 'archived ' : ''}
        {total === 1 ? 'document' : 'documents'}
      </Text>
      <Paper withBorder radius="lg" style={{ overflow: 'hidden' }}>
        <DocumentList
          label={archived ? 'Archived documents' : 'Documents'}
          docs={items}
          runs={runs}
          setSize={total}
          hasMore={nextCursor !== null}
          loading={listLoading}
          selectedId={selectedId}
          onEndReached={loadMore}
          onVisibleRange={onVisibleRange}
          onSelect={onSelect}
          onDelete={onDelete}
        />
      </Paper>
    </Stack>
  )
}

function Toolbar(): React.JSX.Element {
  const query = useDocumentsStore((s) => s.query)
  const archived = useDocumentsStore((s) => s.archived)
  const store = useDocumentsStore.getState()
  const [sources, setSources] = useState(false)
  return (
    <Group gap="sm" wrap="wrap">
      <ChooseButtons />
      <Button variant="default" leftSection={<IconRefreshDot size={16} />} onClick={() => setSources(true)}>
        Sync &amp; chat history…
      </Button>
      <SourcesDrawer opened={sources} onClose={() => setSources(false)} />
      <SearchInput
        style={{ flex: 1, minWidth: 200 }}
        aria-label="Search documents"
        placeholder="Search in all documents…"
        value={query}
        onChange={store.setQuery}
      />
      <SegmentedControl
        size="sm"
        aria-label="Which documents"
        value={archived ? 'archived' : 'active'}
        onChange={(v) => store.setArchived(v === 'archived')}
        data={[
          { value: 'active', label: 'Documents' },
          { value: 'archived', label: 'Archived' }
        ]}
      />
    </Group>
  )
}

export function DocumentsScreen(): React.JSX.Element {
  useDocumentsScreen()
  const route = useDocumentRoute()
  const searching = useDocumentsStore((s) => s.query.trim() !== '')
  const lastOpen = useRef<string | null>(null)

  useEffect(() => {
    const store = useDocumentsStore.getState()
    if (route.id) {
      lastOpen.current = route.id
      store.select(route.id)
      void store.loadReader(route.id)
      return
    }
    store.closeReader()
    // Back from the reader: the keyboard continues on the row it opened.
    const was = lastOpen.current
    lastOpen.current = null
    if (was) requestAnimationFrame(() => document.getElementById(docOpenId(was))?.focus())
  }, [route.id])

  return (
    <SectionPage title="Documents" description={route.id ? undefined : 'Files you give Engram: read, split into passages, and searchable in chat and search.'}>
      <Stack gap="md">
        <ImportBanner />
        {route.id ? (
          <DocumentReader key={route.id} route={route} />
        ) : (
          <>
            <Toolbar />
            {searching ? <DocumentHits /> : <DocumentsListPane />}
          </>
        )}
      </Stack>
      <DeleteDocumentModal />
      <PasswordModal />
    </SectionPage>
  )
}
