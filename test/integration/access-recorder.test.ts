/**
 * The access recorder (memories' access count and last access, recorded by every search):
 * it writes when searching pauses, at the latest after its maximum delay, everything at
 * once on flush, and its writes log nothing for the search index (which it tells itself).
 * Real PGlite. The timings are wide apart (activity every 20 ms against a pause of 1 s),
 * so a loaded machine does not blur them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testCore, type TestCore } from '../helpers/core'
import { createAccessRecorder } from '../../src/main/features/memories/access.recorder'

let core: TestCore
const ids: string[] = []

beforeAll(async () => {
  core = testCore()
  await core.call('profiles:create', { name: 'Access' })
  for (const content of ['Fig tree needs a warm wall', 'Walnut harvest in October', 'Cobnuts are ripe when brown'])
    ids.push((await core.call('memories:capture', { content })).memory.id)
})
afterAll(async () => core.dispose())

const counts = async (): Promise<number[]> => {
  const { ctx } = await core.services()
  const rows = (await ctx.db('memories').whereIn('id', ids).select('id', 'access_count')) as Array<{ id: string; access_count: number }>
  return ids.map((id) => rows.find((r) => r.id === id)?.access_count ?? -1)
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function busy(recorder: ReturnType<typeof createAccessRecorder>, ms: number, id: string): Promise<number> {
  let n = 0
  const until = Date.now() + ms
  while (Date.now() < until) {
    recorder.record([id])
    n++
    await sleep(20)
  }
  return n
}

describe('access recorder', () => {
  it('writes once searching pauses, not while it goes on', async () => {
    const { ctx } = await core.services()
    const written: Array<{ ids: string[]; counts: number[] }> = []
    const recorder = createAccessRecorder(ctx.db, { idleMs: 1000, maxDelayMs: 60_000, onWritten: (i, c) => written.push({ ids: i, counts: c }) })
    const logged = async (): Promise<number> => Number((await ctx.db('search_changes').count({ n: '*' }))[0]?.n)
    const logBefore = await logged()
    const before = await counts()
    const n = await busy(recorder, 500, ids[0] as string)
    expect(await counts()).toEqual(before)
    await expect.poll(counts, { timeout: 10_000, interval: 100 }).toEqual([(before[0] ?? 0) + n, before[1], before[2]])
    expect(written).toEqual([{ ids: [ids[0]], counts: [n] }])
    // Its writes log nothing for the search index (the recorder tells the index itself).
    expect(await logged()).toBe(logBefore)
    await recorder.close()
  })

  it('writes at the latest after its maximum delay, however long searching goes on', async () => {
    const { ctx } = await core.services()
    const recorder = createAccessRecorder(ctx.db, { idleMs: 10_000, maxDelayMs: 300 })
    const before = await counts()
    await busy(recorder, 2000, ids[1] as string)
    expect((await counts())[1]).toBeGreaterThan(before[1] ?? 0)
    await recorder.close()
  })

  it('writes everything at once on flush and on close', async () => {
    const { ctx } = await core.services()
    const recorder = createAccessRecorder(ctx.db, { idleMs: 60_000, maxDelayMs: 60_000 })
    const before = await counts()
    recorder.record(ids)
    recorder.record([ids[2] as string])
    await recorder.flush()
    expect(await counts()).toEqual([(before[0] ?? 0) + 1, (before[1] ?? 0) + 1, (before[2] ?? 0) + 2])
    recorder.record([ids[0] as string])
    await recorder.close()
    expect((await counts())[0]).toBe((before[0] ?? 0) + 2)
    recorder.record([ids[0] as string]) // after close: ignored
    expect((await counts())[0]).toBe((before[0] ?? 0) + 2)
  })
})
