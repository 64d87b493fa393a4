/**
 * The Electron composition root: it builds the core (the same one the CLI and the browser
 * bridge use), then wires the shell around it: windows, tray, global shortcut, IPC. It
 * holds no feature logic. Everything that touches Electron lives in `./platform`.
 */
import { app, BrowserWindow, safeStorage, session, type WebContents } from 'electron'
import { join } from 'node:path'
import { createAppCore, type AppCore } from './core/app-core'
import { createPathGrants } from './core/path-grants'
import { setAppRoot } from './core/paths'
import { consoleLogger } from './ipc/router'
import { forwardBusEvents, registerFileImportHandlers, registerInvokeHandler, sendTo } from './platform/ipc'
import type { AppOrigin } from './platform/policy'
import { installSecurity } from './platform/security'
import { createCaptureShortcut } from './platform/shortcut'
import { createTray, type EngramTray } from './platform/tray'
import { createCaptureWindow, createMainWindow, type CaptureWindow, type WindowOptions } from './platform/windows'

/** Locking means "ask for the passphrase again", so only an open profile with one can be locked. */
function canLock(core: AppCore): boolean {
  const state = core.profiles.list()
  const active = state.profiles.find((p) => p.id === state.activeId)
  return active !== undefined && active.hasPassphrase && !active.locked
}

