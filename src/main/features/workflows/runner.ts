/**
 * The durable workflow runner: background work (document imports, re-embeds, nightly
 * maintenance) as runs of ordered steps kept in Postgres, so that it survives a crash, a
 * quit or a sleeping laptop, and shows its progress as it goes.
 *
 * Why not pg-boss or graphile-worker: both assume a real server behind a connection
 * pool. graphile-worker keeps one client LISTENing for `jobs:insert` and checks out more
 * clients per concurrent job; PGlite has a single session, which pglite-socket
 * multiplexes, so a held client or an open transaction on one "connection" stalls every
 * other (electric-sql/pglite#1046, #985), and LISTEN/NOTIFY between connections is not
 * real there. pg-boss runs on PGlite only through a hand-written `executeSql` adapter
 * (timgit/pg-boss#563) and creates its own schema outside our migrations (no `down`).
 * Both model opaque jobs, not steps with progress, checkpoints and logs, which
 * `workflow_runs` / `workflow_steps` / `workflow_logs` already describe; and neither is
 * installed. So this is a small runner over those tables: polling plus in-process kicks
 * instead of NOTIFY, atomic claim updates instead of advisory locks.
 *
 * How it works:
 * - `start()` writes an event (the idempotency key lives there), the run and all of its
 *   steps in one transaction before any work begins.
 * - A dispatcher picks due runs oldest first: heavy workflows one at a time, light ones up
 *   to `lightConcurrency` at once. A run is taken with one guarded UPDATE, so a cancel or a
 *   second process racing for it loses cleanly.
 * - Steps run in order. An attempt is counted when it starts, so a crash inside it counts.
 *   A failed attempt waits out an exponential backoff (with jitter, capped) as a run with
 *   `scheduled_for` in the future, holding no concurrency slot. A step with no attempts
 *   left fails the run, with the error in plain words.
 * - After a crash, a run left 'running' continues from its first unfinished step; finished
 *   steps are never re-run. A step that can stop half-way writes `checkpoint(data, trx)` in
 *   the transaction that does the work, and reads it back as `state` on the next attempt.
 * - Under the profile directory lock (PGlite) this process is the only runner, so any
 *   'running' run it does not hold is an orphan of a dead process. On an external server
 *   (`exclusive: false`) only runs whose heartbeat went stale are taken over.
 */
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import type { Logger } from '../../ipc/router'
import { eventsRepository } from '../events/events.repository'
import { backoffDelay, DEFAULT_BACKOFF, lastDueAt, nextDueAt, validateSpec, type BackoffOptions } from './timing'
import { toRun, toStep, workflowsRepository as repo, type Ownership, type RunRow, type ScheduleRow, type StepRow } from './workflows.repository'
import type {
  LogLevel,
  RunStatus,
  ScheduleSpec,
  WorkflowDuration,
  WorkflowEvent,
  WorkflowRun,
  WorkflowRunDetail,
  WorkflowRunPage,
  WorkflowSchedule
} from '../../../shared/workflows'

/** What a step gets to work with. */
export interface StepContext<I = unknown> {
  readonly runId: string
  readonly input: I
  /** Outputs of the steps before this one, by step name. */
  readonly outputs: Readonly<Record<string, unknown>>
  /** 1 for the first attempt of this step. */
  readonly attempt: number
  /** The last checkpoint this step wrote (in this or an earlier attempt), or null. */
  readonly state: unknown
  /** Fires when the run is cancelled or Engram is closing; `reason` is an AppError('cancelled'). */
  readonly signal: AbortSignal
  /** The profile's database. Inside your own transaction use its `trx`, never this (one connection: it would deadlock). */
  readonly db: Knex
  /** Report progress (0..1) with an optional note. Cheap: writes and events are throttled. Safe inside a transaction. */
  progress(fraction: number, detail?: string): void
  /** Add a line to the run's log. Written in the background, in order. Safe inside a transaction. */
  log(level: LogLevel, message: string): void
  /**
   * Save resumable state. Pass the `trx` that does the work it describes, so both commit
   * or neither does. Without `trx` it writes on `db`: never do that inside a transaction.
   */
  checkpoint(data: unknown, trx?: Knex.Transaction): Promise<void>
}

export interface StepDefinition<I = unknown> {
  name: string
  /** Attempts before the run fails (default 3). */
  maxAttempts?: number
  /** Overrides the runner's retry backoff for this step. */
  backoff?: Partial<BackoffOptions>
  /** Share of the run's progress bar (default 1). */
  weight?: number
  /** Do the work; the return value (JSON) is the step's output. Throw to fail the attempt. */
  run(ctx: StepContext<I>): unknown
}

