/**
 * Memory proposals waiting for review (`proposals:list`, pending), kept fresh by
 * `proposals:changed`. Confirming (optionally with edited text) adds or supersedes a
 * memory; rejecting keeps nothing. Extraction (`chat:extract`) asks the model for new ones.
 */
import { create } from 'zustand'
import type { ExtractionResult, MemoryProposal } from '../../../../shared/chat'
import type { AppError } from '../../../../shared/errors'
import { api, toAppError } from '../../lib/api'

interface ProposalsStore {
  items: MemoryProposal[]
  loaded: boolean
  error: AppError | null
  /** The inbox drawer is open. */
  opened: boolean
  /** Sessions being extracted from right now. */
  extracting: string[]
  load(): Promise<void>
  setOpened(opened: boolean): void
  confirm(id: string, content?: string): Promise<MemoryProposal>
  reject(id: string): Promise<MemoryProposal>
  extract(sessionId: string): Promise<ExtractionResult>
  reset(): void
}

let loadSeq = 0

export const useProposalsStore = create<ProposalsStore>((set, get) => ({
  items: [],
  loaded: false,
  error: null,
  opened: false,
  extracting: [],

  async load() {
    const seq = ++loadSeq
    try {
      const items = await api.invoke('proposals:list', { status: 'pending', limit: 200 })
      if (seq === loadSeq) set({ items, loaded: true, error: null })
    } catch (err) {
      if (seq === loadSeq) set({ loaded: true, error: toAppError(err) })
    }
  },

  setOpened(opened) {
    set({ opened })
    if (opened) void get().load()
  },

  async confirm(id, content) {
    const p = await api.invoke('proposals:confirm', content === undefined ? { id } : { id, content })
    set({ items: get().items.filter((x) => x.id !== id) })
    return p
  },

  async reject(id) {
    const p = await api.invoke('proposals:reject', { id })
    set({ items: get().items.filter((x) => x.id !== id) })
    return p
  },

  async extract(sessionId) {
    set({ extracting: [...get().extracting, sessionId] })
    try {
      const r = await api.invoke('chat:extract', { sessionId })
      await get().load()
      return r
    } finally {
      set({ extracting: get().extracting.filter((x) => x !== sessionId) })
    }
  },

  reset() {
    loadSeq++
    set({ items: [], loaded: false, error: null, opened: false, extracting: [] })
  }
}))
