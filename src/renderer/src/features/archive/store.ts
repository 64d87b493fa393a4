/**
 * The Archive screen's state: archived memories (`memories:list` status 'archived'),
 * archived documents (`documents:list` archived: true) and archived chat sessions
 * (`sessions:list` archived: true), each in pages of 200 with its own
 * search text (a client-side filter over what is loaded), Restore, and Purge behind a
 * confirmation. `memories:changed` and `documents:changed` schedule one debounced refresh
 * of the tab they are about, reloading everything loaded (up to 500) in one call.
 */
import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type { DocumentSummary, Memory } from '../../../../shared/types'
import type { ChatSession } from '../../../../shared/chat'
import { api, toAppError } from '../../lib/api'

export const PAGE_SIZE = 200
const REFRESH_MAX = 500
export const REFRESH_DEBOUNCE_MS = 300

export type ArchiveKind = 'memories' | 'documents' | 'sessions'
export const ARCHIVE_KINDS: readonly ArchiveKind[] = ['memories', 'documents', 'sessions']

export interface TabState<T> {
  items: T[]
  /** Archived items there are (null until the first page answers). */
  total: number | null
  nextCursor: string | null
  loading: boolean
  error: AppError | null
  /** The search box's text for this tab. */
  query: string
}

export interface PurgeTarget {
  kind: ArchiveKind
  id: string
  /** What the dialog shows: the memory's text or the document's name. */
  label: string
}

interface ArchiveStore {
  profileId: string | null
  tab: ArchiveKind
  memories: TabState<Memory>
  documents: TabState<DocumentSummary>
  sessions: TabState<ChatSession>
  /** Restore or purge in flight, by id. */
  busy: Record<string, 'restore' | 'purge'>
  confirm: PurgeTarget | null

  reset(profileId: string | null): void
  load(kind: ArchiveKind): Promise<void>
  loadMore(kind: ArchiveKind): Promise<void>
  setTab(tab: ArchiveKind): void
  setQuery(kind: ArchiveKind, query: string): void
  restore(kind: ArchiveKind, id: string): Promise<void>
  askPurge(target: PurgeTarget | null): void
  purge(kind: ArchiveKind, id: string): Promise<void>
  scheduleRefresh(kind: ArchiveKind): void
}

const emptyTab = <T>(): TabState<T> => ({ items: [], total: null, nextCursor: null, loading: false, error: null, query: '' })

const INITIAL = {
  profileId: null,
  tab: 'memories' as ArchiveKind,
  memories: emptyTab<Memory>(),
  documents: emptyTab<DocumentSummary>(),
  sessions: emptyTab<ChatSession>(),
  busy: {} as Record<string, 'restore' | 'purge'>,
  confirm: null
} satisfies Partial<ArchiveStore>

const generation: Record<ArchiveKind, number> = { memories: 0, documents: 0, sessions: 0 }
const timers: Partial<Record<ArchiveKind, ReturnType<typeof setTimeout>>> = {}

type Page<T> = { items: T[]; total: number; nextCursor: string | null }

/** What each tab holds. */
export interface ArchiveItems {
  memories: Memory
  documents: DocumentSummary
  sessions: ChatSession
}

async function fetchPage<K extends ArchiveKind>(kind: K, cursor: string | undefined, limit: number): Promise<Page<ArchiveItems[K]>> {
  const at = cursor ? { cursor } : {}
  const page: Page<Memory> | Page<DocumentSummary> | Page<ChatSession> =
    kind === 'memories'
      ? await api.invoke('memories:list', { status: 'archived', sort: 'recent', limit, ...at })
      : kind === 'documents'
        ? await api.invoke('documents:list', { archived: true, limit, ...at })
        : await api.invoke('sessions:list', { archived: true, limit, ...at })
  return page as Page<ArchiveItems[K]>
}

function dedupe<T extends { id: string }>(items: T[]): T[] {
  const seen = new Set<string>()
  return items.filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)))
}

