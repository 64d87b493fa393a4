/**
 * The browser transport: the loopback WebSocket bridge (src/shared/bridge-protocol.ts).
 * The page is opened with `?token=…`; the token is kept in sessionStorage (and removed from
 * the address bar) so reloads keep working. When the socket drops, it reconnects with
 * backoff; calls made meanwhile wait for the socket, calls already sent fail as
 * `unavailable` because their answer is lost.
 */
import { BRIDGE_PATH, type InvokeFrame, type ServerFrame } from '../../../shared/bridge-protocol'
import type { EngramBridge } from '../../../shared/contract'
import type { Result } from '../../../shared/errors'
import { useConnectionStore } from './connection-store'

const TOKEN_KEY = 'engram.bridgeToken'
const MIN_DELAY_MS = 250
const MAX_DELAY_MS = 5000

/** Reads the token from the URL (first load) or sessionStorage (reloads). */
export function bridgeToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    // Keep the secret out of the visible address and the history; the page's cookie and
    // sessionStorage carry it from here on.
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY)
}

export function createSocketTransport(token: string | null): EngramBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const inFlight = new Map<number, (result: Result<unknown>) => void>()
  const waiting: InvokeFrame[] = []
  const sent = new Set<number>()
  let nextId = 1
  let socket: WebSocket | null = null
  let attempts = 0
  const setStatus = useConnectionStore.getState().setStatus

  const url = (): string => {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
    const query = token ? `?token=${encodeURIComponent(token)}` : ''
    return `${scheme}://${window.location.host}${BRIDGE_PATH}${query}`
  }

  function send(ws: WebSocket, frame: InvokeFrame): void {
    sent.add(frame.id)
    ws.send(JSON.stringify(frame))
  }

  function connect(): void {
    const ws = new WebSocket(url())
    socket = ws
    ws.onopen = () => {
      attempts = 0
      setStatus('open')
      for (const frame of waiting.splice(0)) send(ws, frame)
    }
    ws.onmessage = (msg) => {
      let frame: ServerFrame
      try {
        frame = JSON.parse(String(msg.data)) as ServerFrame
      } catch {
        return
      }
      if (frame.t === 'result') {
        const resolve = inFlight.get(frame.id)
        inFlight.delete(frame.id)
        sent.delete(frame.id)
        resolve?.(frame.result)
      } else if (frame.t === 'event') {
        for (const l of listeners.get(frame.event) ?? []) l(frame.payload)
      }
    }
    ws.onclose = () => {
      if (socket !== ws) return
      socket = null
      for (const id of sent) {
        const resolve = inFlight.get(id)
        inFlight.delete(id)
        resolve?.({ ok: false, error: { code: 'unavailable', message: 'The connection to Engram dropped before it answered. Try again.' } })
      }
      sent.clear()
      setStatus('reconnecting')
      const delay = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempts) * (0.75 + Math.random() * 0.5)
      attempts += 1
      window.setTimeout(connect, delay)
    }
  }

  connect()

  return {
    invoke(channel, input) {
      const frame: InvokeFrame = { t: 'invoke', id: nextId++, channel, input }
      return new Promise((resolve) => {
        inFlight.set(frame.id, resolve)
        if (socket?.readyState === WebSocket.OPEN) send(socket, frame)
        else waiting.push(frame)
      })
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => set.delete(listener)
    }
  }
}