export interface WorkflowDefinition<I = unknown> {
  name: string
  /** Heavy workflows (imports, re-embeds) run one at a time; light ones share `lightConcurrency` slots. */
  heavy?: boolean
  steps: ReadonlyArray<StepDefinition<I>>
}

type AnyWorkflow = WorkflowDefinition<never>

/** Check a workflow definition once, where it is declared, and keep its input type. */
export function defineWorkflow<I>(def: WorkflowDefinition<I>): WorkflowDefinition<I> {
  if (!/^[a-z][a-z0-9_.:-]{0,63}$/.test(def.name)) throw new Error(`Workflow names are short lowercase words (got "${def.name}").`)
  if (def.steps.length === 0) throw new Error(`Workflow "${def.name}" has no steps.`)
  const names = new Set<string>()
  for (const s of def.steps) {
    if (!s.name || names.has(s.name)) throw new Error(`Workflow "${def.name}" needs unique, non-empty step names ("${s.name}").`)
    if (s.maxAttempts !== undefined && (!Number.isInteger(s.maxAttempts) || s.maxAttempts < 1)) throw new Error(`Step "${s.name}": maxAttempts must be a whole number ≥ 1.`)
    names.add(s.name)
  }
  return Object.freeze({ ...def, steps: Object.freeze([...def.steps]) })
}

export interface StartOptions {
  /** The same key for the same workflow always answers with the first run. */
  idempotencyKey?: string | undefined
  /** Do not start before this time. */
  scheduledFor?: Date | string | undefined
  /** Who asked, for the event log ('app', 'schedule', 'cli', ...). */
  source?: string | undefined
}

export interface ListRunsInput {
  name?: string | undefined
  status?: RunStatus | undefined
  cursor?: string | undefined
  limit?: number | undefined
}

export interface WorkflowRunner {
  /** Make workflows known to this runner (their runs become eligible to start). */
  register(...defs: Array<WorkflowDefinition<never>>): void
  /** Create a run (durably, with all its steps) and return its id; it starts when a slot is free. */
  start<I>(workflow: string | WorkflowDefinition<I>, input: I, opts?: StartOptions): Promise<string>
  /** Call once after the profile opens: resumes interrupted runs, catches up schedules, starts the timers. Answers how many runs were interrupted. */
  resumeAll(): Promise<number>
  /** Cancel a run: a running step sees its AbortSignal fire; a waiting run ends at once. */
  cancel(runId: string): Promise<WorkflowRun>
  /** Run a failed (or cancelled) run again from its first unfinished step. */
  retry(runId: string): Promise<WorkflowRun>
  list(input?: ListRunsInput): Promise<WorkflowRunPage>
  get(runId: string, opts?: { logLimit?: number }): Promise<WorkflowRunDetail>
  /** Finished runs, oldest first, for a durations chart. */
  durations(opts?: { name?: string | undefined; since?: Date | string | undefined; limit?: number | undefined }): Promise<WorkflowDuration[]>
  /** Create or update a recurring run. `key` defaults to the workflow name. */
  schedule<I>(workflow: string | WorkflowDefinition<I>, spec: ScheduleSpec, input: I, opts?: { key?: string; enabled?: boolean }): Promise<WorkflowSchedule>
  unschedule(key: string): Promise<boolean>
  schedules(): Promise<WorkflowSchedule[]>
  /** Create one run for each schedule that came due since its last run (also on a timer, and call it when the machine wakes). */
  checkSchedules(): Promise<string[]>
  /** Resolves with the run once it has finished (succeeded, failed or cancelled). */
  waitFor(runId: string, timeoutMs?: number): Promise<WorkflowRun>
  onEvent(listener: (e: WorkflowEvent) => void): () => void
  /** Stop the timers, ask running steps to stop, and wait (bounded) for them. */
  close(): Promise<void>
}

export interface WorkflowRunnerOptions {
  db: Knex
  logger?: Logger
  workflows?: Array<WorkflowDefinition<never>>
  /** Milliseconds since the epoch; tests move it to simulate sleep. */
  clock?: () => number
  /** Light runs at once (default 2). Heavy runs always go one at a time. */
  lightConcurrency?: number
  backoff?: BackoffOptions
  random?: () => number
  /** Least time between two progress writes/events of one run (default 250 ms). */
  progressIntervalMs?: number
  heartbeatMs?: number
  /** How often to look for due runs and schedules anyway (default 30 s). */
  pollMs?: number
  /** True when this process is the only one that can run this profile's workflows (the PGlite dir lock). */
  exclusive?: boolean
  /** Without exclusivity, a 'running' run whose heartbeat is older than this is taken over (default 60 s). */
  staleAfterMs?: number
  /** How long close() waits for running steps (default 5 s). */
  closeTimeoutMs?: number
}

