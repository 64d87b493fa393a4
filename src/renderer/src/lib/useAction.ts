/**
 * Runs one async action for a form: tracks that it is busy, and keeps its error both as a
 * whole (for a message under the form) and per field (zod 'validation' issues from main).
 */
import { useCallback, useState } from 'react'
import type { AppError } from '../../../shared/errors'
import { fieldErrors, toAppError } from './api'

export interface Action<A extends unknown[]> {
  busy: boolean
  error: AppError | null
  fields: Record<string, string>
  /** Resolves true when the action succeeded. */
  run(...args: A): Promise<boolean>
  reset(): void
}

export function useAction<A extends unknown[]>(fn: (...args: A) => Promise<unknown>): Action<A> {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  const run = useCallback(
    async (...args: A) => {
      setBusy(true)
      setError(null)
      try {
        await fn(...args)
        return true
      } catch (err) {
        setError(toAppError(err))
        return false
      } finally {
        setBusy(false)
      }
    },
    [fn]
  )
  const reset = useCallback(() => setError(null), [])
  return { busy, error, fields: error ? fieldErrors(error) : {}, run, reset }
}
