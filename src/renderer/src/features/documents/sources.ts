/**
 * Where documents come from besides a drop: folders kept in sync (the folder watcher) and
 * chat-history exports (ChatGPT, Claude). A small store: the folder list, refreshed when
 * documents change (counts move as a folder's files arrive), and the chat imports started
 * here with their live progress from `workflows:run`.
 */
import { create } from 'zustand'
import type { WorkflowEvent } from '../../../../shared/workflows'
import type { ChatImportStarted, WatchedFolder, WatchScanResult } from '../../../../shared/types'
import { api } from '../../lib/api'
import { singleFlight } from '../../lib/single-flight'
import { desktopPickPath, isDesktop } from './desktop'
import { readBase64 } from './importer'

export interface ChatImportProgress extends ChatImportStarted {
  name: string
  status: WorkflowEvent['status']
  progress: number
  detail: string | null
}

interface SourcesState {
  folders: WatchedFolder[]
  loaded: boolean
  error: string | null
  chatImports: ChatImportProgress[]
  load(): Promise<void>
  /** Browser harness: a typed path. Desktop: main's dialog (null when cancelled). */
  addFolder(path?: string): Promise<WatchedFolder | null>
  removeFolder(id: string): Promise<void>
  rescan(id?: string): Promise<WatchScanResult[]>
  importChatExport(file: File): Promise<ChatImportStarted>
  applyRunEvent(e: WorkflowEvent): void
}

export const useSourcesStore = create<SourcesState>((set, get) => {
  const refresh = singleFlight(async () => {
    try {
      set({ folders: await api.invoke('watch:list', {}), loaded: true, error: null })
    } catch (err) {
      set({ loaded: true, error: err instanceof Error ? err.message : String(err) })
    }
  })
  return {
    folders: [],
    loaded: false,
    error: null,
    chatImports: [],
    load: refresh,
    async addFolder(path) {
      const chosen = isDesktop() ? await desktopPickPath('watch-folder') : (path ?? '')
      if (chosen === null) return null
      const folder = await api.invoke('watch:add', { path: chosen })
      await refresh()
      return folder
    },
    async removeFolder(id) {
      await api.invoke('watch:remove', { id })
      await refresh()
    },
    async rescan(id) {
      const results = await api.invoke('watch:rescan', id ? { id } : {})
      await refresh()
      return results
    },
    async importChatExport(file) {
      const started = await api.invoke('chats:importExport', { name: file.name, data: await readBase64(file) })
      const row: ChatImportProgress = { ...started, name: file.name, status: 'pending', progress: 0, detail: 'Queued' }
      set({ chatImports: [row, ...get().chatImports].slice(0, 5) })
      return started
    },
    applyRunEvent(e) {
      if (!get().chatImports.some((c) => c.runId === e.runId)) return
      set({ chatImports: get().chatImports.map((c) => (c.runId === e.runId ? { ...c, status: e.status, progress: e.progress, detail: e.detail } : c)) })
    }
  }
})
