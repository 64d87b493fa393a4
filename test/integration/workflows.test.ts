/**
 * The workflow runner on a real PGlite (through the app core, over the socket, one
 * connection): progress, retries with backoff, failure text, cancellation, the heavy/light
 * concurrency limits, idempotent starts, schedule catch-up after a sleep (with an injected
 * clock), and a close that hands the run over to the next open. The kill -9 round trip is
 * in workflows-crash.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { testCore, type TestCore } from '../helpers/core'
import { createWorkflowRunner, defineWorkflow, type WorkflowRunner, type WorkflowRunnerOptions } from '../../src/main/features/workflows/runner'
import type { WorkflowEvent } from '../../src/shared/workflows'

let core: TestCore
let db: Knex
const runners: WorkflowRunner[] = []

beforeAll(async () => {
  core = testCore()
  await core.call('profiles:create', { name: 'Workflows' })
  db = (await core.services()).ctx.db
})
afterAll(async () => {
  for (const r of runners) await r.close()
  await core.dispose()
})

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function makeRunner(opts: Omit<WorkflowRunnerOptions, 'db'>): { runner: WorkflowRunner; events: WorkflowEvent[] } {
  // A short poll, as the app has a 30 s one; the lost-wake race it once hid is fixed and tested below without any poll.
  const runner = createWorkflowRunner({ db, backoff: { baseMs: 20, capMs: 200 }, pollMs: 1000, ...opts })
  runners.push(runner)
  const events: WorkflowEvent[] = []
  runner.onEvent((e) => events.push(e))
  return { runner, events }
}

/** Resolves when an event matching `pred` arrives. */
function eventually(runner: WorkflowRunner, pred: (e: WorkflowEvent) => boolean, timeoutMs = 20_000): Promise<WorkflowEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no such workflow event in time')), timeoutMs)
    const off = runner.onEvent((e) => {
      if (!pred(e)) return
      clearTimeout(timer)
      off()
      resolve(e)
    })
  })
}

