/** How memory text is compared: exact duplicates are the same text after normalising case and white space. */
import { createHash } from 'node:crypto'

export function normalizeContent(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim()
}

export function contentHash(text: string): string {
  return createHash('sha256').update(normalizeContent(text).toLocaleLowerCase('en')).digest('hex')
}

/** Topics are lower-case, trimmed and unique, in the order given. */
export function normalizeTopics(topics: readonly string[]): string[] {
  return [...new Set(topics.map((t) => t.trim().toLowerCase()).filter(Boolean))]
}
