/**
 * The state of the link to Engram's core. In Electron the preload is always there; in a
 * browser the loopback WebSocket can drop, and the app shows a banner while it reconnects.
 */
import { create } from 'zustand'

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting'

interface ConnectionState {
  status: ConnectionStatus
  /** Bumped on every successful reconnect, so stores can reload what they may have missed. */
  reconnects: number
  setStatus(status: ConnectionStatus): void
}

export const useConnectionStore = create<ConnectionState>((set, get) => ({
  status: 'connecting',
  reconnects: 0,
  setStatus(status) {
    const prev = get().status
    if (prev === status) return
    set({ status, reconnects: status === 'open' && prev === 'reconnecting' ? get().reconnects + 1 : get().reconnects })
  }
}))
