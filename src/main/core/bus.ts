/** A typed event bus: core services publish, transports (Electron IPC, WebSocket bridge) forward. */
import type { EventMap, EventName } from '../../shared/contract'

export interface Bus {
  emit<E extends EventName>(event: E, payload: EventMap[E]): void
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
  onAny(listener: (event: EventName, payload: unknown) => void): () => void
}

export function createBus(): Bus {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>()
  const any = new Set<(e: EventName, p: unknown) => void>()
  return {
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload)
      for (const l of any) l(event, payload)
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (p: unknown) => void)
      return () => set.delete(listener as (p: unknown) => void)
    },
    onAny(listener) {
      any.add(listener)
      return () => any.delete(listener)
    }
  }
}