function start(): void {
  const appRoot = app.getAppPath()
  setAppRoot(appRoot)

  const origin: AppOrigin = {
    rendererDir: join(appRoot, 'out', 'renderer'),
    devServerUrl: app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL']
  }
  const windowOptions: WindowOptions = { ...origin, appRoot }

  let mainWindow: BrowserWindow | null = null
  let capture: CaptureWindow | null = null
  let tray: EngramTray | null = null
  let quitting = false
  /** The webContents ids of the windows we made: the only ones whose IPC calls count. */
  const ours = new Set<number>()

  const track = (win: BrowserWindow): BrowserWindow => {
    const id = win.webContents.id
    ours.add(id)
    win.on('closed', () => ours.delete(id))
    return win
  }

  const toggleCapture = (): void => {
    if (capture && !capture.window.isDestroyed() && capture.window.isVisible() && capture.window.isFocused()) {
      capture.hide()
      return
    }
    if (!capture || capture.window.isDestroyed()) {
      capture = createCaptureWindow(windowOptions)
      track(capture.window)
    }
    const win = capture.window
    capture.show(() => sendTo(win, 'capture:open', {}))
  }

  const shortcut = createCaptureShortcut(toggleCapture)

  // Paths the person chose in main's dialogs: in the desktop app the path-taking channels accept only these.
  const pathGrants = createPathGrants()
  const core = createAppCore({
    pathGrants,
    dataDir: app.getPath('userData'),
    databaseUrl: process.env['ENGRAM_DATABASE_URL'],
    role: 'app',
    mode: 'electron',
    registerShortcut: (accelerator) => shortcut.register(accelerator),
    // The chat model's API key goes to the OS keychain. Linux without a keyring falls back
    // to a hard-coded password ('basic_text'): the core's own key file is no worse there.
    secrets: () =>
      safeStorage.isEncryptionAvailable() && !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text')
        ? { kind: 'safeStorage', encrypt: (plain) => safeStorage.encryptString(plain), decrypt: (b) => safeStorage.decryptString(b) }
        : null
  })

  // Open the active profile early if it needs no passphrase; a locked or busy one is the
  // renderer's to explain.
  core.profiles
    .openActive()
    .then(() => tray?.update({ canLock: canLock(core) }))
    .catch((err: unknown) => consoleLogger.warn('[engram] the active profile did not open', err))

  /**
   * Closing the window leaves Engram running in the tray on Windows and macOS. On Linux a
   * tray icon may be created yet never shown (GNOME without an AppIndicator extension), which
   * would leave an invisible process holding the profile open, so there closing quits.
   */
  const keepRunningInTray = (): boolean => tray !== null && process.platform !== 'linux'

  const showMain = (): void => {
    if (!mainWindow || mainWindow.isDestroyed()) {
      const win = track(createMainWindow(windowOptions))
      mainWindow = win
      win.on('close', (event) => {
        // With a tray, closing hides the window: the shortcut and the tray keep working.
        if (!quitting && keepRunningInTray()) {
          event.preventDefault()
          win.hide()
        }
      })
      win.on('closed', () => {
        if (mainWindow === win) mainWindow = null
        if (process.platform !== 'darwin') app.quit()
      })
      return
    }
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.show()
    mainWindow.focus()
  }

  app.on('second-instance', () => {
    if (app.isReady() && !quitting) showMain()
  })

  const stopForwarding = forwardBusEvents(core.bus)
  let stopInvoke: (() => void) | null = null
  let stopFileImport: (() => void) | null = null

  let closed = false
  let closing = false
  const shutdown = (event: { preventDefault(): void }): void => {
    quitting = true
    if (closed) return
    event.preventDefault()
    if (closing) return
    closing = true
    shortcut.unregisterAll()
    stopForwarding()
    // No new calls may reopen the database while it closes.
    stopInvoke?.()
    stopInvoke = null
    stopFileImport?.()
    stopFileImport = null
    capture?.allowClose()
    for (const win of BrowserWindow.getAllWindows()) win.hide()
    core
      .close()
      .catch((err: unknown) => consoleLogger.error('[engram] closing the database failed', err))
      .finally(() => {
        closed = true
        tray?.destroy()
        app.quit()
      })
  }
  app.on('before-quit', shutdown)
  app.on('will-quit', (event) => {
    shortcut.unregisterAll()
    shutdown(event)
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit())

  app.on('window-all-closed', () => {
    if (!keepRunningInTray() && process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (app.isReady() && !quitting) showMain()
  })

  app
    .whenReady()
    .then(() => {
      installSecurity(origin, session.defaultSession)
      stopInvoke = registerInvokeHandler({
        router: core.router,
        origin,
        isOurWebContents: (contents: WebContents) => ours.has(contents.id),
        warn: (m) => consoleLogger.warn(m)
      })
      // Dropped or chosen files arrive as paths from the preload or the dialog, never as contract input.
      stopFileImport = registerFileImportHandlers({
        origin,
        isOurWebContents: (contents: WebContents) => ours.has(contents.id),
        warn: (m) => consoleLogger.warn(m),
        importPaths: async (paths) => (await core.services()).documents.importFiles(paths.map((path) => ({ path })), { source: 'drop' }),
        pathGrants
      })

      const accelerator = core.info().captureShortcut
      if (!shortcut.register(accelerator)) {
        consoleLogger.warn(`[engram] the capture shortcut ${String(accelerator)} is taken by another app; choose another in Settings.`)
      }

      try {
        tray = createTray(
          appRoot,
          {
            openMain: showMain,
            quickCapture: toggleCapture,
            lockProfile: () => {
              core.profiles.lock().catch((err: unknown) => consoleLogger.error('[engram] locking the profile failed', err))
            },
            quit: () => app.quit()
          },
          { captureShortcut: accelerator, canLock: canLock(core) }
        )
        core.bus.on('app:changed', (info) => tray?.update({ captureShortcut: info.captureShortcut }))
        core.bus.on('profiles:changed', () => tray?.update({ canLock: canLock(core) }))
      } catch (err) {
        // Some Linux desktops have no tray; the window then behaves like a plain window.
        consoleLogger.warn('[engram] no tray on this desktop', err)
        tray = null
      }

      showMain()
    })
    .catch((err: unknown) => {
      consoleLogger.error('[engram] could not start', err)
      app.exit(1)
    })
}

if (app.requestSingleInstanceLock()) start()
else app.quit()