describe('running', () => {
  it('runs steps in order, hands outputs on, and reports throttled progress as events', async () => {
    const wf = defineWorkflow<{ words: string[] }>({
      name: 'test.happy',
      steps: [
        { name: 'count', run: (ctx) => ({ n: ctx.input.words.length }) },
        {
          name: 'work',
          weight: 3,
          run: async (ctx) => {
            for (let i = 1; i <= 20; i++) {
              ctx.progress(i / 20, `word ${i} of 20`)
              await sleep(10)
            }
            ctx.log('info', 'worked through every word')
            return { upper: ctx.input.words.map((w) => w.toUpperCase()) }
          }
        },
        { name: 'summarize', run: (ctx) => ({ ...(ctx.outputs['count'] as object), ...(ctx.outputs['work'] as object) }) }
      ]
    })
    const { runner, events } = makeRunner({ workflows: [wf], progressIntervalMs: 50 })
    const id = await runner.start(wf, { words: ['a', 'b'] })
    const run = await runner.waitFor(id)
    expect(run).toMatchObject({ status: 'succeeded', progress: 1, output: { n: 2, upper: ['A', 'B'] }, attempts: 1, error: null })

    const mine = events.filter((e) => e.runId === id)
    expect(mine[0]).toMatchObject({ status: 'pending', name: 'test.happy' })
    expect(mine.at(-1)).toMatchObject({ status: 'succeeded', progress: 1 })
    const progress = mine.filter((e) => e.step === 'work' && e.detail?.startsWith('word '))
    // 20 calls over ~200 ms at one write per 50 ms: throttled, but the last one is never lost.
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress.length).toBeLessThan(20)
    expect(progress.at(-1)?.detail).toBe('word 20 of 20')
    const values = mine.map((e) => e.progress)
    expect([...values].sort((a, b) => a - b)).toEqual(values) // never goes backwards
    // Weights: "work" is 3 of 5 shares, so halfway through it the bar is at 1/5 + 3/5 · 0.5.
    expect(progress.every((e) => e.progress > 0.2 - 1e-6 && e.progress <= 0.8 + 1e-6)).toBe(true)

    const detail = await runner.get(id)
    expect(detail.steps.map((s) => [s.name, s.status, s.attempts, s.progress])).toEqual([
      ['count', 'succeeded', 1, 1],
      ['work', 'succeeded', 1, 1],
      ['summarize', 'succeeded', 1, 1]
    ])
    expect(detail.logs.map((l) => l.message)).toContain('worked through every word')
    expect(detail.logs.find((l) => l.message === 'worked through every word')?.stepId).toBe(detail.steps[1]?.id)

    const page = await runner.list({ name: 'test.happy', status: 'succeeded' })
    expect(page.items.map((r) => r.id)).toContain(id)
    const chart = await runner.durations({ name: 'test.happy' })
    expect(chart.find((d) => d.id === id)?.durationMs).toBeGreaterThanOrEqual(200)
    // Durable: the start wrote an event first, and the run points at it.
    const row = await db('workflow_runs').where({ id }).first('source_event_id')
    expect((await db('events').where({ id: row.source_event_id }).first()).type).toBe('workflow.start')
  })

  it('retries a failing step with growing backoff, then succeeds', async () => {
    const tries: number[] = []
    const wf = defineWorkflow({
      name: 'test.flaky',
      steps: [
        {
          name: 'flaky',
          maxAttempts: 4,
          backoff: { baseMs: 60 },
          run: (ctx) => {
            tries.push(Date.now())
            if (ctx.attempt < 3) throw new Error(`network unreachable (try ${ctx.attempt})`)
            return 'ok'
          }
        }
      ]
    })
    const { runner, events } = makeRunner({ workflows: [wf], random: () => 1 })
    const id = await runner.start(wf, {})
    expect(await runner.waitFor(id)).toMatchObject({ status: 'succeeded', output: 'ok' })
    expect(tries).toHaveLength(3)
    // random() = 1 makes the wait exactly base·2^(n−1): 60 ms, then 120 ms.
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(55)
    expect(tries[2]! - tries[1]!).toBeGreaterThanOrEqual(115)
    const detail = await runner.get(id)
    expect(detail.steps[0]).toMatchObject({ status: 'succeeded', attempts: 3, error: null })
    expect(detail.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      '"flaky": Attempt 1 of 4 failed: network unreachable (try 1). Retrying in 0.1 s.',
      '"flaky": Attempt 2 of 4 failed: network unreachable (try 2). Retrying in 0.1 s.'
    ])
    expect(events.some((e) => e.runId === id && e.detail?.includes('Retrying in'))).toBe(true)
  })

  it('fails the run when a step runs out of attempts, in plain words; retry resumes at that step', async () => {
    let firstRuns = 0
    let healthy = false
    const wf = defineWorkflow({
      name: 'test.broken',
      steps: [
        { name: 'first', run: () => ++firstRuns },
        {
          name: 'write file',
          maxAttempts: 2,
          run: () => {
            if (!healthy) throw new Error('ENOSPC: the disk is full\n    at write (fs.js:1:1)')
            return 'written'
          }
        }
      ]
    })
    const { runner } = makeRunner({ workflows: [wf] })
    const id = await runner.start(wf, {})
    const failed = await runner.waitFor(id)
    expect(failed.status).toBe('failed')
    expect(failed.error).toBe('"write file" failed 2 times. The last error: ENOSPC: the disk is full')
    expect(failed.errorCode).toBe('step_failed')
    const d = await runner.get(id)
    expect(d.steps.map((s) => [s.status, s.attempts, s.maxAttempts])).toEqual([
      ['succeeded', 1, 3],
      ['failed', 2, 2]
    ])
    await expect(runner.retry(d.steps[0]!.id)).rejects.toThrow(/does not exist/)

    healthy = true
    const again = await runner.retry(id)
    expect(again).toMatchObject({ status: 'pending', attempts: 2, error: null })
    expect(await runner.waitFor(id)).toMatchObject({ status: 'succeeded', output: 'written', attempts: 2 })
    expect(firstRuns).toBe(1) // the finished step was not run again
    await expect(runner.retry(id)).rejects.toThrow(/Only a failed or cancelled run/)
  })

  it('does not lose a retry that falls due while the dispatcher is between its two queries', async () => {
    // The race behind a CI timeout: the dispatcher asked "what is due?" just before the
    // backoff ended, then "when is the next one due?" just after, and got no answer to
    // either. Make the clock jump past the backoff exactly between the two queries.
    let offset = 0
    let jumpOnNextCandidates = false
    const onQuery = (q: { sql: string }): void => {
      if (jumpOnNextCandidates && /from "workflow_runs"/.test(q.sql) && /order by "created_at"/.test(q.sql)) {
        jumpOnNextCandidates = false
        offset += 10_000
      }
    }
    db.on('query', onQuery)
    let attempts = 0
    const wf = defineWorkflow({
      name: 'test.due-between',
      steps: [
        {
          name: 'flaky',
          maxAttempts: 2,
          run: () => {
            if (++attempts === 1) {
              jumpOnNextCandidates = true
              throw new Error('first attempt fails')
            }
            return 'ok'
          }
        }
      ]
    })
    // No poll to fall back on within the test's time: only the dispatcher's own wake can run it.
    const { runner } = makeRunner({ workflows: [wf], backoff: { baseMs: 4_000, capMs: 4_000 }, pollMs: 600_000, clock: () => Date.now() + offset })
    try {
      const id = await runner.start(wf, {})
      expect(await runner.waitFor(id, 15_000)).toMatchObject({ status: 'succeeded', output: 'ok' })
      expect((await runner.get(id)).steps.map((s) => s.attempts)).toEqual([2])
    } finally {
      db.off('query', onQuery)
    }
  })
})

