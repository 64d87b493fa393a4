/**
 * Cuts a parsed document into passages for embedding: each at most `maxTokens` model tokens
 * (counted with the embedder's own tokenizer, special tokens included), each a span
 * `[charStart, charEnd)` of the document's text so that a passage can cite where it came
 * from, and consecutive passages overlapping by about `overlapTokens`.
 *
 * Structure first: sections (headings) are hard boundaries, then paragraphs (blank lines)
 * are the preferred cut points, then sentences (Intl.Segmenter, which also knows CJK
 * sentence ends), then lines, then clauses (after ; , :), then words, and as a last resort a giant token is halved at
 * grapheme boundaries. Pieces are counted in batches (one tokenizer round trip per level,
 * never one per word), packed greedily, and every finished passage is counted once more as
 * a whole and split again if it came out over the limit (sums of piece counts are exact for
 * WordPiece, but not for every tokenizer or for pieces cut inside a word).
 *
 * No text-splitter library is used: the ones on npm (e.g. @langchain/textsplitters) return
 * strings without their offsets and call the length function once per piece, while both
 * exact spans and batched counting are what this needs.
 */
import { AppError } from '../../../../shared/errors'
import type { PageSpan, ParsedDocument, Section } from '../parsing/types'

export interface Chunk {
  index: number
  /** Equal to the document's text.slice(charStart, charEnd). */
  text: string
  charStart: number
  charEnd: number
  /** The page the passage starts on (1-based), or null for formats without pages. */
  page: number | null
  /** Model tokens, special tokens included. */
  tokenCount: number
}

export interface ChunkOptions {
  /** Model tokens per text, special tokens included (Embedder.countTokens). */
  countTokens(texts: string[]): Promise<number[]>
  /** Default 256 (all-MiniLM-L6-v2's max_seq_length). */
  maxTokens?: number
  /** Default 32. */
  overlapTokens?: number
  signal?: AbortSignal
}

export type ChunkableDocument = Pick<ParsedDocument, 'text'> & { pageSpans?: PageSpan[] | undefined; sections?: Section[] | undefined }

/** Where a piece starts, by how strong a boundary precedes it. */
const enum Strength {
  Char = 0,
  Word = 1,
  Clause = 2,
  Line = 3,
  Sentence = 4,
  Paragraph = 5
}

interface Piece {
  start: number
  end: number
  strength: Strength
  /** Index into LEVELS of the splitter that produced it. */
  level: number
  region: number
  /** Tokens without the special tokens. Undefined until counted. */
  tokens?: number
  /** Several parts of one split counted together; if too big, split again at `level`. */
  grouped?: boolean
}

interface Core {
  start: number
  end: number
  pieces: Piece[]
  tokens: number
  region: number
}

const TEXTS_PER_CALL = 512
const CHARS_PER_CALL = 200_000

const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' })
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' })
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

type Span = [number, number]

/** Non-whitespace runs of text[start, end) split at the matches of `sep`. */
function splitOn(text: string, start: number, end: number, sep: RegExp): Span[] {
  const out: Span[] = []
  const s = text.slice(start, end)
  let from = 0
  const push = (a: number, b: number): void => {
    let x = a
    let y = b
    while (x < y && /\s/.test(s[x] as string)) x++
    while (y > x && /\s/.test(s[y - 1] as string)) y--
    if (y > x) out.push([start + x, start + y])
  }
  sep.lastIndex = 0
  for (let m = sep.exec(s); m; m = sep.exec(s)) {
    push(from, m.index)
    from = m.index + m[0].length
    if (m[0].length === 0) sep.lastIndex++
  }
  push(from, s.length)
  return out
}

function paragraphs(text: string, start: number, end: number): Span[] {
  return splitOn(text, start, end, /\n[ \t]*\n\s*/g)
}

