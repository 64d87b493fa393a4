/**
 * One profile can never see another's data. Each profile has its own database; data
 * channels take no profile id (a smuggled one is a validation error); a locked profile is
 * not opened until its passphrase is given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { openPgliteEngine } from '../../src/main/db/engine'
import { testCore, type TestCore } from '../helpers/core'

let core: TestCore
let alice: string
let bob: string

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    return (err as { code: string }).code
  }
}

beforeAll(async () => {
  core = testCore()
  alice = (await core.call('profiles:create', { name: 'Alice', passphrase: 'alice-secret' })).id
  await core.call('settings:set', { key: 'secret.note', value: 'alice only' })
  await core.services().then(({ ctx }) => ctx.db('events').insert({ type: 'capture', idempotency_key: 'a1', payload: { text: 'alice private' } }))
  bob = (await core.call('profiles:create', { name: 'Bob' })).id
})
afterAll(async () => core.dispose())

describe('profile isolation', () => {
  it('gives each profile its own database directory', () => {
    const dirs = readdirSync(join(core.dataDir, 'profiles')).sort()
    expect(dirs).toEqual([alice, bob].sort())
  })

  it("does not show Alice's settings or events to Bob", async () => {
    const s = await core.services()
    expect(s.ctx.profile.id).toBe(bob)
    expect(await core.call('settings:get', { key: 'secret.note' })).toBeNull()
    expect(await core.call('settings:list', {})).toEqual([])
    expect(await core.call('settings:history', { limit: 50 })).toEqual([])
    const events = await s.ctx.db('events').select('payload')
    expect(JSON.stringify(events)).not.toContain('alice private')
  })

  it('rejects a profile id smuggled into a data call', async () => {
    for (const [channel, input] of [
      ['settings:get', { key: 'secret.note', profileId: alice }],
      ['settings:list', { profileId: alice }],
      ['settings:set', { key: 'secret.note', value: 'x', profileId: alice }],
      ['settings:history', { limit: 10, profile: alice }],
      ['system:doctor', { profileId: alice }]
    ] as const) {
      const r = await core.router.dispatch(channel, input)
      expect(r.ok, channel).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('validation')
    }
  })

  it('keeps a locked profile closed until the right passphrase is given', async () => {
    expect(await code(core.call('profiles:switch', { id: alice }))).toBe('locked')
    expect(await code(core.call('profiles:switch', { id: alice, passphrase: 'wrong-guess' }))).toBe('unauthorized')
    // Bob is still the one open: the failed attempts changed nothing.
    expect((await core.services()).ctx.profile.id).toBe(bob)
    expect(await core.call('settings:get', { key: 'secret.note' })).toBeNull()

    await core.call('profiles:switch', { id: alice, passphrase: 'alice-secret' })
    expect((await core.call('settings:get', { key: 'secret.note' }))?.value).toBe('alice only')

    const locked = await core.call('profiles:lock', {})
    expect(locked.profiles.find((p) => p.id === alice)?.locked).toBe(true)
    for (const [channel, input] of [
      ['settings:get', { key: 'secret.note' }],
      ['settings:list', {}],
      ['settings:set', { key: 'secret.note', value: 'overwrite' }]
    ] as const) {
      const r = await core.router.dispatch(channel, input)
      expect(r.ok, channel).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('locked')
    }
  })

  it("cannot read Alice's database through Bob's engine, even by hand", async () => {
    await core.call('profiles:switch', { id: bob })
    const s = await core.services()
    // Bob's connection sees only Bob's database: no other schema holds Alice's rows.
    const schemas = (await s.ctx.db.raw("select nspname from pg_namespace where nspname not like 'pg_%' and nspname <> 'information_schema'")).rows as Array<{ nspname: string }>
    expect(schemas.map((x) => x.nspname)).toEqual(['public'])
    expect(await s.ctx.db('settings').where({ key: 'secret.note' }).first()).toBeUndefined()
    // And Alice's own directory still holds her data, untouched (read with her engine while she is closed).
    const dir = core.registry.profileDir(alice)
    const e = await openPgliteEngine({ dataDir: join(dir, 'pgdata'), runDir: join(dir, 'run-check') })
    try {
      const row = await e.knex('settings').where({ key: 'secret.note' }).first()
      expect(row.value).toBe('alice only')
    } finally {
      await e.close()
    }
  })

  it('switching back and forth never mixes data', async () => {
    await core.call('settings:set', { key: 'owner', value: 'bob' })
    await core.call('profiles:switch', { id: alice, passphrase: 'alice-secret' })
    expect(await core.call('settings:get', { key: 'owner' })).toBeNull()
    await core.call('settings:set', { key: 'owner', value: 'alice' })
    await core.call('profiles:switch', { id: bob })
    expect((await core.call('settings:get', { key: 'owner' }))?.value).toBe('bob')
  })

  it('deleting needs the exact name and removes only that profile', async () => {
    expect(await code(core.call('profiles:delete', { id: alice, confirmName: 'alice' }))).toBe('validation')
    const after = await core.call('profiles:delete', { id: alice, confirmName: 'Alice' })
    expect(after.profiles.map((p) => p.name)).toEqual(['Bob'])
    expect(readdirSync(join(core.dataDir, 'profiles'))).toEqual([bob])
    expect((await core.call('settings:get', { key: 'owner' }))?.value).toBe('bob')
  })
})
