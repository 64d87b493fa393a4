/**
 * Parsing on the calling thread: from a file (bytes or a path) to text with its pages and
 * headings, for PDF, DOCX, ODT, EPUB, RTF, HTML, Markdown, plain text and CSV. Pure Node:
 * no database, no Electron. `parseDocument` (index.ts) runs this in a worker thread; call
 * it directly only where blocking the thread does not matter.
 *
 * - Size first: a path is stat-ed and refused as 'too_large' before any byte is read;
 *   text formats on disk are decoded in 1 MB reads.
 * - Format by magic bytes, then by name (detect.ts); a ".pdf" that is not a PDF is refused.
 * - Files that cannot be imported are AppError 'unsupported_file' with a plain sentence and
 *   `details.reason` ('encrypted', 'no_text_layer', 'corrupt', 'too_large', 'unsupported',
 *   'timeout'); an empty file is not an error: it parses to '' with an "empty" warning.
 */
import { open, readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { AppError } from '../../../../shared/errors'
import { csvToText } from './csv'
import { DETECT_HEAD_BYTES, detectFormat, formatName, MIME_TYPES, type DetectedFormat } from './detect'
import { parseDocx } from './docx'
import { controlCharWarnings, decodeBytes, decodeFile, declaredCharset, repairMojibake, sanitizeText, type DecodedText } from './encoding'
import { parseEpub } from './epub'
import { abortError, errMessage, fileError, throwIfAborted } from './errors'
import { htmlToText } from './html'
import { markdownStructure } from './markdown'
import { parseOdt } from './odt'
import { parsePdf } from './pdf'
import { parseRtf } from './rtf'
import { DEFAULT_MAX_BYTES, type DocumentFormat, type ParsedDocument, type ParseInput, type ParseOptions } from './types'

const EMPTY_WARNING = 'empty: The file has no text.'

function sizeMb(n: number): string {
  return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`
}

function tooLarge(size: number, maxBytes: number, fileName: string): AppError {
  return fileError('too_large', `This file is ${sizeMb(size)}; Engram imports files up to ${sizeMb(maxBytes)}.`, { fileName, size, maxBytes })
}

interface Source {
  fileName: string
  size: number
  head: Uint8Array
  bytes?: Uint8Array
  path?: string
}

async function openSource(input: ParseInput, maxBytes: number): Promise<Source> {
  if ('path' in input) {
    const fileName = input.fileName ?? basename(input.path)
    let st
    try {
      st = await stat(input.path)
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code === 'ENOENT') throw new AppError('not_found', `The file ${fileName} does not exist.`, { fileName })
      if (code === 'EACCES' || code === 'EPERM') throw new AppError('unauthorized', `Engram is not allowed to read ${fileName}.`, { fileName })
      throw err
    }
    if (!st.isFile()) throw fileError('unsupported', `${fileName} is not a file.`, { fileName })
    if (st.size > maxBytes) throw tooLarge(st.size, maxBytes, fileName)
    const fh = await open(input.path, 'r')
    try {
      const head = new Uint8Array(Math.min(DETECT_HEAD_BYTES, st.size))
      const { bytesRead } = await fh.read(head, 0, head.length, 0)
      return { fileName, size: st.size, head: head.subarray(0, bytesRead), path: input.path }
    } finally {
      await fh.close()
    }
  }
  const bytes = input.bytes
  if (bytes.length > maxBytes) throw tooLarge(bytes.length, maxBytes, input.fileName)
  return { fileName: input.fileName, size: bytes.length, head: bytes.subarray(0, DETECT_HEAD_BYTES), bytes }
}

async function allBytes(src: Source): Promise<Uint8Array> {
  return src.bytes ?? new Uint8Array(await readFile(src.path as string))
}

async function decodeSource(src: Source, signal: AbortSignal | undefined, declared?: string | null): Promise<DecodedText> {
  if (src.bytes) return decodeBytes(src.bytes, declared)
  return decodeFile(src.path as string, { signal, declared })
}

/** Normalize decoded text and say what was done to it. */
function cleanDecoded(decoded: DecodedText, warnings: string[]): string {
  const s = sanitizeText(decoded.text)
  warnings.push(...controlCharWarnings(s.removedControls))
  const m = repairMojibake(s.text)
  if (m.repaired > 0) warnings.push(`mojibake_repaired: ${m.repaired} garbled characters (UTF-8 read as Latin-1) were repaired.`)
  if (decoded.guessed) warnings.push(`encoding_guessed: The file is not UTF-8; it was read as ${decoded.encoding}.`)
  return m.text
}

async function parseTextual(format: DocumentFormat, src: Source, opts: ParseOptions): Promise<ParsedDocument> {
  const warnings: string[] = []
  const base = { format, mimeType: MIME_TYPES[format], pages: null } as const
  if (format === 'html') {
    const decoded = await decodeSource(src, opts.signal, declaredCharset(src.head))
    const r = htmlToText(cleanDecoded(decoded, warnings))
    warnings.push(...controlCharWarnings(r.removedControls))
    return { ...base, ...(r.title ? { title: r.title } : {}), text: r.text, sections: r.sections, encoding: decoded.encoding, warnings }
  }
  const decoded = await decodeSource(src, opts.signal)
  const text = cleanDecoded(decoded, warnings)
  throwIfAborted(opts.signal)
  if (format === 'markdown') {
    const s = markdownStructure(text)
    return { ...base, ...(s.title ? { title: s.title } : {}), text, sections: s.sections, encoding: decoded.encoding, warnings }
  }
  if (format === 'csv') {
    const c = csvToText(text, src.fileName)
    return { ...base, ...(c.title ? { title: c.title } : {}), text: c.text, encoding: decoded.encoding, warnings: [...warnings, ...c.warnings] }
  }
  return { ...base, text, encoding: decoded.encoding, warnings }
}

/**
 * Read a document's text on this thread. Rejects with AppError 'unsupported_file' (see the
 * module note for `details.reason`), 'cancelled' when `signal` aborts, 'not_found' for a
 * missing path.
 */
export async function parseInProcess(input: ParseInput, opts: ParseOptions = {}): Promise<ParsedDocument> {
  throwIfAborted(opts.signal)
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES
  const src = await openSource(input, maxBytes)
  let detected: DetectedFormat | null = null
  let doc: ParsedDocument
  try {
    detected = detectFormat(src.head, src.fileName)
    if (src.size === 0) {
      return { format: detected.format, mimeType: detected.mimeType, text: '', pages: null, warnings: [EMPTY_WARNING] }
    }
    switch (detected.format) {
      case 'pdf':
        doc = await parsePdf(src.bytes ? { data: src.bytes, fileName: src.fileName } : { path: src.path as string, fileName: src.fileName }, opts)
        break
      case 'docx':
        doc = await parseDocx(await allBytes(src))
        break
      case 'odt':
        doc = parseOdt(await allBytes(src))
        break
      case 'epub':
        doc = parseEpub(await allBytes(src))
        break
      case 'rtf':
        doc = await parseRtf(await allBytes(src), opts.signal)
        break
      default:
        doc = await parseTextual(detected.format, src, opts)
    }
  } catch (err) {
    const format = detected ? { format: detected.format } : {}
    if (err instanceof AppError) {
      if (err.code === 'unsupported_file' && typeof err.details === 'object' && err.details !== null) {
        throw new AppError(err.code, err.message, { fileName: src.fileName, ...format, ...(err.details as object) })
      }
      throw err
    }
    const what = detected ? formatName(detected.format) : 'a document'
    throw fileError('corrupt', `Engram could not read this file as ${what}: ${errMessage(err)}`, { fileName: src.fileName, ...format })
  }
  if (opts.signal?.aborted) throw abortError()
  if (!doc.text.trim()) {
    doc = { ...doc, text: '', sections: [], warnings: [EMPTY_WARNING, ...doc.warnings] }
    if (doc.pageSpans) doc.pageSpans = doc.pageSpans.map((p) => ({ ...p, start: 0, end: 0 }))
  }
  return doc
}
