/** Memories, their provenance and near-duplicate flags. Knex only; returns domain types. */
import type { Knex } from 'knex'
import type { Memory, Provenance, TimelinePoint } from '../../../shared/types'
import { toVectorParam } from '../../db/vector'

type Db = Knex | Knex.Transaction

export interface MemoryRow {
  id: string
  content: string
  content_hash: string
  type: string
  topics: string[]
  importance: number
  pinned: boolean
  tier: Memory['tier']
  status: Memory['status']
  access_count: number
  last_accessed_at: Date | null
  superseded_by: string | null
  source: string
  source_event_id: string | null
  source_message_id: string | null
  source_chunk_id: string | null
  embedding_status: Memory['embeddingStatus']
  embedding_model: string | null
  created_at: Date
  updated_at: Date
  archived_at: Date | null
}

/** Every column but the vector and the tsvector: lists never carry 1.5 kB of floats per row. */
export const MEMORY_COLUMNS = [
  'id', 'content', 'content_hash', 'type', 'topics', 'importance', 'pinned', 'tier', 'status', 'access_count', 'last_accessed_at',
  'superseded_by', 'source', 'source_event_id', 'source_message_id', 'source_chunk_id', 'embedding_status', 'embedding_model',
  'created_at', 'updated_at', 'archived_at'
] as const

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null)

export function toMemory(r: MemoryRow): Memory {
  return {
    id: r.id,
    content: r.content,
    type: r.type,
    topics: r.topics,
    importance: Number(r.importance),
    pinned: r.pinned,
    tier: r.tier,
    status: r.status,
    accessCount: r.access_count,
    lastAccessedAt: iso(r.last_accessed_at),
    supersededBy: r.superseded_by,
    source: r.source,
    embeddingStatus: r.embedding_status,
    embeddingModel: r.embedding_model,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    archivedAt: iso(r.archived_at)
  }
}

export interface NewMemory {
  content: string
  contentHash: string
  type: string
  topics: string[]
  importance: number
  pinned?: boolean
  source: string
  sourceEventId: number | null
  sourceMessageId?: string | null
  sourceChunkId?: string | null
}

export interface ListFilter {
  status: 'active' | 'archived'
  type?: string | undefined
  topic?: string | undefined
  tier?: Memory['tier'] | undefined
  from?: string | undefined
  to?: string | undefined
}

function applyFilter(q: Knex.QueryBuilder, f: ListFilter): Knex.QueryBuilder {
  q.where('status', f.status)
  if (f.type) q.where('type', f.type)
  if (f.topic) q.whereRaw('topics @> array[?]::text[]', [f.topic])
  if (f.tier) q.where('tier', f.tier)
  if (f.from) q.where('created_at', '>=', f.from)
  if (f.to) q.where('created_at', '<=', f.to)
  return q
}