const TERMINAL: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled'])
export const isTerminal = (s: RunStatus): boolean => TERMINAL.has(s)

/** Failures that another attempt cannot fix: the run fails at once. */
const PERMANENT_CODES = new Set(['validation', 'unsupported_file', 'not_found'])

/** An error as a person would want to read it: its message, one line, no stack. */
export function plainError(err: unknown): string {
  let msg = err instanceof Error ? err.message : typeof err === 'string' ? err : ''
  if (!msg && err && typeof err === 'object') msg = JSON.stringify(err).slice(0, 200)
  msg = (msg.split('\n')[0] ?? '').trim()
  return msg ? msg.slice(0, 500) : 'It failed without saying why.'
}

const seconds = (ms: number): string => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`)
const json = (v: unknown): string => JSON.stringify(v === undefined ? null : v)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref())

interface ActiveRun {
  id: string
  name: string
  heavy: boolean
  controller: AbortController
  /** Why the run must stop, once someone asked. */
  stop: 'cancel' | 'shutdown' | null
  progress: number
  step: string | null
  done: Promise<void>
}

type StepOutcome = { kind: 'succeeded'; output: unknown } | { kind: 'ended' }

const quiet: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined }

export function createWorkflowRunner(opts: WorkflowRunnerOptions): WorkflowRunner {
  const db = opts.db
  const logger = opts.logger ?? quiet
  const clock = opts.clock ?? Date.now
  const lightSlots = Math.max(1, opts.lightConcurrency ?? 2)
  const backoff = opts.backoff ?? DEFAULT_BACKOFF
  const random = opts.random ?? Math.random
  const progressEvery = opts.progressIntervalMs ?? 250
  const heartbeatMs = opts.heartbeatMs ?? 5_000
  const pollMs = opts.pollMs ?? 30_000
  const exclusive = opts.exclusive ?? true
  const staleAfterMs = opts.staleAfterMs ?? 60_000
  const closeTimeoutMs = opts.closeTimeoutMs ?? 5_000

  const registry = new Map<string, AnyWorkflow>()
  const active = new Map<string, ActiveRun>()
  const listeners = new Set<(e: WorkflowEvent) => void>()
  let closed = false
  let pumping: Promise<void> | null = null
  let again = false
  let wakeTimer: NodeJS.Timeout | null = null
  let pollTimer: NodeJS.Timeout | null = null
  let heartbeatTimer: NodeJS.Timeout | null = null

  const now = (): Date => new Date(clock())
  const ownership = (): Ownership => ({ exclusive, staleBefore: new Date(clock() - staleAfterMs) })

  function emit(e: WorkflowEvent): void {
    for (const l of listeners) {
      try {
        l(e)
      } catch (err) {
        logger.warn('[engram] a workflow event listener threw', err)
      }
    }
  }
  const emitRow = (r: RunRow, step: string | null = null, detail: string | null = null): void =>
    emit({ runId: r.id, name: r.name, status: r.status, progress: Number(r.progress), step, detail })

  function lookup<I>(workflow: string | WorkflowDefinition<I>): AnyWorkflow {
    const name = typeof workflow === 'string' ? workflow : workflow.name
    const def = registry.get(name)
    if (!def) throw new AppError('validation', `There is no workflow named "${name}".`)
    return def
  }

  async function log(runId: string, stepId: string | null, level: LogLevel, message: string): Promise<void> {
    try {
      await repo.appendLog(db, { runId, stepId, level, message, at: now() })
    } catch (err) {
      if (!closed) logger.warn('[engram] could not write a workflow log line', err)
    }
  }

  // ---- creating runs ----------------------------------------------------------------

  async function createRun(
    trx: Knex.Transaction,
    def: AnyWorkflow,
    input: unknown,
    o: StartOptions
  ): Promise<{ row: RunRow; created: boolean }> {
    const event = await eventsRepository.append(trx, {
      type: 'workflow.start',
      source: o.source ?? 'app',
      idempotencyKey: o.idempotencyKey ? `${def.name}:${o.idempotencyKey}` : undefined,
      // Not the input: events are append-only, and an input may hold something to forget later (a PDF password).
      payload: { workflow: def.name }
    })
    if (!event.created) {
      const first = await repo.findRunByEvent(trx, event.id)
      if (first) return { row: first, created: false }
    }
    const scheduledFor = o.scheduledFor === undefined ? null : new Date(o.scheduledFor)
    if (scheduledFor && Number.isNaN(scheduledFor.getTime())) throw new AppError('validation', 'scheduledFor is not a valid date.')
    const row = await repo.insertRun(trx, {
      name: def.name,
      input: input ?? null,
      heavy: def.heavy === true,
      scheduledFor,
      sourceEventId: event.id,
      steps: def.steps.map((s) => ({ name: s.name, maxAttempts: s.maxAttempts ?? 3 }))
    })
    return { row, created: true }
  }

  // ---- dispatching ------------------------------------------------------------------

  function kick(): void {
    if (closed) return
    if (pumping) {
      again = true
      return
    }
    pumping = pump()
      .catch((err: unknown) => {
        if (!closed) logger.warn('[engram] the workflow dispatcher failed; it will try again', err)
        armWake(new Date(clock() + Math.min(pollMs, 5_000)))
      })
      .finally(() => {
        pumping = null
        if (again && !closed) {
          again = false
          kick()
        }
      })
  }

  function armWake(at: Date | null): void {
    if (wakeTimer) clearTimeout(wakeTimer)
    wakeTimer = null
    if (!at || closed) return
    const delay = Math.max(0, Math.min(at.getTime() - clock(), pollMs))
    wakeTimer = setTimeout(() => {
      wakeTimer = null
      kick()
    }, delay + 5)
    wakeTimer.unref()
  }

  async function pump(): Promise<void> {
    const names = [...registry.keys()]
    let heavyBusy = 0
    let lightBusy = 0
    for (const a of active.values()) {
      if (a.heavy) heavyBusy++
      else lightBusy++
    }
    // One instant for both queries: with a fresh now() for nextWake, a retry falling due between
    // the two would be neither claimable (too early) nor a future wake (too late), and sit until a poll.
    const at = now()
    if (heavyBusy < 1 || lightBusy < lightSlots) {
      const found = await repo.candidates(db, { names, now: at, own: ownership(), exclude: [...active.keys()], limit: 50 })
      for (const c of found) {
        if (closed || active.has(c.id)) continue
        const def = registry.get(c.name)
        if (!def) continue
        const heavy = def.heavy === true
        if (heavy ? heavyBusy >= 1 : lightBusy >= lightSlots) continue
        if (heavy) heavyBusy++
        else lightBusy++
        launch(c.id, def)
      }
    }
    if (!closed) armWake(await repo.nextWake(db, { names, now: at }))
  }

  function launch(id: string, def: AnyWorkflow): void {
    const a: ActiveRun = { id, name: def.name, heavy: def.heavy === true, controller: new AbortController(), stop: null, progress: 0, step: null, done: Promise.resolve() }
    active.set(id, a)
    startHeartbeat()
    a.done = execute(a, def)
      .catch(async (err: unknown) => {
        if (closed) return
        // A database error outside any step: leave the run resumable, but not in a hot loop.
        logger.error(`[engram] workflow run ${id} (${def.name}) stopped unexpectedly`, err)
        await repo.updateRun(db, id, { scheduled_for: new Date(clock() + 30_000), heartbeat_at: null }).catch(() => undefined)
      })
      .finally(() => {
        active.delete(id)
        if (active.size === 0) stopHeartbeat()
        kick()
      })
  }

  function startHeartbeat(): void {
    if (heartbeatTimer || closed) return
    let beating = false
    heartbeatTimer = setInterval(() => {
      // One at a time: while a step holds the connection in a transaction, beats would pile up.
      if (beating) return
      beating = true
      const ids = [...active.keys()]
      repo
        .heartbeat(db, ids, now())
        .then((cancelled) => {
          // A cancel written by someone else (another process on a shared server).
          for (const id of cancelled) abortRun(active.get(id), 'cancel')
        })
        .catch((err: unknown) => {
          if (!closed) logger.warn('[engram] workflow heartbeat failed', err)
        })
        .finally(() => {
          beating = false
        })
    }, heartbeatMs)
    heartbeatTimer.unref()
  }

  function stopHeartbeat(): void {
    if (heartbeatTimer) clearInterval(heartbeatTimer)
    heartbeatTimer = null
  }

  function abortRun(a: ActiveRun | undefined, why: 'cancel' | 'shutdown'): void {
    if (!a || a.stop) return
    a.stop = why
    a.controller.abort(new AppError('cancelled', why === 'cancel' ? 'The run was cancelled.' : 'Engram is closing; the run will continue next time.'))
  }

  // ---- executing a run --------------------------------------------------------------

  async function finishCancelled(id: string, detail = 'Cancelled'): Promise<void> {
    const row = await repo.finishCancelled(db, id, now())
    if (row) {
      await log(id, null, 'info', 'The run was cancelled.')
      emitRow(row, null, detail)
    }
  }

  async function failRun(a: ActiveRun, step: StepRow, message: string, code: string): Promise<void> {
    const at = now()
    await repo.updateStep(db, step.id, { status: 'failed', error: message, finished_at: at, next_attempt_at: null })
    await repo.updateRun(db, a.id, { status: 'failed', error: message, error_code: code, finished_at: at, heartbeat_at: null, scheduled_for: null })
    await log(a.id, step.id, 'error', message)
    emit({ runId: a.id, name: a.name, status: 'failed', progress: a.progress, step: step.name, detail: message })
  }

  async function execute(a: ActiveRun, def: AnyWorkflow): Promise<void> {
    const claimed = await repo.claim(db, a.id, now(), ownership())
    if (!claimed) {
      // Lost the race: finished, taken by another process, not due, or cancelled meanwhile.
      const r = await repo.getRun(db, a.id)
      if (r && r.cancel_requested && !isTerminal(r.status)) await finishCancelled(a.id)
      return
    }
    a.progress = Number(claimed.progress)
    if (a.stop === 'cancel') return finishCancelled(a.id)
    if (a.stop) return

    const steps = await repo.steps(db, a.id)
    const resumed = steps.some((s) => s.status === 'running' || s.status === 'succeeded')
    const mismatch = steps.length !== def.steps.length || steps.some((s, i) => s.name !== def.steps[i]?.name)
    if (mismatch) {
      const first = steps.find((s) => s.status !== 'succeeded') ?? (steps[0] as StepRow)
      return failRun(a, first, `The "${def.name}" workflow changed since this run began (its steps are different now). Start it again.`, 'workflow_changed')
    }
    emit({ runId: a.id, name: a.name, status: 'running', progress: a.progress, step: null, detail: resumed ? 'Resumed' : 'Started' })

    const weights = def.steps.map((s) => Math.max(0, s.weight ?? 1))
    const total = weights.reduce((x, y) => x + y, 0) || 1
    const outputs: Record<string, unknown> = {}
    let last: unknown = null
    let base = 0
    for (const s of steps) {
      const share = (weights[s.step_index] ?? 0) / total
      if (s.status === 'succeeded') {
        outputs[s.name] = s.output
        last = s.output
        base += share
        continue
      }
      if (a.stop === 'cancel') return finishCancelled(a.id)
      if (a.stop) return
      if (s.status === 'running') {
        // The process died (or was closed past its patience) inside this step: that attempt counts.
        const msg = `Engram stopped while "${s.name}" was running (attempt ${s.attempts} of ${s.max_attempts}).`
        await log(a.id, s.id, 'warn', msg)
        if (s.attempts >= s.max_attempts) return failRun(a, s, `${msg} No attempts are left.`, 'interrupted')
      }
      if (s.next_attempt_at && s.next_attempt_at.getTime() > clock()) {
        await repo.updateRun(db, a.id, { scheduled_for: s.next_attempt_at, heartbeat_at: null })
        return
      }
      const outcome = await runStep(a, def.steps[s.step_index] as StepDefinition<never>, s, claimed, outputs, base, share)
      if (outcome.kind === 'ended') return
      outputs[s.name] = outcome.output
      last = outcome.output
      base += share
    }
    const [row] = (await db('workflow_runs')
      .where({ id: a.id })
      .update({ status: 'succeeded', progress: 1, output: json(last), finished_at: now(), error: null, error_code: null, heartbeat_at: null })
      .returning('*')) as RunRow[]
    const took = row?.started_at && row.finished_at ? ` in ${seconds(row.finished_at.getTime() - row.started_at.getTime())}` : ''
    await log(a.id, null, 'info', `Finished${took}.`)
    if (row) emitRow(row, null, 'Finished')
  }

  async function runStep(
    a: ActiveRun,
    sd: StepDefinition<never>,
    s: StepRow,
    run: RunRow,
    outputs: Record<string, unknown>,
    base: number,
    share: number
  ): Promise<StepOutcome> {
    const attemptRow = await repo.startAttempt(db, s.id, now())
    const attempt = attemptRow.attempts
    const max = attemptRow.max_attempts
    a.step = s.name
    a.progress = base
    if (attempt > 1) await log(a.id, s.id, 'info', `"${s.name}": attempt ${attempt} of ${max}.`)
    emit({ runId: a.id, name: a.name, status: 'running', progress: a.progress, step: s.name, detail: attempt > 1 ? `Attempt ${attempt} of ${max}` : null })

    // Background writes of this attempt (progress, log lines), kept in order.
    let writes: Promise<void> = Promise.resolve()
    const write = (fn: () => Promise<void>): void => {
      writes = writes.then(fn).catch((err: unknown) => {
        if (!closed) logger.warn('[engram] a workflow progress write failed', err)
      })
    }
    let pending: { fraction: number; detail: string | null } | null = null
    let lastFlush = 0
    let throttle: NodeJS.Timeout | null = null
    let live = true
    const flush = (): void => {
      if (throttle) clearTimeout(throttle)
      throttle = null
      if (!pending) return
      const p = pending
      pending = null
      lastFlush = Date.now()
      a.progress = Math.min(1, base + share * p.fraction)
      const runProgress = a.progress
      const at = now()
      write(() => repo.progress(db, { runId: a.id, stepId: s.id, stepProgress: p.fraction, runProgress, step: s.name, detail: p.detail, now: at }))
      emit({ runId: a.id, name: a.name, status: 'running', progress: runProgress, step: s.name, detail: p.detail })
    }
    let state: unknown = attemptRow.checkpoint ?? null
    const ctx: StepContext<unknown> = {
      runId: a.id,
      input: run.input,
      outputs: Object.freeze({ ...outputs }),
      attempt,
      get state() {
        return state
      },
      signal: a.controller.signal,
      db,
      progress(fraction, detail) {
        if (!live) return
        const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0
        pending = { fraction: f, detail: detail ?? null }
        const wait = lastFlush + progressEvery - Date.now()
        if (wait <= 0) flush()
        else if (!throttle) {
          throttle = setTimeout(flush, wait)
          throttle.unref()
        }
      },
      log(level, message) {
        write(() => log(a.id, s.id, level, message))
      },
      async checkpoint(data, trx) {
        await repo.setCheckpoint(trx ?? db, s.id, data)
        state = data
      }
    }
    const settle = async (): Promise<void> => {
      flush()
      live = false
      await writes
    }

    try {
      const output = await Promise.resolve().then(() => sd.run(ctx as unknown as StepContext<never>))
      await settle()
      const at = now()
      a.progress = Math.min(1, base + share)
      await repo.updateStep(db, s.id, { status: 'succeeded', output: json(output), progress: 1, error: null, finished_at: at, checkpoint: null })
      await repo.updateRun(db, a.id, { progress: a.progress, progress_detail: json({ step: s.name, detail: null }) })
      emit({ runId: a.id, name: a.name, status: 'running', progress: a.progress, step: s.name, detail: 'Step finished' })
      return { kind: 'succeeded', output: output === undefined ? null : JSON.parse(json(output)) }
    } catch (err) {
      await settle()
      if (a.stop === 'cancel') {
        await log(a.id, s.id, 'info', `"${s.name}" stopped: the run was cancelled.`)
        await finishCancelled(a.id)
        return { kind: 'ended' }
      }
      if (a.stop === 'shutdown') {
        // Not the step's fault: give the attempt back; the run continues at the next open.
        await repo.updateStep(db, s.id, { status: 'pending', attempts: Math.max(0, attempt - 1), started_at: null })
        await repo.updateRun(db, a.id, { heartbeat_at: null })
        await log(a.id, s.id, 'info', `"${s.name}" paused: Engram is closing. It will continue next time.`)
        return { kind: 'ended' }
      }
      const message = plainError(err)
      const code = err instanceof AppError ? err.code : 'step_failed'
      if (attempt >= max || PERMANENT_CODES.has(code)) {
        const times = attempt === 1 ? 'once' : `${attempt} times`
        const text = PERMANENT_CODES.has(code) ? `"${s.name}" failed: ${message}` : `"${s.name}" failed ${times}. The last error: ${message}`
        await failRun(a, s, text, code)
        return { kind: 'ended' }
      }
      const delay = backoffDelay(attempt, { ...backoff, ...sd.backoff }, random)
      const at = new Date(clock() + delay)
      await repo.updateStep(db, s.id, { status: 'pending', error: message, next_attempt_at: at })
      await repo.updateRun(db, a.id, { scheduled_for: at, heartbeat_at: null })
      const note = `Attempt ${attempt} of ${max} failed: ${message.replace(/[.!?]+$/, '')}. Retrying in ${seconds(delay)}.`
      await log(a.id, s.id, 'warn', `"${s.name}": ${note}`)
      emit({ runId: a.id, name: a.name, status: 'running', progress: a.progress, step: s.name, detail: note })
      return { kind: 'ended' }
    }
  }

  // ---- schedules --------------------------------------------------------------------

  const toSchedule = (r: ScheduleRow): WorkflowSchedule => ({
    key: r.key,
    name: r.name,
    spec: r.spec,
    input: r.input,
    enabled: r.enabled,
    lastDueAt: r.last_due_at ? r.last_due_at.toISOString() : null,
    lastRunId: r.last_run_id,
    nextDueAt: nextDueAt(r.spec, r.anchor_at, now()).toISOString()
  })

  async function checkSchedules(): Promise<string[]> {
    if (closed) return []
    const started: RunRow[] = []
    for (const sched of await repo.listSchedules(db)) {
      const def = registry.get(sched.name)
      if (!sched.enabled || !def) continue
      const at = now()
      const due = lastDueAt(sched.spec, sched.anchor_at, at)
      if (!due || (sched.last_due_at && due.getTime() <= sched.last_due_at.getTime())) continue
      const row = await db.transaction(async (trx) => {
        // Only the newest missed due time counts: a week asleep makes one run, not seven.
        if (!(await repo.markScheduleDue(trx, sched.key, due, sched.last_run_id))) return null
        const prev = sched.last_run_id ? await repo.getRun(trx, sched.last_run_id) : undefined
        if (prev && !isTerminal(prev.status)) return null // still going: this due time is covered by it
        const { row: r } = await createRun(trx, def, sched.input, { idempotencyKey: `schedule:${sched.key}:${due.toISOString()}`, source: 'schedule' })
        await trx('workflow_schedules').where({ key: sched.key }).update({ last_run_id: r.id })
        return r
      })
      if (row) started.push(row)
    }
    for (const r of started) emitRow(r, null, 'Scheduled')
    if (started.length) kick()
    return started.map((r) => r.id)
  }

  // ---- the interface ----------------------------------------------------------------

  const runner: WorkflowRunner = {
    register(...defs) {
      for (const d of defs) registry.set(d.name, d)
      kick()
    },

    async start(workflow, input, o = {}) {
      if (closed) throw new AppError('unavailable', 'Workflows have stopped for this profile.')
      const def = lookup(workflow)
      const { row, created } = await db.transaction((trx) => createRun(trx, def, input, o))
      if (created) emitRow(row, null, row.scheduled_for ? `Scheduled for ${row.scheduled_for.toISOString()}` : 'Queued')
      kick()
      return row.id
    },

    async resumeAll() {
      if (closed) return 0
      const names = [...registry.keys()]
      // Interrupted (crashed, or paused by close) rather than waiting out a retry backoff.
      const orphans = names.length
        ? await db('workflow_runs')
            .whereIn('name', names)
            .where('status', 'running')
            .whereNull('scheduled_for')
            .modify((q) => {
              if (active.size) q.whereNotIn('id', [...active.keys()])
            })
            .count({ n: '*' })
            .first()
        : { n: 0 }
      if (!pollTimer) {
        pollTimer = setInterval(() => {
          checkSchedules().catch((err: unknown) => {
            if (!closed) logger.warn('[engram] workflow schedules check failed', err)
          })
          kick()
        }, pollMs)
        pollTimer.unref()
      }
      await checkSchedules().catch((err: unknown) => logger.warn('[engram] workflow schedules check failed', err))
      kick()
      return Number((orphans as { n: string | number } | undefined)?.n ?? 0)
    },

    async cancel(runId) {
      // Abort first, in memory: a step holding a long transaction would delay the flag's write.
      abortRun(active.get(runId), 'cancel')
      const row = await repo.requestCancel(db, runId)
      if (!row) {
        const r = await repo.getRun(db, runId)
        if (!r) throw new AppError('not_found', 'That workflow run does not exist.')
        return toRun(r) // already finished: nothing to cancel
      }
      const a = active.get(runId)
      if (a) {
        abortRun(a, 'cancel')
        emit({ runId, name: row.name, status: row.status, progress: a.progress, step: a.step, detail: 'Cancelling' })
        return toRun(row)
      }
      await finishCancelled(runId)
      return toRun((await repo.getRun(db, runId)) as RunRow)
    },

    async retry(runId) {
      if (active.has(runId)) throw new AppError('conflict', 'That run is still going.')
      const row = await db.transaction((trx) => repo.resetForRetry(trx, runId))
      if (!row) {
        const r = await repo.getRun(db, runId)
        if (!r) throw new AppError('not_found', 'That workflow run does not exist.')
        throw new AppError('conflict', `Only a failed or cancelled run can be retried (this one is ${r.status}).`)
      }
      await log(runId, null, 'info', `Retry requested (attempt ${row.attempts} of the run).`)
      emitRow(row, null, 'Retrying')
      kick()
      return toRun(row)
    },

    async list(input = {}) {
      const limit = Math.min(500, Math.max(1, input.limit ?? 50))
      const offset = input.cursor ? Number.parseInt(input.cursor, 10) : 0
      if (!Number.isInteger(offset) || offset < 0) throw new AppError('validation', 'That page cursor is not valid.')
      const filter = { name: input.name, status: input.status }
      const rows = await repo.list(db, filter, offset, limit + 1)
      const more = rows.length > limit
      const items = rows.slice(0, limit).map(toRun)
      const total = offset === 0 && !more ? items.length : await repo.count(db, filter)
      return { items, total, nextCursor: more ? String(offset + limit) : null }
    },

    async get(runId, o = {}) {
      const r = await repo.getRun(db, runId)
      if (!r) throw new AppError('not_found', 'That workflow run does not exist.')
      const [steps, logs] = [await repo.steps(db, runId), await repo.logs(db, runId, o.logLimit ?? 500)]
      return { run: toRun(r), steps: steps.map(toStep), logs }
    },

    async durations(o = {}) {
      return repo.durations(db, { name: o.name, since: o.since === undefined ? undefined : new Date(o.since), limit: Math.min(5_000, Math.max(1, o.limit ?? 500)) })
    },

    async schedule(workflow, spec, input, o = {}) {
      const def = lookup(workflow)
      const clean = validateSpec(spec)
      const key = o.key ?? def.name
      const at = now()
      const existing = await repo.getSchedule(db, key)
      // A changed timetable starts afresh from now; re-declaring the same one (every launch) keeps its history.
      const resetDue = !existing || existing.name !== def.name || JSON.stringify(existing.spec) !== JSON.stringify(clean)
      const row = await repo.putSchedule(db, { key, name: def.name, spec: clean, input: input ?? {}, enabled: o.enabled ?? true, anchorAt: at, resetDue, now: at })
      return toSchedule(row)
    },

    unschedule: (key) => repo.removeSchedule(db, key),

    async schedules() {
      return (await repo.listSchedules(db)).map(toSchedule)
    },

    checkSchedules,

    waitFor(runId, timeoutMs = 60_000) {
      return new Promise<WorkflowRun>((resolve, reject) => {
        let finished = false
        const done = (fn: () => void): void => {
          if (finished) return
          finished = true
          off()
          clearTimeout(timer)
          fn()
        }
        const check = (): void => {
          repo
            .getRun(db, runId)
            .then((r) => {
              if (!r) done(() => reject(new AppError('not_found', 'That workflow run does not exist.')))
              else if (isTerminal(r.status)) done(() => resolve(toRun(r)))
            })
            .catch((err: unknown) => done(() => reject(err)))
        }
        const off = runner.onEvent((e) => {
          if (e.runId === runId && isTerminal(e.status)) check()
        })
        const timer = setTimeout(() => done(() => reject(new AppError('unavailable', `The run did not finish within ${seconds(timeoutMs)}.`))), timeoutMs)
        check()
      })
    },

    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    async close() {
      if (closed) return
      closed = true
      if (wakeTimer) clearTimeout(wakeTimer)
      if (pollTimer) clearInterval(pollTimer)
      stopHeartbeat()
      wakeTimer = pollTimer = null
      for (const a of active.values()) abortRun(a, 'shutdown')
      const running = [...active.values()].map((a) => a.done)
      await Promise.race([Promise.allSettled([...running, pumping ?? Promise.resolve()]), sleep(closeTimeoutMs)])
    }
  }
  for (const d of opts.workflows ?? []) registry.set(d.name, d)
  return runner
}