describe('cancelling', () => {
  it('fires the running step’s AbortSignal and ends the run cancelled; a waiting run cancels at once', async () => {
    let sawAbort = false
    let thirdRan = false
    const wf = defineWorkflow({
      name: 'test.cancel',
      heavy: true,
      steps: [
        { name: 'quick', run: () => 1 },
        {
          name: 'long',
          run: (ctx) =>
            new Promise((_resolve, reject) => {
              ctx.progress(0.1, 'waiting for the signal')
              ctx.signal.addEventListener('abort', () => {
                sawAbort = true
                reject(ctx.signal.reason as Error)
              })
            })
        },
        {
          name: 'never',
          run: () => {
            thirdRan = true
          }
        }
      ]
    })
    const { runner } = makeRunner({ workflows: [wf] })
    const started = eventually(runner, (e) => e.step === 'long' && e.detail === 'waiting for the signal')
    const a = await runner.start(wf, {})
    const b = await runner.start(wf, {}) // heavy: waits behind a
    await started
    expect((await runner.get(b)).run.status).toBe('pending')

    const waiting = await runner.cancel(b)
    expect(waiting.status).toBe('cancelled') // no step of it ever ran
    expect((await runner.get(b)).steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])

    const t0 = Date.now()
    await runner.cancel(a)
    const run = await runner.waitFor(a)
    expect(Date.now() - t0).toBeLessThan(2_000)
    expect(sawAbort).toBe(true)
    expect(thirdRan).toBe(false)
    expect(run).toMatchObject({ status: 'cancelled', cancelRequested: true })
    expect((await runner.get(a)).steps.map((s) => s.status)).toEqual(['succeeded', 'cancelled', 'cancelled'])
    expect((await runner.cancel(a)).status).toBe('cancelled') // cancelling twice is harmless
  })
})

