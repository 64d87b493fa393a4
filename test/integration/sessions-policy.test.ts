/** The sessions auto-archive policy on a real PGlite: off by default; on, it archives unpinned sessions idle longer than the setting's days. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testCore, type TestCore } from '../helpers/core'

let core: TestCore
beforeAll(async () => {
  core = testCore()
  await core.call('profiles:create', { name: 'Sessions' })
})
afterAll(async () => core.dispose())

describe('sessions.auto_archive', () => {
  it('does nothing while off, then archives only unpinned sessions idle for more than N days', async () => {
    const s = await core.services()
    const db = s.ctx.db
    const ago = (days: number) => db.raw(`now() - make_interval(days => ${days})`)
    const insert = async (title: string, fields: Record<string, unknown>) =>
      ((await db('sessions').insert({ title, ...fields }).returning('id')) as Array<{ id: string }>)[0]?.id as string
    const idle = await insert('Idle for 40 days', { created_at: ago(60), last_message_at: ago(40) })
    const recent = await insert('Talked 5 days ago', { created_at: ago(60), last_message_at: ago(5) })
    const pinned = await insert('Pinned and idle', { created_at: ago(90), last_message_at: ago(45), pinned: true })
    const never = await insert('Created 35 days ago, no messages', { created_at: ago(35) })
    const archivedBefore = await insert('Archived already', { created_at: ago(100), archived_at: ago(50) })
    const archivedAt = (await db('sessions').where({ id: archivedBefore }).first('archived_at')).archived_at as Date

    const run = async () => {
      const started = await core.call('workflows:start', { name: 'sessions.auto_archive' })
      expect(started.heavy).toBe(false)
      const r = await s.workflows.waitFor(started.id, 60_000)
      expect(r.status, r.error ?? '').toBe('succeeded')
      return r.output as { enabled: boolean; archived: number; ids?: string[] }
    }
    // Off by default.
    expect(await run()).toEqual({ enabled: false, archived: 0 })
    expect(Number((await db('sessions').whereNotNull('archived_at').count({ n: '*' }))[0]?.n)).toBe(1)

    const events: string[][] = []
    const off = core.bus.on('sessions:changed', (e) => events.push(e.ids))
    await core.call('settings:set', { key: 'sessions.auto_archive_days', value: 30 })
    const out = await run()
    off()
    expect(out).toMatchObject({ enabled: true, archived: 2 })
    expect(new Set(out.ids)).toEqual(new Set([idle, never]))
    expect(new Set(events.flat())).toEqual(new Set([idle, never]))
    const rows = (await db('sessions').select('id', 'archived_at')) as Array<{ id: string; archived_at: Date | null }>
    const archived = new Set(rows.filter((r) => r.archived_at).map((r) => r.id))
    expect(archived).toEqual(new Set([idle, never, archivedBefore]))
    expect(archived.has(recent) || archived.has(pinned)).toBe(false)
    // A session archived earlier keeps its date.
    expect((await db('sessions').where({ id: archivedBefore }).first('archived_at')).archived_at).toEqual(archivedAt)
    // Running again finds nothing more to do.
    expect(await run()).toMatchObject({ enabled: true, archived: 0 })

    // 0 turns it off again.
    await core.call('settings:set', { key: 'sessions.auto_archive_days', value: 0 })
    expect(await run()).toEqual({ enabled: false, archived: 0 })
  })
})
