/**
 * The Memories screen's state: the paged list (pages of 200 from `memories:list`), search
 * as you type (`search:query`, debounced, stale answers dropped by a request counter),
 * filters and sort, the selected row, the open detail, the timeline and the embedding
 * status. Changes made here or elsewhere (`memories:changed`) schedule one debounced
 * refresh of what is on screen, so a burst of events costs one round of calls.
 */
import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type {
  CaptureResult,
  EmbeddingStatusInfo,
  Memory,
  MemoryDetail,
  MemoryTier,
  SearchHit,
  SearchResponse,
  TimelinePoint
} from '../../../../shared/types'
import type { ChannelInput } from '../../../../shared/contract'
import { api, toAppError } from '../../lib/api'
import { dayToIso } from './format'
import { singleFlight } from '../../lib/single-flight'
import { searchAsYouType } from '../../lib/search-as-you-type'
import { applyFreshPages, fetchVisiblePages, flattenPages, type Page as ListPage } from '../../lib/paged-list'

export const PAGE_SIZE = 200
export const SEARCH_K = 50
export const SEARCH_DEBOUNCE_MS = 150
export const REFRESH_DEBOUNCE_MS = 250
/** Embedding progress only changes the "pending" marks: refresh for it less often. */
export const EMBEDDED_REFRESH_MS = 2000
export const TIMELINE_DAYS = 90

export type SortKey = 'recent' | 'importance' | 'accessed'

export interface Filters {
  sort: SortKey
  /** '' means any. */
  type: string
  topic: string
  tier: MemoryTier | null
  /** The list shows archived memories instead of active ones; search includes them. */
  archived: boolean
  /** yyyy-mm-dd (local days), '' for open-ended. */
  from: string
  to: string
}

export const DEFAULT_FILTERS: Filters = { sort: 'recent', type: '', topic: '', tier: null, archived: false, from: '', to: '' }

/** True when a filter (not the sort) narrows the list. */
export const isFiltered = (f: Filters): boolean => Boolean(f.type || f.topic || f.tier || f.archived || f.from || f.to)

type Page = ListPage<Memory>

export interface SearchResult {
  query: string
  hits: SearchHit[]
  mode: SearchResponse['mode']
  tookMs: number
}

interface MemoriesStore {
  /** The profile this state belongs to. */
  profileId: string | null
  filters: Filters
  /** The search box's text. */
  query: string
  pages: Page[]
  /** The loaded rows of the list, in order, each id once. */
  items: Memory[]
  /** How many memories match the list's filters (null until the first page answers). */
  total: number | null
  nextCursor: string | null
  listLoading: boolean
  listError: AppError | null
  /** The answer for the current query (null when the box is empty). */
  search: SearchResult | null
  searching: boolean
  searchError: AppError | null
  /** The row the keyboard is on. */
  selectedId: string | null
  /** The memory shown in the detail panel. */
  openId: string | null
  detail: MemoryDetail | null
  detailLoading: boolean
  detailError: AppError | null
  editing: boolean
  /** The memory the user is asked to confirm deleting (the Delete key), if any. */
  confirmDeleteId: string | null
  embedding: EmbeddingStatusInfo | null
  timeline: TimelinePoint[] | null

  /** Forgets everything: another profile was opened. */
  reset(profileId: string | null): void
  loadFirst(): Promise<void>
  loadMore(): Promise<void>
  setFilters(patch: Partial<Filters>): void
  setQuery(query: string): void
  select(id: string | null): void
  open(id: string, opts?: { edit?: boolean }): Promise<void>
  close(): void
  setEditing(editing: boolean): void
  askDelete(id: string | null): void
  capture(input: ChannelInput<'memories:capture'>): Promise<CaptureResult>
  /** New text supersedes: the panel follows the returned (new) id. */
  saveContent(id: string, content: string): Promise<Memory>
  patch(id: string, fields: Omit<ChannelInput<'memories:update'>, 'id' | 'content'>): Promise<Memory>
  archive(id: string): Promise<Memory>
  restore(id: string): Promise<Memory>
  remove(id: string): Promise<string>
  undoDelete(token: string): Promise<Memory>
  merge(ids: string[], content?: string): Promise<Memory>
  dismissDuplicate(id: string, candidateId: string): Promise<void>
  loadTimeline(): Promise<void>
  loadEmbedding(): Promise<void>
  applyEmbedding(info: EmbeddingStatusInfo): void
  /** Something changed (here or elsewhere): refresh what is on screen, soon, once. */
  scheduleRefresh(ids?: string[], delayMs?: number): void
  /** The list tells the store which rows are on screen, so a refresh reloads their pages. */
  setVisibleRange(start: number, end: number): void
}

