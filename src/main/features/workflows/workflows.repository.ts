/**
 * Workflow runs, steps, logs and schedules. Knex only: every function takes the handle to
 * use (`db` or a transaction) and returns domain types. JSON columns are written as JSON
 * text, because the `pg` driver would send a JS array as a Postgres array.
 */
import type { Knex } from 'knex'
import type {
  LogLevel,
  RunStatus,
  ScheduleSpec,
  StepStatus,
  WorkflowDuration,
  WorkflowLog,
  WorkflowRun,
  WorkflowStepInfo
} from '../../../shared/workflows'

type Db = Knex | Knex.Transaction

export const HEAVY_KEY = 'heavy'

export interface RunRow {
  id: string
  name: string
  status: RunStatus
  progress: number
  progress_detail: { step?: string | null; detail?: string | null } | null
  input: unknown
  output: unknown
  error_code: string | null
  error: string | null
  attempts: number
  max_attempts: number
  cancel_requested: boolean
  concurrency_key: string | null
  scheduled_for: Date | null
  source_event_id: string | null
  heartbeat_at: Date | null
  created_at: Date
  started_at: Date | null
  finished_at: Date | null
}

export interface StepRow {
  id: string
  run_id: string
  step_index: number
  name: string
  status: StepStatus
  progress: number
  output: unknown
  error: string | null
  attempts: number
  max_attempts: number
  next_attempt_at: Date | null
  started_at: Date | null
  finished_at: Date | null
  checkpoint: unknown
}

export interface ScheduleRow {
  key: string
  name: string
  spec: ScheduleSpec
  input: unknown
  enabled: boolean
  anchor_at: Date
  last_due_at: Date | null
  last_run_id: string | null
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null)
const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v))

export const toRun = (r: RunRow): WorkflowRun => ({
  id: r.id,
  name: r.name,
  status: r.status,
  progress: Number(r.progress),
  progressDetail: { step: r.progress_detail?.step ?? null, detail: r.progress_detail?.detail ?? null },
  input: r.input,
  output: r.output ?? null,
  error: r.error,
  errorCode: r.error_code,
  attempts: r.attempts,
  cancelRequested: r.cancel_requested,
  heavy: r.concurrency_key === HEAVY_KEY,
  scheduledFor: iso(r.scheduled_for),
  heartbeatAt: iso(r.heartbeat_at),
  createdAt: r.created_at.toISOString(),
  startedAt: iso(r.started_at),
  finishedAt: iso(r.finished_at)
})

export const toStep = (s: StepRow): WorkflowStepInfo => ({
  id: s.id,
  index: s.step_index,
  name: s.name,
  status: s.status,
  progress: Number(s.progress),
  output: s.output ?? null,
  error: s.error,
  attempts: s.attempts,
  maxAttempts: s.max_attempts,
  nextAttemptAt: iso(s.next_attempt_at),
  startedAt: iso(s.started_at),
  finishedAt: iso(s.finished_at)
})

export interface RunFilter {
  name?: string | undefined
  status?: RunStatus | undefined
}

function filtered(db: Db, f: RunFilter): Knex.QueryBuilder {
  const q = db('workflow_runs')
  if (f.name) q.where('name', f.name)
  if (f.status) q.where('status', f.status)
  return q
}

/** Which 'running' runs another process may be holding: none under an exclusive lock, else those with a fresh heartbeat. */
export interface Ownership {
  exclusive: boolean
  staleBefore: Date
}

function claimable(q: Knex.QueryBuilder, now: Date, own: Ownership): Knex.QueryBuilder {
  return q
    .where('cancel_requested', false)
    .where((w) => {
      w.where('status', 'pending')
      if (own.exclusive) w.orWhere('status', 'running')
      else w.orWhere((r) => r.where('status', 'running').where((h) => h.whereNull('heartbeat_at').orWhere('heartbeat_at', '<', own.staleBefore)))
    })
    .where((w) => w.whereNull('scheduled_for').orWhere('scheduled_for', '<=', now))
}

