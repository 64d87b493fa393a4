/**
 * How search runs, not how fast (speed is in bench/suites/search.ts): one named prepared
 * statement per query shape, executed with a generic plan (planned once, not per query, on
 * the all-SQL path; after five runs on the index path, which is one round trip), a
 * new shape (a filter, keyword-only) gets its own statement, the `set local`s do not leak
 * out of the search's transaction, and repeated queries reuse the query vector.
 * Real PGlite, RANDOM-WEIGHTS MiniLM fixture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testCore, MODEL_FIXTURE, type TestCore } from '../helpers/core'
import { statementName, toPositional } from '../../src/main/features/search/statement'

let core: TestCore

beforeAll(async () => {
  core = testCore({ modelDir: MODEL_FIXTURE })
  await core.call('profiles:create', { name: 'SearchRuns' })
  for (const content of ['Garden shed key is under the blue pot', 'Dentist appointment moved to Thursday', 'The garden hose leaks near the tap'])
    await core.call('memories:capture', { content, topics: ['home'] })
  await (await core.services()).embeddingQueue.drain()
})
afterAll(async () => core.dispose())

async function prepared(): Promise<Array<{ name: string; generic_plans: string; custom_plans: string }>> {
  const { ctx } = await core.services()
  return (await ctx.db.raw("select name, generic_plans, custom_plans from pg_prepared_statements where name like 'engram_search_%' order by name")).rows
}

describe('search statement', () => {
  it('numbers placeholders and names statements by their text', () => {
    expect(toPositional('a = ? and b = any(?::text[])')).toBe('a = $1 and b = any($2::text[])')
    expect(statementName('select 1')).toBe(statementName('select 1'))
    expect(statementName('select 1')).not.toBe(statementName('select 2'))
  })

  it('all-SQL path: plans once per shape and executes the generic plan for other queries of that shape', async () => {
    await core.profiles.close()
    process.env['ENGRAM_SEARCH_INDEX'] = 'off'
    try {
      const before = await prepared()
      const queries = ['garden key', 'dentist thursday', 'hose leak', 'blue pot shed']
      for (const query of queries) {
        const r = await core.call('search:query', { query, recordAccess: false })
        expect(r.engine).toBe('sql')
        expect(r.mode).toBe('hybrid')
        expect(r.hits.length).toBeGreaterThan(0)
      }
      const after = await prepared()
      const fresh = after.filter((p) => !before.some((b) => b.name === p.name))
      expect(fresh).toHaveLength(1)
      expect(Number(fresh[0]?.generic_plans)).toBe(queries.length)
      expect(Number(fresh[0]?.custom_plans)).toBe(0)

      // A filter is another shape: another statement, and the filter holds.
      const filtered = await core.call('search:query', { query: 'garden', topics: ['home'], types: ['note'], recordAccess: false })
      expect((await prepared()).length).toBe(after.length + 1)
      expect(filtered.hits.every((h) => h.source === 'memory')).toBe(true)
    } finally {
      delete process.env['ENGRAM_SEARCH_INDEX']
      await core.profiles.close()
    }
  })

  it('index path: one named statement per shape, which Postgres moves to its generic plan after five runs', async () => {
    expect(await (await core.services()).searchIndex?.whenBuilt()).toBe('ready')
    const before = await prepared()
    const queries = ['garden key', 'dentist thursday', 'hose leak', 'blue pot shed', 'garden hose', 'shed key', 'thursday appointment', 'blue tap']
    for (const query of queries) {
      const r = await core.call('search:query', { query, recordAccess: false })
      expect(r.engine).toBe('index')
      expect(r.hits.length).toBeGreaterThan(0)
    }
    const fresh = (await prepared()).filter((p) => !before.some((b) => b.name === p.name))
    expect(fresh).toHaveLength(1)
    expect(Number(fresh[0]?.custom_plans)).toBeLessThanOrEqual(5)
    expect(Number(fresh[0]?.generic_plans)).toBe(queries.length - Number(fresh[0]?.custom_plans))
    expect(Number(fresh[0]?.generic_plans)).toBeGreaterThan(0)
  })

  it('keeps its settings inside its own transaction', async () => {
    await core.call('search:query', { query: 'garden', recordAccess: false })
    const { ctx } = await core.services()
    const r = (await ctx.db.raw("select current_setting('enable_seqscan') as s, current_setting('plan_cache_mode') as p")).rows[0]
    expect(r).toEqual({ s: 'on', p: 'auto' })
  })

  it('embeds a repeated query once', async () => {
    const s = await core.services()
    let calls = 0
    const embed = core.embedder.embed.bind(core.embedder)
    core.embedder.embed = async (texts, opts) => {
      calls++
      return embed(texts, opts)
    }
    try {
      const a = await s.search.search({ query: 'where is the shed key', k: 5, sources: ['memory'], includeArchived: false, recordAccess: false })
      const b = await s.search.search({ query: 'where is the shed key', k: 5, sources: ['memory'], includeArchived: false, recordAccess: false })
      expect(calls).toBe(1)
      expect(b.hits.map((h) => h.id)).toEqual(a.hits.map((h) => h.id))
    } finally {
      core.embedder.embed = embed
    }
  })
})
