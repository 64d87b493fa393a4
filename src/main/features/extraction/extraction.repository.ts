/** The `memory_proposals` table (the review inbox), with each update's target memory text. */
import type { Knex } from 'knex'
import type { MemoryProposal, ProposalStatus } from '../../../shared/chat'

interface Row {
  id: string
  session_id: string | null
  action: 'add' | 'update'
  content: string
  type: string
  topics: string[]
  importance: number | string
  target_memory_id: string | null
  target_content?: string | null
  reason: string | null
  status: ProposalStatus
  memory_id: string | null
  source_message_id: string | null
  created_at: Date
  decided_at: Date | null
}

export interface ProposalInsert {
  sessionId: string | null
  action: 'add' | 'update'
  content: string
  type: string
  topics: string[]
  importance: number
  targetMemoryId: string | null
  reason: string | null
  sourceMessageId: string | null
  traceId: string | null
}

export interface StoredProposal extends MemoryProposal {
  sourceMessageId: string | null
}

const toProposal = (r: Row): StoredProposal => ({
  id: r.id,
  sessionId: r.session_id,
  action: r.action,
  content: r.content,
  type: r.type,
  topics: r.topics,
  importance: Number(r.importance),
  targetMemoryId: r.target_memory_id,
  targetContent: r.target_content ?? null,
  reason: r.reason,
  status: r.status,
  memoryId: r.memory_id,
  createdAt: r.created_at.toISOString(),
  decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
  sourceMessageId: r.source_message_id
})

const select = (db: Knex | Knex.Transaction): Knex.QueryBuilder =>
  db('memory_proposals as p').leftJoin('memories as m', 'm.id', 'p.target_memory_id').select('p.*', 'm.content as target_content')

export const proposalsRepository = {
  async insertMany(db: Knex | Knex.Transaction, items: ProposalInsert[]): Promise<string[]> {
    if (items.length === 0) return []
    const rows = (await db('memory_proposals')
      .insert(
        items.map((p) => ({
          session_id: p.sessionId,
          action: p.action,
          content: p.content,
          type: p.type,
          topics: p.topics,
          importance: p.importance,
          target_memory_id: p.targetMemoryId,
          reason: p.reason,
          source_message_id: p.sourceMessageId,
          trace_id: p.traceId
        }))
      )
      .returning('id')) as Array<{ id: string }>
    return rows.map((r) => r.id)
  },

  async get(db: Knex | Knex.Transaction, id: string): Promise<StoredProposal | null> {
    const r = (await select(db).where('p.id', id).first()) as Row | undefined
    return r ? toProposal(r) : null
  },

  async getMany(db: Knex | Knex.Transaction, ids: string[]): Promise<StoredProposal[]> {
    if (ids.length === 0) return []
    const rows = (await select(db).whereIn('p.id', ids).orderBy('p.created_at', 'asc').orderBy('p.id', 'asc')) as Row[]
    const byId = new Map(rows.map((r) => [r.id, toProposal(r)]))
    return ids.flatMap((id) => byId.get(id) ?? [])
  },

  async list(db: Knex, opts: { status: ProposalStatus; limit: number }): Promise<StoredProposal[]> {
    const order = opts.status === 'pending' ? 'p.created_at' : 'p.decided_at'
    const rows = (await select(db).where('p.status', opts.status).orderBy(order, 'desc').orderBy('p.id', 'asc').limit(opts.limit)) as Row[]
    return rows.map(toProposal)
  },

  /** Pending proposals' normalised texts (to not propose the same thing twice). */
  async pendingContents(db: Knex | Knex.Transaction): Promise<string[]> {
    const rows = (await db('memory_proposals').where({ status: 'pending' }).select('content')) as Array<{ content: string }>
    return rows.map((r) => r.content)
  },

  async decide(db: Knex | Knex.Transaction, id: string, status: 'confirmed' | 'rejected', memoryId: string | null): Promise<boolean> {
    const n = await db('memory_proposals').where({ id, status: 'pending' }).update({ status, memory_id: memoryId, decided_at: db.fn.now() })
    return n === 1
  }
}
