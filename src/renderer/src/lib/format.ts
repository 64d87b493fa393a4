/**
 * Words and numbers every screen writes the same way: counts, "1 memory" / "3 memories",
 * byte sizes, dates, and the server's «…»-marked search snippets split into parts. Each
 * feature's format.ts re-exports what it uses, beside its own wording.
 */

const numberFormat = new Intl.NumberFormat()
export const formatCount = (n: number): string => numberFormat.format(n)

/** "1 memory", "100,000 memories". */
export const plural = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`

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

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export const formatDate = (iso: string): string => dateFormat.format(new Date(iso))
export const formatDateTime = (iso: string): string => dateTimeFormat.format(new Date(iso))

export interface SnippetPart {
  text: string
  marked: boolean
}

/** Splits the server's highlighted fragment ("the «cabin» wifi") into parts; never HTML. */
export function splitSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = []
  const re = /«([^»]*)»/g
  let last = 0
  for (let m = re.exec(snippet); m; m = re.exec(snippet)) {
    if (m.index > last) parts.push({ text: snippet.slice(last, m.index), marked: false })
    if (m[1]) parts.push({ text: m[1], marked: true })
    last = m.index + m[0].length
  }
  if (last < snippet.length) parts.push({ text: snippet.slice(last).replace(/[«»]/g, ''), marked: false })
  return parts
}
