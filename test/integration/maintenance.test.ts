/** Housekeeping workflows on a real PGlite: tiering and nightly maintenance run as durable runs and say what they did. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testCore, type TestCore } from '../helpers/core'

let core: TestCore
beforeAll(async () => {
  core = testCore()
  await core.call('profiles:create', { name: 'Maint' })
})
afterAll(async () => core.dispose())

describe('maintenance workflows', () => {
  it('tiering moves an old, unimportant, unused memory to cold', async () => {
    const s = await core.services()
    const m = (await core.call('memories:capture', { content: 'A recipe for plum jam from years ago', importance: 0.05 })).memory
    await s.ctx.db('memories').where({ id: m.id }).update({ created_at: s.ctx.db.raw("now() - interval '300 days'") })
    const run = await s.workflows.waitFor(await s.workflows.start('memories.tiering', {}), 60_000)
    expect(run.status).toBe('succeeded')
    expect((run.output as { changed: number }).changed).toBeGreaterThanOrEqual(1)
    expect((await core.call('memories:get', { id: m.id, recordAccess: false })).memory.tier).toBe('cold')
  })

  it('maintenance merges pending index entries, vacuums and analyses, and checks index health', async () => {
    const s = await core.services()
    for (let i = 0; i < 30; i++) await core.call('memories:capture', { content: `Maintenance note ${i} about the garden shed` })
    const id = await s.workflows.start('maintenance', {})
    const run = await s.workflows.waitFor(id, 120_000)
    expect(run.status).toBe('succeeded')
    const detail = await core.call('workflows:get', { id })
    expect(detail.steps.map((x) => [x.name, x.status])).toEqual([
      ['merge-pending', 'succeeded'],
      ['vacuum-analyze', 'succeeded'],
      ['index-health', 'succeeded']
    ])
    expect((run.output as { rebuilt: string[] }).rebuilt).toEqual([])
    const analysed = await s.ctx.db.raw("select last_vacuum, last_analyze from pg_stat_user_tables where relname = 'memories'")
    expect(analysed.rows[0].last_analyze).not.toBeNull()
  })
})
