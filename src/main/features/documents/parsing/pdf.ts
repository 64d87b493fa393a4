/**
 * PDF text, read by PDF.js on its own thread (see pdf.worker.mjs for why). This side sends
 * the file, collects page texts as they arrive (reporting progress), and enforces the
 * limits the thread cannot enforce on itself: an overall timeout, a stall timeout (no page
 * finished for a while), and cancellation; each of those terminates the thread. One idle
 * thread is kept for a few seconds so that a batch of PDFs does not pay the start-up
 * (loading PDF.js) for each file. `pdfThreads: 2` reads a long PDF with two threads, one
 * half each. It is off by default: measured on the 2-core target while other work ran,
 * two threads took more CPU (the document is loaded twice and the second thread loads
 * PDF.js) and were no faster (freeculture.pdf: 3.9–6.7 s CPU and 4.4–12 s wall against
 * 2.0–5.7 s CPU and 2.1–8.3 s wall for one warm thread).
 */
import { Worker } from 'node:worker_threads'
import { join } from 'node:path'
import { appRoot, workerExecArgv } from '../../../core/paths'
import { abortError, fileError } from './errors'
import { idleWorkerSlot } from './idle-worker'
import { controlCharWarnings, sanitizeText } from './encoding'
import type { PageSpan, ParsedDocument, ParseOptions } from './types'

const DEFAULT_TIMEOUT_MS = 10 * 60_000
const DEFAULT_STALL_MS = 60_000
const IDLE_KEEP_MS = 10_000

export function defaultPdfWorkerPath(): string {
  return join(appRoot(), 'src', 'main', 'features', 'documents', 'parsing', 'pdf.worker.mjs')
}

type WorkerMsg =
  | { type: 'meta'; id: number; pages: number; title?: string }
  | { type: 'page'; id: number; page: number; text: string }
  | { type: 'done'; id: number; emptyPages: number }
  | { type: 'error'; id: number; reason: 'encrypted' | 'corrupt' | 'internal'; message: string; wrongPassword?: boolean }

const idle = idleWorkerSlot(IDLE_KEEP_MS)
let nextId = 1

/** Terminate the idle PDF thread now (tests, shutdown). */
export function closePdfWorkers(): Promise<void> {
  return idle.close()
}

/** Titles that are really file names or tool defaults say nothing; leave them out. */
function usefulTitle(t: string | undefined): string | undefined {
  if (!t) return undefined
  const s = t.replace(/^Microsoft (Word|PowerPoint) - /i, '').trim()
  if (!s || /^untitled$/i.test(s) || /\.(jpe?g|png|tiff?|gif|bmp|docx?|pdf|pptx?|xlsx?|odt|rtf|txt)$/i.test(s)) return undefined
  return s
}

export interface PdfSource {
  data?: Uint8Array
  path?: string
  fileName: string
}

/** Documents with at least this many pages are read by two threads, half each. */
const SPLIT_MIN_PAGES = 24

interface Run {
  worker: Worker
  id: number
  done: boolean
}

