/**
 * The Documents screen's state: the paged list (`documents:list`, pages of 200), the live
 * progress of every import run (`workflows:run` events, gathered and applied a few times a
 * second so that a 1,000-file drop stays smooth), the current drop's summary, search
 * across documents, the open document in the reader, and the dialogs. `documents:changed`
 * and finished runs schedule one debounced refresh of what is on screen.
 */
import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type { DocumentDetail, DocumentSummary, ImportResult, SearchHit } from '../../../../shared/types'
import type { WorkflowEvent } from '../../../../shared/workflows'
import { api, toAppError } from '../../lib/api'
import type { DropBatch, DropFile, RunProgress } from './drop'
import { fileState } from './drop'
import { closeReader as leaveReader, openDocumentAt } from './route'
import { singleFlight } from '../../lib/single-flight'
import { searchAsYouType } from '../../lib/search-as-you-type'
import { applyFreshPages, fetchVisiblePages, flattenPages, type Page as ListPage } from '../../lib/paged-list'

export const PAGE_SIZE = 200
export const REFRESH_DEBOUNCE_MS = 300
export const PROGRESS_FLUSH_MS = 150
export const SEARCH_DEBOUNCE_MS = 200
export const SEARCH_K = 30
export const IMPORT_WORKFLOW = 'document.import'
/** In-progress documents whose run is looked up after a load (the rest wait for events). */
const SEED_RUNS_MAX = 25

type Page = ListPage<DocumentSummary>

export interface ReaderState {
  id: string
  detail: DocumentDetail | null
  loading: boolean
  error: AppError | null
}

export interface DocumentSearch {
  query: string
  hits: SearchHit[]
}

interface DocumentsStore {
  profileId: string | null
  /** The list shows archived documents instead of the others. */
  archived: boolean
  pages: Page[]
  items: DocumentSummary[]
  total: number | null
  nextCursor: string | null
  listLoading: boolean
  listError: AppError | null
  /** The latest known progress of each import run, by run id. */
  runs: Record<string, RunProgress>
  /** The drop the summary banner is about. */
  drop: DropBatch | null
  selectedId: string | null
  confirmDeleteId: string | null
  /** The failed encrypted PDF whose password is being asked for. */
  passwordForId: string | null
  reader: ReaderState | null
  query: string
  search: DocumentSearch | null
  searching: boolean
  searchError: AppError | null

  reset(profileId: string | null): void
  /** The screen is shown (refreshes run) or not (changes only mark the list stale). */
  setActive(active: boolean): void
  loadFirst(): Promise<void>
  loadMore(): Promise<void>
  setArchived(archived: boolean): void
  setVisibleRange(start: number, end: number): void
  scheduleRefresh(ids?: string[]): void
  /** A `workflows:run` event: progress now, a refresh when the run ended. */
  applyRunEvent(e: WorkflowEvent): void
  /** Catches up after missed events (a bridge reconnect): asks for the runs still open. */
  reconcileRuns(): Promise<void>

  /** Starts a drop's summary (or adds to the running one); returns a key per file. */
  beginDrop(files: Array<{ name: string; size: number | null }>, preparing?: number): string[]
  updateDropFile(key: string, patch: Partial<DropFile>): void
  /** A desktop import answered: its files join the summary. */
  addDropResult(result: ImportResult, preparedOne: boolean): void
  /** A desktop import failed as a whole. */
  failPreparing(): void
  dismissDrop(): void

  select(id: string | null): void
  askDelete(id: string | null): void
  askPassword(id: string | null): void
  cancel(id: string): Promise<DocumentSummary>
  retry(id: string, password?: string): Promise<DocumentSummary>
  archive(id: string): Promise<DocumentSummary>
  restore(id: string): Promise<DocumentSummary>
  remove(id: string): Promise<void>

  loadReader(id: string): Promise<void>
  closeReader(): void
  setQuery(query: string): void
}

const INITIAL = {
  profileId: null,
  archived: false,
  pages: [] as Page[],
  items: [] as DocumentSummary[],
  total: null,
  nextCursor: null,
  listLoading: false,
  listError: null,
  runs: {} as Record<string, RunProgress>,
  drop: null,
  selectedId: null,
  confirmDeleteId: null,
  passwordForId: null,
  reader: null,
  query: '',
  search: null,
  searching: false,
  searchError: null
} satisfies Partial<DocumentsStore>

