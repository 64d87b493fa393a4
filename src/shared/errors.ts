/**
 * Errors that cross a process boundary. Expected failures (bad input, a locked profile,
 * a file we cannot read) travel as values with a stable machine-readable `code`; stacks
 * stay in main's log. Pure TypeScript: no electron, node or DOM.
 */
export const ERROR_CODES = [
  'validation',
  'not_found',
  'conflict',
  'unsupported_file',
  'locked',
  'profile_in_use',
  'no_profile',
  'unauthorized',
  'unavailable',
  'cancelled',
  'internal'
] as const

export type AppErrorCode = (typeof ERROR_CODES)[number]

/** The plain shape of an error once it has crossed a boundary. */
export interface TransferableError {
  code: AppErrorCode
  message: string
  /** Extra machine-readable facts, e.g. validation issues or the pid holding a lock. */
  details?: unknown
}

export class AppError extends Error {
  readonly code: AppErrorCode
  readonly details?: unknown

  constructor(code: AppErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }

  toTransferable(): TransferableError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }

  static from(err: TransferableError): AppError {
    return new AppError(err.code, err.message, err.details)
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: TransferableError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (error: TransferableError): Result<never> => ({ ok: false, error })