export async function parsePdf(src: PdfSource, opts: ParseOptions = {}): Promise<ParsedDocument> {
  if (opts.signal?.aborted) throw abortError()
  const workerPath = opts.pdfWorkerPath ?? defaultPdfWorkerPath()
  const threads = Math.max(1, Math.min(2, opts.pdfThreads ?? 1))
  const pages: Array<string | undefined> = []
  let pagesDone = 0
  let pageCount = 0
  let title: string | undefined
  const fileInfo = { fileName: src.fileName, format: 'pdf' as const }

  const result = await new Promise<{ emptyPages: number }>((resolve, reject) => {
    const runs: Run[] = []
    let emptyPages = 0
    let settled = false
    let stall: NodeJS.Timeout | undefined
    const finish = (err: Error | null, keep = false): void => {
      if (settled) return
      settled = true
      clearTimeout(overall)
      clearTimeout(stall)
      opts.signal?.removeEventListener('abort', onAbort)
      runs.forEach((r, i) => {
        r.worker.off('message', onMessage)
        r.worker.off('error', onError)
        r.worker.off('exit', onExit)
        // Keep the first thread for the next file when it finished cleanly.
        if (keep && i === 0 && r.done) idle.park(r.worker, workerPath)
        else void r.worker.terminate()
      })
      if (err) reject(err)
      else resolve({ emptyPages })
    }
    const armStall = (): void => {
      clearTimeout(stall)
      stall = setTimeout(
        () => finish(fileError('timeout', `Engram gave up reading ${src.fileName}: no page finished in ${Math.round((opts.stallTimeoutMs ?? DEFAULT_STALL_MS) / 1000)} s. The file may be damaged.`, fileInfo)),
        opts.stallTimeoutMs ?? DEFAULT_STALL_MS
      )
    }
    const overall = setTimeout(
      () => finish(fileError('timeout', `Engram gave up reading ${src.fileName}: it took longer than ${Math.round((opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s.`, fileInfo)),
      opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    )
    const onAbort = (): void => finish(abortError())
    const onError = (err: Error): void => finish(fileError('corrupt', `Engram could not read this PDF: ${err.message}`, fileInfo))
    const onExit = (code: number): void => finish(new Error(`the PDF thread exited (code ${code})`))
    const start = (from: number, to?: number): Run => {
      const run: Run = { worker: idle.take(workerPath) ?? new Worker(workerPath, { execArgv: workerExecArgv() }), id: nextId++, done: false }
      runs.push(run)
      run.worker.on('message', onMessage)
      run.worker.on('error', onError)
      run.worker.on('exit', onExit)
      const range = { from, ...(to ? { to } : {}) }
      if (src.data) {
        // A copy whose buffer can be moved to the thread, so the caller's Buffer stays usable.
        const copy = new Uint8Array(src.data)
        run.worker.postMessage({ type: 'parse', id: run.id, data: copy, password: opts.password, ...range }, [copy.buffer])
      } else {
        run.worker.postMessage({ type: 'parse', id: run.id, path: src.path, password: opts.password, ...range })
      }
      return run
    }
    const onMessage = (m: WorkerMsg): void => {
      const run = runs.find((r) => r.id === m.id)
      if (!run) return
      switch (m.type) {
        case 'meta':
          if (run !== runs[0]) return
          pageCount = m.pages
          title = usefulTitle(m.title)
          opts.onProgress?.({ pages: m.pages, pagesDone: 0 })
          armStall()
          if (threads > 1 && m.pages >= SPLIT_MIN_PAGES) {
            // A long document: this thread stops halfway and a second one reads the rest.
            const half = Math.ceil(m.pages / 2)
            run.worker.postMessage({ type: 'limit', id: run.id, to: half })
            start(half + 1, m.pages)
          }
          return
        case 'page':
          if (pages[m.page - 1] === undefined) pagesDone++
          pages[m.page - 1] = m.text
          opts.onProgress?.({ pages: pageCount, pagesDone })
          armStall()
          return
        case 'done':
          run.done = true
          emptyPages += m.emptyPages
          if (runs.every((r) => r.done)) finish(null, true)
          return
        case 'error':
          if (m.reason === 'encrypted') {
            finish(
              m.wrongPassword
                ? fileError('encrypted', 'The password for this PDF is not right.', { ...fileInfo, wrongPassword: true })
                : fileError('encrypted', 'This PDF is protected with a password. Enter the password to import it.', { ...fileInfo, wrongPassword: false })
            )
          } else if (m.reason === 'corrupt') {
            finish(fileError('corrupt', `This PDF is damaged or incomplete and cannot be read (${m.message}).`, fileInfo))
          } else {
            finish(fileError('corrupt', `Engram could not read this PDF (${m.message}).`, fileInfo))
          }
          return
      }
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    armStall()
    start(1)
  })

  const parts: string[] = []
  const pageSpans: PageSpan[] = []
  let offset = 0
  let removedControls = 0
  for (let i = 0; i < pageCount; i++) {
    const s = sanitizeText(pages[i] ?? '')
    removedControls += s.removedControls
    const text = s.text
    if (i > 0) {
      parts.push('\n\n')
      offset += 2
    }
    parts.push(text)
    pageSpans.push({ page: i + 1, start: offset, end: offset + text.length })
    offset += text.length
  }
  const text = parts.join('')
  if (!text.trim()) {
    throw fileError('no_text_layer', 'This PDF has no text layer (it is a scan). Engram cannot read it without OCR.', { fileName: src.fileName, format: 'pdf' })
  }
  const warnings: string[] = []
  if (result.emptyPages > 0) {
    warnings.push(`pages_without_text: ${result.emptyPages} of ${pageCount} pages have no text (blank, or scanned and needing OCR).`)
  }
  warnings.push(...controlCharWarnings(removedControls))
  return {
    format: 'pdf',
    mimeType: 'application/pdf',
    ...(title ? { title } : {}),
    text,
    pages: pageCount,
    pageSpans,
    warnings
  }
}
