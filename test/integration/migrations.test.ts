/** Every migration goes down and up again cleanly on a real PGlite, and the schema has what the design promises. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { openPgliteEngine, type Engine } from '../../src/main/db/engine'
import { migrateDown, migrateLatest, migrateUp, migrationStatus } from '../../src/main/db/migrate'
import { migrations } from '../../migrations'
import { toVectorParam } from '../../src/main/db/vector'
import { tempDir } from '../helpers/core'

const TABLES = ['events', 'sessions', 'messages', 'documents', 'document_chunks', 'memories', 'traces', 'workflow_runs', 'workflow_steps', 'workflow_logs', 'settings', 'settings_audit', 'embedding_spaces', 'memory_duplicates', 'workflow_schedules', 'watched_folders', 'secrets', 'memory_proposals', 'consolidation_clusters', 'digests', 'search_changes']

let engine: Engine
let dir: string

async function tables(): Promise<string[]> {
  const r = await engine.knex.raw("select tablename from pg_tables where schemaname = 'public' and tablename not like 'knex_%' order by 1")
  return (r.rows as Array<{ tablename: string }>).map((x) => x.tablename)
}

beforeAll(async () => {
  dir = tempDir()
  engine = await openPgliteEngine({ dataDir: join(dir, 'pgdata'), runDir: join(dir, 'run') })
})
afterAll(async () => {
  await engine.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('migrations', () => {
  it('apply all, then each goes down and up again one at a time', async () => {
    await migrateLatest(engine.knex, 'public')
    expect((await tables()).sort()).toEqual([...TABLES].sort())
    const before = await tables()

    for (let i = migrations.length - 1; i >= 0; i--) {
      await migrateDown(engine.knex, 'public')
      const status = await migrationStatus(engine.knex, 'public')
      expect(status.filter((m) => m.applied).length).toBe(i)
    }
    expect(await tables()).toEqual([])

    for (let i = 1; i <= migrations.length; i++) {
      await migrateUp(engine.knex, 'public')
      const status = await migrationStatus(engine.knex, 'public')
      expect(status.filter((m) => m.applied).length).toBe(i)
    }
    expect(await tables()).toEqual(before)
  })

  it('has cosine HNSW indexes on every embedding and GIN on every tsvector', async () => {
    const idx = (await engine.knex.raw("select tablename, indexdef from pg_indexes where schemaname = 'public'")).rows as Array<{ tablename: string; indexdef: string }>
    const cols = (await engine.knex.raw(
      "select table_name, column_name, udt_name from information_schema.columns where table_schema = 'public' and udt_name in ('vector', 'tsvector')"
    )).rows as Array<{ table_name: string; column_name: string; udt_name: string }>
    expect(cols.filter((c) => c.udt_name === 'vector' && c.column_name === 'embedding').map((c) => c.table_name).sort()).toEqual(['document_chunks', 'memories', 'messages'])
    // A re-embed's staging column is empty at rest; it gets its HNSW index while a re-embed runs.
    expect(cols.filter((c) => c.udt_name === 'vector' && c.column_name === 'embedding_next').map((c) => c.table_name).sort()).toEqual(['document_chunks', 'memories', 'messages'])
    for (const c of cols.filter((x) => x.column_name !== 'embedding_next')) {
      const defs = idx.filter((i) => i.tablename === c.table_name).map((i) => i.indexdef)
      if (c.udt_name === 'vector') expect(defs.some((d) => /USING hnsw/.test(d) && d.includes(c.column_name) && d.includes('vector_cosine_ops'))).toBe(true)
      else expect(defs.some((d) => /USING gin/.test(d) && d.includes(`(${c.column_name})`))).toBe(true)
    }
  })

  it('keeps vectors out of TOAST (STORAGE PLAIN) and leaves their dimension open', async () => {
    const r = (await engine.knex.raw(
      "select c.relname, a.attname, a.attstorage, a.atttypmod from pg_attribute a join pg_class c on c.oid = a.attrelid where a.attname = 'embedding' and c.relkind = 'r'"
    )).rows as Array<{ relname: string; attstorage: string; atttypmod: number }>
    expect(r.length).toBe(3)
    for (const row of r) {
      expect(row.attstorage).toBe('p')
      expect(row.atttypmod).toBe(-1)
    }
    // Two dimensions side by side in one column: a later re-embed can switch models.
    await engine.knex.raw("insert into memories (content, content_hash, embedding, embedding_dim, embedding_model) values ('a', 'h1', ?::vector, 3, 'm3'), ('b', 'h2', ?::vector, 384, 'm384')", [
      toVectorParam([1, 0, 0]),
      toVectorParam(new Array(384).fill(0.05))
    ])
    const dims = (await engine.knex.raw('select vector_dims(embedding) as d from memories order by d')).rows as Array<{ d: number }>
    expect(dims.map((x) => x.d)).toEqual([3, 384])
    await engine.knex('memories').del()
  })

  it('makes the event log append-only, unique per (type, idempotency key)', async () => {
    await engine.knex('events').insert({ type: 'capture', idempotency_key: 'k1', payload: { a: 1 } })
    await expect(engine.knex('events').insert({ type: 'capture', idempotency_key: 'k1' })).rejects.toThrow(/duplicate key/)
    await engine.knex('events').insert({ type: 'import', idempotency_key: 'k1' })
    await expect(engine.knex('events').update({ payload: { a: 2 } })).rejects.toThrow(/append-only/)
    await expect(engine.knex('events').del()).rejects.toThrow(/append-only/)
    const deleted = await engine.knex.transaction(async (trx) => {
      await trx.raw("select set_config('engram.allow_event_purge', 'on', true)")
      return trx('events').del()
    })
    expect(deleted).toBe(2)
    // The permission ended with its transaction.
    await engine.knex('events').insert({ type: 'capture', idempotency_key: 'k2' })
    await expect(engine.knex('events').del()).rejects.toThrow(/append-only/)
  })
})
