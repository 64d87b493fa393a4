/**
 * The reader's text model, pure: a document's text cut into blocks (paragraphs, long ones
 * cut again at line or word breaks) with page markers between them, the matches of a
 * search within it, and the marked parts of one block. A 700,000-character book becomes a
 * few thousand blocks, of which the reader renders only those on screen.
 */
import type { DocumentChunkInfo } from '../../../../shared/types'

export type TextSpan = { kind: 'text'; start: number; end: number }
export type Block = TextSpan | { kind: 'page'; page: number; start: number }

/** Long paragraphs are cut to about this many characters. */
export const MAX_BLOCK_CHARS = 2400

/**
 * Where each page begins, as far as the passages tell: the start of the first passage on
 * each page (DocumentDetail carries passages, not the parser's page spans).
 */
export function pageStarts(chunks: readonly DocumentChunkInfo[]): Array<{ page: number; start: number }> {
  const first = new Map<number, number>()
  for (const c of chunks) {
    if (c.page === null) continue
    const at = first.get(c.page)
    if (at === undefined || c.charStart < at) first.set(c.page, c.charStart)
  }
  const out = [...first].map(([page, start]) => ({ page, start })).sort((a, b) => a.start - b.start || a.page - b.page)
  // Page 1 starts the text, even when its first passage starts a little later.
  if (out[0]) out[0] = { ...out[0], start: 0 }
  return out
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xa0

function cutLong(text: string, start: number, end: number, max: number, out: TextSpan[]): void {
  let s = start
  while (end - s > max) {
    const window = text.slice(s + Math.floor(max / 2), s + max)
    let cut = window.lastIndexOf('\n')
    if (cut < 0) cut = window.lastIndexOf(' ')
    const at = cut < 0 ? s + max : s + Math.floor(max / 2) + cut + 1
    out.push({ kind: 'text', start: s, end: at })
    s = at
  }
  if (end > s) out.push({ kind: 'text', start: s, end })
}

export function buildBlocks(text: string, pages: ReadonlyArray<{ page: number; start: number }> = [], max = MAX_BLOCK_CHARS): Block[] {
  const paragraphs: TextSpan[] = []
  const sep = /\n[ \t\f\r\u00a0]*\n\s*/g
  let from = 0
  const push = (s: number, e: number): void => {
    while (s < e && isSpace(text.charCodeAt(s))) s++
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--
    if (e > s) cutLong(text, s, e, max, paragraphs)
  }
  for (let m = sep.exec(text); m; m = sep.exec(text)) {
    push(from, m.index)
    from = m.index + m[0].length
  }
  push(from, text.length)
  if (pages.length === 0) return paragraphs

  const out: Block[] = []
  let p = 0
  for (const b of paragraphs) {
    // A page that begins before this block ends is marked before it (pages begin at paragraph breaks).
    while (p < pages.length && (pages[p] as { start: number }).start < b.end) {
      const pg = pages[p] as { page: number; start: number }
      out.push({ kind: 'page', page: pg.page, start: Math.min(pg.start, b.start) })
      p++
    }
    out.push(b)
  }
  return out
}

/** The block holding character `pos` (or the nearest text block after it). */
export function blockAt(blocks: readonly Block[], pos: number): number {
  let lo = 0
  let hi = blocks.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const b = blocks[mid] as Block
    if (b.start <= pos) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  if (found < 0) return blocks.findIndex((b) => b.kind === 'text')
  // On a page marker: its text block follows.
  while (found < blocks.length - 1 && (blocks[found] as Block).kind === 'page') found++
  const b = blocks[found] as Block
  // In the gap after a block: the next one.
  if (b.kind === 'text' && pos >= b.end && found < blocks.length - 1) return found + 1
  return found
}

export const MAX_MATCHES = 5000
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Where `query` occurs in `text`, ignoring case, as [start, end) pairs (at most MAX_MATCHES). */
export function findMatches(text: string, query: string, cap = MAX_MATCHES): Array<[number, number]> {
  const q = query.trim()
  if (!q) return []
  const re = new RegExp(escapeRe(q).replace(/\s+/g, '\\s+'), 'giu')
  const out: Array<[number, number]> = []
  for (let m = re.exec(text); m && out.length < cap; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++
      continue
    }
    out.push([m.index, m.index + m[0].length])
  }
  return out
}

export interface Part {
  text: string
  /** Inside the passage the reader was opened at. */
  target: boolean
  /** The index of the search match this part belongs to, or -1. */
  match: number
}

/** Block [start, end) cut into parts by the target span and the search matches. */
export function blockParts(
  text: string,
  start: number,
  end: number,
  target: { start: number; end: number } | null,
  matches: ReadonlyArray<readonly [number, number]>
): Part[] {
  const cuts = new Set<number>([start, end])
  const inside = (x: number): boolean => x > start && x < end
  if (target) {
    if (inside(target.start)) cuts.add(target.start)
    if (inside(target.end)) cuts.add(target.end)
  }
  // The first match that ends after the block starts (matches are sorted and do not overlap).
  let lo = 0
  let hi = matches.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((matches[mid] as readonly [number, number])[1] <= start) lo = mid + 1
    else hi = mid
  }
  const first = lo
  for (let i = first; i < matches.length && (matches[i] as readonly [number, number])[0] < end; i++) {
    const [a, b] = matches[i] as readonly [number, number]
    if (inside(a)) cuts.add(a)
    if (inside(b)) cuts.add(b)
  }
  const points = [...cuts].sort((a, b) => a - b)
  const parts: Part[] = []
  let m = first
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i] as number
    const b = points[i + 1] as number
    while (m < matches.length && (matches[m] as readonly [number, number])[1] <= a) m++
    const match = m < matches.length && (matches[m] as readonly [number, number])[0] <= a ? m : -1
    const isTarget = target !== null && a >= target.start && b <= target.end
    const prev = parts[parts.length - 1]
    if (prev && prev.target === isTarget && prev.match === match) prev.text += text.slice(a, b)
    else parts.push({ text: text.slice(a, b), target: isTarget, match })
  }
  return parts
}
