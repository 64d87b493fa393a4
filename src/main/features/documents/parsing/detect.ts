/**
 * What kind of file this is: magic bytes first, the file name's extension second. A file
 * whose name promises a binary format its bytes do not have (a ".pdf" that is text) is
 * refused with a sentence that says so, rather than parsed as something else.
 */
import { fileError } from './errors'
import type { DocumentFormat } from './types'

export interface DetectedFormat {
  format: DocumentFormat
  mimeType: string
}

export const MIME_TYPES: Record<DocumentFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
  epub: 'application/epub+zip',
  rtf: 'application/rtf',
  html: 'text/html',
  markdown: 'text/markdown',
  text: 'text/plain',
  csv: 'text/csv'
}

/** How many leading bytes detection looks at; pass at least this many when you have them. */
export const DETECT_HEAD_BYTES = 64 * 1024

const EXTENSIONS: Record<string, DocumentFormat> = {
  pdf: 'pdf',
  docx: 'docx',
  odt: 'odt',
  epub: 'epub',
  rtf: 'rtf',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  md: 'markdown',
  markdown: 'markdown',
  mdown: 'markdown',
  mkd: 'markdown',
  csv: 'csv',
  tsv: 'csv',
  txt: 'text',
  text: 'text'
}

const FORMAT_NAMES: Record<DocumentFormat, string> = {
  pdf: 'a PDF',
  docx: 'a Word document',
  odt: 'an OpenDocument text',
  epub: 'an EPUB book',
  rtf: 'an RTF document',
  html: 'a web page',
  markdown: 'Markdown',
  text: 'text',
  csv: 'CSV'
}

const BINARY_FORMATS = new Set<DocumentFormat>(['pdf', 'docx', 'odt', 'epub', 'rtf'])

/** Known binary types we do not import, to name them in the refusal. */
const FOREIGN_MAGIC: Array<{ bytes: number[]; offset?: number; name: string }> = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], name: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], name: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], name: 'a GIF image' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], name: 'a TIFF image' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], name: 'a TIFF image' },
  { bytes: [0x52, 0x49, 0x46, 0x46], name: 'a media file (RIFF)' },
  { bytes: [0x66, 0x74, 0x79, 0x70], offset: 4, name: 'a video or image (MP4/HEIC)' },
  { bytes: [0x4d, 0x5a], name: 'a Windows program' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], name: 'a program (ELF)' },
  { bytes: [0xcf, 0xfa, 0xed, 0xfe], name: 'a macOS program' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], name: 'an old Office file (.doc/.xls/.ppt); save it as .docx' },
  { bytes: [0x52, 0x61, 0x72, 0x21], name: 'a RAR archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], name: 'a 7-Zip archive' },
  { bytes: [0x1f, 0x8b], name: 'a gzip archive' },
  { bytes: [0x49, 0x44, 0x33], name: 'an MP3 file' },
  { bytes: [0x4f, 0x67, 0x67, 0x53], name: 'an Ogg media file' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], name: 'an SQLite database' }
]

function startsWith(bytes: Uint8Array, sig: number[], offset = 0): boolean {
  if (bytes.length < offset + sig.length) return false
  return sig.every((b, i) => bytes[offset + i] === b)
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  let s = ''
  for (let i = start; i < Math.min(end, bytes.length); i++) s += String.fromCharCode(bytes[i] ?? 0)
  return s
}

export function extensionOf(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '')
  const dot = base.lastIndexOf('.')
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase()
}

function hasPdfMagic(head: Uint8Array): boolean {
  // The header may follow some junk; readers look in the first 1024 bytes.
  return ascii(head, 0, 1024).includes('%PDF-')
}

