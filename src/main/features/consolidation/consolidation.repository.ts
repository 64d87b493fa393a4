/** Consolidation's SQL: near-duplicate pairs by pgvector, loose exact duplicates, cluster records. Knex only. */
import type { Knex } from 'knex'
import type { ClusterCandidate, Pair } from './consolidation.merge'

type Db = Knex | Knex.Transaction

/** The memory columns an undo puts back (everything a consolidation can change; vectors are never touched). */
export const RESTORED_COLUMNS = [
  'content', 'content_hash', 'type', 'topics', 'importance', 'pinned', 'tier', 'access_count', 'last_accessed_at', 'status',
  'superseded_by', 'source', 'source_event_id', 'source_message_id', 'source_chunk_id', 'embedding_status', 'archived_at',
  'archived_by_run', 'created_at', 'updated_at'
] as const

export interface ClusterRecord {
  id: number
  runId: string
  clusterIndex: number
  mergedId: string
  memberIds: string[]
  originals: Array<Record<string, unknown>>
  duplicates: Array<Record<string, unknown>>
  undoneAt: Date | null
}

export const consolidationRepository = {
  /** Dimensions that active, embedded memories use (normally one). */
  async dims(db: Db): Promise<number[]> {
    const r = await db.raw("select distinct embedding_dim as d from memories where status = 'active' and embedding_status = 'ready' and embedding_dim is not null order by 1")
    return (r.rows as Array<{ d: number }>).map((x) => Number(x.d))
  },

  async countCandidates(db: Db, dim: number): Promise<number> {
    const r = await db.raw("select count(*)::int as n from memories where status = 'active' and embedding_status = 'ready' and embedding_dim = ?", [dim])
    return Number(r.rows[0].n)
  },

  /**
   * For the next `limit` anchors after `after` (by id), their nearest active neighbours at
   * or above `threshold`, through the HNSW index of `dim`. Returns the pairs and the last anchor.
   */
  async nearPairs(db: Knex, dim: number, after: string | null, limit: number, threshold: number, k: number): Promise<{ pairs: Pair[]; last: string | null; anchors: number }> {
    const vt = `vector(${dim})`
    return db.transaction(async (trx) => {
      // pgvector's default; 64 cost a third more per query for the same near-duplicates (they are the nearest few).
      await trx.raw('set local hnsw.ef_search = 40')
      const anchors = (await trx.raw(
        `select id from memories where status = 'active' and embedding_status = 'ready' and embedding_dim = ? ${after ? 'and id > ?' : ''} order by id limit ?`,
        after ? [dim, after, limit] : [dim, limit]
      )).rows as Array<{ id: string }>
      if (anchors.length === 0) return { pairs: [], last: null, anchors: 0 }
      const r = await trx.raw(
        `select a.id as a, n.id as b, n.sim from memories a
           cross join lateral (
             select b.id, 1 - (b.embedding::${vt} <=> a.embedding::${vt}) as sim from memories b
              where b.status = 'active' and b.embedding_dim = ${dim} and b.id <> a.id
              order by b.embedding::${vt} <=> a.embedding::${vt} limit ${k}) n
          where a.id = any(?::uuid[]) and n.sim >= ?`,
        [anchors.map((x) => x.id), threshold]
      )
      const pairs = (r.rows as Array<{ a: string; b: string; sim: number }>).map((x) => ({ a: x.a, b: x.b, similarity: Number(x.sim) }))
      return { pairs, last: anchors.at(-1)?.id ?? null, anchors: anchors.length }
    })
  },

  /** Pairs the user said are not duplicates (dismissed flags): never merged. */
  async dismissedPairs(db: Db): Promise<Set<string>> {
    const rows = (await db('memory_duplicates').where('status', 'dismissed').select('memory_id', 'candidate_id')) as Array<{ memory_id: string; candidate_id: string }>
    return new Set(rows.map((r) => `${r.memory_id}|${r.candidate_id}`))
  },

  /** Groups of active memories whose text is the same up to case, white space and punctuation. */
  async looseDuplicateGroups(db: Db): Promise<string[][]> {
    const r = await db.raw(
      `select array_agg(id order by id) as ids from memories where status = 'active'
        group by trim(regexp_replace(lower(normalize(content, NFKC)), '[^[:alnum:]]+', ' ', 'g'))
       having count(*) > 1`
    )
    return (r.rows as Array<{ ids: string[] }>).map((x) => x.ids)
  },

  async candidates(db: Db, ids: string[]): Promise<Map<string, ClusterCandidate>> {
    const out = new Map<string, ClusterCandidate>()
    for (let i = 0; i < ids.length; i += 5000) {
      const rows = (await db('memories')
        .whereIn('id', ids.slice(i, i + 5000))
        .where('status', 'active')
        .select('id', 'content', 'importance', 'pinned', 'created_at')) as Array<{ id: string; content: string; importance: number; pinned: boolean; created_at: Date }>
      for (const r of rows) out.set(r.id, { id: r.id, content: r.content, importance: Number(r.importance), pinned: r.pinned, createdAt: r.created_at.getTime() })
    }
    return out
  },

  /** Full rows (no vectors, no tsvector) of the members, locked for the cluster's transaction. */
  async lockMembers(trx: Knex.Transaction, ids: string[]): Promise<Array<Record<string, unknown>>> {
    const r = await trx.raw(`select to_jsonb(m) - 'embedding' - 'embedding_next' - 'tsv' as row from memories m where id = any(?::uuid[]) for update`, [ids])
    return (r.rows as Array<{ row: Record<string, unknown> }>).map((x) => x.row)
  },

  async duplicatesTouching(trx: Knex.Transaction, ids: string[]): Promise<Array<Record<string, unknown>>> {
    const r = await trx.raw('select to_jsonb(d) as row from memory_duplicates d where memory_id = any(?::uuid[]) or candidate_id = any(?::uuid[])', [ids, ids])
    return (r.rows as Array<{ row: Record<string, unknown> }>).map((x) => x.row)
  },

  async insertCluster(trx: Knex.Transaction, c: { runId: string; index: number; mergedId: string; memberIds: string[]; originals: unknown; duplicates: unknown; method: 'extractive' | 'llm' }): Promise<void> {
    await trx('consolidation_clusters').insert({
      run_id: c.runId,
      cluster_index: c.index,
      merged_id: c.mergedId,
      member_ids: c.memberIds,
      originals: JSON.stringify(c.originals),
      duplicates: JSON.stringify(c.duplicates),
      method: c.method
    })
  },

  async clustersOf(db: Db, runId: string): Promise<ClusterRecord[]> {
    const rows = (await db('consolidation_clusters').where({ run_id: runId }).orderBy('cluster_index')) as Array<{
      id: string
      run_id: string
      cluster_index: number
      merged_id: string
      member_ids: string[]
      originals: Array<Record<string, unknown>>
      duplicates: Array<Record<string, unknown>>
      undone_at: Date | null
    }>
    return rows.map((r) => ({
      id: Number(r.id),
      runId: r.run_id,
      clusterIndex: r.cluster_index,
      mergedId: r.merged_id,
      memberIds: r.member_ids,
      originals: r.originals,
      duplicates: r.duplicates,
      undoneAt: r.undone_at
    }))
  },

  /** Put memories' restorable columns back from snapshots taken with `lockMembers`. */
  async restoreRows(trx: Knex.Transaction, snapshots: Array<Record<string, unknown>>): Promise<void> {
    const sets = RESTORED_COLUMNS.map((c) => `${c} = r.${c}`).join(', ')
    for (let i = 0; i < snapshots.length; i += 2000)
      await trx.raw(`update memories m set ${sets} from jsonb_populate_recordset(null::memories, ?::jsonb) r where m.id = r.id`, [JSON.stringify(snapshots.slice(i, i + 2000))])
  },

  async restoreDuplicates(trx: Knex.Transaction, memberIds: string[], rows: Array<Record<string, unknown>>): Promise<void> {
    await trx.raw('delete from memory_duplicates where memory_id = any(?::uuid[]) or candidate_id = any(?::uuid[])', [memberIds, memberIds])
    if (rows.length)
      await trx.raw(`insert into memory_duplicates select r.* from jsonb_populate_recordset(null::memory_duplicates, ?::jsonb) r
          where exists (select 1 from memories where id = r.memory_id) and exists (select 1 from memories where id = r.candidate_id)`, [JSON.stringify(rows)])
  }
}
