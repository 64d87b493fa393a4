/**
 * How memories read on screen: counts, relative dates, the search snippet's «…» marks
 * split into plain and highlighted parts, and the embedding status in words.
 */
import type { EmbeddingStatusInfo, MemoryTier, Provenance } from '../../../../shared/types'
import { formatCount, formatDate, formatDateTime, plural, splitSnippet, type SnippetPart } from '../../lib/format'

export { formatCount, formatDate, formatDateTime, plural }

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

const STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.345],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY]
]

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago". */
export function formatRelative(iso: string, now = Date.now()): string {
  let delta = (new Date(iso).getTime() - now) / 1000
  if (Math.abs(delta) < 45) return 'just now'
  for (const [unit, size] of STEPS) {
    if (Math.abs(delta) < size) return relative.format(Math.round(delta), unit)
    delta /= size
  }
  return formatDate(iso)
}

/** Importance 0…1 as a whole percentage. */
export const formatImportance = (importance: number): string => `${Math.round(importance * 100)}%`

/** Texts up to this long are shown whole, with the snippet's matched words marked in them. */
export const WHOLE_TEXT_MAX = 400

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The parts to show for a hit: a short text whole, with every word the server marked in
 * the snippet marked wherever it appears (the snippet's fragments can drop words at their
 * edges); a long text as the snippet itself.
 */
export function highlightParts(text: string, snippet: string): SnippetPart[] {
  const fromSnippet = splitSnippet(snippet)
  if (text.length > WHOLE_TEXT_MAX) return fromSnippet
  const terms = [...new Set(fromSnippet.filter((p) => p.marked).map((p) => p.text.trim().toLowerCase()))].filter(Boolean)
  if (terms.length === 0) return [{ text, marked: false }]
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(${terms.map(escapeRe).join('|')})(?![\\p{L}\\p{N}])`, 'giu')
  const parts: SnippetPart[] = []
  let last = 0
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index), marked: false })
    parts.push({ text: m[0], marked: true })
    last = m.index + m[0].length
  }
  if (last < text.length) parts.push({ text: text.slice(last), marked: false })
  return parts
}

export const TIER_COLOR: Record<MemoryTier, string> = { hot: 'orange', warm: 'yellow', cold: 'blue' }
export const TIER_LABEL: Record<MemoryTier, string> = {
  hot: 'Hot: used often or lately',
  warm: 'Warm: used now and then',
  cold: 'Cold: not used for a while'
}

export interface StatusWords {
  label: string
  color: string
  /** What it means, for a tooltip. */
  detail: string
}

/** The embedding status in the words the badge uses. */
export function embeddingWords(s: EmbeddingStatusInfo): StatusWords {
  const waiting = s.pending > 0 ? `${plural(s.pending, 'memory', 'memories')} waiting for embedding.` : ''
  switch (s.state) {
    case 'missing':
      return { label: 'No embedding model — keyword search only', color: 'gray', detail: [s.message, waiting].filter(Boolean).join(' ') }
    case 'failed':
      return { label: 'Embedding model failed — keyword search only', color: 'red', detail: s.message }
    case 'loading':
      return { label: 'Loading the embedding model…', color: 'blue', detail: s.message }
    default:
      return s.pending > 0
        ? { label: `${formatCount(s.pending)} waiting for embedding`, color: 'yellow', detail: s.message }
        : { label: 'Semantic search ready', color: 'teal', detail: s.message }
  }
}

/** Where a memory came from, in one sentence. */
export function provenanceText(p: Provenance): string {
  const on = formatDateTime(p.capturedAt)
  if (p.kind === 'message') return `From chat ${p.sessionTitle ? `“${p.sessionTitle}”` : '(untitled conversation)'}, ${on}`
  if (p.kind === 'document_chunk') return `From document ${p.documentName ? `“${p.documentName}”` : '(unnamed)'}, ${on}`
  const where: Record<string, string> = {
    tray: 'Captured from the tray',
    app: 'Captured in the app',
    chat: 'Captured from chat',
    cli: 'Captured from the command line',
    import: 'Imported',
    merge: 'Made by merging memories'
  }
  return `${where[p.source] ?? `Captured (${p.source})`} on ${on}`
}

/** yyyy-mm-dd (a date input's value) to the start or end of that local day, as ISO. */
export function dayToIso(day: string, edge: 'start' | 'end'): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return undefined
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])]
  const date = edge === 'start' ? new Date(y, mo, d) : new Date(y, mo, d, 23, 59, 59, 999)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}
