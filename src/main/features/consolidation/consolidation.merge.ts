/**
 * The pure part of consolidation: grouping near-duplicate pairs into clusters, and the
 * deterministic extractive merge used when no LLM is configured. No I/O, so both are
 * unit-testable and give the same answer for the same rows every time.
 *
 * Clusters are stars, not connected components: a member must itself be within the
 * threshold of the cluster's seed. Transitive chaining (A≈B, B≈C, so A≈C) would glue
 * whole topics together, and with a weak model most pairs sit near the threshold.
 */
import { normalizeContent } from '../memories/normalize'

export interface ClusterCandidate {
  id: string
  content: string
  importance: number
  pinned: boolean
  createdAt: number
}

export interface Pair {
  a: string
  b: string
  similarity: number
}

/** The largest cluster merged at once; the rest of a big group is left for the next run. */
export const MAX_CLUSTER = 20

/** Which memory leads a cluster: pinned, then most important, then longest, then oldest. */
export function leaderOrder(x: ClusterCandidate, y: ClusterCandidate): number {
  return (
    Number(y.pinned) - Number(x.pinned) ||
    y.importance - x.importance ||
    y.content.length - x.content.length ||
    x.createdAt - y.createdAt ||
    (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)
  )
}

/** Greedy star clustering: each unassigned memory, in leader order, takes its unassigned neighbours. */
export function buildClusters(pairs: readonly Pair[], rows: ReadonlyMap<string, ClusterCandidate>, maxSize = MAX_CLUSTER): string[][] {
  const near = new Map<string, Map<string, number>>()
  const link = (a: string, b: string, s: number): void => {
    let m = near.get(a)
    if (!m) near.set(a, (m = new Map()))
    m.set(b, Math.max(s, m.get(b) ?? -1))
  }
  for (const p of pairs) {
    if (p.a === p.b || !rows.has(p.a) || !rows.has(p.b)) continue
    link(p.a, p.b, p.similarity)
    link(p.b, p.a, p.similarity)
  }
  const order = [...near.keys()].map((id) => rows.get(id) as ClusterCandidate).sort(leaderOrder)
  const taken = new Set<string>()
  const clusters: string[][] = []
  for (const seed of order) {
    if (taken.has(seed.id)) continue
    const neighbours = [...(near.get(seed.id) ?? new Map<string, number>()).entries()]
      .filter(([id]) => !taken.has(id))
      .sort((x, y) => y[1] - x[1] || leaderOrder(rows.get(x[0]) as ClusterCandidate, rows.get(y[0]) as ClusterCandidate))
      .slice(0, maxSize - 1)
      .map(([id]) => id)
    if (neighbours.length === 0) continue
    const members = [seed.id, ...neighbours.map((id) => rows.get(id) as ClusterCandidate).sort(leaderOrder).map((r) => r.id)]
    for (const id of members) taken.add(id)
    clusters.push(members)
  }
  return clusters
}

/** Text compared for exact duplicates: case, white space and punctuation ignored. */
export function looseKey(text: string): string {
  return normalizeContent(text)
    .toLocaleLowerCase('en')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

function sentences(text: string): string[] {
  return normalizeContent(text.replace(/\r\n?/g, '\n'))
    .split(/(?<=[.!?…])\s+|\n+/u)
    .map((s) => s.trim())
    .filter(Boolean)
}

/** The longest text a memory may hold (the capture limit). */
const MAX_CHARS = 20_000

/**
 * One text from several near-duplicates, extractively: the leader's sentences, then each
 * other member's sentences that say something not already said (compared loosely). A
 * sentence that contains an earlier one in full replaces it. Members come in leader order.
 */
export function extractiveMerge(contents: readonly string[]): string {
  const kept: Array<{ text: string; key: string }> = []
  for (const content of contents) {
    for (const s of sentences(content)) {
      const key = looseKey(s)
      if (!key) continue
      if (kept.some((k) => k.key === key || k.key.includes(key))) continue
      const shorter = kept.findIndex((k) => key.includes(k.key))
      if (shorter >= 0) kept[shorter] = { text: s, key }
      else kept.push({ text: s, key })
    }
  }
  // A replacement can make two kept sentences the same; keep the first.
  const seen = new Set<string>()
  const out: string[] = []
  for (const k of kept) {
    if (seen.has(k.key)) continue
    seen.add(k.key)
    out.push(k.text)
  }
  let text = out.join(' ')
  if (text.length > MAX_CHARS) text = text.slice(0, MAX_CHARS).trimEnd()
  return text || (contents[0] ?? '').trim()
}