let listGeneration = 0
let readerSeq = 0
let refreshTimer: ReturnType<typeof setTimeout> | undefined
let refreshIds = new Set<string>()
let visible = { start: 0, end: 0 }
/** True while the Documents screen is mounted; otherwise a change only marks the list stale. */
let active = false
let stale = false
let pendingRuns = new Map<string, RunProgress>()
let flushTimer: ReturnType<typeof setTimeout> | undefined
const seeded = new Set<string>()
let nextDropId = 1
let nextKey = 1

const isOpen = (d: DocumentSummary): boolean => d.status === 'pending' || d.status === 'processing'

export const useDocumentsStore = create<DocumentsStore>((set, get) => {
  function listInput(cursor: string | undefined): { archived: boolean; limit: number; cursor?: string } {
    return { archived: get().archived, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }
  }

  /** Replaces a document wherever it is shown. */
  function applyDoc(d: DocumentSummary): void {
    const { pages, reader } = get()
    const next = pages.map((p) => (p.items.some((x) => x.id === d.id) ? { ...p, items: p.items.map((x) => (x.id === d.id ? d : x)) } : p))
    set({ pages: next, items: flattenPages(next), reader: reader?.detail && reader.id === d.id ? { ...reader, detail: { ...reader.detail, document: d } } : reader })
  }

  function dropDoc(id: string): void {
    const { pages, total, items, selectedId } = get()
    const had = items.some((x) => x.id === id)
    const next = pages.map((p) => ({ ...p, items: p.items.filter((x) => x.id !== id) }))
    let selected = selectedId
    if (selectedId === id) {
      const at = items.findIndex((x) => x.id === id)
      selected = items[at + 1]?.id ?? items[at - 1]?.id ?? null
    }
    set({ pages: next, items: flattenPages(next), total: had && total !== null ? Math.max(0, total - 1) : total, selectedId: selected })
  }

  function flushRuns(): void {
    flushTimer = undefined
    if (pendingRuns.size === 0) return
    const runs = { ...get().runs }
    for (const [id, r] of pendingRuns) runs[id] = r
    pendingRuns = new Map()
    set({ runs })
  }

  /** Looks up the runs of in-progress documents that no event has told about yet (after a reload). */
  function seedRuns(docs: DocumentSummary[]): void {
    const want = docs.filter((d) => isOpen(d) && d.runId && !get().runs[d.runId] && !seeded.has(d.runId)).slice(0, SEED_RUNS_MAX)
    for (const d of want) {
      const runId = d.runId as string
      seeded.add(runId)
      api
        .invoke('workflows:get', { id: runId })
        .then(({ run }) => {
          if (get().runs[runId] || pendingRuns.has(runId)) return
          pendingRuns.set(runId, { status: run.status, progress: run.progress, step: run.progressDetail.step, detail: run.progressDetail.detail })
          if (!flushTimer) flushTimer = setTimeout(flushRuns, PROGRESS_FLUSH_MS)
        })
        .catch(() => undefined)
    }
  }

  async function refreshList(): Promise<void> {
    const gen = listGeneration
    const { pages } = get()
    if (pages.length === 0) return get().loadFirst()
    const fresh = await fetchVisiblePages(pages, visible, (cursor) => api.invoke('documents:list', listInput(cursor)))
    if (gen !== listGeneration) return
    const next = applyFreshPages(get(), fresh)
    const items = flattenPages(next.pages)
    set({ ...next, items, listError: null })
    seedRuns(items)
  }

  async function reloadReader(id: string, quiet: boolean): Promise<void> {
    const seq = ++readerSeq
    if (!quiet) set({ reader: { id, detail: get().reader?.id === id ? (get().reader?.detail ?? null) : null, loading: true, error: null } })
    try {
      const detail = await api.invoke('documents:get', { id })
      if (seq !== readerSeq || get().reader?.id !== id) return
      set({ reader: { id, detail, loading: false, error: null } })
    } catch (err) {
      if (seq !== readerSeq || get().reader?.id !== id) return
      set({ reader: { id, detail: quiet ? (get().reader?.detail ?? null) : null, loading: false, error: toAppError(err) } })
    }
  }

  async function refreshOnce(): Promise<void> {
    const ids = refreshIds
    refreshIds = new Set()
    const { reader, query, search } = get()
    const jobs: Array<Promise<unknown>> = [refreshList()]
    // The open document follows its import (text arrives once parsed), or a change made elsewhere.
    if (reader && (ids.has(reader.id) || (reader.detail && isOpen(reader.detail.document)))) jobs.push(reloadReader(reader.id, true))
    if (search && query.trim()) jobs.push(searcher.run(query.trim(), true))
    const failed = (await Promise.allSettled(jobs)).find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) set({ listError: toAppError(failed.reason) })
  }

  /** A refresh is running; another request waits for it, then runs once more. */
  const flushRefresh = singleFlight(refreshOnce)

  const searcher = searchAsYouType<DocumentSearch>({
    debounceMs: SEARCH_DEBOUNCE_MS,
    set,
    async search(query) {
      const res = await api.invoke('search:query', { query, k: SEARCH_K, sources: ['document'], recordAccess: false, includeArchived: get().archived })
      return { query, hits: res.hits.filter((h) => h.source === 'document') }
    }
  })

  /** After a retry the document has a new id and run: a drop that listed it follows. */
  function followRetry(oldId: string, d: DocumentSummary): void {
    const drop = get().drop
    if (!drop || !drop.files.some((f) => f.documentId === oldId)) return
    set({ drop: { ...drop, files: drop.files.map((f) => (f.documentId === oldId ? { ...f, documentId: d.id, runId: d.runId, phase: 'sent', error: null } : f)) } })
  }

  return {
    ...INITIAL,

    reset(profileId) {
      listGeneration++
      readerSeq++
      searcher.cancel()
      clearTimeout(refreshTimer)
      clearTimeout(flushTimer)
      refreshTimer = undefined
      flushTimer = undefined
      refreshIds = new Set()
      pendingRuns = new Map()
      seeded.clear()
      set({ ...INITIAL, profileId })
    },

    setActive(on) {
      active = on
      if (on && stale) {
        stale = false
        get().scheduleRefresh()
      }
    },

    async loadFirst() {
      const gen = ++listGeneration
      set({ listLoading: true })
      try {
        const page = await api.invoke('documents:list', listInput(undefined))
        if (gen !== listGeneration) return
        const pages = [{ cursor: undefined, items: page.items }]
        const items = flattenPages(pages)
        set({ pages, items, total: page.total, nextCursor: page.nextCursor, listLoading: false, listError: null })
        seedRuns(items)
      } catch (err) {
        if (gen !== listGeneration) return
        set({ listLoading: false, listError: toAppError(err) })
      }
    },

    async loadMore() {
      const { nextCursor, listLoading } = get()
      if (!nextCursor || listLoading) return
      const gen = listGeneration
      set({ listLoading: true })
      try {
        const page = await api.invoke('documents:list', listInput(nextCursor))
        if (gen !== listGeneration) return
        const pages = [...get().pages, { cursor: nextCursor, items: page.items }]
        set({ pages, items: flattenPages(pages), total: page.total, nextCursor: page.nextCursor, listLoading: false, listError: null })
      } catch (err) {
        if (gen !== listGeneration) return
        set({ listLoading: false, listError: toAppError(err) })
      }
    },

    setArchived(archived) {
      if (archived === get().archived) return
      set({ archived, pages: [], items: [], total: null, nextCursor: null, selectedId: null })
      void get().loadFirst()
      const q = get().query.trim()
      if (q) void searcher.run(q)
    },

    setVisibleRange(start, end) {
      visible = { start, end }
    },

    scheduleRefresh(ids = []) {
      for (const id of ids) refreshIds.add(id)
      if (!active) {
        stale = true
        return
      }
      // A burst of events joins the pending refresh instead of pushing it back.
      if (refreshTimer !== undefined) return
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined
        void flushRefresh()
      }, REFRESH_DEBOUNCE_MS)
    },

    applyRunEvent(e) {
      if (e.name !== IMPORT_WORKFLOW) return
      const before = pendingRuns.get(e.runId) ?? get().runs[e.runId]
      pendingRuns.set(e.runId, {
        status: e.status,
        progress: e.progress,
        // Step-less events (queued, cancelling) keep the last step and note on screen.
        step: e.step ?? before?.step ?? null,
        detail: e.step || !before ? e.detail : before.detail
      })
      if (!flushTimer) flushTimer = setTimeout(flushRuns, PROGRESS_FLUSH_MS)
      if (e.status === 'succeeded' || e.status === 'failed' || e.status === 'cancelled') get().scheduleRefresh()
    },

    async reconcileRuns() {
      const { drop, runs, items } = get()
      if (!drop) return
      const docs = new Map(items.map((d) => [d.id, d]))
      const open = drop.files.filter((f) => f.runId && fileState(f, runs, docs).state === 'running').slice(0, 200)
      await Promise.allSettled(
        open.map(async (f) => {
          const { run } = await api.invoke('workflows:get', { id: f.runId as string })
          pendingRuns.set(run.id, { status: run.status, progress: run.progress, step: run.progressDetail.step, detail: run.progressDetail.detail })
        })
      )
      flushRuns()
    },

    beginDrop(files, preparing = 0) {
      const current = get().drop
      const keys = files.map(() => `f${nextKey++}`)
      const added: DropFile[] = files.map((f, i) => ({ key: keys[i] as string, name: f.name, size: f.size, phase: 'waiting', documentId: null, runId: null, error: null }))
      const docs = new Map(get().items.map((d) => [d.id, d]))
      const stillGoing =
        current && !current.dismissed && (current.preparing > 0 || current.files.some((f) => ['sending', 'running'].includes(fileState(f, get().runs, docs).state)))
      set({
        drop: stillGoing
          ? { ...current, files: [...current.files, ...added], preparing: current.preparing + preparing }
          : { id: nextDropId++, files: added, preparing, dismissed: false }
      })
      return keys
    },

    updateDropFile(key, patch) {
      const drop = get().drop
      if (!drop) return
      set({ drop: { ...drop, files: drop.files.map((f) => (f.key === key ? { ...f, ...patch } : f)) } })
    },

    addDropResult(result, preparedOne) {
      const drop = get().drop
      if (!drop) return
      const added: DropFile[] = result.files.map((f) => ({
        key: `f${nextKey++}`,
        name: f.name,
        size: null,
        phase: f.documentId ? 'sent' : 'failed',
        documentId: f.documentId,
        runId: f.runId,
        error: f.error
      }))
      set({ drop: { ...drop, files: [...drop.files, ...added], preparing: Math.max(0, drop.preparing - (preparedOne ? 1 : 0)) } })
      get().scheduleRefresh()
    },

    failPreparing() {
      const drop = get().drop
      if (drop) set({ drop: { ...drop, preparing: Math.max(0, drop.preparing - 1) } })
    },

    dismissDrop() {
      const drop = get().drop
      if (drop) set({ drop: { ...drop, dismissed: true } })
    },

    select(id) {
      set({ selectedId: id })
    },

    askDelete(id) {
      set({ confirmDeleteId: id })
    },

    askPassword(id) {
      set({ passwordForId: id })
    },

    async cancel(id) {
      const d = await api.invoke('documents:cancel', { id })
      applyDoc(d)
      get().scheduleRefresh([id])
      return d
    },

    async retry(id, password) {
      const d = await api.invoke('documents:retry', password === undefined ? { id } : { id, password })
      // A retry is a new import: the new document replaces the old one where it stood.
      const { pages, selectedId, reader } = get()
      const next = pages.map((p) => ({ ...p, items: p.items.map((x) => (x.id === id ? d : x)) }))
      set({ pages: next, items: flattenPages(next), selectedId: selectedId === id ? d.id : selectedId })
      followRetry(id, d)
      if (reader?.id === id) openDocumentAt(d.id)
      get().scheduleRefresh([id, d.id])
      return d
    },

    async archive(id) {
      const d = await api.invoke('documents:archive', { id })
      if (!get().archived) dropDoc(id)
      applyDoc(d)
      get().scheduleRefresh([id])
      return d
    },

    async restore(id) {
      const d = await api.invoke('documents:restore', { id })
      if (get().archived) dropDoc(id)
      applyDoc(d)
      get().scheduleRefresh([id])
      return d
    },

    async remove(id) {
      await api.invoke('documents:delete', { id })
      dropDoc(id)
      if (get().reader?.id === id) leaveReader()
      get().scheduleRefresh([id])
    },

    async loadReader(id) {
      if (get().reader?.id === id && get().reader?.detail) return reloadReader(id, true)
      await reloadReader(id, false)
    },

    closeReader() {
      readerSeq++
      set({ reader: null })
    },

    setQuery(query) {
      set({ query })
      searcher.typed(query)
    }
  }
})
