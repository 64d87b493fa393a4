/** Short-lived messages in the corner: what just happened, or why it did not. */
import { create } from 'zustand'
import { toAppError } from '../../lib/api'

export interface Note {
  id: number
  kind: 'success' | 'error' | 'info'
  title: string
  message?: string
  /** One button in the note, e.g. "Undo"; pressing it also dismisses the note. */
  action?: { label: string; run(): void }
  /** How long the note stays, when not the default for its kind. */
  lifetimeMs?: number
}

interface NotificationsState {
  notes: Note[]
  notify(note: Omit<Note, 'id'>): void
  dismiss(id: number): void
}

const LIFETIME_MS = { success: 4000, info: 6000, error: 9000 }
let nextId = 1

export const useNotifications = create<NotificationsState>((set, get) => ({
  notes: [],
  notify(note) {
    const id = nextId++
    set({ notes: [...get().notes.slice(-3), { ...note, id }] })
    window.setTimeout(() => get().dismiss(id), note.lifetimeMs ?? LIFETIME_MS[note.kind])
  },
  dismiss(id) {
    set({ notes: get().notes.filter((n) => n.id !== id) })
  }
}))

export const notifySuccess = (title: string, message?: string): void =>
  useNotifications.getState().notify(message === undefined ? { kind: 'success', title } : { kind: 'success', title, message })

/** Shows an error's message; `title` says what was being attempted. */
export function notifyError(err: unknown, title = 'That did not work'): void {
  useNotifications.getState().notify({ kind: 'error', title, message: toAppError(err).message })
}
