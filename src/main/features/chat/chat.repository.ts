/**
 * Sessions and messages of Engram's own chat, as domain types. Knex only. A session's
 * `settings` jsonb holds the user's overrides (model, temperature, documents) next to the
 * origin of an imported session (imported_from, import_id), which is kept as is.
 */
import type { Knex } from 'knex'
import type { AnswerMode, ChatMessage, ChatSession, Citation, MessageRole, MessageStatus, SessionSettings } from '../../../shared/chat'

type Db = Knex | Knex.Transaction

export interface SessionRow {
  id: string
  title: string
  title_source: 'auto' | 'user'
  settings: Record<string, unknown>
  pinned: boolean
  created_at: Date
  updated_at: Date
  last_message_at: Date | null
  archived_at: Date | null
  message_count?: number | string
}

export interface MessageRow {
  id: string
  session_id: string
  seq: number
  parent_id: string | null
  reply_to: string | null
  client_id: string | null
  role: MessageRole
  content: string
  status: MessageStatus
  mode: AnswerMode | null
  model: string | null
  input_tokens: number | null
  output_tokens: number | null
  latency_ms: number | null
  first_token_ms: number | null
  citations: Citation[] | null
  feedback: number | null
  feedback_comment: string | null
  error: string | null
  superseded_at: Date | null
  created_at: Date
  edited_at: Date | null
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null)

/** Only the user's overrides, never the import origin. */
export function sessionSettings(raw: Record<string, unknown>): SessionSettings {
  const s: SessionSettings = {}
  if (typeof raw['model'] === 'string') s.model = raw['model']
  if (typeof raw['temperature'] === 'number') s.temperature = raw['temperature']
  const d = raw['documents'] as SessionSettings['documents']
  if (d && typeof d === 'object' && ['all', 'only', 'exclude'].includes(d.mode) && Array.isArray(d.documentIds)) s.documents = { mode: d.mode, documentIds: d.documentIds }
  return s
}

export function toSession(r: SessionRow): ChatSession {
  const imported = r.settings['imported_from']
  return {
    id: r.id,
    title: r.title,
    titleSource: r.title_source,
    pinned: r.pinned,
    settings: sessionSettings(r.settings),
    messageCount: Number(r.message_count ?? 0),
    importedFrom: typeof imported === 'string' ? imported : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    lastMessageAt: iso(r.last_message_at),
    archivedAt: iso(r.archived_at)
  }
}

export function toMessage(r: MessageRow): ChatMessage {
  return {
    id: r.id,
    sessionId: r.session_id,
    seq: r.seq,
    parentId: r.parent_id,
    role: r.role,
    content: r.content,
    status: r.status,
    mode: r.mode,
    model: r.model,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    latencyMs: r.latency_ms,
    firstTokenMs: r.first_token_ms,
    citations: r.citations ?? [],
    feedback: r.feedback === 1 || r.feedback === -1 ? r.feedback : null,
    feedbackComment: r.feedback_comment,
    error: r.error,
    superseded: r.superseded_at !== null,
    createdAt: r.created_at.toISOString(),
    editedAt: iso(r.edited_at)
  }
}

const MESSAGE_COLUMNS = [
  'id', 'session_id', 'seq', 'parent_id', 'reply_to', 'client_id', 'role', 'content', 'status', 'mode', 'model', 'input_tokens', 'output_tokens',
  'latency_ms', 'first_token_ms', 'citations', 'feedback', 'feedback_comment', 'error', 'superseded_at', 'created_at', 'edited_at'
]

/** Active (not superseded) messages of a session, as a correlated count. */
const COUNT_SQL = '(select count(*) from messages m where m.session_id = sessions.id and m.superseded_at is null) as message_count'

export interface ListSessionsFilter {
  query?: string | undefined
  archived: boolean
}

export interface NewMessage {
  sessionId: string
  role: MessageRole
  content: string
  status?: MessageStatus
  clientId?: string | null
  parentId?: string | null
  replyTo?: string | null
  mode?: AnswerMode | null
  citations?: Citation[]
}