export const workflowsRepository = {
  async insertRun(
    db: Db,
    run: { name: string; input: unknown; heavy: boolean; scheduledFor: Date | null; sourceEventId: number | null; steps: Array<{ name: string; maxAttempts: number }> }
  ): Promise<RunRow> {
    const [row] = (await db('workflow_runs')
      .insert({
        name: run.name,
        input: json(run.input ?? {}),
        concurrency_key: run.heavy ? HEAVY_KEY : null,
        scheduled_for: run.scheduledFor,
        source_event_id: run.sourceEventId
      })
      .returning('*')) as RunRow[]
    const r = row as RunRow
    await db('workflow_steps').insert(run.steps.map((s, i) => ({ run_id: r.id, step_index: i, name: s.name, max_attempts: s.maxAttempts })))
    return r
  },

  async findRunByEvent(db: Db, eventId: number): Promise<RunRow | undefined> {
    return (await db('workflow_runs').where('source_event_id', eventId).first()) as RunRow | undefined
  },

  async getRun(db: Db, id: string): Promise<RunRow | undefined> {
    return (await db('workflow_runs').where({ id }).first()) as RunRow | undefined
  },

  async steps(db: Db, runId: string): Promise<StepRow[]> {
    return (await db('workflow_steps').where('run_id', runId).orderBy('step_index')) as StepRow[]
  },

  async logs(db: Db, runId: string, limit: number): Promise<WorkflowLog[]> {
    const rows = (await db('workflow_logs').where('run_id', runId).orderBy('id', 'desc').limit(limit)) as Array<{
      id: string
      step_id: string | null
      level: LogLevel
      message: string
      created_at: Date
    }>
    return rows.reverse().map((l) => ({ id: Number(l.id), stepId: l.step_id, level: l.level, message: l.message, createdAt: l.created_at.toISOString() }))
  },

  async appendLog(db: Db, log: { runId: string; stepId: string | null; level: LogLevel; message: string; at: Date }): Promise<void> {
    await db('workflow_logs').insert({ run_id: log.runId, step_id: log.stepId, level: log.level, message: log.message.slice(0, 10_000), created_at: log.at })
  },

  /** Runs that could start now, oldest first, among the workflows this process knows. */
  async candidates(db: Db, o: { names: string[]; now: Date; own: Ownership; exclude: string[]; limit: number }): Promise<Array<{ id: string; name: string }>> {
    if (o.names.length === 0) return []
    const q = claimable(db('workflow_runs').whereIn('name', o.names), o.now, o.own)
    if (o.exclude.length) q.whereNotIn('id', o.exclude)
    return (await q.orderBy('created_at').orderBy('id').limit(o.limit).select('id', 'name')) as Array<{ id: string; name: string }>
  },

  /** The earliest future time a waiting run becomes due (a schedule or a retry backoff). */
  async nextWake(db: Db, o: { names: string[]; now: Date }): Promise<Date | null> {
    if (o.names.length === 0) return null
    const row = (await db('workflow_runs')
      .whereIn('name', o.names)
      .whereIn('status', ['pending', 'running'])
      .where('cancel_requested', false)
      .where('scheduled_for', '>', o.now)
      .min({ at: 'scheduled_for' })
      .first()) as { at: Date | null } | undefined
    return row?.at ?? null
  },

  /** Take a run for this process: atomically, so that a second claimer (or a cancel) loses cleanly. */
  async claim(db: Db, id: string, now: Date, own: Ownership): Promise<RunRow | undefined> {
    const [row] = (await claimable(db('workflow_runs').where({ id }), now, own)
      .update({
        status: 'running',
        attempts: db.raw('greatest(attempts, 1)'),
        started_at: db.raw('coalesce(started_at, ?)', [now]),
        heartbeat_at: now,
        scheduled_for: null
      })
      .returning('*')) as RunRow[]
    return row
  },

  async updateRun(db: Db, id: string, patch: Record<string, unknown>): Promise<void> {
    await db('workflow_runs').where({ id }).update(patch)
  },

  async updateStep(db: Db, id: string, patch: Record<string, unknown>): Promise<void> {
    await db('workflow_steps').where({ id }).update(patch)
  },

  /** One more attempt of a step begins; the attempt counts from here, so a crash inside it counts too. */
  async startAttempt(db: Db, id: string, now: Date): Promise<StepRow> {
    const [row] = (await db('workflow_steps')
      .where({ id })
      .update({ status: 'running', attempts: db.raw('attempts + 1'), started_at: now, finished_at: null, next_attempt_at: null, progress: 0 })
      .returning('*')) as StepRow[]
    return row as StepRow
  },

  async setCheckpoint(db: Db, stepId: string, data: unknown): Promise<void> {
    await db('workflow_steps').where({ id: stepId }).update({ checkpoint: json(data) })
  },

  async progress(db: Db, o: { runId: string; stepId: string; stepProgress: number; runProgress: number; step: string; detail: string | null; now: Date }): Promise<void> {
    await db('workflow_steps').where({ id: o.stepId }).update({ progress: o.stepProgress })
    await db('workflow_runs')
      .where({ id: o.runId })
      .update({ progress: o.runProgress, progress_detail: json({ step: o.step, detail: o.detail }), heartbeat_at: o.now })
  },

  /** Heartbeat the runs this process holds; answers which of them someone asked to cancel. */
  async heartbeat(db: Db, ids: string[], now: Date): Promise<string[]> {
    if (ids.length === 0) return []
    const rows = (await db('workflow_runs').whereIn('id', ids).where('status', 'running').update({ heartbeat_at: now }).returning(['id', 'cancel_requested'])) as Array<{
      id: string
      cancel_requested: boolean
    }>
    return rows.filter((r) => r.cancel_requested).map((r) => r.id)
  },

  async requestCancel(db: Db, id: string): Promise<RunRow | undefined> {
    const [row] = (await db('workflow_runs').where({ id }).whereIn('status', ['pending', 'running']).update({ cancel_requested: true }).returning('*')) as RunRow[]
    return row
  },

  /** End an unfinished run as cancelled, with its unfinished steps. No-op on a finished run. */
  async finishCancelled(db: Db, id: string, now: Date): Promise<RunRow | undefined> {
    const [row] = (await db('workflow_runs')
      .where({ id })
      .whereIn('status', ['pending', 'running'])
      .update({ status: 'cancelled', cancel_requested: true, finished_at: now, scheduled_for: null, heartbeat_at: null })
      .returning('*')) as RunRow[]
    if (row) await db('workflow_steps').where('run_id', id).whereIn('status', ['pending', 'running']).update({ status: 'cancelled', finished_at: now, next_attempt_at: null })
    return row
  },

  /** Make a failed or cancelled run pending again from its first unfinished step; finished steps stay done. */
  async resetForRetry(db: Db, id: string): Promise<RunRow | undefined> {
    const [row] = (await db('workflow_runs')
      .where({ id })
      .whereIn('status', ['failed', 'cancelled'])
      .update({
        status: 'pending',
        attempts: db.raw('attempts + 1'),
        error: null,
        error_code: null,
        output: null,
        cancel_requested: false,
        scheduled_for: null,
        heartbeat_at: null,
        started_at: null,
        finished_at: null
      })
      .returning('*')) as RunRow[]
    if (row)
      await db('workflow_steps')
        .where('run_id', id)
        .whereNot('status', 'succeeded')
        .update({ status: 'pending', attempts: 0, error: null, next_attempt_at: null, started_at: null, finished_at: null })
    return row
  },

  async list(db: Db, f: RunFilter, offset: number, limit: number): Promise<RunRow[]> {
    return (await filtered(db, f).orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit)) as RunRow[]
  },

  async count(db: Db, f: RunFilter): Promise<number> {
    const row = (await filtered(db, f).count({ n: '*' }).first()) as { n: string | number } | undefined
    return Number(row?.n ?? 0)
  },

  async durations(db: Db, o: { name?: string | undefined; since?: Date | undefined; limit: number }): Promise<WorkflowDuration[]> {
    const q = db('workflow_runs').whereNotNull('started_at').whereNotNull('finished_at')
    if (o.name) q.where('name', o.name)
    if (o.since) q.where('started_at', '>=', o.since)
    const rows = (await q.orderBy('started_at', 'desc').limit(o.limit).select('id', 'name', 'status', 'started_at', 'finished_at')) as Array<{
      id: string
      name: string
      status: RunStatus
      started_at: Date
      finished_at: Date
    }>
    return rows.reverse().map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at.toISOString(),
      durationMs: Math.max(0, r.finished_at.getTime() - r.started_at.getTime())
    }))
  },

  async getSchedule(db: Db, key: string): Promise<ScheduleRow | undefined> {
    return (await db('workflow_schedules').where({ key }).first()) as ScheduleRow | undefined
  },

  async listSchedules(db: Db): Promise<ScheduleRow[]> {
    return (await db('workflow_schedules').orderBy('key')) as ScheduleRow[]
  },

  async putSchedule(db: Db, s: { key: string; name: string; spec: ScheduleSpec; input: unknown; enabled: boolean; anchorAt: Date; resetDue: boolean; now: Date }): Promise<ScheduleRow> {
    const patch: Record<string, unknown> = { name: s.name, spec: json(s.spec), input: json(s.input ?? {}), enabled: s.enabled, updated_at: s.now }
    if (s.resetDue) Object.assign(patch, { anchor_at: s.anchorAt, last_due_at: null })
    const [row] = (await db('workflow_schedules')
      .insert({ key: s.key, ...patch, anchor_at: s.anchorAt, created_at: s.now })
      .onConflict('key')
      .merge(patch)
      .returning('*')) as ScheduleRow[]
    return row as ScheduleRow
  },

  async removeSchedule(db: Db, key: string): Promise<boolean> {
    return (await db('workflow_schedules').where({ key }).del()) > 0
  },

  /** Record that the due time `due` got its run; only moves forward, so two checkers cannot both fire it. */
  async markScheduleDue(db: Db, key: string, due: Date, runId: string | null): Promise<boolean> {
    const n = await db('workflow_schedules')
      .where({ key })
      .where((w) => w.whereNull('last_due_at').orWhere('last_due_at', '<', due))
      .update({ last_due_at: due, last_run_id: runId })
    return n > 0
  }
}