/** Paragraphs, with any longer than `max` characters cut at line ends (else spaces) so that segmenting stays bounded. */
function boundedParagraphs(text: string, start: number, end: number, max = 50_000): Span[] {
  const out: Span[] = []
  for (const [a, b] of paragraphs(text, start, end)) {
    let from = a
    while (b - from > max) {
      let cut = text.lastIndexOf('\n', from + max)
      if (cut <= from) cut = text.lastIndexOf(' ', from + max)
      if (cut <= from) {
        cut = from + max
        const c = text.charCodeAt(cut)
        if (c >= 0xdc00 && c <= 0xdfff) cut++
      }
      const t = trimSpan(text, from, cut)
      if (t[1] > t[0]) out.push(t)
      from = cut
    }
    const t = trimSpan(text, from, b)
    if (t[1] > t[0]) out.push(t)
  }
  return out
}

/** Sentences; single line breaks are read as spaces so that wrapped lines (PDF) are not sentence ends. */
function sentences(text: string, start: number, end: number): Span[] {
  const s = text.slice(start, end).replace(/\n/g, ' ')
  const out: Span[] = []
  for (const seg of sentenceSegmenter.segment(s)) {
    const a = seg.index
    const b = a + seg.segment.length
    const t = trimSpan(text, start + a, start + b)
    if (t[1] > t[0]) out.push(t)
  }
  return out
}

function lines(text: string, start: number, end: number): Span[] {
  return splitOn(text, start, end, /\n/g)
}

/** After ; , : and the like (a CSV row's "Header: value; Header: value" fields, long clauses). */
function clauses(text: string, start: number, end: number): Span[] {
  return splitOn(text, start, end, /(?<=[;,:\uFF0C\u3001\uFF1B])\s+/g)
}

function spaced(text: string, start: number, end: number): Span[] {
  return splitOn(text, start, end, /\s+/g)
}

/** Word boundaries for text with no spaces (CJK, long identifiers): word-like segments with what follows them. */
function words(text: string, start: number, end: number): Span[] {
  const out: Span[] = []
  let cur: Span | null = null
  for (const seg of wordSegmenter.segment(text.slice(start, end))) {
    const a = start + seg.index
    const b = a + seg.segment.length
    if (seg.isWordLike || !cur) {
      if (cur) out.push(cur)
      cur = [a, b]
    } else cur[1] = b
  }
  if (cur) out.push(cur)
  return out.map(([a, b]) => trimSpan(text, a, b)).filter(([a, b]) => b > a)
}

/** Two halves at the grapheme boundary nearest the middle. */
function halves(text: string, start: number, end: number): Span[] {
  const mid = start + Math.floor((end - start) / 2)
  let cut = -1
  const window = Math.min(end - start, 64)
  for (const seg of graphemeSegmenter.segment(text.slice(Math.max(start, mid - window), Math.min(end, mid + window)))) {
    const at = Math.max(start, mid - window) + seg.index
    if (at > start && at < end && (cut < 0 || Math.abs(at - mid) < Math.abs(cut - mid))) cut = at
  }
  if (cut < 0) {
    // One grapheme (or no boundary near the middle): cut at a code point boundary.
    cut = mid
    const c = text.charCodeAt(cut)
    if (c >= 0xdc00 && c <= 0xdfff) cut++
    if (cut <= start || cut >= end) return [[start, end]]
  }
  return [
    [start, cut],
    [cut, end]
  ]
}

/** Splitters in order of preference, each with the strength of the boundaries it makes. */
const LEVELS: Array<{ split: (text: string, s: number, e: number) => Span[]; strength: Strength }> = [
  { split: sentences, strength: Strength.Sentence },
  { split: lines, strength: Strength.Line },
  { split: clauses, strength: Strength.Clause },
  { split: spaced, strength: Strength.Word },
  { split: words, strength: Strength.Word },
  { split: halves, strength: Strength.Char }
]
const HALVES = LEVELS.length - 1

