// @ts-check
/**
 * The PDF thread: PDF.js (pdfjs-dist's legacy build, the one meant for Node) reads a PDF's
 * text layer here, page by page, never on the caller's thread. Two reasons:
 * - it is CPU work (about 4–5 s for a 352-page book on the 2-core target), and the main
 *   process must stay responsive;
 * - the legacy build installs core-js polyfills on the global objects it runs in (it
 *   replaces Array.prototype.push, which made pushes ~3x slower process-wide when measured),
 *   so it must not be loaded into the main process.
 * A caller that gives up (abort, timeout, a file that stalls PDF.js) terminates the thread,
 * which is the one way to stop work that never yields.
 *
 * Protocol (one document per message; the thread may be reused for the next):
 *   → { type:'parse', id, data?: Uint8Array, path?: string, password?: string, from?, to? }
 *   → { type:'limit', id, to }                    stop after page `to` (another thread reads the rest)
 *   ← { type:'meta', id, pages, title? }
 *   ← { type:'page', id, page, text }            one per page of from..to, in order
 *   ← { type:'done', id, emptyPages }
 *   ← { type:'error', id, reason, message, wrongPassword? }
 *        reason: encrypted | corrupt | internal
 *
 * Plain JavaScript like src/main/workers/*.mjs, so that the same file runs under Node, the
 * tests and the built app with no transpile step.
 */
import { parentPort } from 'node:worker_threads'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

if (!parentPort) throw new Error('pdf.worker must run as a worker thread')
const port = parentPort

const require = createRequire(import.meta.url)
const pdfjsRoot = dirname(require.resolve('pdfjs-dist/package.json'))
// CID fonts (Japanese, Chinese, Korean) need the predefined CMaps to map glyphs to text.
const cMapUrl = join(pdfjsRoot, 'cmaps') + '/'
const standardFontDataUrl = join(pdfjsRoot, 'standard_fonts') + '/'

/** @type {typeof import('pdfjs-dist/legacy/build/pdf.mjs') | null} */
let pdfjs = null

/** The last page each running parse should read, by id (lowered by 'limit'). */
const lastPage = new Map()

/**
 * Passwords to try in order. PDF.js 5.6 treats the password as Latin-1 bytes; AES-256
 * (R5/R6) files want the UTF-8 bytes of the SASLprep-ed password, so a non-ASCII password
 * is also tried as UTF-8 (NFKC-normalized, which is what SASLprep does to most text).
 * Upstream: mozilla/pdf.js#21579.
 * @param {string | undefined} pw
 */
function passwordCandidates(pw) {
  if (pw === undefined || pw === '') return []
  /** @type {string[]} */
  const out = [pw]
  // eslint-disable-next-line no-control-regex -- ASCII test
  if (/[^\u0000-\u007f]/.test(pw)) {
    for (const form of [pw.normalize('NFKC'), pw.normalize('NFC'), pw]) {
      const bytes = Buffer.from(form, 'utf8').toString('latin1')
      if (!out.includes(bytes)) out.push(bytes)
    }
  }
  return out
}

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\uac00-\ud7af]/

/**
 * A page's text from PDF.js text items: lines end where PDF.js saw an end of line; a
 * vertical gap well above the line height (or a jump back up, as between columns) starts a
 * new paragraph (a blank line). Lines of Chinese or Japanese text are joined with nothing,
 * since those scripts put no space where a line wraps.
 * @param {Array<any>} items
 */
function pageText(items) {
  /** @type {Array<{ text: string, y: number, h: number }>} */
  const lines = []
  let text = ''
  /** @type {number | null} */
  let y = null
  let h = 0
  const endLine = () => {
    if (text.trim()) lines.push({ text: text.replace(/\s+$/, ''), y: y ?? 0, h: h || 10 })
    text = ''
    y = null
    h = 0
  }
  for (const it of items) {
    if (typeof it.str !== 'string') continue
    if (it.str) {
      if (y === null) y = it.transform[5]
      const ih = it.height || Math.abs(it.transform[3]) || 0
      if (ih > h) h = ih
      text += it.str
    }
    if (it.hasEOL) endLine()
  }
  endLine()
  let out = ''
  /** @type {{ text: string, y: number, h: number } | null} */
  let prev = null
  for (const line of lines) {
    if (prev) {
      const lh = Math.max(prev.h, line.h, 1)
      const gap = prev.y - line.y
      const paragraph = gap > lh * 1.9 || gap < -lh * 2
      const last = prev.text[prev.text.length - 1] ?? ''
      const first = line.text.trimStart()[0] ?? ''
      if (paragraph) out += '\n\n'
      else if (!(CJK.test(last) && CJK.test(first))) out += '\n'
    }
    out += prev ? line.text : line.text.trimStart()
    prev = line
  }
  return out
}

