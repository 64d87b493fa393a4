/**
 * The desktop app's file import (src/preload/files.ts): present only in Electron, where
 * `window.engram` also has `importFiles` and `pickAndImport`. Paths never pass through
 * this page: the preload resolves the user's File objects, and main shows the dialog.
 */
import type { EngramBridge } from '../../../../shared/contract'
import { AppError, ERROR_CODES, type AppErrorCode } from '../../../../shared/errors'
import type { ImportResult, WatchedFolder } from '../../../../shared/types'

interface DesktopFiles {
  importFiles(files: readonly File[]): Promise<unknown>
  pickAndImport(kind: 'files' | 'folder'): Promise<unknown>
  pickWatchFolder(): Promise<unknown>
}

function desktop(): DesktopFiles | null {
  const e = window.engram as (EngramBridge & Partial<DesktopFiles>) | undefined
  return e && typeof e.importFiles === 'function' && typeof e.pickAndImport === 'function' ? (e as DesktopFiles) : null
}

/** True in the desktop app (files are imported by path, with no size limit of the bridge). */
export const isDesktop = (): boolean => desktop() !== null

const isCode = (c: unknown): c is AppErrorCode => typeof c === 'string' && (ERROR_CODES as readonly string[]).includes(c)

function unwrap<T>(raw: unknown): T {
  const r = raw as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } } | null
  if (r && r.ok === true) return r.value as T
  const e = r?.error
  throw new AppError(isCode(e?.code) ? e.code : 'internal', typeof e?.message === 'string' ? e.message : 'Engram could not import those files.')
}

export async function desktopImportFiles(files: readonly File[]): Promise<ImportResult> {
  const d = desktop()
  if (!d) throw new AppError('unavailable', 'Importing by path needs the desktop app.')
  return unwrap<ImportResult>(await d.importFiles(files))
}

/** Shows the open dialog; null when the person cancelled it. */
export async function desktopPickAndImport(kind: 'files' | 'folder'): Promise<ImportResult | null> {
  const d = desktop()
  if (!d) throw new AppError('unavailable', 'The open dialog needs the desktop app.')
  return unwrap<ImportResult | null>(await d.pickAndImport(kind))
}

/** Shows main's folder dialog and keeps the chosen folder in sync; null when cancelled. */
export async function desktopPickWatchFolder(): Promise<WatchedFolder | null> {
  const d = desktop()
  if (!d) throw new AppError('unavailable', 'The folder dialog needs the desktop app.')
  return unwrap<WatchedFolder | null>(await d.pickWatchFolder())
}
