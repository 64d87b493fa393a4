/**
 * Rows other than memories that wait for a vector: document chunks and chat messages stored
 * while no model was available (an import with no model), and new chat messages (the chat
 * service stores them, then kicks the embedding queue). They have no status column: a null
 * `embedding` is the backlog, found through partial indexes (migration
 * 20261122002050_embedding_backlog), so a lookup costs the backlog's size, not the table's.
 */
import type { Knex } from 'knex'
import { toVectorParam } from '../../db/vector'

type Db = Knex | Knex.Transaction

export interface BacklogSource {
  /** The table, also the name used in logs. */
  table: 'document_chunks' | 'messages'
  /** The text column. */
  text: string
  /** Which rows wait; must imply the partial index's predicate. */
  where: string
}

export const BACKLOG_SOURCES: readonly BacklogSource[] = [
  { table: 'document_chunks', text: 'text', where: 'embedding is null' },
  // A streaming answer is still being written; an empty message has nothing to embed.
  { table: 'messages', text: 'content', where: "embedding is null and status <> 'streaming' and content <> ''" }
]

export const backlogRepository = {
  /** The oldest waiting rows, skipping ids that failed to embed in this session. */
  async next(db: Db, src: BacklogSource, limit: number, skip: readonly string[]): Promise<Array<{ id: string; text: string }>> {
    const r = await db.raw(
      `select id, ${src.text} as text from ${src.table} where ${src.where} and not (id = any(?::uuid[])) order by created_at limit ?`,
      [[...skip], limit]
    )
    return r.rows as Array<{ id: string; text: string }>
  },

  async count(db: Db, src: BacklogSource): Promise<number> {
    const r = await db.raw(`select count(*)::int as n from ${src.table} where ${src.where}`)
    return Number(r.rows[0]?.n ?? 0)
  },

  /**
   * Store one vector, unless the row got one meanwhile (an import that found the model).
   * One statement per row, outside a transaction: each is ~10 ms of index work in PGlite,
   * and interactive queries get the single connection between them.
   */
  async setVector(db: Db, src: BacklogSource, id: string, vector: Float32Array, model: string): Promise<boolean> {
    const r = await db.raw(`update ${src.table} set embedding = ?::vector, embedding_dim = ?, embedding_model = ? where id = ? and embedding is null`, [
      toVectorParam(vector),
      vector.length,
      model,
      id
    ])
    return (r.rowCount ?? 0) > 0
  }
}
