/**
 * How archived things read and are found on the Archive screen: a forgiving client-side
 * match (every word, any case, accents ignored) over what is loaded, and dates in words.
 */
import type { DocumentSummary, Memory } from '../../../../shared/types'
import type { ChatSession } from '../../../../shared/chat'
import { formatBytes, formatCount, formatDate, formatDateTime, plural } from '../../lib/format'

export { formatBytes, formatCount, formatDate, formatDateTime, plural }

const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()

/** The query's words, folded; empty when there is nothing to filter by. */
export const queryWords = (query: string): string[] => fold(query).split(/\s+/).filter(Boolean)

const matches = (haystack: string, words: string[]): boolean => {
  const h = fold(haystack)
  return words.every((w) => h.includes(w))
}

export const memoryMatches = (m: Memory, words: string[]): boolean =>
  words.length === 0 || matches([m.content, m.type, ...m.topics.map((t) => `#${t}`)].join('\n'), words)

export const documentMatches = (d: DocumentSummary, words: string[]): boolean =>
  words.length === 0 || matches([d.name, d.format ?? '', d.originalPath ?? ''].join('\n'), words)

export const sessionMatches = (s: ChatSession, words: string[]): boolean =>
  words.length === 0 || matches([s.title, s.importedFrom ?? ''].join('\n'), words)

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

/** "just now", "5 minutes ago", "yesterday", then the date. */
export function formatAgo(iso: string, now = Date.now()): string {
  const s = (new Date(iso).getTime() - now) / 1000
  const a = Math.abs(s)
  if (a < 45) return 'just now'
  if (a < 3600) return relative.format(Math.round(s / 60), 'minute')
  if (a < 86_400) return relative.format(Math.round(s / 3600), 'hour')
  if (a < 7 * 86_400) return relative.format(Math.round(s / 86_400), 'day')
  return formatDate(iso)
}
