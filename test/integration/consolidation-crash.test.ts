/**
 * kill -9 in the middle of a consolidation, for real: a child process opens a seeded profile
 * and starts `memories.consolidate`; it is SIGKILLed while merging clusters. Reopened, the
 * database holds whole clusters only (each merged memory, its archived originals and its
 * record committed together with the step's checkpoint); the run resumes from the checkpoint
 * and finishes; and undo still puts back exactly the rows from before the run.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Knex } from 'knex'
import { testCore, tempDir, MODEL_FIXTURE, type TestCore } from '../helpers/core'
import { killWhen, spawnScript } from '../helpers/kill-child'

const root = join(import.meta.dirname, '..', '..')
const PEOPLE = ['Anna', 'Ben', 'Chloe', 'Dev', 'Emma', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas']
const THINGS = ['the boat trailer', 'a birthday cake', 'the tax forms', 'new running shoes', 'the piano tuner', 'garden compost', 'the library books', 'a train ticket', 'the dog vaccine', 'winter tyres']
const CLUSTERS = 100

const dirs: string[] = []
let core: TestCore | null = null
afterAll(async () => {
  await core?.dispose()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const rowsOf = async (db: Knex): Promise<unknown[]> => (await db.raw('select * from memories order by id')).rows

describe('kill -9 during a consolidation', () => {
  it('leaves whole clusters only, resumes from its checkpoint, and undo restores the rows from before', async () => {
    const dataDir = tempDir()
    dirs.push(dataDir)
    // Seed: 100 pairs whose text differs only in case and punctuation.
    const t0 = performance.now()
    const seed = testCore({ dataDir, modelDir: MODEL_FIXTURE })
    await seed.call('profiles:create', { name: 'Crash' })
    for (let i = 0; i < CLUSTERS; i++) {
      const text = `${PEOPLE[i % 10]} will bring ${THINGS[Math.floor(i / 10)]} on day ${i}.`
      await seed.call('memories:capture', { content: text, importance: 0.6 })
      await seed.call('memories:capture', { content: text.toLowerCase().replace(/\.$/, '!'), importance: 0.4 })
    }
    const seeded = await seed.services()
    await seeded.embeddingQueue.drain()
    const before = await rowsOf(seeded.ctx.db)
    console.log(`seeded in ${Math.round(performance.now() - t0)} ms`)
    expect(before.length).toBe(CLUSTERS * 2)
    await seed.close()

    const child = spawnScript(
      `import { createAppCore } from ${JSON.stringify(join(root, 'src/main/core/app-core.ts'))};
       const core = createAppCore({ dataDir: ${JSON.stringify(dataDir)}, role: 'cli', mode: 'browser', modelDir: ${JSON.stringify(MODEL_FIXTURE)} });
       const s = await core.services();
       s.workflows.onEvent((e) => console.log('EV ' + e.step + ' ' + (e.detail ?? '')));
       const id = await s.workflows.start('memories.consolidate', { threshold: 0.995 });
       console.log('RUN ' + id);
       setInterval(() => {}, 1000);`
    )
    // Killed mid-step: the next clusters are being merged right now.
    const { value: killedAt, out } = await killWhen(
      child,
      (o) => {
        const last = [...o.matchAll(/EV merge (\d+) of (\d+) clusters/g)].at(-1)
        return last && Number(last[1]) >= 10 ? Number(last[1]) : undefined
      },
      150_000,
      'child never got 10 clusters in'
    )
    console.log(`killed at cluster ${killedAt} after ${Math.round(performance.now() - t0)} ms`)
    const runId = /RUN ([0-9a-f-]{36})/.exec(out)?.[1] as string
    expect(runId).toBeDefined()

    core = testCore({ dataDir, modelDir: MODEL_FIXTURE })
    const s = await core.services()
    const db = s.ctx.db
    const step = (await db('workflow_steps').where({ run_id: runId, name: 'merge' }).first()) as { status: string; checkpoint: { next: number; merged: number; archived: number } }
    expect((await db('workflow_runs').where({ id: runId }).first()).status).toBe('running')
    expect(step.status).toBe('running')
    const saved = step.checkpoint.next
    expect(saved).toBeGreaterThanOrEqual(killedAt)
    expect(saved).toBeLessThan(CLUSTERS)
    // Exactly the checkpointed clusters are applied, each whole.
    const records = (await db('consolidation_clusters').where({ run_id: runId })) as Array<{ merged_id: string; member_ids: string[]; cluster_index: number }>
    expect(records.length).toBe(step.checkpoint.merged)
    expect(Math.max(...records.map((r) => r.cluster_index)) + 1).toBe(saved)
    const archived = (await db('memories').where({ status: 'archived', archived_by_run: runId }).select('id')) as Array<{ id: string }>
    expect(archived.length).toBe(step.checkpoint.archived)
    expect(new Set(archived.map((a) => a.id))).toEqual(new Set(records.flatMap((r) => r.member_ids)))
    expect(Number((await db('memories').where({ source: 'consolidation' }).count({ n: '*' }))[0]?.n)).toBe(records.length)

    expect(await s.workflows.resumeAll()).toBe(1)
    const run = await s.workflows.waitFor(runId, 180_000)
    expect(run.status, run.error ?? '').toBe('succeeded')
    expect(run.output).toMatchObject({ clusters: CLUSTERS, merged: CLUSTERS, archived: CLUSTERS * 2, skipped: 0 })
    const detail = await core.call('workflows:get', { id: runId })
    expect(detail.steps.map((x) => [x.name, x.status, x.attempts])).toEqual([
      ['find', 'succeeded', 1],
      ['merge', 'succeeded', 2]
    ])
    expect(Number((await db('memories').where({ status: 'active' }).count({ n: '*' }))[0]?.n)).toBe(CLUSTERS)
    expect(Number((await db('consolidation_clusters').where({ run_id: runId }).count({ n: '*' }))[0]?.n)).toBe(CLUSTERS)

    await s.embeddingQueue.drain()
    expect(await core.call('workflows:undo', { id: runId })).toEqual({ runId, restored: CLUSTERS * 2, removed: CLUSTERS })
    expect(await rowsOf(db)).toEqual(before)
  }, 600_000)
})
