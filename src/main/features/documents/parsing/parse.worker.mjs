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
 * CLI does. The built app runs out/main/parse.worker.js instead (parse.worker.entry.ts,
 * bundled by electron-vite). If neither can load, this thread says 'unavailable' and the
 * caller parses on its own thread instead.
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

try {
  const { register } = await import('tsx/esm/api')
  register()
  // Computed specifiers: TypeScript checks this file and must not resolve a .ts import.
  const mod = await import(new URL('./parse.ts', import.meta.url).href)
  const { serveParsing } = await import(new URL('./serve.ts', import.meta.url).href)
  // Answers 'ready', then serves parse and cancel messages (the built app runs the same
  // loop from the bundled parse.worker.entry.ts).
  serveParsing(port, mod.parseInProcess)
} catch (err) {
  port.postMessage({ type: 'unavailable', message: err instanceof Error ? err.message : String(err) })
}
