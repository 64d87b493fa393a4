/**
 * Engram's windows: the main window and the small quick-capture window. Both load the same
 * renderer (the capture window at `#/capture`), through the same sandboxed preload, with
 * the same locked-down web preferences.
 */
import { BrowserWindow, screen, type WebPreferences } from 'electron'
import { join } from 'node:path'
import { rendererTarget, type AppOrigin } from './policy'

export interface WindowOptions extends AppOrigin {
  /** The app root (`app.getAppPath()`): the preload and the icons are found from it. */
  appRoot: string
}

const BACKGROUND = '#16181d'

export function appIconPath(appRoot: string): string {
  return join(appRoot, 'resources', 'icon.png')
}

function webPreferences(opts: WindowOptions): WebPreferences {
  return {
    preload: join(opts.appRoot, 'out', 'preload', 'index.cjs'),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true
  }
}

async function loadRenderer(win: BrowserWindow, opts: WindowOptions, hash?: string): Promise<void> {
  const target = rendererTarget({ ...opts, hash })
  if (target.kind === 'url') await win.loadURL(target.url)
  else await win.loadFile(target.file, target.hash ? { hash: target.hash } : {})
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Engram',
    backgroundColor: BACKGROUND,
    icon: appIconPath(opts.appRoot),
    autoHideMenuBar: true,
    webPreferences: webPreferences(opts)
  })
  win.once('ready-to-show', () => win.show())
  loadRenderer(win, opts).catch((err: unknown) => console.error('[engram] the main window could not load', err))
  return win
}

/** Center on the display under the pointer, a little above the middle, like a launcher. */
function placeOnActiveDisplay(win: BrowserWindow): void {
  const display = screen.getDisplayNearestPoint(screen.getCursorScreenPoint())
  const area = display.workArea
  const [w, h] = win.getSize() as [number, number]
  win.setPosition(Math.round(area.x + (area.width - w) / 2), Math.round(area.y + (area.height - h) / 3))
}

export interface CaptureWindow {
  readonly window: BrowserWindow
  /** Show and focus it on the active display; `onShown` runs once it is visible. */
  show(onShown?: () => void): void
  hide(): void
  /** Let it close for real (at quit); until then closing only hides it. */
  allowClose(): void
}

export function createCaptureWindow(opts: WindowOptions): CaptureWindow {
  const win = new BrowserWindow({
    width: 560,
    height: 160,
    show: false,
    frame: false,
    resizable: false,
    movable: true,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    alwaysOnTop: true,
    skipTaskbar: true,
    center: true,
    title: 'Engram quick capture',
    backgroundColor: BACKGROUND,
    icon: appIconPath(opts.appRoot),
    webPreferences: webPreferences(opts)
  })
  win.setAlwaysOnTop(true, 'floating')
  win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true })

  let ready = false
  let pending: (() => void) | null = null
  let closable = false

  const reveal = (onShown?: () => void): void => {
    placeOnActiveDisplay(win)
    win.show()
    win.focus()
    onShown?.()
  }

  win.once('ready-to-show', () => {
    ready = true
    if (pending) {
      const run = pending
      pending = null
      run()
    }
  })
  win.on('blur', () => {
    if (!win.isDestroyed()) win.hide()
  })
  win.on('close', (event) => {
    if (closable) return
    event.preventDefault()
    win.hide()
  })
  loadRenderer(win, opts, '#/capture').catch((err: unknown) => console.error('[engram] the capture window could not load', err))

  return {
    window: win,
    show(onShown) {
      if (win.isDestroyed()) return
      if (ready) reveal(onShown)
      else pending = () => reveal(onShown)
    },
    hide() {
      if (!win.isDestroyed()) win.hide()
    },
    allowClose() {
      closable = true
    }
  }
}
