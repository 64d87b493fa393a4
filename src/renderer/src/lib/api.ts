/**
 * The renderer's typed client for the IPC contract. `api.invoke(channel, input)` returns
 * the channel's output or throws an `AppError` with the stable code main sent;
 * `api.on(event, cb)` subscribes to pushed events and returns the unsubscribe function.
 *
 * Two transports sit behind it: the Electron preload (`window.engram`) when present, and
 * otherwise the loopback WebSocket bridge used in a plain browser.
 */
import type { Channel, ChannelInput, ChannelOutput, EngramBridge, EventMap, EventName } from '../../../shared/contract'
import { AppError, ERROR_CODES, type AppErrorCode, type Result } from '../../../shared/errors'
import { useConnectionStore } from './connection-store'
import { bridgeToken, createSocketTransport } from './socket-transport'

let transport: EngramBridge | null = null
const errorListeners = new Set<(err: AppError) => void>()

function bridge(): EngramBridge {
  if (transport) return transport
  if (window.engram) {
    transport = window.engram
    useConnectionStore.getState().setStatus('open')
  } else {
    transport = createSocketTransport(bridgeToken())
  }
  return transport
}

const isCode = (code: unknown): code is AppErrorCode => typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)

/** Turns whatever came back into a Result, so a malformed answer is an error, not a crash. */
function asResult(raw: unknown): Result<unknown> {
  if (raw && typeof raw === 'object' && 'ok' in raw) {
    const r = raw as { ok: unknown; value?: unknown; error?: unknown }
    if (r.ok === true) return { ok: true, value: r.value }
    const e = r.error as { code?: unknown; message?: unknown; details?: unknown } | undefined
    if (r.ok === false && e && typeof e === 'object') {
      const message = typeof e.message === 'string' ? e.message : 'Engram could not do that.'
      return { ok: false, error: { code: isCode(e.code) ? e.code : 'internal', message, details: e.details } }
    }
  }
  return { ok: false, error: { code: 'internal', message: 'Engram sent an answer this window does not understand.' } }
}

/** Any thrown value as an AppError (a rejected preload call, a bug). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new AppError('internal', message || 'Something went wrong.')
}

export const api = {
  async invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
    let raw: unknown
    try {
      raw = await bridge().invoke(channel, input)
    } catch (err) {
      throw toAppError(err)
    }
    const result = asResult(raw)
    if (result.ok) return result.value as ChannelOutput<C>
    const error = AppError.from(result.error)
    for (const l of errorListeners) l(error)
    throw error
  },

  on<E extends EventName>(event: E, cb: (payload: EventMap[E]) => void): () => void {
    return bridge().on(event, cb as (payload: unknown) => void)
  },

  /** Called for every error a call returns, e.g. to show the lock screen on `locked`. */
  onError(cb: (err: AppError) => void): () => void {
    errorListeners.add(cb)
    return () => errorListeners.delete(cb)
  },

  /** Opens the connection early (the browser bridge connects on first use otherwise). */
  connect(): void {
    bridge()
  }
}

/** Validation messages keyed by the input field they are about (from the router's zod issues). */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!(err instanceof AppError) || err.code !== 'validation' || !Array.isArray(err.details)) return out
  for (const issue of err.details as Array<{ path?: unknown; message?: unknown }>) {
    const field = Array.isArray(issue.path) ? String(issue.path[0] ?? '') : ''
    if (field && typeof issue.message === 'string' && !(field in out)) out[field] = issue.message
  }
  return out
}
