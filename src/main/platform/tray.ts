/**
 * The tray icon: it keeps Engram reachable while its window is hidden, and names the
 * quick-capture shortcut so that people can learn it.
 */
import { Menu, Tray, nativeImage } from 'electron'
import { join } from 'node:path'
import { quickCaptureLabel } from './policy'

export interface TrayActions {
  openMain(): void
  quickCapture(): void
  lockProfile(): void
  quit(): void
}

export interface TrayState {
  captureShortcut: string | null
  /** An open profile that can be locked. */
  canLock: boolean
}

export interface EngramTray {
  update(state: Partial<TrayState>): void
  destroy(): void
}

export function createTray(appRoot: string, actions: TrayActions, initial: TrayState): EngramTray {
  const icon = nativeImage.createFromPath(join(appRoot, 'resources', 'tray.png'))
  const tray = new Tray(icon)
  tray.setToolTip('Engram')
  let state = initial

  const render = (): void => {
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Engram', click: () => actions.openMain() },
        { label: quickCaptureLabel(state.captureShortcut, process.platform), click: () => actions.quickCapture() },
        { type: 'separator' },
        { label: 'Lock profile', enabled: state.canLock, click: () => actions.lockProfile() },
        { type: 'separator' },
        { label: 'Quit Engram', click: () => actions.quit() }
      ])
    )
  }
  render()
  // Windows and Linux open the window on a click; macOS shows the menu.
  if (process.platform !== 'darwin') tray.on('click', () => actions.openMain())

  return {
    update(next) {
      state = { ...state, ...next }
      if (!tray.isDestroyed()) render()
    },
    destroy() {
      if (!tray.isDestroyed()) tray.destroy()
    }
  }
}