export const chatRepository = {
  async getSession(db: Db, id: string): Promise<SessionRow | undefined> {
    return (await db('sessions').where({ id }).first('sessions.*', db.raw(COUNT_SQL))) as SessionRow | undefined
  },

  async insertSession(db: Db, title: string): Promise<SessionRow> {
    const [row] = (await db('sessions').insert({ title }).returning('*')) as SessionRow[]
    return { ...(row as SessionRow), message_count: 0 }
  },

  /** Sessions, most recent first; `query` matches the title (words or a fragment) or any message's words. */
  async listSessions(db: Db, f: ListSessionsFilter, offset: number, limit: number): Promise<{ rows: SessionRow[]; total: number }> {
    const base = (): Knex.QueryBuilder => {
      const q = db('sessions')
      if (f.archived) q.whereNotNull('archived_at')
      else q.whereNull('archived_at')
      const text = f.query?.trim()
      if (text) {
        q.where((w) =>
          w
            .whereRaw("sessions.tsv @@ websearch_to_tsquery('english', ?)", [text])
            .orWhereRaw('sessions.title ilike ?', [`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`])
            .orWhereRaw('? <% sessions.title', [text])
            .orWhereExists(
              db('messages as mm').whereRaw('mm.session_id = sessions.id').whereRaw("mm.tsv @@ websearch_to_tsquery('english', ?)", [text]).select(db.raw('1'))
            )
        )
      }
      return q
    }
    const rows = (await base()
      .select('sessions.*', db.raw(COUNT_SQL))
      .orderByRaw('sessions.pinned desc, coalesce(sessions.last_message_at, sessions.created_at) desc, sessions.id')
      .offset(offset)
      .limit(limit)) as SessionRow[]
    const total = offset === 0 && rows.length < limit ? rows.length : Number(((await base().count({ n: '*' })) as Array<{ n: string }>)[0]?.n ?? 0)
    return { rows, total }
  },

  async updateSession(db: Db, id: string, patch: Record<string, unknown>): Promise<void> {
    await db('sessions').where({ id }).update({ ...patch, updated_at: db.fn.now() })
  },

  async deleteSession(db: Db, id: string): Promise<boolean> {
    return (await db('sessions').where({ id }).del()) > 0
  },

  /** Serialises writers of one session (sequence numbers) inside a transaction. */
  async lockSession(trx: Knex.Transaction, id: string): Promise<SessionRow | undefined> {
    return (await trx('sessions').where({ id }).forUpdate().first()) as SessionRow | undefined
  },

  async nextSeq(db: Db, sessionId: string): Promise<number> {
    const r = (await db('messages').where({ session_id: sessionId }).max({ m: 'seq' }).first()) as { m: number | null } | undefined
    return (r?.m ?? -1) + 1
  },

  async insertMessage(trx: Knex.Transaction, m: NewMessage): Promise<MessageRow> {
    const seq = await chatRepository.nextSeq(trx, m.sessionId)
    const [row] = (await trx('messages')
      .insert({
        session_id: m.sessionId,
        seq,
        role: m.role,
        content: m.content,
        status: m.status ?? 'complete',
        client_id: m.clientId ?? null,
        parent_id: m.parentId ?? null,
        reply_to: m.replyTo ?? null,
        mode: m.mode ?? null,
        citations: JSON.stringify(m.citations ?? [])
      })
      .returning(MESSAGE_COLUMNS)) as MessageRow[]
    await trx('sessions').where({ id: m.sessionId }).update({ last_message_at: trx.fn.now(), updated_at: trx.fn.now() })
    return row as MessageRow
  },

  async getMessage(db: Db, id: string): Promise<MessageRow | undefined> {
    return (await db('messages').where({ id }).first(MESSAGE_COLUMNS)) as MessageRow | undefined
  },

  async byClientId(db: Db, clientId: string): Promise<MessageRow | undefined> {
    return (await db('messages').where({ client_id: clientId }).first(MESSAGE_COLUMNS)) as MessageRow | undefined
  },

  /** The latest answer to a question (the active one first). */
  async replyTo(db: Db, questionId: string): Promise<MessageRow | undefined> {
    return (await db('messages').where({ reply_to: questionId }).orderByRaw('superseded_at is not null, seq desc').first(MESSAGE_COLUMNS)) as MessageRow | undefined
  },

  /** The session's messages, oldest first: the active thread, or every message. */
  async thread(db: Db, sessionId: string, includeSuperseded = false): Promise<MessageRow[]> {
    const q = db('messages').where({ session_id: sessionId })
    if (!includeSuperseded) q.whereNull('superseded_at')
    return (await q.orderBy('seq').select(MESSAGE_COLUMNS)) as MessageRow[]
  },

  /** Supersede a message and every active message after it. */
  async supersedeFrom(trx: Knex.Transaction, sessionId: string, seq: number): Promise<string[]> {
    const rows = (await trx('messages')
      .where({ session_id: sessionId })
      .where('seq', '>=', seq)
      .whereNull('superseded_at')
      .update({ superseded_at: trx.fn.now() })
      .returning('id')) as Array<{ id: string }>
    return rows.map((r) => r.id)
  },

  async updateMessage(db: Db, id: string, patch: Record<string, unknown>): Promise<MessageRow | undefined> {
    const p = { ...patch }
    if (p['citations'] !== undefined) p['citations'] = JSON.stringify(p['citations'])
    const [row] = (await db('messages').where({ id }).update(p).returning(MESSAGE_COLUMNS)) as MessageRow[]
    return row
  },

  /** Partial text of an answer still streaming (never overwrites a finished one). */
  async saveStreaming(db: Db, id: string, content: string): Promise<void> {
    await db('messages').where({ id, status: 'streaming' }).update({ content })
  },

  /** Answers left 'streaming' by a crash or a kill: they become incomplete, text kept. */
  async recoverStreaming(db: Db, note: string): Promise<string[]> {
    const rows = (await db('messages').where({ status: 'streaming' }).update({ status: 'incomplete', error: note }).returning('session_id')) as Array<{ session_id: string }>
    return [...new Set(rows.map((r) => r.session_id))]
  }
}
