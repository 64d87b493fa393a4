/**
 * PDF text, read by PDF.js on its own thread (see pdf.worker.mjs for why). This side sends
 * the file, collects page texts as they arrive (reporting progress), and enforces the
 * limits the thread cannot enforce on itself: an overall timeout, a stall timeout (no page
 * finished for a while), and cancellation; each of those terminates the thread. One idle
 * thread is kept for a few seconds so that a batch of PDFs does not pay the start-up
 * (loading PDF.js) for each file.
 */
import { Worker } from 'node:worker_threads'
import { join } from 'node:path'
import { appRoot, workerExecArgv } from '../../../core/paths'
import { abortError, fileError } from './errors'
import { sanitizeText } from './encoding'
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

let idle: { worker: Worker; path: string; timer: NodeJS.Timeout } | null = null
let nextId = 1

function takeWorker(path: string): Worker {
  if (idle && idle.path === path) {
    const w = idle.worker
    clearTimeout(idle.timer)
    idle = null
    w.ref()
    return w
  }
  return new Worker(path, { execArgv: workerExecArgv() })
}

function parkWorker(w: Worker, path: string): void {
  if (idle) void idle.worker.terminate()
  w.unref()
  const timer = setTimeout(() => {
    if (idle?.worker === w) idle = null
    void w.terminate()
  }, IDLE_KEEP_MS)
  timer.unref()
  idle = { worker: w, path, timer }
}

/** Terminate the idle PDF thread now (tests, shutdown). */
export async function closePdfWorkers(): Promise<void> {
  const i = idle
  idle = null
  if (i) {
    clearTimeout(i.timer)
    await i.worker.terminate()
  }
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

export async function parsePdf(src: PdfSource, opts: ParseOptions = {}): Promise<ParsedDocument> {
  if (opts.signal?.aborted) throw abortError()
  const workerPath = opts.pdfWorkerPath ?? defaultPdfWorkerPath()
  const worker = takeWorker(workerPath)
  const id = nextId++
  const pages: string[] = []
  let pageCount = 0
  let title: string | undefined

  const result = await new Promise<{ emptyPages: number }>((resolve, reject) => {
    let settled = false
    let stall: NodeJS.Timeout | undefined
    const finish = (err: Error | null, value?: { emptyPages: number }, keep = false): void => {
      if (settled) return
      settled = true
      clearTimeout(overall)
      clearTimeout(stall)
      opts.signal?.removeEventListener('abort', onAbort)
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
      if (keep) parkWorker(worker, workerPath)
      else void worker.terminate()
      if (err) reject(err)
      else resolve(value as { emptyPages: number })
    }
    const armStall = (): void => {
      clearTimeout(stall)
      stall = setTimeout(
        () => finish(fileError('timeout', `Engram gave up reading ${src.fileName}: no page finished in ${Math.round((opts.stallTimeoutMs ?? DEFAULT_STALL_MS) / 1000)} s. The file may be damaged.`, { fileName: src.fileName, format: 'pdf' })),
        opts.stallTimeoutMs ?? DEFAULT_STALL_MS
      )
    }
    const overall = setTimeout(
      () => finish(fileError('timeout', `Engram gave up reading ${src.fileName}: it took longer than ${Math.round((opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s.`, { fileName: src.fileName, format: 'pdf' })),
      opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    )
    const onAbort = (): void => finish(abortError())
    const onError = (err: Error): void => finish(fileError('corrupt', `Engram could not read this PDF: ${err.message}`, { fileName: src.fileName, format: 'pdf' }))
    const onExit = (code: number): void => finish(new Error(`the PDF thread exited (code ${code})`))
    const onMessage = (m: WorkerMsg): void => {
      if (m.id !== id) return
      switch (m.type) {
        case 'meta':
          pageCount = m.pages
          title = usefulTitle(m.title)
          opts.onProgress?.({ pages: m.pages, pagesDone: 0 })
          armStall()
          return
        case 'page':
          pages[m.page - 1] = m.text
          opts.onProgress?.({ pages: pageCount, pagesDone: m.page })
          armStall()
          return
        case 'done':
          finish(null, { emptyPages: m.emptyPages }, true)
          return
        case 'error':
          if (m.reason === 'encrypted') {
            finish(
              m.wrongPassword
                ? fileError('encrypted', 'The password for this PDF is not right.', { fileName: src.fileName, format: 'pdf', wrongPassword: true })
                : fileError('encrypted', 'This PDF is protected with a password. Enter the password to import it.', { fileName: src.fileName, format: 'pdf', wrongPassword: false }),
              undefined,
              true
            )
          } else if (m.reason === 'corrupt') {
            finish(fileError('corrupt', `This PDF is damaged or incomplete and cannot be read (${m.message}).`, { fileName: src.fileName, format: 'pdf' }), undefined, true)
          } else {
            finish(fileError('corrupt', `Engram could not read this PDF (${m.message}).`, { fileName: src.fileName, format: 'pdf' }))
          }
          return
      }
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
    armStall()
    if (src.data) {
      // A copy whose buffer can be moved to the thread, so the caller's Buffer stays usable.
      const copy = new Uint8Array(src.data)
      worker.postMessage({ type: 'parse', id, data: copy, password: opts.password }, [copy.buffer])
    } else {
      worker.postMessage({ type: 'parse', id, path: src.path, password: opts.password })
    }
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
  if (removedControls > 0) warnings.push(`control_chars_removed: ${removedControls} control characters were removed.`)
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
