/**
 * The one Electron IPC handler. Every contract call from a window arrives on `IPC_INVOKE`;
 * it runs only when the sender is one of our windows and the calling frame shows one of
 * our pages (not a frame that navigated elsewhere), then goes to the same router as the
 * CLI and the browser bridge. Core events go back to every window on `IPC_EVENT`.
 */
import { BrowserWindow, ipcMain, type WebContents } from 'electron'
import type { Router } from '../ipc/router'
import type { Bus } from '../core/bus'
import { fail } from '../../shared/errors'
import { IPC_EVENT, IPC_INVOKE } from '../../preload/ipc-names'
import { isTrustedSender, type AppOrigin } from './policy'

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