/** @param {unknown} err */
function describe(err) {
  const e = /** @type {{ name?: string, message?: string }} */ (err ?? {})
  return { name: String(e.name ?? 'Error'), message: String(e.message ?? err) }
}

/**
 * @param {number} id
 * @param {{ data?: Uint8Array, path?: string, password?: string, from?: number, to?: number }} msg
 */
async function parse(id, msg) {
  pdfjs ??= await import('pdfjs-dist/legacy/build/pdf.mjs')
  const data = msg.data ?? new Uint8Array(await readFile(/** @type {string} */ (msg.path)))
  const task = pdfjs.getDocument({
    data,
    cMapUrl,
    cMapPacked: true,
    standardFontDataUrl,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false
  })
  const candidates = passwordCandidates(msg.password)
  let tried = 0
  /** @type {Promise<never>} */
  const passwordFailure = new Promise((_, reject) => {
    task.onPassword = (/** @type {(p: string) => void} */ update, /** @type {number} */ reason) => {
      const next = candidates[tried++]
      if (next !== undefined) return update(next)
      const wrong = reason === pdfjs?.PasswordResponses.INCORRECT_PASSWORD
      reject(Object.assign(new Error(wrong ? 'wrong password' : 'needs password'), { pdfPassword: true, wrong }))
    }
  })
  /** @type {import('pdfjs-dist/types/src/display/api').PDFDocumentProxy | null} */
  let doc = null
  try {
    doc = await Promise.race([task.promise, passwordFailure])
    const meta = await doc.getMetadata().catch(() => null)
    const info = /** @type {{ Title?: unknown } | undefined} */ (meta?.info)
    const title = typeof info?.Title === 'string' ? info.Title.replace(/\s+/g, ' ').trim() : ''
    port.postMessage({ type: 'meta', id, pages: doc.numPages, ...(title ? { title } : {}) })
    let emptyPages = 0
    if (!lastPage.has(id)) lastPage.set(id, msg.to ?? Infinity)
    for (let n = Math.max(1, msg.from ?? 1); n <= Math.min(doc.numPages, lastPage.get(id) ?? Infinity); n++) {
      let text = ''
      try {
        const page = await doc.getPage(n)
        const content = await page.getTextContent()
        text = pageText(content.items)
        page.cleanup()
      } catch {
        // A damaged page: keep the others.
        text = ''
      }
      if (!text.trim()) emptyPages++
      port.postMessage({ type: 'page', id, page: n, text })
    }
    port.postMessage({ type: 'done', id, emptyPages })
  } catch (err) {
    const e = /** @type {{ pdfPassword?: boolean, wrong?: boolean, name?: string }} */ (err ?? {})
    if (e.pdfPassword) {
      port.postMessage({ type: 'error', id, reason: 'encrypted', message: describe(err).message, wrongPassword: !!e.wrong })
    } else {
      const d = describe(err)
      const corrupt = /Invalid|Missing|Unexpected|FormatError|XRef|bad|corrupt/i.test(`${d.name} ${d.message}`)
      port.postMessage({ type: 'error', id, reason: corrupt ? 'corrupt' : 'internal', message: `${d.name}: ${d.message}` })
    }
  } finally {
    lastPage.delete(id)
    if (doc) await doc.destroy().catch(() => undefined)
    else await task.destroy().catch(() => undefined)
  }
}

port.on('message', (/** @type {any} */ msg) => {
  if (msg?.type === 'parse') void parse(msg.id, msg)
  else if (msg?.type === 'limit' && lastPage.has(msg.id)) lastPage.set(msg.id, msg.to)
})