/** Section starts that begin a region, with heading-only sections merged into the next one. */
function regionStarts(text: string, sections: Section[] | undefined): number[] {
  const headings = new Set((sections ?? []).map((s) => s.start).filter((s) => Number.isInteger(s) && s >= 0 && s < text.length))
  const starts = [...new Set([0, ...headings])].sort((a, b) => a - b)
  const out: number[] = []
  let carry: number | null = null
  for (let i = 0; i < starts.length; i++) {
    const s: number = carry ?? (starts[i] as number)
    carry = null
    const next = starts[i + 1]
    // A heading with nothing under it before the next heading joins the next section, so
    // that "# Part\n\n## Chapter\n\ntext" does not make a passage of "# Part" alone.
    if (next !== undefined && headings.has(starts[i] as number)) {
      const nl = text.indexOf('\n', starts[i] as number)
      const bodyStart = nl < 0 || nl > next ? next : nl
      if (!text.slice(bodyStart, next).trim()) {
        carry = s
        continue
      }
    }
    out.push(s)
  }
  return out
}

function pageAt(spans: PageSpan[] | undefined, pos: number): number | null {
  if (!spans?.length) return null
  let lo = 0
  let hi = spans.length - 1
  // The last page whose start is <= pos.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((spans[mid] as PageSpan).start <= pos) lo = mid
    else hi = mid - 1
  }
  const p = spans[lo] as PageSpan
  // In the gap after a page's text: the passage starts on the next page.
  if (pos >= p.end && p.end > p.start && lo + 1 < spans.length) return (spans[lo + 1] as PageSpan).page
  return p.page
}

