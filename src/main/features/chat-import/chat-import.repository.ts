/**
 * Imported conversations as sessions and messages. Knex only. A session remembers its
 * origin in `settings` ({ imported_from, import_id }), which a unique index makes one
 * session per exported conversation.
 */
import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import type { ChatExportFormat } from '../../../shared/types'
import { toVectorParam } from '../../db/vector'
import type { ExportedConversation } from './chat-export'

type Db = Knex | Knex.Transaction

const ROWS_PER_INSERT = 500

export const chatImportRepository = {
  /** Which of these conversation ids already have a session. */
  async importedIds(db: Db, format: ChatExportFormat, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set()
    const found = new Set<string>()
    for (let i = 0; i < ids.length; i += 1000) {
      const slice = ids.slice(i, i + 1000)
      const rows = (await db('sessions')
        .select(db.raw(`settings->>'import_id' as import_id`))
        .whereRaw(`settings->>'imported_from' = ?`, [format])
        .whereRaw(`settings->>'import_id' in (${slice.map(() => '?').join(', ')})`, slice)) as Array<{ import_id: string }>
      for (const r of rows) found.add(r.import_id)
    }
    return found
  },

  /**
   * One conversation as a session and its messages, with their vectors when given (one
   * insert with the vectors costs far less than inserting, then updating indexed rows).
   * Answers the new session's id, or null when the conversation was already imported.
   */
  async insertConversation(
    trx: Knex.Transaction,
    c: ExportedConversation,
    o: { format: ChatExportFormat; eventId: number; vectors: Array<Float32Array | null>; model: string | null; fallbackTitle: string }
  ): Promise<string | null> {
    const rows = (await trx('sessions')
      .insert({
        title: c.title ?? o.fallbackTitle,
        title_source: c.title ? 'user' : 'auto',
        settings: JSON.stringify({ imported_from: o.format, import_id: c.importId }),
        created_at: c.createdAt,
        updated_at: c.updatedAt,
        last_message_at: c.messages.at(-1)?.createdAt ?? null
      })
      .onConflict(trx.raw(`((settings->>'imported_from'), (settings->>'import_id')) where settings->>'import_id' is not null`))
      .ignore()
      .returning('id')) as Array<{ id: string }>
    const sessionId = rows[0]?.id
    if (!sessionId) return null
    let parent: string | null = null
    const all = c.messages.map((m, seq) => {
      const id = randomUUID()
      const v = o.vectors[seq]
      const row = {
        id,
        session_id: sessionId,
        seq,
        parent_id: parent,
        role: m.role,
        content: m.content,
        model: m.model,
        source_event_id: o.eventId,
        created_at: m.createdAt,
        ...(v && o.model ? { embedding: trx.raw('?::vector', [toVectorParam(v)]), embedding_dim: v.length, embedding_model: o.model } : {})
      }
      parent = id
      return row
    })
    for (let i = 0; i < all.length; i += ROWS_PER_INSERT) await trx('messages').insert(all.slice(i, i + ROWS_PER_INSERT))
    return sessionId
  }
}
