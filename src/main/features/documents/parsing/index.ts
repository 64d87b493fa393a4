/**
 * The parsing half of the Documents import: `parseDocument` turns a file (bytes or a path)
 * into text with its pages and headings, for PDF, DOCX, ODT, EPUB, RTF, HTML, Markdown,
 * plain text and CSV (parse.ts has the rules), on a worker thread (parse.worker.mjs) so
 * that the caller's event loop stays free and a cancel or timeout stops any parser at
 * once (the thread is terminated when it cannot stop by itself). One idle thread is kept for a few seconds for the next
 * file. Where the thread cannot start, parsing runs on the caller's thread instead.
 */
import { basename, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { AppError, type TransferableError } from '../../../../shared/errors'
import { appRoot, builtWorker, workerExecArgv } from '../../../core/paths'
import { abortError, fileError } from './errors'
import { idleWorkerSlot } from './idle-worker'
import { closePdfWorkers } from './pdf'
import { parseInProcess } from './parse'
import type { ParsedDocument, ParseInput, ParseOptions, ParseProgress } from './types'

export * from './types'
export { detectFormat, DETECT_HEAD_BYTES, MIME_TYPES, type DetectedFormat } from './detect'
export { failureReason } from './errors'
export { closePdfWorkers, parseInProcess }

const IDLE_KEEP_MS = 15_000
const START_TIMEOUT_MS = 60_000
const DEFAULT_TIMEOUT_MS = 10 * 60_000
const CANCEL_GRACE_MS = 250

/** The bundled thread in the built app (out/main/parse.worker.js), else the source one (loads the parsers through tsx). */
export function defaultParseWorkerPath(): string {
  return builtWorker('parse.worker.js') ?? join(appRoot(), 'src', 'main', 'features', 'documents', 'parsing', 'parse.worker.mjs')
}

type WorkerMsg =
  | { type: 'ready' }
  | { type: 'unavailable'; message: string }
  | { type: 'progress'; id: number; p: ParseProgress }
  | { type: 'done'; id: number; doc: ParsedDocument }
  | { type: 'error'; id: number; error: TransferableError }

const idle = idleWorkerSlot(IDLE_KEEP_MS)
let nextId = 1
/** Set when the thread could not start; parsing then stays on the caller's thread. */
let unavailable: string | null = null

function startWorker(path: string): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const w = new Worker(path, { execArgv: workerExecArgv() })
    const timer = setTimeout(() => fail(new Error(`the parsing thread did not start in ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
    const fail = (err: Error): void => {
      clearTimeout(timer)
      w.off('message', onMessage)
      void w.terminate()
      reject(err)
    }
    const onMessage = (m: WorkerMsg): void => {
      if (m.type === 'ready') {
        clearTimeout(timer)
        w.off('message', onMessage)
        w.off('error', fail)
        resolve(w)
      } else if (m.type === 'unavailable') fail(new Error(m.message))
    }
    w.on('message', onMessage)
    w.once('error', fail)
  })
}

/** Stop the idle parsing and PDF threads now (tests, shutdown). */
export async function closeDocumentWorkers(): Promise<void> {
  await idle.close()
  await closePdfWorkers()
}

export interface WorkerParseOptions extends ParseOptions {
  /** Parse on the calling thread (it blocks for as long as the parser runs). */
  inProcess?: boolean
  /** Override the parsing thread's script (tests). */
  parseWorkerPath?: string
}

/**
 * Read a document's text. Rejects with AppError 'unsupported_file' (with `details.reason`:
 * encrypted, no_text_layer, corrupt, too_large, unsupported, timeout), 'cancelled' when
 * `signal` aborts, 'not_found' for a missing path. An empty file is not an error: it
 * parses to '' with an "empty" warning.
 */
export async function parseDocument(input: ParseInput, opts: WorkerParseOptions = {}): Promise<ParsedDocument> {
  if (opts.signal?.aborted) throw abortError()
  const { inProcess, parseWorkerPath, signal, onProgress, ...rest } = opts
  if (inProcess || unavailable !== null || process.env['ENGRAM_PARSE_IN_PROCESS'] === '1') return parseInProcess(input, opts)
  const path = parseWorkerPath ?? defaultParseWorkerPath()
  let worker: Worker
  try {
    worker = idle.take(path) ?? (await startWorker(path))
  } catch (err) {
    unavailable = err instanceof Error ? err.message : String(err)
    process.emitWarning(`Documents are parsed on the main thread: the parsing thread could not start (${unavailable}).`)
    return parseInProcess(input, opts)
  }
  if (signal?.aborted) {
    idle.park(worker, path)
    throw abortError()
  }
  const id = nextId++
  const fileName = input.fileName ?? ('path' in input ? basename(input.path) : undefined)
  const timeoutMs = rest.timeoutMs ?? DEFAULT_TIMEOUT_MS

  return new Promise<ParsedDocument>((resolve, reject) => {
    let settled = false
    let released = false
    /** Done with the thread: keep it for the next file, or stop it. */
    const release = (keep: boolean): void => {
      if (released) return
      released = true
      clearTimeout(timer)
      clearTimeout(grace)
      signal?.removeEventListener('abort', onAbort)
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
      if (keep) idle.park(worker, path)
      else void worker.terminate()
    }
    const settle = (err: Error | null, doc?: ParsedDocument): void => {
      if (settled) return
      settled = true
      if (err) reject(err)
      else resolve(doc as ParsedDocument)
    }
    const finish = (err: Error | null, doc?: ParsedDocument, keep = false): void => {
      release(keep)
      settle(err, doc)
    }
    let grace: NodeJS.Timeout | undefined
    const timer = setTimeout(
      () => finish(fileError('timeout', `Engram gave up reading ${fileName ?? 'this file'}: it took longer than ${Math.round(timeoutMs / 1000)} s.`, fileName ? { fileName } : {})),
      timeoutMs
    )
    // Cancel: the caller hears at once. The thread is asked to stop (which stops its PDF
    // threads cleanly) and is kept if it answers within CANCEL_GRACE_MS; a parser that is
    // busy on the thread (mammoth, Readability) cannot answer, and the thread is stopped.
    const onAbort = (): void => {
      settle(abortError())
      worker.postMessage({ type: 'cancel', id })
      grace = setTimeout(() => release(false), CANCEL_GRACE_MS)
    }
    const onError = (err: Error): void => finish(new AppError('internal', `The parsing thread failed: ${err.message}`))
    const onExit = (code: number): void => finish(new AppError('internal', `The parsing thread exited (code ${code}).`))
    const onMessage = (m: WorkerMsg): void => {
      if (!('id' in m) || m.id !== id) return
      if (m.type === 'progress') {
        if (!settled) onProgress?.(m.p)
      } else if (m.type === 'done') finish(null, m.doc, true)
      else if (m.type === 'error') finish(AppError.from(m.error), undefined, true)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
    if ('path' in input) {
      worker.postMessage({ type: 'parse', id, input: { path: input.path, fileName: input.fileName }, opts: rest })
    } else {
      // A copy the thread can own, so the caller's Buffer stays usable.
      const bytes = new Uint8Array(input.bytes)
      worker.postMessage({ type: 'parse', id, input: { bytes, fileName: input.fileName }, opts: rest }, [bytes.buffer])
    }
  })
}