/** The zip flavour from the first local headers: ODF and EPUB store "mimetype" first. */
function zipFlavour(head: Uint8Array): { format?: DocumentFormat; foreign?: string } {
  const nameLen = (head[26] ?? 0) | ((head[27] ?? 0) << 8)
  const extraLen = (head[28] ?? 0) | ((head[29] ?? 0) << 8)
  const name = ascii(head, 30, 30 + nameLen)
  if (name === 'mimetype') {
    const size = (head[18] ?? 0) | ((head[19] ?? 0) << 8)
    const start = 30 + nameLen + extraLen
    const mime = ascii(head, start, start + Math.min(size, 100)).trim()
    if (mime === MIME_TYPES.odt || mime === 'application/vnd.oasis.opendocument.text-template') return { format: 'odt' }
    if (mime === MIME_TYPES.epub) return { format: 'epub' }
    if (mime.startsWith('application/vnd.oasis.opendocument.')) return { foreign: `an OpenDocument ${mime.split('.').pop() ?? 'file'} (only text documents are supported)` }
  }
  const names = ascii(head, 0, head.length)
  if (names.includes('word/document.xml') || names.includes('word/_rels/')) return { format: 'docx' }
  if (names.includes('xl/workbook.xml') || names.includes('xl/_rels/')) return { foreign: 'an Excel workbook' }
  if (names.includes('ppt/presentation.xml') || names.includes('ppt/_rels/')) return { foreign: 'a PowerPoint presentation' }
  return {}
}

/** UTF-16 without a BOM shows as NULs at every other byte. */
function looksUtf16(head: Uint8Array): boolean {
  const n = Math.min(head.length, 4096) & ~1
  if (n < 4) return false
  let evenNul = 0
  let oddNul = 0
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++
    if (head[i + 1] === 0) oddNul++
  }
  const pairs = n / 2
  return (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) || (oddNul > pairs * 0.4 && evenNul < pairs * 0.05)
}

function looksBinary(head: Uint8Array): boolean {
  if (startsWith(head, [0xef, 0xbb, 0xbf]) || startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return false
  if (looksUtf16(head)) return false
  const n = Math.min(head.length, 8192)
  let control = 0
  for (let i = 0; i < n; i++) {
    const b = head[i] ?? 0
    if (b === 0) return true
    if (b < 9 || (b > 13 && b < 32 && b !== 27)) control++
  }
  return n > 0 && control / n > 0.1
}

function sniffHtml(head: Uint8Array): boolean {
  const s = ascii(head, 0, 1024).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase()
  return s.startsWith('<!doctype html') || s.startsWith('<html') || (s.startsWith('<?xml') && s.includes('<html'))
}

function notA(ext: string, format: DocumentFormat, actually?: string): never {
  throw fileError(
    'unsupported',
    `This file is named .${ext} but is not ${FORMAT_NAMES[format]}${actually ? ` (it looks like ${actually})` : ''}.`,
    { format }
  )
}

/**
 * The format of a file from its first bytes (at least DETECT_HEAD_BYTES when the file is
 * that long) and its name. Throws AppError 'unsupported_file' (reason 'unsupported') for
 * files Engram does not import, naming what they seem to be.
 */
export function detectFormat(head: Uint8Array, fileName: string): DetectedFormat {
  const ext = extensionOf(fileName)
  const byName = EXTENSIONS[ext]
  const found = (format: DocumentFormat): DetectedFormat => ({ format, mimeType: MIME_TYPES[format] })

  if (head.length === 0) return found(byName ?? 'text')
  if (hasPdfMagic(head)) return found('pdf')
  if (ascii(head, 0, 5) === '{\\rtf') return found('rtf')
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    const z = zipFlavour(head)
    if (z.format) return found(z.format)
    if (byName === 'docx' || byName === 'odt' || byName === 'epub') return found(byName)
    const what = z.foreign ?? 'a zip archive'
    if (byName && BINARY_FORMATS.has(byName)) notA(ext, byName, what)
    throw fileError('unsupported', `Engram cannot import ${what}.`)
  }
  const foreign = FOREIGN_MAGIC.find((m) => startsWith(head, m.bytes, m.offset))
  const binary = foreign !== undefined || looksBinary(head)
  if (byName && BINARY_FORMATS.has(byName)) notA(ext, byName, foreign?.name ?? (binary ? undefined : 'text'))
  if (binary) throw fileError('unsupported', `Engram cannot import ${foreign?.name ?? `this kind of file${ext ? ` (.${ext})` : ''}`}.`)
  if (byName) return found(byName)
  return found(sniffHtml(head) ? 'html' : 'text')
}

/** A name for the format in messages ("a PDF", "a Word document"). */
export function formatName(format: DocumentFormat): string {
  return FORMAT_NAMES[format]
}