describe('concurrency', () => {
  it('runs heavy workflows one at a time and light ones two at a time', async () => {
    const spans: Record<string, Array<[number, number]>> = { heavy: [], light: [] }
    let lightNow = 0
    let lightPeak = 0
    const heavy = defineWorkflow({
      name: 'test.heavy',
      heavy: true,
      steps: [
        {
          name: 'chew',
          run: async () => {
            const t = Date.now()
            await sleep(150)
            spans['heavy']!.push([t, Date.now()])
          }
        },
        { name: 'swallow', run: () => sleep(20) }
      ]
    })
    const light = defineWorkflow({
      name: 'test.light',
      steps: [
        {
          name: 'nibble',
          run: async () => {
            const t = Date.now()
            lightPeak = Math.max(lightPeak, ++lightNow)
            await sleep(120)
            lightNow--
            spans['light']!.push([t, Date.now()])
          }
        }
      ]
    })
    const { runner } = makeRunner({ workflows: [heavy, light], lightConcurrency: 2 })
    const ids = [
      ...(await Promise.all([1, 2, 3].map(() => runner.start(heavy, {})))),
      ...(await Promise.all([1, 2, 3, 4].map(() => runner.start(light, {}))))
    ]
    for (const id of ids) expect((await runner.waitFor(id)).status).toBe('succeeded')

    // Whole heavy runs (both steps) never overlap: each starts after the previous one finished.
    const runs = (await db('workflow_runs').whereIn('id', ids.slice(0, 3)).orderBy('started_at').select('started_at', 'finished_at')) as Array<{ started_at: Date; finished_at: Date }>
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finished_at.getTime())
    const h = spans['heavy']!.sort((x, y) => x[0] - y[0])
    for (let i = 1; i < h.length; i++) expect(h[i]![0]).toBeGreaterThanOrEqual(h[i - 1]![1])
    expect(lightPeak).toBe(2)
    // The light ones did not wait for the heavy queue.
    expect(Math.min(...spans['light']!.map((s) => s[0]))).toBeLessThan(h[1]![0])
  })
})

describe('idempotency', () => {
  it('answers the same run for the same key, even when both starts race', async () => {
    const wf = defineWorkflow({ name: 'test.idem', steps: [{ name: 'only', run: () => 'done' }] })
    const { runner } = makeRunner({ workflows: [wf] })
    const [a, b] = await Promise.all([runner.start(wf, { file: 'x.pdf' }, { idempotencyKey: 'import-x' }), runner.start(wf, { file: 'x.pdf' }, { idempotencyKey: 'import-x' })])
    expect(a).toBe(b)
    await runner.waitFor(a)
    expect(await runner.start(wf, { file: 'x.pdf' }, { idempotencyKey: 'import-x' })).toBe(a) // also after it finished
    const c = await runner.start(wf, { file: 'y.pdf' }, { idempotencyKey: 'import-y' })
    expect(c).not.toBe(a)
    expect((await runner.list({ name: 'test.idem' })).total).toBe(2)
    await runner.waitFor(c)
  })

  it('holds a run with scheduledFor until that time', async () => {
    const wf = defineWorkflow({ name: 'test.later', steps: [{ name: 'only', run: () => Date.now() }] })
    const { runner } = makeRunner({ workflows: [wf] })
    const at = Date.now() + 400
    const id = await runner.start(wf, {}, { scheduledFor: new Date(at) })
    expect((await runner.get(id)).run.status).toBe('pending')
    const run = await runner.waitFor(id)
    expect(run.output as number).toBeGreaterThanOrEqual(at)
  })
})

