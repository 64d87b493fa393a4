/** The `traces` table: one row per LLM call (never the prompt, never the API key). */
import type { Knex } from 'knex'
import type { TraceRow, UsagePoint } from '../../../shared/chat'

/** A trace as written: the row's shape (src/shared/chat.ts) without what the table assigns, plus where it went. */
export type TraceInsert = Omit<TraceRow, 'id' | 'createdAt'> & { provider: string | null; messageId: string | null }

interface Row {
  id: string
  kind: string
  model: string | null
  input_tokens: number | null
  output_tokens: number | null
  duration_ms: number | null
  first_token_ms: number | null
  status: TraceRow['status']
  error: string | null
  session_id: string | null
  created_at: Date
}

const toTrace = (r: Row): TraceRow => ({
  id: r.id,
  kind: r.kind,
  model: r.model,
  inputTokens: r.input_tokens,
  outputTokens: r.output_tokens,
  durationMs: r.duration_ms,
  firstTokenMs: r.first_token_ms,
  status: r.status,
  error: r.error,
  sessionId: r.session_id,
  createdAt: r.created_at.toISOString()
})

const FK_VIOLATION = '23503'

export const tracesRepository = {
  /** Writes a trace; a session or message deleted meanwhile is left out rather than losing the row. */
  async insert(db: Knex, t: TraceInsert): Promise<string> {
    const row = {
      kind: t.kind,
      provider: t.provider,
      model: t.model,
      input_tokens: t.inputTokens,
      output_tokens: t.outputTokens,
      duration_ms: t.durationMs,
      first_token_ms: t.firstTokenMs,
      status: t.status,
      error: t.error,
      session_id: t.sessionId,
      message_id: t.messageId
    }
    try {
      const [r] = (await db('traces').insert(row).returning('id')) as Array<{ id: string }>
      return (r as { id: string }).id
    } catch (err) {
      if ((err as { code?: string }).code !== FK_VIOLATION) throw err
      const [r] = (await db('traces').insert({ ...row, session_id: null, message_id: null }).returning('id')) as Array<{ id: string }>
      return (r as { id: string }).id
    }
  },

  /** A call whose answer turned out unusable (e.g. JSON that could not be read) is an error after all. */
  async markError(db: Knex, id: string, error: string): Promise<void> {
    await db('traces').where({ id }).update({ status: 'error', error })
  },

  async list(db: Knex, opts: { limit: number; sessionId?: string | undefined }): Promise<TraceRow[]> {
    const q = db<Row>('traces').select('id', 'kind', 'model', 'input_tokens', 'output_tokens', 'duration_ms', 'first_token_ms', 'status', 'error', 'session_id', 'created_at')
    if (opts.sessionId) q.where('session_id', opts.sessionId)
    const rows = (await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(opts.limit)) as Row[]
    return rows.map(toTrace)
  },

  /** Tokens per day (UTC) per model over the last `days` days, grouped in SQL. */
  async usage(db: Knex, days: number): Promise<UsagePoint[]> {
    const r = await db.raw(
      `select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD') as day,
              coalesce(model, '(none)') as model,
              count(*)::int as calls,
              coalesce(sum(input_tokens), 0)::int as input_tokens,
              coalesce(sum(output_tokens), 0)::int as output_tokens
         from traces
        where created_at >= now() - make_interval(days => ?)
        group by 1, 2
        order by 1, 2`,
      [days]
    )
    return (r.rows as Array<{ day: string; model: string; calls: number; input_tokens: number; output_tokens: number }>).map((x) => ({
      day: x.day,
      model: x.model,
      calls: x.calls,
      inputTokens: x.input_tokens,
      outputTokens: x.output_tokens
    }))
  }
}
