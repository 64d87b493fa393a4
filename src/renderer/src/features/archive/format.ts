/**
 * How archived things read and are found on the Archive screen: a forgiving client-side
 * match (every word, any case, accents ignored) over what is loaded, and dates in words.
 */
import type { DocumentSummary, Memory } from '../../../../shared/types'
import type { ChatSession } from '../../../../shared/chat'

const numberFormat = new Intl.NumberFormat()
export const formatCount = (n: number): string => numberFormat.format(n)
export const plural = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`

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

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

export const formatDate = (iso: string): string => dateFormat.format(new Date(iso))
export const formatDateTime = (iso: string): string => dateTimeFormat.format(new Date(iso))

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

/** "812 bytes", "13 KB", "2.6 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return plural(n, 'byte', 'bytes')
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v >= 10 || Number.isInteger(v) ? Math.round(v) : v.toFixed(1)} ${units[u]}`
}
