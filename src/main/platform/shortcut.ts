/**
 * The global quick-capture shortcut. At most one is registered; changing it unregisters the
 * old one first, and `register` answers false when the OS or another app refuses the new
 * one, so the core can put the previous one back and tell the user.
 */
import { globalShortcut } from 'electron'

export interface CaptureShortcut {
  /** Replace the shortcut (null turns it off); false when it could not be registered. */
  register(accelerator: string | null): boolean
  /** The accelerator registered now, if any. */
  current(): string | null
  unregisterAll(): void
}

export function createCaptureShortcut(onPress: () => void): CaptureShortcut {
  let current: string | null = null

  const unregister = (): void => {
    if (current !== null) {
      try {
        globalShortcut.unregister(current)
      } catch {
        // already gone (e.g. during quit)
      }
    }
    current = null
  }

  return {
    register(accelerator) {
      unregister()
      if (accelerator === null) return true
      let registered = false
      try {
        // Throws on an accelerator Electron cannot parse; returns false when it is taken.
        registered = globalShortcut.register(accelerator, onPress)
      } catch {
        registered = false
      }
      if (registered) current = accelerator
      return registered
    },
    current: () => current,
    unregisterAll: unregister
  }
}