describe('schedules', () => {
  it('catches up once after the machine slept through several due times', async () => {
    let now = new Date(2031, 4, 10, 10, 0).getTime() // the 10th, 10:00 local
    const clock = (): number => now
    const wf = defineWorkflow<{ kind: string }>({ name: 'test.nightly', steps: [{ name: 'tidy', run: (ctx) => ctx.input.kind }] })
    const first = makeRunner({ workflows: [wf], clock })
    const s = await first.runner.schedule(wf, { dailyAt: '03:00' }, { kind: 'tidy' })
    expect(s).toMatchObject({ key: 'test.nightly', lastDueAt: null, nextDueAt: new Date(2031, 4, 11, 3, 0).toISOString() })
    expect(await first.runner.checkSchedules()).toEqual([]) // today's 03:00 was before the schedule existed
    // Declaring the same schedule again (every launch does) keeps its history.
    await first.runner.schedule(wf, { dailyAt: '03:00' }, { kind: 'tidy' })

    now = new Date(2031, 4, 11, 3, 1).getTime()
    const [due] = await first.runner.checkSchedules()
    expect(due).toBeDefined()
    expect(await first.runner.waitFor(due!)).toMatchObject({ status: 'succeeded', output: 'tidy' })
    expect(await first.runner.checkSchedules()).toEqual([])
    await first.runner.close()

    // Asleep from the 11th to the 15th at 09:00: four due times missed, one run on start.
    now = new Date(2031, 4, 15, 9, 0).getTime()
    const second = makeRunner({ workflows: [wf], clock })
    await second.runner.resumeAll()
    const runs = (await second.runner.list({ name: 'test.nightly' })).items
    expect(runs).toHaveLength(2)
    const latest = runs[0]!
    expect(await second.runner.waitFor(latest.id)).toMatchObject({ status: 'succeeded' })
    const [sched] = await second.runner.schedules()
    expect(sched).toMatchObject({ lastDueAt: new Date(2031, 4, 15, 3, 0).toISOString(), lastRunId: latest.id, nextDueAt: new Date(2031, 4, 16, 3, 0).toISOString() })
    expect(await second.runner.checkSchedules()).toEqual([])

    // A changed timetable starts afresh; everyMinutes counts from when it was set.
    await second.runner.schedule(wf, { everyMinutes: 30 }, { kind: 'often' })
    now += 29 * 60_000
    expect(await second.runner.checkSchedules()).toEqual([])
    now += 5 * 60 * 60_000 // five hours later: still one run
    const [often] = await second.runner.checkSchedules()
    expect(await second.runner.waitFor(often!)).toMatchObject({ output: 'often' })
    expect(await second.runner.unschedule('test.nightly')).toBe(true)
    expect(await second.runner.schedules()).toEqual([])
  })
})

describe('closing', () => {
  it('asks the running step to stop, gives its attempt back, and the next open continues', async () => {
    let prepared = 0
    const wf = defineWorkflow({
      name: 'test.handover',
      steps: [
        { name: 'prepare', run: () => ++prepared },
        {
          name: 'wait',
          run: (ctx) =>
            ctx.attempt === 1 && ctx.state === null
              ? new Promise((_resolve, reject) => {
                  void ctx.checkpoint({ seen: true }).then(() => ctx.progress(0.5, 'half way'))
                  ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error))
                })
              : { resumedWith: ctx.state, attempt: ctx.attempt }
        }
      ]
    })
    const first = makeRunner({ workflows: [wf] })
    const half = eventually(first.runner, (e) => e.detail === 'half way')
    const id = await first.runner.start(wf, {})
    await half
    await first.runner.close()
    const d = await first.runner.get(id)
    expect(d.run.status).toBe('running')
    expect(d.steps.map((s) => [s.status, s.attempts])).toEqual([
      ['succeeded', 1],
      ['pending', 0]
    ])
    await expect(first.runner.start(wf, {})).rejects.toThrow(/stopped/)

    const second = makeRunner({ workflows: [wf] })
    expect(await second.runner.resumeAll()).toBe(1)
    expect(await second.runner.waitFor(id)).toMatchObject({ status: 'succeeded', output: { resumedWith: { seen: true }, attempt: 1 } })
    expect(prepared).toBe(1)
  })
})
