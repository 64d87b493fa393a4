/**
 * The Electron IPC handlers. Every contract call from a window arrives on `IPC_INVOKE`;
 * it runs only when the sender is one of our windows and the calling frame shows one of
 * our pages (not a frame that navigated elsewhere), then goes to the same router as the
 * CLI and the browser bridge. Core events go back to every window on `IPC_EVENT`.
 * Two more handlers import files by path, with the same sender check: the paths of a
 * drop (resolved by the preload from the user's File objects) and the open dialog's
 * choice (shown here, so its paths never pass through the page at all).
 */
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import type { Router } from '../ipc/router'
import type { Bus } from '../core/bus'
import { AppError, fail, ok, type Result } from '../../shared/errors'
import type { ImportResult } from '../../shared/types'
import type { PathGrants, PathPurpose } from '../core/path-grants'
import { IPC_EVENT, IPC_IMPORT_PATHS, IPC_INVOKE, IPC_PICK_AND_IMPORT, IPC_PICK_PATH, PICK_PURPOSES } from '../../preload/ipc-names'
import { importPathsFrom, isTrustedSender, type AppOrigin } from './policy'

export interface InvokeHandlerOptions {
  router: Router
  origin: AppOrigin
  /** True for the webContents of a window Engram created. */
  isOurWebContents(contents: WebContents): boolean
  warn(message: string): void
}

export function registerInvokeHandler(opts: InvokeHandlerOptions): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, input: unknown) => {
    const frameUrl = event.senderFrame?.url
    if (!opts.isOurWebContents(event.sender) || !isTrustedSender(frameUrl, opts.origin)) {
      opts.warn(`[engram] refused an IPC call to ${String(channel).slice(0, 80)} from ${String(frameUrl).slice(0, 200)}`)
      return fail({ code: 'unauthorized', message: 'This page may not talk to Engram.' })
    }
    return opts.router.dispatch(channel, input)
  })
  return () => ipcMain.removeHandler(IPC_INVOKE)
}

export interface FileImportOptions extends Omit<InvokeHandlerOptions, 'router'> {
  /** Imports files or folders by path (the documents service, with source 'drop'). */
  importPaths(paths: string[]): Promise<ImportResult>
  /** Paths chosen in main's dialogs, which the path-taking channels then accept. */
  pathGrants: PathGrants
}

async function asResult<T>(run: () => Promise<T>, warn: (message: string) => void): Promise<Result<T>> {
  try {
    return ok(await run())
  } catch (err) {
    if (err instanceof AppError) return fail(err.toTransferable())
    warn(`[engram] importing files failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    return fail({ code: 'internal', message: 'Something went wrong inside Engram. The details are in the log.' })
  }
}

/** The file-import handlers (drop by path, and the open dialog); returns their removal. */
export function registerFileImportHandlers(opts: FileImportOptions): () => void {
  const trusted = (event: IpcMainInvokeEvent, what: string): boolean => {
    const frameUrl = event.senderFrame?.url
    if (opts.isOurWebContents(event.sender) && isTrustedSender(frameUrl, opts.origin)) return true
    opts.warn(`[engram] refused ${what} from ${String(frameUrl).slice(0, 200)}`)
    return false
  }
  const refused = fail({ code: 'unauthorized', message: 'This page may not talk to Engram.' })

  ipcMain.handle(IPC_IMPORT_PATHS, async (event, raw: unknown) => {
    if (!trusted(event, 'a file import')) return refused
    const paths = importPathsFrom(raw)
    if (!paths) return fail({ code: 'validation', message: 'Engram can import only files and folders dropped from this computer.' })
    return asResult(() => opts.importPaths(paths), opts.warn)
  })

  ipcMain.handle(IPC_PICK_AND_IMPORT, async (event, kind: unknown) => {
    if (!trusted(event, 'the open dialog')) return refused
    const win = BrowserWindow.fromWebContents(event.sender)
    // Windows and Linux cannot show one dialog for files and folders together, so the page
    // asks for one or the other; macOS can, and gets both either way.
    const properties: Array<'openFile' | 'openDirectory' | 'multiSelections'> =
      process.platform === 'darwin' ? ['openFile', 'openDirectory', 'multiSelections'] : [kind === 'folder' ? 'openDirectory' : 'openFile', 'multiSelections']
    const options = { title: kind === 'folder' ? 'Import a folder' : 'Import files', buttonLabel: 'Import', properties }
    return asResult(async () => {
      const chosen = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      const paths = chosen.canceled ? null : importPathsFrom(chosen.filePaths)
      return paths ? opts.importPaths(paths) : null
    }, opts.warn)
  })

  ipcMain.handle(IPC_PICK_PATH, async (event, raw: unknown) => {
    if (!trusted(event, 'a path dialog')) return refused
    if (!(PICK_PURPOSES as readonly unknown[]).includes(raw)) return fail({ code: 'validation', message: 'Engram has no dialog for that.' })
    const purpose = raw as PathPurpose
    const win = BrowserWindow.fromWebContents(event.sender)
    const archives = [{ name: 'Engram archive', extensions: ['engram'] }]
    return asResult(async () => {
      let path: string | null = null
      if (purpose === 'archive-save') {
        const options = { title: 'Export this profile', buttonLabel: 'Export', defaultPath: 'engram-profile.engram', filters: archives }
        const chosen = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
        path = chosen.canceled || !chosen.filePath ? null : chosen.filePath
      } else {
        const folder = purpose !== 'archive-open'
        const options = {
          title: purpose === 'watch-folder' ? 'Keep a folder in sync' : purpose === 'backup-folder' ? 'Back up to this folder' : 'Import an archive',
          buttonLabel: purpose === 'watch-folder' ? 'Keep in sync' : purpose === 'backup-folder' ? 'Choose' : 'Import',
          properties: [folder ? ('openDirectory' as const) : ('openFile' as const), 'createDirectory' as const],
          ...(folder ? {} : { filters: archives })
        }
        const chosen = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
        path = chosen.canceled ? null : (importPathsFrom(chosen.filePaths)?.[0] ?? null)
      }
      if (path) opts.pathGrants.grant(purpose, path)
      return path
    }, opts.warn)
  })

  return () => {
    ipcMain.removeHandler(IPC_IMPORT_PATHS)
    ipcMain.removeHandler(IPC_PICK_AND_IMPORT)
    ipcMain.removeHandler(IPC_PICK_PATH)
  }
}

/** Send one event to every live window. */
export function broadcast(event: string, payload: unknown): void {
  for (const win of BrowserWindow.getAllWindows()) {
    if (win.isDestroyed() || win.webContents.isDestroyed()) continue
    win.webContents.send(IPC_EVENT, event, payload)
  }
}

/** Send one event to one window. */
export function sendTo(win: BrowserWindow, event: string, payload: unknown): void {
  if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT, event, payload)
}

/** Forward every core bus event to every window; returns the unsubscribe. */
export function forwardBusEvents(bus: Bus): () => void {
  return bus.onAny((event, payload) => broadcast(event, payload))
}
