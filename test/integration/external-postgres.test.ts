/**
 * The engine seam: a `postgres://` URL selects an external server, with the same
 * migrations and SQL, one schema per profile. The server here is PGlite served over the
 * real Postgres wire protocol on loopback TCP by @electric-sql/pglite-socket, reached by
 * Knex's ordinary `pg` client, exactly as a native Postgres with pgvector would be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { schemaForProfile } from '../../src/main/features/profiles/profiles.service'
import { testCore, type TestCore } from '../helpers/core'

let db: PGlite
let server: PGLiteSocketServer
let core: TestCore
let url: string

beforeAll(async () => {
  db = await PGlite.create({ extensions: { vector, pg_trgm } })
  server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 })
  await server.start()
  url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`
  // The test server serves one PGlite session to one client at a time, so one pooled connection.
  core = testCore({ databaseUrl: url, databasePoolMax: 1 })
})
afterAll(async () => {
  await core.dispose()
  await server.stop()
  await db.close()
})

describe('external Postgres engine', () => {
  it('runs the same migrations in a schema per profile and reports them', async () => {
    const a = await core.call('profiles:create', { name: 'A' })
    const report = await core.call('system:doctor', {})
    expect(report.engine?.kind).toBe('postgres')
    expect(report.engine?.location).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres/)
    expect(report.pgvector?.version).toMatch(/^0\.\d+\.\d+$/)
    expect(report.migrations?.pending).toEqual([])
    // Asked through the profile's own connection: the server has one client slot.
    const { ctx } = await core.services()
    const tables = await ctx.db.raw('select tablename from pg_tables where schemaname = ?', [schemaForProfile(a.id)])
    expect((tables.rows as Array<{ tablename: string }>).map((r) => r.tablename)).toContain('memories')
  })

  it('keeps profiles apart by schema, and deleting one drops only its schema', async () => {
    await core.call('settings:set', { key: 'who', value: 'A' })
    const b = await core.call('profiles:create', { name: 'B' })
    expect(await core.call('settings:get', { key: 'who' })).toBeNull()
    await core.call('settings:set', { key: 'who', value: 'B' })
    const a = core.profiles.find('A')
    await core.call('profiles:switch', { id: a.id })
    expect((await core.call('settings:get', { key: 'who' }))?.value).toBe('A')

    await core.call('profiles:delete', { id: b.id, confirmName: 'B' })
    const { ctx } = await core.services()
    const schemas = await ctx.db.raw("select nspname from pg_namespace where nspname like 'engram_p_%'")
    expect((schemas.rows as Array<{ nspname: string }>).map((r) => r.nspname)).toEqual([schemaForProfile(a.id)])
    expect((await core.call('settings:get', { key: 'who' }))?.value).toBe('A')
  })

  it('says clearly when the server cannot be reached', async () => {
    const dead = testCore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/postgres' })
    try {
      const r = await dead.router.dispatch('profiles:create', { name: 'X' })
      expect(r.ok).toBe(false)
      if (!r.ok) {
        expect(r.error.code).toBe('unavailable')
        expect(r.error.message).toMatch(/Could not reach the Postgres server at postgres:\/\/postgres@127\.0\.0\.1:1/)
      }
      expect((await dead.call('profiles:list', {})).profiles).toEqual([])
    } finally {
      await dead.dispose()
    }
  })
})
