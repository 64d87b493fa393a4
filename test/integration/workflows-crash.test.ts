/**
 * kill -9 in the middle of a workflow, for real: a child process opens a profile, starts a
 * three-step workflow whose second step writes rows in chunks (each chunk and its
 * checkpoint in one transaction), and is SIGKILLed part-way through step 2. The test then
 * opens the same data directory (taking over the dead holder's lock), resumes, and checks
 * that step 1 did not run again, step 2 continued from its checkpoint, and no row is
 * missing, duplicated or half-written.
 *
 * The workflow is a plain .mjs module written to the temp dir, so the child and this test
 * run the very same definition.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { testCore, tempDir, type TestCore } from '../helpers/core'
import { killWhen, ROOT as root, spawnScript } from '../helpers/kill-child'
import { createWorkflowRunner, type WorkflowDefinition } from '../../src/main/features/workflows/runner'

const CHUNKS = 40
const PER_CHUNK = 25

const WORKFLOW_SOURCE = `
const CHUNKS = ${CHUNKS}
const PER_CHUNK = ${PER_CHUNK}
const say = (line) => process.env.WF_CRASH_CHILD && process.stdout.write(line + '\\n')
const mark = (ctx, step, from = null) => ctx.db('wf_crash_marks').insert({ run_id: ctx.runId, step, pid: process.pid, attempt: ctx.attempt, resumed_from: from })

export async function createTables(db) {
  await db.raw('create table if not exists wf_crash_rows (run_id uuid not null, chunk int not null, n int not null, payload text not null)')
  await db.raw('create table if not exists wf_crash_marks (id serial primary key, run_id uuid not null, step text not null, pid int not null, attempt int not null, resumed_from int)')
}

export const crashWorkflow = {
  name: 'test.crash',
  heavy: true,
  steps: [
    { name: 'prepare', run: async (ctx) => { await mark(ctx, 'prepare'); return { chunks: CHUNKS } } },
    {
      name: 'write rows',
      run: async (ctx) => {
        let next = ctx.state?.next ?? 0
        await mark(ctx, 'write rows', next)
        say('IN STEP 2')
        for (; next < ctx.outputs.prepare.chunks; next++) {
          if (ctx.signal.aborted) throw ctx.signal.reason
          const chunk = next
          await ctx.db.transaction(async (trx) => {
            const rows = []
            for (let n = 0; n < PER_CHUNK; n++) rows.push({ run_id: ctx.runId, chunk, n, payload: 'x'.repeat(200) })
            // Two inserts per chunk: a kill between them must leave neither.
            await trx('wf_crash_rows').insert(rows.slice(0, 10))
            await new Promise((r) => setTimeout(r, 15))
            await trx('wf_crash_rows').insert(rows.slice(10))
            await ctx.checkpoint({ next: chunk + 1 }, trx)
          })
          ctx.progress((chunk + 1) / CHUNKS, 'chunk ' + (chunk + 1))
          say('CHUNK ' + (chunk + 1))
        }
        return { rows: CHUNKS * PER_CHUNK }
      }
    },
    { name: 'finish', run: async (ctx) => { await mark(ctx, 'finish'); return 'done' } }
  ]
}
`

const dirs: string[] = []
let core: TestCore | null = null
afterAll(async () => {
  await core?.dispose()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('kill -9 during a workflow', () => {
  it('resumes from the last finished step and its checkpoint, with nothing half-applied', async () => {
    const dataDir = tempDir()
    dirs.push(dataDir)
    const modFile = join(dataDir, 'crash-workflow.mjs')
    writeFileSync(modFile, WORKFLOW_SOURCE)

    const child = spawnScript(
      `import { createAppCore } from ${JSON.stringify(join(root, 'src/main/core/app-core.ts'))};
         import { createWorkflowRunner } from ${JSON.stringify(join(root, 'src/main/features/workflows/runner.ts'))};
         import { crashWorkflow, createTables } from ${JSON.stringify(pathToFileURL(modFile).href)};
         const core = createAppCore({ dataDir: ${JSON.stringify(dataDir)}, role: 'app', mode: 'browser' });
         await core.profiles.create({ name: 'Crash' });
         const { ctx } = await core.services();
         await createTables(ctx.db);
         const runner = createWorkflowRunner({ db: ctx.db, workflows: [crashWorkflow] });
         const id = await runner.start(crashWorkflow, { source: 'child' });
         console.log('RUN ' + id);
         setInterval(() => {}, 1000);`,
      { ...process.env, WF_CRASH_CHILD: '1' }
    )
    // Killed mid-step: more chunks are being written right now.
    const { value: killedAt, out } = await killWhen(
      child,
      (out) => {
        const m = /CHUNK (\d+)\n(?![\s\S]*CHUNK)/.exec(out)
        return out.includes('IN STEP 2') && m && Number(m[1]) >= 6 ? Number(m[1]) : undefined
      },
      90_000,
      'child never reached chunk 6'
    )
    const runId = /RUN ([0-9a-f-]{36})/.exec(out)?.[1] as string
    expect(runId).toBeDefined()

    // Reopen the same data directory: the dead child's lock is taken over.
    core = testCore({ dataDir })
    const db = (await core.services()).ctx.db
    const { crashWorkflow } = (await import(pathToFileURL(modFile).href)) as { crashWorkflow: WorkflowDefinition<never> }

    // What the crash left: a 'running' run, step 2 'running' with whole chunks and a matching checkpoint.
    const steps = (await db('workflow_steps').where({ run_id: runId }).orderBy('step_index')) as Array<{ status: string; attempts: number; checkpoint: { next: number } | null }>
    expect((await db('workflow_runs').where({ id: runId }).first()).status).toBe('running')
    expect(steps.map((s) => s.status)).toEqual(['succeeded', 'running', 'pending'])
    const saved = steps[1]?.checkpoint?.next ?? 0
    expect(saved).toBeGreaterThanOrEqual(killedAt)
    expect(saved).toBeLessThan(CHUNKS)
    const before = Number((await db('wf_crash_rows').count({ n: '*' }))[0]?.n)
    expect(before).toBe(saved * PER_CHUNK) // no half chunk survived the kill

    const runner = createWorkflowRunner({ db, workflows: [crashWorkflow] })
    try {
      expect(await runner.resumeAll()).toBe(1)
      const run = await runner.waitFor(runId, 60_000)
      expect(run).toMatchObject({ status: 'succeeded', output: 'done', progress: 1 })

      const marks = (await db('wf_crash_marks').where({ run_id: runId }).orderBy('id')) as Array<{ step: string; pid: number; attempt: number; resumed_from: number | null }>
      expect(marks.map((m) => [m.step, m.pid === child.pid, m.attempt, m.resumed_from])).toEqual([
        ['prepare', true, 1, null], // ran once, in the child; not again
        ['write rows', true, 1, 0],
        ['write rows', false, 2, saved], // the killed attempt counted; continued from its checkpoint
        ['finish', false, 1, null]
      ])
      const rows = (await db('wf_crash_rows').where({ run_id: runId }).select(db.raw('count(*)::int as n, count(distinct (chunk, n))::int as distinct_n, count(distinct chunk)::int as chunks')).first()) as {
        n: number
        distinct_n: number
        chunks: number
      }
      expect(rows).toEqual({ n: CHUNKS * PER_CHUNK, distinct_n: CHUNKS * PER_CHUNK, chunks: CHUNKS })

      const detail = await runner.get(runId)
      expect(detail.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
        ['prepare', 'succeeded', 1],
        ['write rows', 'succeeded', 2],
        ['finish', 'succeeded', 1]
      ])
      expect(detail.logs.map((l) => l.message)).toContain('Engram stopped while "write rows" was running (attempt 1 of 3).')
    } finally {
      await runner.close()
    }
  })
})
