/**
 * The renderer-facing API of the preload, built from an injected IPC pipe so that it can be
 * tested without Electron. It is the whole surface a page gets: `invoke` for the channels of
 * the contract and `on` for its events. Nothing else of Electron or Node reaches the page.
 */
import { isChannel, isEventName, type EngramBridge, type EventName } from '../shared/contract'
import type { Result } from '../shared/errors'
import { IPC_EVENT, IPC_INVOKE } from './ipc-names'

/** The part of `ipcRenderer` the preload uses. */
export interface IpcPipe {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

export function createEngramApi(ipc: IpcPipe): EngramBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  let attached = false

  // One IPC listener fans out to every subscriber; the IPC event object never reaches the page.
  const onIpcEvent = (_event: unknown, name: unknown, payload: unknown): void => {
    if (!isEventName(name)) return
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload)
      } catch (err) {
        console.error(`[engram] a listener for ${name} failed`, err)
      }
    }
  }

  const detachIfIdle = (): void => {
    if (attached && [...listeners.values()].every((set) => set.size === 0)) {
      ipc.removeListener(IPC_EVENT, onIpcEvent)
      attached = false
    }
  }

  return {
    invoke(channel: string, input: unknown): Promise<unknown> {
      if (!isChannel(channel)) {
        const refused: Result<never> = {
          ok: false,
          error: { code: 'validation', message: `Unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}.` }
        }
        return Promise.resolve(refused)
      }
      return ipc.invoke(IPC_INVOKE, channel, input)
    },

    on(event: string, listener: (payload: unknown) => void): () => void {
      if (!isEventName(event)) throw new Error(`Unknown event ${JSON.stringify(String(event)).slice(0, 80)}.`)
      if (typeof listener !== 'function') throw new Error('on(event, listener) needs a function.')
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      // Wrap it, so that subscribing the same function twice gives two independent subscriptions.
      const entry = (payload: unknown): void => listener(payload)
      set.add(entry)
      if (!attached) {
        ipc.on(IPC_EVENT, onIpcEvent)
        attached = true
      }
      let done = false
      return () => {
        if (done) return
        done = true
        set.delete(entry)
        detachIfIdle()
      }
    }
  }
}
