/**
 * Builds a document's text from a walk over its structure (HTML, DOCX via HTML, ODT, EPUB)
 * and records where headings start, so that the offsets are exact by construction. Inline
 * text has its whitespace collapsed like a browser would; blocks ask for a line break or a
 * blank line, and breaks asked for in a row merge into the largest one.
 */
import { sanitizeText } from './encoding'
import type { Section } from './types'

export class TextBuilder {
  private readonly parts: string[] = []
  private len = 0
  /** 0 none, 1 newline, 2 blank line: emitted before the next text. */
  private pendingBreak = 0
  private pendingSpace = false
  private pendingSeparator = ''
  /** A list marker ("- ", "3. ") written before the next text, after any break. */
  private pendingMarker = ''
  private lastChar = ''
  /** Newlines at the end of the text written so far. */
  private trailingNewlines = 0
  /** While a heading is open, its text is also collected here. */
  private capture: string[] | null = null
  readonly sections: Section[] = []
  removedControls = 0

  get length(): number {
    return this.len
  }

  /** True when nothing but whitespace has been written. */
  get isEmpty(): boolean {
    return this.len === 0
  }

  private write(s: string): void {
    if (!s) return
    this.parts.push(s)
    this.capture?.push(s)
    this.len += s.length
    this.lastChar = s[s.length - 1] ?? this.lastChar
    let k = 0
    while (k < s.length && s[s.length - 1 - k] === '\n') k++
    this.trailingNewlines = k === s.length ? this.trailingNewlines + k : k
  }

  private clean(s: string): string {
    const r = sanitizeText(s)
    this.removedControls += r.removedControls
    return r.text
  }

  /** Emit what is pending before a run of text. */
  private flush(): void {
    if (this.len === 0) {
      this.pendingBreak = 0
      this.pendingSpace = false
      this.pendingSeparator = ''
      this.writeMarker()
      return
    }
    if (this.pendingBreak > 0) {
      const have = this.trailingNewlines
      this.write('\n'.repeat(Math.max(0, this.pendingBreak - have)))
    } else if (this.pendingSeparator) {
      this.write(this.pendingSeparator)
    } else if (this.pendingSpace && !/\s/.test(this.lastChar)) {
      this.write(' ')
    }
    this.pendingBreak = 0
    this.pendingSpace = false
    this.pendingSeparator = ''
    this.writeMarker()
  }

  private writeMarker(): void {
    if (!this.pendingMarker) return
    const m = this.pendingMarker
    this.pendingMarker = ''
    this.write(m)
  }

  /** A list item's marker, written just before the item's first text. */
  listMarker(marker: string): void {
    this.pendingMarker = marker
  }

  /** Text in flow: runs of whitespace become one space. */
  inline(raw: string): void {
    const s = this.clean(raw).replace(/\s+/g, ' ')
    if (!s) return
    if (s === ' ') {
      this.pendingSpace = true
      return
    }
    const lead = s.startsWith(' ')
    const trail = s.endsWith(' ')
    const body = s.slice(lead ? 1 : 0, trail ? s.length - 1 : s.length)
    if (lead) this.pendingSpace = true
    this.flush()
    this.write(body)
    if (trail) this.pendingSpace = true
  }

  /** Preformatted text, kept as it is (tabs and line breaks too). */
  preformatted(raw: string): void {
    const s = this.clean(raw)
    if (!s) return
    this.flush()
    this.write(s)
  }

  /** A literal character that ends a line or separates (a tab, a forced line break). */
  hardBreak(): void {
    if (this.len === 0) return
    this.pendingBreak = Math.max(this.pendingBreak, 1)
    if (this.lastChar !== '\n' && this.pendingBreak === 1) {
      this.write('\n')
      this.pendingBreak = 0
      this.pendingSpace = false
    }
  }

  tab(): void {
    this.flush()
    if (this.len > 0) this.write('\t')
  }

  /** Ask for a line break (1) or a blank line (2) before the next text. */
  block(n: 1 | 2): void {
    this.pendingBreak = Math.max(this.pendingBreak, n)
  }

  /** Put `sep` between the text before and after (table cells), unless a break is pending. */
  separator(sep: string): void {
    if (this.pendingBreak === 0) this.pendingSeparator = sep
  }

  /** Start a heading: the next text begins a section. Call `endHeading` with its text. */
  beginHeading(): number {
    this.block(2)
    this.flush()
    this.capture = []
    return this.len
  }

  endHeading(start: number, level: number): void {
    const heading = (this.capture ?? []).join('').replace(/\s+/g, ' ').trim()
    this.capture = null
    if (heading) this.sections.push({ heading, level: Math.min(6, Math.max(1, level)), start })
    this.block(2)
  }

  /** Record a section at the current end (e.g. a chapter file) without writing a heading. */
  markSection(heading: string, level: number): void {
    this.block(2)
    this.flush()
    const h = heading.replace(/\s+/g, ' ').trim()
    if (h) this.sections.push({ heading: h, level, start: this.len })
  }

  toString(): string {
    return this.parts.join('')
  }

  /** The text with trailing whitespace trimmed (offsets before it are unchanged). */
  finish(): string {
    const s = this.toString()
    return s.replace(/\s+$/, '')
  }
}
