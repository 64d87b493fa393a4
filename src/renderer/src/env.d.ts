/** The bridge the Electron preload exposes; absent in a plain browser (the loopback bridge is used then). */
import type { EngramBridge } from '../../shared/contract'

declare global {
  interface Window {
    engram?: EngramBridge
  }
}

export {}