export async function chunkText(doc: ChunkableDocument, opts: ChunkOptions): Promise<Chunk[]> {
  const text = doc.text
  const maxTokens = opts.maxTokens ?? 256
  if (!text.trim()) return []
  const signal = opts.signal

  const count = async (texts: string[]): Promise<number[]> => {
    const out: number[] = []
    let i = 0
    while (i < texts.length) {
      if (signal?.aborted) throw new AppError('cancelled', 'Chunking was cancelled.', { reason: 'aborted' })
      let j = i
      let chars = 0
      while (j < texts.length && j - i < TEXTS_PER_CALL && (j === i || chars + (texts[j] as string).length <= CHARS_PER_CALL)) {
        chars += (texts[j] as string).length
        j++
      }
      const r = await opts.countTokens(texts.slice(i, j))
      if (r.length !== j - i) throw new AppError('internal', `countTokens returned ${r.length} counts for ${j - i} texts`)
      out.push(...r)
      i = j
    }
    return out
  }

  const overhead = (await count(['']))[0] ?? 0
  const room = maxTokens - overhead
  if (room < 8) throw new AppError('validation', `maxTokens ${maxTokens} leaves no room for text (the model adds ${overhead} tokens).`)
  const overlap = Math.max(0, Math.min(opts.overlapTokens ?? 32, Math.floor(room / 4)))
  const coreBudget = room - overlap

  // 1. Pieces: sentences (first of a paragraph marked as such) in regions between headings.
  const starts = regionStarts(text, doc.sections)
  let pieces: Piece[] = []
  for (let r = 0; r < starts.length; r++) {
    const rs = starts[r] as number
    const re = starts[r + 1] ?? text.length
    for (const [ps, pe] of boundedParagraphs(text, rs, re)) {
      let first = true
      for (const [a, b] of sentences(text, ps, pe)) {
        pieces.push({ start: a, end: b, strength: first ? Strength.Paragraph : Strength.Sentence, level: 0, region: r })
        first = false
      }
    }
  }

  // 2. Count; split what does not fit with the next splitter; repeat (one batch per round).
  for (;;) {
    const uncounted = pieces.filter((p) => p.tokens === undefined)
    if (!uncounted.length) break
    const counts = await count(uncounted.map((p) => text.slice(p.start, p.end)))
    uncounted.forEach((p, i) => (p.tokens = Math.max(0, (counts[i] ?? 0) - overhead)))
    let changed = false
    const next: Piece[] = []
    for (const p of pieces) {
      if ((p.tokens as number) <= coreBudget || p.end - p.start <= 1) {
        next.push(p)
        continue
      }
      // A group that came out too big is split at its own level, ungrouped; anything else
      // at the next level. Halving repeats until the piece fits.
      let level = p.grouped ? p.level : p.level >= HALVES ? HALVES : p.level + 1
      let parts: Span[] = [[p.start, p.end]]
      while (level <= HALVES) {
        parts = (LEVELS[level] as (typeof LEVELS)[number]).split(text, p.start, p.end)
        if (parts.length > 1) break
        level++
      }
      if (parts.length <= 1) {
        next.push(p)
        continue
      }
      changed = true
      level = Math.min(level, HALVES)
      const strength = (LEVELS[level] as (typeof LEVELS)[number]).strength
      // Many small parts (a wide CSV row's fields): count them in groups of about a third
      // of a passage, by the piece's own tokens-per-character, rather than one by one.
      const groups = !p.grouped && parts.length > 6 ? groupSpans(parts, (p.tokens as number) / (p.end - p.start), coreBudget / 3) : parts
      const grouped = groups.length < parts.length
      groups.forEach(([a, b], i) =>
        next.push({ start: a, end: b, strength: i === 0 ? p.strength : strength, level, region: p.region, ...(grouped ? { grouped: true } : {}) })
      )
    }
    pieces = next
    if (!changed && pieces.every((p) => p.tokens !== undefined)) break
  }

  // 3. Pack pieces into cores of at most coreBudget tokens, preferring to end at a paragraph.
  const cores: Core[] = []
  const emit = (ps: Piece[]): void => {
    if (!ps.length) return
    cores.push({
      start: (ps[0] as Piece).start,
      end: (ps[ps.length - 1] as Piece).end,
      pieces: ps,
      tokens: ps.reduce((n, p) => n + (p.tokens ?? 0), 0),
      region: (ps[0] as Piece).region
    })
  }
  let cur: Piece[] = []
  let sum = 0
  for (const p of pieces) {
    const t = p.tokens ?? 0
    if (cur.length && ((cur[0] as Piece).region !== p.region || sum + t > coreBudget)) {
      if ((cur[0] as Piece).region === p.region) {
        // Cut at the last paragraph start that leaves the passage at least 60% full.
        let k = -1
        let prefix = 0
        for (let i = 0; i < cur.length; i++) {
          if (i > 0 && (cur[i] as Piece).strength >= Strength.Paragraph && prefix >= coreBudget * 0.6) k = i
          prefix += (cur[i] as Piece).tokens ?? 0
        }
        if (k > 0) {
          emit(cur.slice(0, k))
          cur = cur.slice(k)
          sum = cur.reduce((n, x) => n + (x.tokens ?? 0), 0)
        }
      }
      if ((cur[0] as Piece).region !== p.region || sum + t > coreBudget) {
        emit(cur)
        cur = []
        sum = 0
      }
    }
    cur.push(p)
    sum += t
  }
  emit(cur)

  // 4. Overlap: the tail of the previous core in the same region: whole pieces if they
  //    fit; else a word-aligned suffix of its last piece, sized from that piece's tokens per
  //    character and counted (one text per boundary per round, shrinking if it came out big).
  const overlapStart: Array<number | null> = cores.map(() => null)
  const tails: Array<{ core: number; words: Span[]; end: number; from: number; rate: number; shrink: number }> = []
  if (overlap > 0) {
    for (let i = 1; i < cores.length; i++) {
      const prev = cores[i - 1] as Core
      if (prev.region !== (cores[i] as Core).region) continue
      let acc = 0
      let from: number | null = null
      // Never the whole previous core (k > 0): an overlap is a tail, not a repeat.
      for (let k = prev.pieces.length - 1; k > 0; k--) {
        const t = (prev.pieces[k] as Piece).tokens ?? 0
        if (acc + t > overlap) break
        acc += t
        from = (prev.pieces[k] as Piece).start
      }
      if (from !== null && acc > 0) {
        overlapStart[i] = from
        continue
      }
      const last = prev.pieces[prev.pieces.length - 1] as Piece
      const lo = Math.max(last.start, last.end - 4000)
      const ws = spaced(text, lo, last.end)
      const wordSpans = (ws.length > 1 ? ws : words(text, Math.max(last.start, last.end - 400), last.end)).filter(([a]) => a > prev.start)
      if (wordSpans.length) tails.push({ core: i, words: wordSpans, end: last.end, from: -1, rate: Math.max(1e-6, (last.tokens ?? 1) / (last.end - last.start)), shrink: 0.9 })
    }
    for (let round = 0; round < 4 && tails.length; round++) {
      for (const t of tails) {
        // The earliest word start whose suffix is estimated to fit.
        const want = (overlap * t.shrink) / t.rate
        const w = t.words.find(([a]) => t.end - a <= want) ?? t.words[t.words.length - 1]
        t.from = (w as Span)[0]
      }
      const counts = await count(tails.map((t) => text.slice(t.from, t.end)))
      const retry: typeof tails = []
      tails.forEach((t, k) => {
        const n = (counts[k] ?? 0) - overhead
        if (n <= overlap) overlapStart[t.core] = t.from
        else if (t.from < (t.words[t.words.length - 1] as Span)[0]) retry.push({ ...t, shrink: (t.shrink * overlap) / n * 0.9 })
      })
      tails.splice(0, tails.length, ...retry)
    }
  }

  // 5. Passages, counted as wholes; any over the limit loses its overlap, then is halved.
  type Draft = { start: number; end: number; coreStart: number; tokens?: number }
  let drafts: Draft[] = cores.map((c, i) => ({ start: overlapStart[i] ?? c.start, end: c.end, coreStart: c.start }))
  for (let round = 0; ; round++) {
    const todo = drafts.filter((d) => d.tokens === undefined)
    if (!todo.length) break
    const counts = await count(todo.map((d) => text.slice(d.start, d.end)))
    todo.forEach((d, i) => (d.tokens = counts[i] ?? 0))
    const next: Draft[] = []
    let changed = false
    for (const d of drafts) {
      if ((d.tokens as number) <= maxTokens || d.end - d.start <= 1 || round > 64) {
        next.push(d)
        continue
      }
      changed = true
      if (d.start < d.coreStart) {
        next.push({ start: d.coreStart, end: d.end, coreStart: d.coreStart })
        continue
      }
      const parts = splitOversized(text, d.start, d.end)
      for (const [a, b] of parts) next.push({ start: a, end: b, coreStart: a })
    }
    drafts = next
    if (!changed) break
  }

  return drafts.map((d, index) => ({
    index,
    text: text.slice(d.start, d.end),
    charStart: d.start,
    charEnd: d.end,
    page: pageAt(doc.pageSpans, d.start),
    tokenCount: d.tokens ?? 0
  }))
}

