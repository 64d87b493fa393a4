/**
 * Profiles as the renderer sees them: the registry's list and which one is active. Every
 * action calls the contract and then applies the state main answers with; the
 * 'profiles:changed' event keeps other windows in step.
 */
import { create } from 'zustand'
import type { ProfileSummary, ProfilesState } from '../../../../shared/types'
import { api } from '../../lib/api'

interface ProfilesStore {
  /** Null until the first load answers. */
  state: ProfilesState | null
  load(): Promise<void>
  apply(state: ProfilesState): void
  create(name: string, passphrase?: string): Promise<ProfileSummary>
  rename(id: string, name: string): Promise<ProfileSummary>
  remove(id: string, confirmName: string): Promise<void>
  switchTo(id: string, passphrase?: string): Promise<void>
  lock(): Promise<void>
  setPassphrase(id: string, current: string | undefined, next: string | null): Promise<ProfileSummary>
}

export const useProfilesStore = create<ProfilesStore>((set, get) => ({
  state: null,
  async load() {
    set({ state: await api.invoke('profiles:list', {}) })
  },
  apply(state) {
    set({ state })
  },
  async create(name, passphrase) {
    const created = await api.invoke('profiles:create', passphrase ? { name, passphrase } : { name })
    await get().load()
    return created
  },
  async rename(id, name) {
    const renamed = await api.invoke('profiles:rename', { id, name })
    await get().load()
    return renamed
  },
  async remove(id, confirmName) {
    set({ state: await api.invoke('profiles:delete', { id, confirmName }) })
  },
  async switchTo(id, passphrase) {
    set({ state: await api.invoke('profiles:switch', passphrase === undefined ? { id } : { id, passphrase }) })
  },
  async lock() {
    set({ state: await api.invoke('profiles:lock', {}) })
  },
  async setPassphrase(id, current, next) {
    const updated = await api.invoke('profiles:setPassphrase', current === undefined ? { id, next } : { id, current, next })
    await get().load()
    return updated
  }
}))

/** The active profile, if any. */
export const useActiveProfile = (): ProfileSummary | null =>
  useProfilesStore((s) => s.state?.profiles.find((p) => p.id === s.state?.activeId) ?? null)

/** Which dialog about profiles is open; the dialogs live once, at the root of the app. */
export type ProfileDialog =
  | { kind: 'create' }
  | { kind: 'rename'; profile: ProfileSummary }
  | { kind: 'delete'; profile: ProfileSummary }
  | { kind: 'unlock'; profile: ProfileSummary }
  | { kind: 'passphrase'; profile: ProfileSummary; mode: 'set' | 'change' | 'remove' }

interface DialogStore {
  dialog: ProfileDialog | null
  open(dialog: ProfileDialog): void
  close(): void
}

export const useProfileDialogs = create<DialogStore>((set) => ({
  dialog: null,
  open: (dialog) => set({ dialog }),
  close: () => set({ dialog: null })
}))