export const memoriesRepository = {
  async insert(db: Db, m: NewMemory): Promise<Memory> {
    const [row] = (await db('memories')
      .insert({
        content: m.content,
        content_hash: m.contentHash,
        type: m.type,
        topics: m.topics,
        importance: m.importance,
        pinned: m.pinned ?? false,
        source: m.source,
        source_event_id: m.sourceEventId,
        source_message_id: m.sourceMessageId ?? null,
        source_chunk_id: m.sourceChunkId ?? null
      })
      .returning(MEMORY_COLUMNS as unknown as string[])) as MemoryRow[]
    return toMemory(row as MemoryRow)
  },

  async get(db: Db, id: string): Promise<MemoryRow | undefined> {
    return (await db('memories').select(MEMORY_COLUMNS as unknown as string[]).where({ id }).first()) as MemoryRow | undefined
  },

  async getMany(db: Db, ids: string[]): Promise<MemoryRow[]> {
    if (ids.length === 0) return []
    return (await db('memories').select(MEMORY_COLUMNS as unknown as string[]).whereIn('id', ids)) as MemoryRow[]
  },

  async findActiveByHash(db: Db, hash: string): Promise<MemoryRow | undefined> {
    return (await db('memories').select(MEMORY_COLUMNS as unknown as string[]).where({ content_hash: hash, status: 'active' }).first()) as
      | MemoryRow
      | undefined
  },

  async findByEvent(db: Db, eventId: number): Promise<MemoryRow | undefined> {
    return (await db('memories').select(MEMORY_COLUMNS as unknown as string[]).where({ source_event_id: eventId }).orderBy('created_at').first()) as
      | MemoryRow
      | undefined
  },

  async touch(db: Db, ids: string[]): Promise<void> {
    if (ids.length === 0) return
    await db('memories').whereIn('id', ids).update({ access_count: db.raw('access_count + 1'), last_accessed_at: db.fn.now() })
  },

  async update(db: Db, id: string, patch: Record<string, unknown>): Promise<Memory> {
    const [row] = (await db('memories')
      .where({ id })
      .update({ ...patch, updated_at: db.fn.now() })
      .returning(MEMORY_COLUMNS as unknown as string[])) as MemoryRow[]
    return toMemory(row as MemoryRow)
  },

  async list(db: Db, f: ListFilter, sort: 'recent' | 'importance' | 'accessed', offset: number, limit: number): Promise<MemoryRow[]> {
    const q = applyFilter(db('memories').select(MEMORY_COLUMNS as unknown as string[]), f)
    if (sort === 'importance') q.orderBy([{ column: 'pinned', order: 'desc' }, { column: 'importance', order: 'desc' }, { column: 'created_at', order: 'desc' }])
    else if (sort === 'accessed') q.orderByRaw('last_accessed_at desc nulls last, created_at desc')
    else q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    return (await q.offset(offset).limit(limit)) as MemoryRow[]
  },

  async count(db: Db, f: ListFilter): Promise<number> {
    const r = (await applyFilter(db('memories'), f).count<{ n: string }[]>({ n: '*' })) as Array<{ n: string }>
    return Number(r[0]?.n ?? 0)
  },

  /** The chain of earlier versions: rows whose superseded_by leads to `id`. */
  async history(db: Db, id: string): Promise<MemoryRow[]> {
    const r = await db.raw(
      `with recursive chain as (
         select m.*, 1 as depth from memories m where m.superseded_by = ?
         union all
         select m.*, c.depth + 1 from memories m join chain c on m.superseded_by = c.id where c.depth < 1000
       ) select ${MEMORY_COLUMNS.join(', ')} from chain order by depth`,
      [id]
    )
    return r.rows as MemoryRow[]
  },

  async provenance(db: Db, row: MemoryRow): Promise<Provenance> {
    const base: Provenance = {
      kind: 'none',
      source: row.source,
      eventId: row.source_event_id === null ? null : Number(row.source_event_id),
      eventType: null,
      messageId: null,
      sessionId: null,
      sessionTitle: null,
      chunkId: null,
      documentId: null,
      documentName: null,
      capturedAt: row.created_at.toISOString()
    }
    if (row.source_chunk_id) {
      const c = (await db('document_chunks as c').join('documents as d', 'd.id', 'c.document_id').where('c.id', row.source_chunk_id).first('c.id', 'd.id as document_id', 'd.name')) as
        | { id: string; document_id: string; name: string }
        | undefined
      if (c) return { ...base, kind: 'document_chunk', chunkId: c.id, documentId: c.document_id, documentName: c.name }
    }
    if (row.source_message_id) {
      const m = (await db('messages as m').join('sessions as s', 's.id', 'm.session_id').where('m.id', row.source_message_id).first('m.id', 's.id as session_id', 's.title')) as
        | { id: string; session_id: string; title: string }
        | undefined
      if (m) return { ...base, kind: 'message', messageId: m.id, sessionId: m.session_id, sessionTitle: m.title }
    }
    if (row.source_event_id !== null) {
      const e = (await db('events').where('id', row.source_event_id).first('type')) as { type: string } | undefined
      return { ...base, kind: 'event', eventType: e?.type ?? null }
    }
    return base
  },

  async pendingEmbeddings(db: Db, limit: number): Promise<Array<{ id: string; content: string }>> {
    return (await db('memories')
      .select('id', 'content')
      .where('embedding_status', 'pending')
      .whereNot('status', 'superseded')
      .orderBy('created_at')
      .limit(limit)) as Array<{ id: string; content: string }>
  },

  async pendingCount(db: Db): Promise<number> {
    const r = (await db('memories').where('embedding_status', 'pending').whereNot('status', 'superseded').count<{ n: string }[]>({ n: '*' })) as Array<{ n: string }>
    return Number(r[0]?.n ?? 0)
  },

  async setEmbedding(db: Db, id: string, vector: Float32Array, model: string): Promise<void> {
    await db.raw(
      "update memories set embedding = ?::vector, embedding_dim = ?, embedding_model = ?, embedding_status = 'ready' where id = ?",
      [toVectorParam(vector), vector.length, model, id]
    )
  },

  /** Active memories nearest to `vector` (cosine similarity), excluding `exceptId`. */
  async nearest(db: Db, vector: Float32Array, exceptId: string, limit: number): Promise<Array<{ id: string; similarity: number }>> {
    const dim = vector.length
    const r = await db.raw(
      `select id, 1 - (embedding::vector(${dim}) <=> ?::vector(${dim})) as similarity
         from memories where status = 'active' and embedding_dim = ${dim} and id <> ?
        order by embedding::vector(${dim}) <=> ?::vector(${dim}) limit ?`,
      [toVectorParam(vector), exceptId, toVectorParam(vector), limit]
    )
    return (r.rows as Array<{ id: string; similarity: number }>).map((x) => ({ id: x.id, similarity: Number(x.similarity) }))
  },

  async flagDuplicate(db: Db, a: string, b: string, similarity: number): Promise<void> {
    const [memory_id, candidate_id] = a < b ? [a, b] : [b, a]
    await db('memory_duplicates').insert({ memory_id, candidate_id, similarity }).onConflict(['memory_id', 'candidate_id']).ignore()
  },

  async duplicatesOf(db: Db, id: string): Promise<Array<{ other: string; similarity: number }>> {
    const r = await db.raw(
      `select case when memory_id = ? then candidate_id else memory_id end as other, similarity
         from memory_duplicates where status = 'pending' and (memory_id = ? or candidate_id = ?) order by similarity desc`,
      [id, id, id]
    )
    return (r.rows as Array<{ other: string; similarity: number }>).map((x) => ({ other: x.other, similarity: Number(x.similarity) }))
  },

  async resolveDuplicates(db: Db, ids: string[], status: 'merged' | 'dismissed', pair?: [string, string]): Promise<number> {
    const q = db('memory_duplicates').where('status', 'pending')
    if (pair) {
      const [a, b] = pair[0] < pair[1] ? pair : [pair[1], pair[0]]
      q.where({ memory_id: a, candidate_id: b })
    } else q.where((w) => w.whereIn('memory_id', ids).orWhereIn('candidate_id', ids))
    return q.update({ status, resolved_at: db.fn.now() })
  },

  async timeline(db: Db, days: number): Promise<TimelinePoint[]> {
    const r = await db.raw(
      `select to_char(date_trunc('day', created_at), 'YYYY-MM-DD') as day, count(*)::int as count
         from memories where status <> 'superseded' and created_at >= now() - make_interval(days => ?)
        group by 1 order by 1`,
      [days]
    )
    return r.rows as TimelinePoint[]
  },

  /**
   * Re-evaluate tiers from importance, recency of use and access count; pinned memories
   * stay hot. Returns how many changed.
   */
  async reevaluateTiers(db: Db): Promise<number> {
    const r = await db.raw(`
      with scored as (
        select id, tier,
          case when pinned then 1.0 else
            importance * 0.5
            + exp(-extract(epoch from (now() - coalesce(last_accessed_at, created_at))) / 86400.0 / 14.0) * 0.35
            + least(access_count, 20) / 20.0 * 0.15
          end as score
        from memories where status = 'active'
      )
      update memories m set tier = case when s.score >= 0.5 then 'hot' when s.score >= 0.25 then 'warm' else 'cold' end
        from scored s
       where m.id = s.id and m.tier <> case when s.score >= 0.5 then 'hot' when s.score >= 0.25 then 'warm' else 'cold' end`)
    return r.rowCount ?? 0
  }
}