const INITIAL = {
  profileId: null,
  filters: DEFAULT_FILTERS,
  query: '',
  pages: [] as Page[],
  items: [] as Memory[],
  total: null,
  nextCursor: null,
  listLoading: false,
  listError: null,
  search: null,
  searching: false,
  searchError: null,
  selectedId: null,
  openId: null,
  detail: null,
  detailLoading: false,
  detailError: null,
  editing: false,
  confirmDeleteId: null,
  embedding: null,
  timeline: null
} satisfies Partial<MemoriesStore>

/** Bumped by every first-page load: answers for an older filter set are dropped. */
let listGeneration = 0
let detailSeq = 0
let refreshTimer: ReturnType<typeof setTimeout> | undefined
let refreshDue = 0
let refreshIds = new Set<string>()
let visible = { start: 0, end: 0 }

function listInput(f: Filters, cursor: string | undefined): ChannelInput<'memories:list'> {
  const from = dayToIso(f.from, 'start')
  const to = dayToIso(f.to, 'end')
  return {
    status: f.archived ? 'archived' : 'active',
    sort: f.sort,
    limit: PAGE_SIZE,
    ...(f.type ? { type: f.type } : {}),
    ...(f.topic ? { topic: f.topic } : {}),
    ...(f.tier ? { tier: f.tier } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(cursor ? { cursor } : {})
  }
}

function searchInput(query: string, f: Filters): ChannelInput<'search:query'> {
  const from = dayToIso(f.from, 'start')
  const to = dayToIso(f.to, 'end')
  return {
    query,
    k: SEARCH_K,
    sources: ['memory'],
    recordAccess: false,
    includeArchived: f.archived,
    ...(f.type ? { types: [f.type] } : {}),
    ...(f.topic ? { topics: [f.topic] } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {})
  }
}

export const useMemoriesStore = create<MemoriesStore>((set, get) => {
  /** Replaces a memory wherever it is shown (list pages, search hits, the open detail). */
  function applyMemory(m: Memory): void {
    const { pages, search, detail } = get()
    const nextPages = pages.map((p) => (p.items.some((x) => x.id === m.id) ? { ...p, items: p.items.map((x) => (x.id === m.id ? m : x)) } : p))
    const nextSearch = search && {
      ...search,
      hits: search.hits.map((h) =>
        h.id === m.id ? { ...h, meta: { ...h.meta, type: m.type, topics: m.topics, importance: m.importance, tier: m.tier, pinned: m.pinned } } : h
      )
    }
    set({
      pages: nextPages,
      items: flattenPages(nextPages),
      search: nextSearch,
      detail: detail && detail.memory.id === m.id ? { ...detail, memory: m } : detail
    })
  }

  /** Takes a memory off the screen at once (deleted, or archived out of the active list). */
  function dropMemory(id: string): void {
    const { pages, search, total } = get()
    const nextPages = pages.map((p) => ({ ...p, items: p.items.filter((x) => x.id !== id) }))
    const had = pages.some((p) => p.items.some((x) => x.id === id))
    set({
      pages: nextPages,
      items: flattenPages(nextPages),
      total: had && total !== null ? Math.max(0, total - 1) : total,
      search: search && { ...search, hits: search.hits.filter((h) => h.id !== id) }
    })
  }

  const searcher = searchAsYouType<SearchResult>({
    debounceMs: SEARCH_DEBOUNCE_MS,
    set,
    async search(query) {
      const res = await api.invoke('search:query', searchInput(query, get().filters))
      return { query, hits: res.hits, mode: res.mode, tookMs: res.tookMs }
    }
  })

  /** Reloads the first page and the pages on screen, in place (a deep scroll is not lost). */
  async function refreshList(): Promise<void> {
    const gen = listGeneration
    const { pages, filters } = get()
    if (pages.length === 0) return get().loadFirst()
    const fresh = await fetchVisiblePages(pages, visible, (cursor) => api.invoke('memories:list', listInput(filters, cursor)))
    if (gen !== listGeneration) return
    const next = applyFreshPages(get(), fresh)
    set({ ...next, items: flattenPages(next.pages), listError: null })
  }

  /** A refresh is running; another request waits for it, then runs once more. */
  const flushRefresh = singleFlight(refreshOnce)

  async function refreshOnce(): Promise<void> {
    const ids = refreshIds
    refreshIds = new Set()
    const { search, query, openId } = get()
    const jobs: Array<Promise<unknown>> = [refreshList(), get().loadTimeline(), get().loadEmbedding()]
    if (search && query.trim()) jobs.push(searcher.run(query.trim(), true))
    if (openId && ids.has(openId)) jobs.push(reloadDetail(openId, false))
    const results = await Promise.allSettled(jobs)
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) set({ listError: toAppError(failed.reason) })
  }

  /** Fetches the open memory again; follows an edit made elsewhere, closes on a delete. */
  async function reloadDetail(id: string, recordAccess = true): Promise<void> {
    const seq = ++detailSeq
    try {
      const detail = await api.invoke('memories:get', { id, recordAccess })
      if (seq !== detailSeq || get().openId !== id) return
      if (detail.memory.status === 'superseded' && detail.memory.supersededBy) return get().open(detail.memory.supersededBy)
      set({ detail, detailError: null })
    } catch (err) {
      if (seq !== detailSeq || get().openId !== id) return
      const e = toAppError(err)
      if (e.code === 'not_found') set({ openId: null, detail: null, editing: false })
      else set({ detailError: e })
    }
  }

  return {
    ...INITIAL,

    reset(profileId) {
      listGeneration++
      searcher.cancel()
      detailSeq++
      clearTimeout(refreshTimer)
      refreshTimer = undefined
      refreshIds = new Set()
      set({ ...INITIAL, profileId })
    },

    async loadFirst() {
      const gen = ++listGeneration
      set({ listLoading: true })
      try {
        const page = await api.invoke('memories:list', listInput(get().filters, undefined))
        if (gen !== listGeneration) return
        const pages = [{ cursor: undefined, items: page.items }]
        set({ pages, items: flattenPages(pages), total: page.total, nextCursor: page.nextCursor, listLoading: false, listError: null })
      } catch (err) {
        if (gen !== listGeneration) return
        set({ listLoading: false, listError: toAppError(err) })
      }
    },

    async loadMore() {
      const { nextCursor, listLoading, filters } = get()
      if (!nextCursor || listLoading) return
      const gen = listGeneration
      set({ listLoading: true })
      try {
        const page = await api.invoke('memories:list', listInput(filters, nextCursor))
        if (gen !== listGeneration) return
        const pages = [...get().pages, { cursor: nextCursor, items: page.items }]
        set({ pages, items: flattenPages(pages), total: page.total, nextCursor: page.nextCursor, listLoading: false, listError: null })
      } catch (err) {
        if (gen !== listGeneration) return
        set({ listLoading: false, listError: toAppError(err) })
      }
    },

    setFilters(patch) {
      set({ filters: { ...get().filters, ...patch } })
      void get().loadFirst()
      const q = get().query.trim()
      if (q) {
        searcher.clearPending()
        void searcher.run(q)
      }
    },

    setQuery(query) {
      set({ query })
      searcher.typed(query)
    },

    select(id) {
      set({ selectedId: id })
    },

    async open(id, opts) {
      const same = get().detail?.memory.id === id
      set({ openId: id, selectedId: id, editing: opts?.edit ?? false, detailLoading: true, detailError: null, ...(same ? {} : { detail: null }) })
      await reloadDetail(id)
      if (get().openId === id) set({ detailLoading: false })
    },

    close() {
      detailSeq++
      set({ openId: null, detail: null, editing: false, detailLoading: false, detailError: null })
    },

    setEditing(editing) {
      set({ editing })
    },

    askDelete(id) {
      set({ confirmDeleteId: id })
    },

    async capture(input) {
      const result = await api.invoke('memories:capture', input)
      get().scheduleRefresh([result.memory.id])
      return result
    },

    async saveContent(id, content) {
      const m = await api.invoke('memories:update', { id, content })
      set({ editing: false })
      get().scheduleRefresh([id, m.id])
      if (m.id !== id) {
        // The old row goes at once; the new one arrives with the refresh.
        const { pages } = get()
        const nextPages = pages.map((p) => ({ ...p, items: p.items.map((x) => (x.id === id ? m : x)) }))
        set({ pages: nextPages, items: flattenPages(nextPages) })
        if (get().openId === id) await get().open(m.id)
      } else applyMemory(m)
      return m
    },

    async patch(id, fields) {
      const m = await api.invoke('memories:update', { id, ...fields })
      applyMemory(m)
      get().scheduleRefresh([])
      return m
    },

    async archive(id) {
      const m = await api.invoke('memories:archive', { id })
      if (!get().filters.archived) dropMemory(id)
      applyMemory(m)
      get().scheduleRefresh([id])
      return m
    },

    async restore(id) {
      const m = await api.invoke('memories:restore', { id })
      if (get().filters.archived) dropMemory(id)
      applyMemory(m)
      get().scheduleRefresh([id])
      return m
    },

    async remove(id) {
      const { undoToken } = await api.invoke('memories:delete', { id })
      if (get().openId === id) get().close()
      if (get().selectedId === id) {
        // Keep the keyboard's place: the next row (or the one before) becomes selected.
        const { query, search, items } = get()
        const ids = query.trim() ? (search?.hits ?? []).map((h) => h.id) : items.map((m) => m.id)
        const at = ids.indexOf(id)
        set({ selectedId: ids[at + 1] ?? ids[at - 1] ?? null })
      }
      dropMemory(id)
      get().scheduleRefresh([])
      return undoToken
    },

    async undoDelete(token) {
      const m = await api.invoke('memories:undoDelete', { undoToken: token })
      get().scheduleRefresh([m.id])
      return m
    },

    async merge(ids, content) {
      const m = await api.invoke('memories:merge', content === undefined ? { ids } : { ids, content })
      for (const id of ids) if (id !== m.id) dropMemory(id)
      get().scheduleRefresh([...ids, m.id])
      await get().open(m.id)
      return m
    },

    async dismissDuplicate(id, candidateId) {
      await api.invoke('memories:dismissDuplicate', { id, candidateId })
      const d = get().detail
      if (d && d.memory.id === id) set({ detail: { ...d, duplicates: d.duplicates.filter((x) => x.memory.id !== candidateId) } })
    },

    async loadTimeline() {
      set({ timeline: await api.invoke('memories:timeline', { days: TIMELINE_DAYS }) })
    },

    async loadEmbedding() {
      set({ embedding: await api.invoke('embeddings:status', {}) })
    },

    applyEmbedding(info) {
      set({ embedding: info })
    },

    scheduleRefresh(ids = [], delayMs = REFRESH_DEBOUNCE_MS) {
      for (const id of ids) refreshIds.add(id)
      // Events that keep coming (a background embedding run) join the pending refresh
      // instead of pushing it back; a sooner request brings it forward.
      const due = Date.now() + delayMs
      if (refreshTimer !== undefined && refreshDue <= due) return
      clearTimeout(refreshTimer)
      refreshDue = due
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined
        void flushRefresh()
      }, delayMs)
    },

    setVisibleRange(start, end) {
      visible = { start, end }
    }
  }
})
