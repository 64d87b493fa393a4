/**
 * Search as you type, for the Memories and Documents stores: a typed query waits a moment
 * for the next keystroke, an emptied box clears the results at once, and only the newest
 * search's answer (or error) is shown. The store keeps `search`, `searching` and
 * `searchError`; this keeps the timer and the count that tells stale answers apart.
 */
import type { AppError } from '../../../shared/errors'
import { toAppError } from './api'

export interface SearchState<R> {
  search: R | null
  searching: boolean
  searchError: AppError | null
}

export interface SearchAsYouType {
  /** Searches now; `quiet` (a background refresh) leaves the spinner off. */
  run(query: string, quiet?: boolean): Promise<void>
  /** The box changed: search after the pause, or clear the results when it is empty. */
  typed(query: string): void
  /** Drops a search waiting for the pause (a search run now replaces it). */
  clearPending(): void
  /** Drops the waiting search and any answer still on its way (the store is reset). */
  cancel(): void
}

export function searchAsYouType<R>(opts: {
  debounceMs: number
  search(query: string): Promise<R>
  set(patch: Partial<SearchState<R>>): void
}): SearchAsYouType {
  let seq = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  async function run(query: string, quiet = false): Promise<void> {
    const mine = ++seq
    if (!quiet) opts.set({ searching: true })
    try {
      const search = await opts.search(query)
      if (mine !== seq) return
      opts.set({ search, searching: false, searchError: null })
    } catch (err) {
      if (mine !== seq) return
      opts.set({ searching: false, searchError: toAppError(err) })
    }
  }

  return {
    run,
    typed(query) {
      clearTimeout(timer)
      const q = query.trim()
      if (!q) {
        seq++
        opts.set({ search: null, searching: false, searchError: null })
        return
      }
      opts.set({ searching: true })
      timer = setTimeout(() => void run(q), opts.debounceMs)
    },
    clearPending() {
      clearTimeout(timer)
    },
    cancel() {
      seq++
      clearTimeout(timer)
    }
  }
}
