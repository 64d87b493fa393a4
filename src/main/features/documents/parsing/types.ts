/**
 * The shape every document parser returns, and the options they share. A parsed document
 * is plain text plus where its pages and headings are in that text, so that chunks can cite
 * a page and respect the document's structure. Offsets are UTF-16 code unit indexes into
 * `text` (what `String.prototype.slice` takes).
 */

export type DocumentFormat = 'pdf' | 'docx' | 'odt' | 'epub' | 'rtf' | 'html' | 'markdown' | 'text' | 'csv'

export interface PageSpan {
  /** 1-based page number. */
  page: number
  /** Offset of the page's first character in `text`. */
  start: number
  /** Offset just past the page's last character (start === end for a page with no text). */
  end: number
}

export interface Section {
  heading: string
  /** 1 (title, h1, `#`) to 6. */
  level: number
  /** Offset in `text` where the heading starts. */
  start: number
}

export interface ParsedDocument {
  format: DocumentFormat
  mimeType: string
  /** From the file's metadata or its first heading, when it has one. */
  title?: string
  /** Normalized text: LF line ends, no NUL or other C0 controls but tab and newline. */
  text: string
  /** Page count for paged formats (PDF), else null. */
  pages: number | null
  /** Char spans of each page in `text`, in page order (PDF). */
  pageSpans?: PageSpan[]
  /** Headings in document order, for structure-aware chunking. */
  sections?: Section[]
  /** The character encoding a text format was decoded from (e.g. 'utf-8', 'windows-1252'). */
  encoding?: string
  /**
   * Things a person may want to know that did not stop the import, each as
   * "code: sentence", e.g. "empty: The file has no text." Use `warningCode()` for the code.
   */
  warnings: string[]
}

/** The file to parse: its bytes, or a path to read (stat-ed first, so a huge file is refused unread). */
export type ParseInput = { bytes: Buffer | Uint8Array; fileName: string } | { path: string; fileName?: string }

export interface ParseProgress {
  pages?: number
  pagesDone?: number
}

export interface ParseOptions {
  /** For encrypted PDFs. */
  password?: string
  signal?: AbortSignal
  onProgress?(p: ParseProgress): void
  /** Refuse files larger than this many bytes ('too_large'). Default 200 MB. */
  maxBytes?: number
  /** Give up on a PDF after this long in total. Default 10 minutes. */
  timeoutMs?: number
  /** Give up on a PDF when no page finished for this long. Default 60 s. */
  stallTimeoutMs?: number
  /** Override the PDF worker script (tests). */
  pdfWorkerPath?: string
  /** Threads reading a long PDF's pages: 1 (default) or 2 (halves; more CPU, faster only on an idle machine). */
  pdfThreads?: number
}

export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024

/** Machine codes in `AppError.details.reason` for files Engram cannot import. */
export type ParseFailureReason = 'encrypted' | 'no_text_layer' | 'corrupt' | 'empty' | 'too_large' | 'unsupported' | 'timeout'

export interface ParseFailureDetails {
  reason: ParseFailureReason
  fileName?: string
  format?: DocumentFormat
  /** For 'encrypted': true when a password was given and it was wrong. */
  wrongPassword?: boolean
  /** For 'too_large': the file's size and the limit, in bytes. */
  size?: number
  maxBytes?: number
}

/** The code part of a warning ("empty" for "empty: The file has no text."). */
export function warningCode(warning: string): string {
  const i = warning.indexOf(':')
  return i < 0 ? warning : warning.slice(0, i)
}
