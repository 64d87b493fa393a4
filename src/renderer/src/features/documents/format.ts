/**
 * How documents read on screen: sizes, formats, statuses and the import's steps in words,
 * and what to suggest when an import failed (a password, OCR, the command line).
 */
import type { DocumentStatus, DocumentSummary } from '../../../../shared/types'
import { MAX_UPLOAD_BYTES } from '../../../../shared/contract'
import { formatBytes, formatCount, formatDate, formatDateTime, plural } from '../../lib/format'

export { formatBytes, formatCount, formatDate, formatDateTime, plural }

const FORMAT_NAMES: Record<string, string> = {
  pdf: 'PDF',
  docx: 'Word',
  odt: 'OpenDocument',
  epub: 'EPUB',
  rtf: 'RTF',
  html: 'HTML',
  markdown: 'Markdown',
  md: 'Markdown',
  text: 'Text',
  txt: 'Text',
  csv: 'CSV'
}

/** The format's name, or the file's extension while it is not known yet. */
export function formatName(doc: Pick<DocumentSummary, 'format' | 'name'>): string {
  if (doc.format) return FORMAT_NAMES[doc.format] ?? doc.format.toUpperCase()
  const ext = /\.([a-z0-9]{1,8})$/i.exec(doc.name)?.[1]
  return ext ? ext.toUpperCase() : 'File'
}

export const STATUS_WORDS: Record<DocumentStatus, { label: string; color: string }> = {
  pending: { label: 'Waiting', color: 'gray' },
  processing: { label: 'Importing', color: 'blue' },
  ready: { label: 'Ready', color: 'teal' },
  failed: { label: 'Failed', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'gray' }
}

/** The import workflow's steps, as the progress line names them. */
export const STEP_WORDS: Record<string, string> = {
  detect: 'Checking the file',
  parse: 'Reading the text',
  chunk: 'Splitting into passages',
  embed: 'Indexing passages',
  index: 'Finishing'
}

/** Runner notes that say nothing a person needs next to a progress bar. */
const QUIET_DETAILS = new Set(['Started', 'Resumed', 'Queued', 'Step finished', 'Finished', 'Retrying'])

/** "Reading the text · page 40 of 352" from a run's step and note. */
export function progressLine(step: string | null, detail: string | null): string {
  const what = step ? (STEP_WORDS[step] ?? step) : 'Starting'
  return detail && !QUIET_DETAILS.has(detail) ? `${what} · ${detail}` : what
}

/** A failure in words without the runner's step prefix ('"parse" failed: …'). */
export const errorText = (error: string | null): string => (error ?? '').replace(/^"[\w.-]+" failed:\s*/, '')

export type FailureKind = 'encrypted' | 'wrong_password' | 'no_text_layer' | 'too_large' | 'not_found' | 'other'

/** What kind of failure this is, from its code (when main sends the reason) or its words. */
export function failureKind(doc: Pick<DocumentSummary, 'errorCode' | 'error'>): FailureKind {
  const code = doc.errorCode ?? ''
  const text = doc.error ?? ''
  if (/password[^.]*not right/i.test(text)) return 'wrong_password'
  if (code === 'encrypted' || /password/i.test(text)) return 'encrypted'
  if (code === 'no_text_layer' || /no text layer|needs? OCR|without OCR/i.test(text)) return 'no_text_layer'
  if (code === 'too_large' || /imports files up to|more than Engram imports/i.test(text)) return 'too_large'
  if (code === 'not_found' || /file is gone|cannot be opened/i.test(text)) return 'not_found'
  return 'other'
}

/** A next step for the person, where one helps. */
export function failureHint(kind: FailureKind): string | null {
  switch (kind) {
    case 'encrypted':
      return 'Engram keeps the password in memory for this import only.'
    case 'wrong_password':
      return 'Try the password again.'
    case 'no_text_layer':
      return 'Scanned pages are pictures of text. Run them through OCR (for example OCRmyPDF, or “Recognize text” in your PDF app), then import the result.'
    case 'too_large':
      return 'Split the file, or export just the part you need.'
    case 'not_found':
      return 'Drop the file again from where it is now.'
    default:
      return null
  }
}

/** Why a file was not even sent from the browser. */
export function tooBigForBrowser(name: string, size: number): string {
  return `${name} is ${formatBytes(size)}; from the browser Engram takes files up to ${formatBytes(MAX_UPLOAD_BYTES)}. Use \`engram import\` or the desktop app.`
}

