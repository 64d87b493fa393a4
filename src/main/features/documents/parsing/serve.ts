/**
 * The parsing thread's message loop, shared by both ways the thread starts: from source
 * (parse.worker.mjs loads the TypeScript through tsx) and in the built app (the bundled
 * parse.worker.entry.ts, emitted as out/main/parse.worker.js). Protocol in parse.worker.mjs.
 */
import type { MessagePort } from 'node:worker_threads'
import type { ParsedDocument, ParseInput, ParseOptions } from './types'

type Parse = (input: ParseInput, opts: ParseOptions) => Promise<ParsedDocument>

export function serveParsing(port: MessagePort, parse: Parse): void {
  /** Running parses, to cancel by id. */
  const running = new Map<number, AbortController>()
  port.on('message', (msg: { type?: string; id: number; input: ParseInput; opts: ParseOptions }) => {
    if (msg?.type === 'cancel') {
      running.get(msg.id)?.abort()
      return
    }
    if (msg?.type !== 'parse') return
    const id = msg.id
    const ac = new AbortController()
    running.set(id, ac)
    parse(msg.input, { ...msg.opts, signal: ac.signal, onProgress: (p) => port.postMessage({ type: 'progress', id, p }) })
      .then((doc) => port.postMessage({ type: 'done', id, doc }))
      .catch((err: unknown) => {
        const e = (err ?? {}) as { toTransferable?: () => unknown; message?: string }
        const error = typeof e.toTransferable === 'function' ? e.toTransferable() : { code: 'internal', message: String(e.message ?? err) }
        port.postMessage({ type: 'error', id, error })
      })
      .finally(() => running.delete(id))
  })
  port.postMessage({ type: 'ready' })
}
