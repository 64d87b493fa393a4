// @ts-check
/**
 * The parsing thread. Parsers are CPU work on the thread that calls them (mammoth takes
 * seconds on a long handbook, Readability on a big page, chardet and decoding on a large
 * text file), and the main process must stay responsive; a thread can also be terminated
 * on cancel or timeout whatever library is running. PDFs get one more thread below this
 * one (pdf.worker.mjs).
 *
 * The parsers are TypeScript (parse.ts and what it imports). When running from source
 * (tests, the CLI, the browser bridge, electron-vite dev) they load through tsx, as the
 * CLI does. If that cannot load (a packaged app without tsx), this thread says
 * 'unavailable' and the caller parses on its own thread instead.
 *
 * Protocol:
 *   ← { type:'ready' } | { type:'unavailable', message }
 *   → { type:'parse', id, input: { bytes?: Uint8Array, path?: string, fileName? }, opts }
 *   → { type:'cancel', id }                      abort that parse (it then ends with an error)
 *   ← { type:'progress', id, p: { pages?, pagesDone? } }
 *   ← { type:'done', id, doc } | { type:'error', id, error: { code, message, details? } }
 */
import { parentPort } from 'node:worker_threads'

if (!parentPort) throw new Error('parse.worker must run as a worker thread')
const port = parentPort

/** @type {((input: any, opts: any) => Promise<unknown>) | null} */
let parse = null
try {
  const { register } = await import('tsx/esm/api')
  register()
  // A computed specifier: TypeScript checks this file and must not resolve a .ts import.
  const mod = await import(new URL('./parse.ts', import.meta.url).href)
  parse = mod.parseInProcess
  port.postMessage({ type: 'ready' })
} catch (err) {
  port.postMessage({ type: 'unavailable', message: err instanceof Error ? err.message : String(err) })
}

/** Running parses, to cancel by id. */
const running = new Map()

port.on('message', async (/** @type {any} */ msg) => {
  if (msg?.type === 'cancel') {
    running.get(msg.id)?.abort()
    return
  }
  if (msg?.type !== 'parse' || !parse) return
  const id = msg.id
  const ac = new AbortController()
  running.set(id, ac)
  try {
    const doc = await parse(msg.input, { ...msg.opts, signal: ac.signal, onProgress: (/** @type {unknown} */ p) => port.postMessage({ type: 'progress', id, p }) })
    port.postMessage({ type: 'done', id, doc })
  } catch (err) {
    const e = /** @type {{ toTransferable?: () => unknown, message?: string }} */ (err ?? {})
    const error = typeof e.toTransferable === 'function' ? e.toTransferable() : { code: 'internal', message: String(e.message ?? err) }
    port.postMessage({ type: 'error', id, error })
  } finally {
    running.delete(id)
  }
})
