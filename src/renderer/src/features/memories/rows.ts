/** One shape for a list row, whether it came from `memories:list` or from `search:query`. */
import type { Memory, MemoryTier, SearchHit } from '../../../../shared/types'

export interface MemoryRowData {
  id: string
  content: string
  /** The highlighted fragment («…» around matches) when the row is a search hit. */
  snippet: string | null
  type: string
  topics: string[]
  importance: number | null
  tier: MemoryTier | null
  pinned: boolean
  embeddingPending: boolean
  archived: boolean
  createdAt: string
}

export function rowFromMemory(m: Memory): MemoryRowData {
  return {
    id: m.id,
    content: m.content,
    snippet: null,
    type: m.type,
    topics: m.topics,
    importance: m.importance,
    tier: m.tier,
    pinned: m.pinned,
    embeddingPending: m.embeddingStatus === 'pending',
    archived: m.status === 'archived',
    createdAt: m.createdAt
  }
}

const TIERS: readonly string[] = ['hot', 'warm', 'cold']

export function rowFromHit(h: SearchHit): MemoryRowData {
  const meta = h.meta
  const topics = Array.isArray(meta['topics']) ? meta['topics'] : []
  const tier = typeof meta['tier'] === 'string' && TIERS.includes(meta['tier']) ? (meta['tier'] as MemoryTier) : null
  return {
    id: h.id,
    content: h.text,
    snippet: h.snippet,
    type: typeof meta['type'] === 'string' ? meta['type'] : 'note',
    topics,
    importance: typeof meta['importance'] === 'number' ? meta['importance'] : null,
    tier,
    pinned: meta['pinned'] === true,
    embeddingPending: false,
    archived: false,
    createdAt: h.createdAt
  }
}
