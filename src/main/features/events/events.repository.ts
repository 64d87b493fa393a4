/**
 * The append-only event log. Every capture, import, chat message and system trigger is
 * written here first. An idempotency key makes a repeated submit find the first event
 * instead of writing a second one.
 */
import type { Knex } from 'knex'

type Db = Knex | Knex.Transaction

export interface AppendedEvent {
  id: number
  /** False when an event with the same type and idempotency key already existed. */
  created: boolean
}

export const eventsRepository = {
  async append(
    db: Db,
    e: { type: string; source: string; payload?: Record<string, unknown>; idempotencyKey?: string | undefined }
  ): Promise<AppendedEvent> {
    const rows = (await db('events')
      .insert({ type: e.type, source: e.source, payload: JSON.stringify(e.payload ?? {}), idempotency_key: e.idempotencyKey ?? null })
      .onConflict(db.raw('(type, idempotency_key) where idempotency_key is not null'))
      .ignore()
      .returning('id')) as Array<{ id: string }>
    if (rows[0]) return { id: Number(rows[0].id), created: true }
    const existing = (await db('events').where({ type: e.type, idempotency_key: e.idempotencyKey ?? null }).first('id')) as { id: string }
    return { id: Number(existing.id), created: false }
  }
}
