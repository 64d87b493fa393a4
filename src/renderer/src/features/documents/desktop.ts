/**
 * The desktop app's file import (src/preload/files.ts): present only in Electron, where
 * `window.engram` also has `importFiles` and `pickAndImport`. Paths never pass through
 * this page: the preload resolves the user's File objects, and main shows the dialog.
 */
import type { EngramBridge } from '../../../../shared/contract'
import { AppError, ERROR_CODES, type AppErrorCode } from '../../../../shared/errors'
import type { ImportResult } from '../../../../shared/types'

/** What a path chosen in main's dialog is for (src/main/core/path-grants.ts). */
export type PathPurpose = 'watch-folder' | 'archive-save' | 'archive-open' | 'backup-folder'

interface DesktopFiles {
  importFiles(files: readonly File[]): Promise<unknown>
  pickAndImport(kind: 'files' | 'folder'): Promise<unknown>
  pickPath(purpose: PathPurpose): Promise<unknown>
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

/**
 * Shows main's dialog for a path; main grants the choice to the channels of that purpose,
 * which in the desktop app take no other path. Null when the person cancelled.
 */
export async function desktopPickPath(purpose: PathPurpose): Promise<string | null> {
  const d = desktop()
  if (!d) throw new AppError('unavailable', 'That dialog needs the desktop app.')
  return unwrap<string | null>(await d.pickPath(purpose))
}
