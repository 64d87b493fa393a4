/**
 * The loopback WebSocket bridge protocol: the same contract as Electron IPC, carried as
 * JSON frames, so the renderer runs unchanged in a plain browser (tests, and `npm start`
 * where no Electron runtime exists).
 *
 * The page is served at `http://127.0.0.1:PORT/?token=TOKEN`; the socket is
 * `ws://127.0.0.1:PORT/bridge?token=TOKEN`. Without the token both answer 403.
 */
import type { EventName } from './contract'
import type { Result } from './errors'

export const BRIDGE_PATH = '/bridge'

/** Renderer to main. */
export interface InvokeFrame {
  t: 'invoke'
  id: number
  channel: string
  input: unknown
}

/** Main to renderer. */
export type ServerFrame = { t: 'result'; id: number; result: Result<unknown> } | { t: 'event'; event: EventName; payload: unknown }
