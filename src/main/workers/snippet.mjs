// @ts-check
/**
 * Memory snippets made in the search index thread (search-index.worker.mjs), so a search
 * whose hits are all memories needs no SQL statement after ranking.
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
/** @type {(word: string) => string} Snowball english (Porter2), the stemmer of Postgres's `english` configuration. */
const stem = require('wink-porter2-stemmer')

/** Recent stems (cleared when full). */
const stems = new Map()
const STEM_CACHE = 50_000

/** @param {string} word lower case */
function stemOf(word) {
  let s = stems.get(word)
  if (s === undefined) {
    if (stems.size >= STEM_CACHE) stems.clear()
    s = stem(word)
    stems.set(word, s)
  }
  return s
}

const WORD = /[\p{L}\p{N}]+/gu
/** Words looked at for a snippet (a long memory's snippet comes from its beginning). */
const SNIPPET_SCAN_WORDS = 2000
const MAX_WORDS = 40
const MIN_WORDS = 12

/**
 * A memory's snippet with the query's words marked «like this», after Postgres's
 * ts_headline(…, 'StartSel=«, StopSel=», MaxWords=40, MinWords=12') that the SQL path uses:
 * a text of up to 40 words whole; a longer one, the 40-word stretch with the most matches
 * (from just before its first); with no match, its first 12 words. A word matches when its
 * Porter2 stem is one of the query's lexemes (Postgres's `english` stemmer is Porter2).
 * @param {string} text
 * @param {Set<string>} lexemes
 */
export function snippet(text, lexemes) {
  // Stemming costs ~6 µs a word; Porter2 changes only a word's ending (its few exceptions,
  // such as dying → die, keep the first two letters), so only words that begin like a
  // lexeme are stemmed.
  const heads = new Set([...lexemes].map((l) => l.slice(0, 2)))
  /** @type {Array<[number, number, boolean]>} start, end, matched */
  const words = []
  for (const m of text.matchAll(WORD)) {
    const w = m[0]
    const lower = w.toLowerCase()
    words.push([m.index, m.index + w.length, heads.has(lower.slice(0, 2)) && lexemes.has(stemOf(lower))])
    if (words.length >= SNIPPET_SCAN_WORDS) break
  }
  if (words.length === 0) return text.slice(0, 200)
  let from = 0
  let to = words.length
  if (words.length > MAX_WORDS) {
    let best = -1
    let bestCount = 0
    let count = 0
    for (let i = 0; i < words.length; i++) {
      if (words[i]?.[2]) count++
      if (i >= MAX_WORDS && words[i - MAX_WORDS]?.[2]) count--
      if (count > bestCount) {
        bestCount = count
        best = Math.max(0, i - MAX_WORDS + 1)
      }
    }
    if (best < 0) {
      to = MIN_WORDS
    } else {
      let first = best
      while (!words[first]?.[2]) first++
      from = Math.max(0, Math.min(first - 3, words.length - MAX_WORDS))
      to = from + MAX_WORDS
    }
  }
  let out = ''
  let at = /** @type {number} */ (words[from]?.[0])
  for (let i = from; i < to; i++) {
    const [start, end, hit] = /** @type {[number, number, boolean]} */ (words[i])
    if (!hit) continue
    out += `${text.slice(at, start)}«${text.slice(start, end)}»`
    at = end
  }
  const last = /** @type {number} */ (words[to - 1]?.[1])
  // A text shown whole keeps what follows its last word (a full stop).
  return out + text.slice(at, to === words.length && words.length <= MAX_WORDS ? text.length : last)
}

