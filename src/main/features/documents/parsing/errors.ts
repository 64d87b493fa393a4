/**
 * The errors a parse can end with. Every file Engram cannot read is an AppError
 * 'unsupported_file' whose message a person understands and whose `details.reason` a
 * program can branch on; a cancelled parse is 'cancelled'. Anything else is a bug.
 */
import { AppError } from '../../../../shared/errors'
import type { ParseFailureDetails, ParseFailureReason } from './types'

export function fileError(reason: ParseFailureReason, message: string, details: Omit<ParseFailureDetails, 'reason'> = {}): AppError {
  return new AppError('unsupported_file', message, { reason, ...details })
}

export function abortError(): AppError {
  return new AppError('cancelled', 'The import was cancelled.', { reason: 'aborted' })
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError()
}

/** The reason code of a parse failure, or null for other errors. */
export function failureReason(err: unknown): ParseFailureReason | 'aborted' | null {
  if (!(err instanceof AppError)) return null
  const d = err.details as { reason?: unknown } | undefined
  return typeof d?.reason === 'string' ? (d.reason as ParseFailureReason | 'aborted') : null
}

export function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
