/**
 * File import from the desktop app. A page gets three functions, and none takes a path:
 * `importFiles(files)` takes the File objects of a drop or a file input, and the preload
 * asks Electron where each one lives on disk (`webUtils.getPathForFile`); `pickAndImport`
 * asks main to show the open dialog (`pickPath` likewise, for a folder to keep in sync or an
 * archive: main grants the chosen path, see src/main/core/path-grants.ts). So a path only ever comes from the user's own drop
 * or choice: a File the page made itself has no path and is left out.
 */
import type { Result } from '../shared/errors'
import { IPC_IMPORT_PATHS, IPC_PICK_AND_IMPORT, IPC_PICK_PATH, PICK_PURPOSES } from './ipc-names'
import type { IpcPipe } from './api'

/** The most files one drop passes on (folders count once; main walks them). */
export const MAX_DROPPED_FILES = 10_000

export interface EngramFiles {
  /** Imports the files (or folders) that have a place on disk; answers `Result<ImportResult>`. */
  importFiles(files: readonly File[]): Promise<unknown>
  /** Shows the open dialog for files or a folder and imports the choice; answers `Result<ImportResult | null>`. */
  pickAndImport(kind: 'files' | 'folder'): Promise<unknown>
  /** Shows main's dialog for a path (a folder to sync, an archive to save or open, the backup folder); answers `Result<string | null>`. */
  pickPath(purpose: (typeof PICK_PURPOSES)[number]): Promise<unknown>
}

export function createFileApi(ipc: Pick<IpcPipe, 'invoke'>, pathForFile: (file: File) => string): EngramFiles {
  return {
    importFiles(files) {
      const paths = new Set<string>()
      for (const file of Array.from(files ?? []).slice(0, MAX_DROPPED_FILES)) {
        let path = ''
        try {
          path = pathForFile(file)
        } catch {
          // Not a File (or one Electron does not know): it has no path.
        }
        if (typeof path === 'string' && path !== '') paths.add(path)
      }
      if (paths.size === 0) {
        const refused: Result<never> = {
          ok: false,
          error: { code: 'validation', message: 'None of these came from a folder on this computer, so there is nothing to import.' }
        }
        return Promise.resolve(refused)
      }
      return ipc.invoke(IPC_IMPORT_PATHS, [...paths])
    },
    pickAndImport(kind) {
      return ipc.invoke(IPC_PICK_AND_IMPORT, kind === 'folder' ? 'folder' : 'files')
    },
    pickPath(purpose) {
      if (!(PICK_PURPOSES as readonly string[]).includes(purpose)) {
        const refused: Result<never> = { ok: false, error: { code: 'validation', message: 'Engram has no dialog for that.' } }
        return Promise.resolve(refused)
      }
      return ipc.invoke(IPC_PICK_PATH, purpose)
    }
  }
}