export const useArchiveStore = create<ArchiveStore>((set, get) => {
  const tabOf = <K extends ArchiveKind>(kind: K): TabState<ArchiveItems[K]> => get()[kind] as TabState<ArchiveItems[K]>

  function patchTab<K extends ArchiveKind>(kind: K, patch: Partial<TabState<ArchiveItems[K]>>): void {
    set({ [kind]: { ...tabOf(kind), ...patch } } as Partial<ArchiveStore>)
  }

  /** Takes an item off its tab at once (restored or purged); the refresh confirms it. */
  function drop(kind: ArchiveKind, id: string): void {
    const tab = tabOf(kind)
    if (!tab.items.some((x) => x.id === id)) return
    patchTab(kind, { items: tab.items.filter((x) => x.id !== id), total: tab.total === null ? null : Math.max(0, tab.total - 1) })
  }

  async function refresh<K extends ArchiveKind>(kind: K): Promise<void> {
    const tab = tabOf(kind)
    if (tab.total === null) return get().load(kind)
    const gen = generation[kind]
    const limit = Math.min(REFRESH_MAX, Math.max(PAGE_SIZE, tab.items.length))
    try {
      const page = await fetchPage(kind, undefined, limit)
      if (gen !== generation[kind]) return
      const current = tabOf(kind)
      const beyond = current.items.length > limit ? current.items.slice(limit) : []
      patchTab(kind, { items: dedupe([...page.items, ...beyond]), total: page.total, nextCursor: beyond.length ? current.nextCursor : page.nextCursor, error: null })
    } catch (err) {
      if (gen === generation[kind]) patchTab(kind, { error: toAppError(err) })
    }
  }

  return {
    ...INITIAL,

    reset(profileId) {
      for (const k of ARCHIVE_KINDS) {
        generation[k]++
        clearTimeout(timers[k])
      }
      set({ ...INITIAL, memories: emptyTab<Memory>(), documents: emptyTab<DocumentSummary>(), sessions: emptyTab<ChatSession>(), profileId })
    },

    async load(kind) {
      const gen = ++generation[kind]
      patchTab(kind, { loading: true })
      try {
        const page = await fetchPage(kind, undefined, PAGE_SIZE)
        if (gen !== generation[kind]) return
        patchTab(kind, { items: dedupe(page.items), total: page.total, nextCursor: page.nextCursor, loading: false, error: null })
      } catch (err) {
        if (gen !== generation[kind]) return
        patchTab(kind, { loading: false, error: toAppError(err) })
      }
    },

    async loadMore(kind) {
      const tab = tabOf(kind)
      if (!tab.nextCursor || tab.loading) return
      const gen = generation[kind]
      patchTab(kind, { loading: true })
      try {
        const page = await fetchPage(kind, tab.nextCursor, PAGE_SIZE)
        if (gen !== generation[kind]) return
        patchTab(kind, { items: dedupe([...tabOf(kind).items, ...page.items]), total: page.total, nextCursor: page.nextCursor, loading: false, error: null })
      } catch (err) {
        if (gen !== generation[kind]) return
        patchTab(kind, { loading: false, error: toAppError(err) })
      }
    },

    setTab(tab) {
      set({ tab })
    },

    setQuery(kind, query) {
      patchTab(kind, { query })
    },

    async restore(kind, id) {
      set({ busy: { ...get().busy, [id]: 'restore' } })
      try {
        if (kind === 'memories') await api.invoke('memories:restore', { id })
        else if (kind === 'documents') await api.invoke('documents:restore', { id })
        else await api.invoke('sessions:restore', { id })
        drop(kind, id)
        get().scheduleRefresh(kind)
      } finally {
        const { [id]: _, ...rest } = get().busy
        set({ busy: rest })
      }
    },

    askPurge(target) {
      set({ confirm: target })
    },

    async purge(kind, id) {
      set({ busy: { ...get().busy, [id]: 'purge' } })
      try {
        // The core keeps a memory's undo token for a while; the dialog promised no undo, so it is not offered.
        if (kind === 'memories') await api.invoke('memories:delete', { id })
        else if (kind === 'documents') await api.invoke('documents:delete', { id })
        else await api.invoke('sessions:delete', { id })
        drop(kind, id)
        get().scheduleRefresh(kind)
      } finally {
        const { [id]: _, ...rest } = get().busy
        set({ busy: rest })
      }
    },

    scheduleRefresh(kind) {
      if (timers[kind] !== undefined) return
      timers[kind] = setTimeout(() => {
        timers[kind] = undefined
        void refresh(kind)
      }, REFRESH_DEBOUNCE_MS)
    }
  }
})