/** Consecutive spans joined into groups of about `target` tokens, estimated from characters. */
function groupSpans(parts: Span[], tokensPerChar: number, target: number): Span[] {
  const out: Span[] = []
  let cur: Span | null = null
  for (const [a, b] of parts) {
    if (cur && (b - cur[0]) * tokensPerChar <= target) cur[1] = b
    else {
      if (cur) out.push(cur)
      cur = [a, b]
    }
  }
  if (cur) out.push(cur)
  return out
}

/** Split a span that counted over the limit in two, at the strongest boundary near its middle. */
function splitOversized(text: string, start: number, end: number): Span[] {
  const mid = start + (end - start) / 2
  for (const level of [paragraphs, ...LEVELS.map((l) => l.split)]) {
    const parts = level(text, start, end)
    if (parts.length < 2) continue
    let best = 1
    for (let i = 1; i < parts.length; i++) {
      if (Math.abs((parts[i] as Span)[0] - mid) < Math.abs((parts[best] as Span)[0] - mid)) best = i
    }
    const cut = (parts[best] as Span)[0]
    const left = trimSpan(text, start, cut)
    const right = trimSpan(text, cut, end)
    return [left, right].filter((s) => s[1] > s[0])
  }
  return [[start, end]]
}

function trimSpan(text: string, start: number, end: number): Span {
  let a = start
  let b = end
  while (a < b && /\s/.test(text[a] as string)) a++
  while (b > a && /\s/.test(text[b - 1] as string)) b--
  return [a, b]
}
