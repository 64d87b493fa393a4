/**
 * Keyword ranking is BM25 (idf from the planner's statistics, tf from the tsvector): a rare
 * word counts for more than a common one, however often the common one repeats, and a
 * short memory about the words beats a long one that mentions them in passing. Keyword-only
 * (no model), so vectors cannot reorder anything. The in-process index and the all-SQL path
 * rank alike. Cranfield nDCG@10 is in the quality bench.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bm25Idf } from '../../src/main/features/search/search.service'
import { testCore, type TestCore } from '../helpers/core'

let core: TestCore
beforeAll(async () => {
  core = testCore({ modelDir: '/nonexistent-model-dir' })
  await core.call('profiles:create', { name: 'Ranking' })
  const { ctx } = await core.services()
  // 80 filler memories that all say "garden": a common word in this profile.
  await ctx.db('memories').insert(
    Array.from({ length: 80 }, (_, i) => ({ content: `Garden note ${i}: watered the garden beds and the tomato row number ${i}.`, content_hash: `filler-${i}` }))
  )
})
afterAll(async () => core?.dispose())

describe('BM25 keyword ranking', () => {
  it('weights a rare word above a common one repeated many times', async () => {
    const spam = await core.call('memories:capture', { content: 'Garden garden garden: the garden, the garden gate, the garden shed and more garden.' })
    // No memory has both words, so neither wins by matching all of them.
    const rare = await core.call('memories:capture', { content: 'One loquat tree grows by the wall.' })
    const r = await core.call('search:query', { query: 'garden loquat', sources: ['memory'], recordAccess: false })
    expect(r.mode).toBe('keyword')
    const ids = r.hits.map((h) => h.id)
    expect(ids[0]).toBe(rare.memory.id)
    expect(ids.indexOf(spam.memory.id)).toBeGreaterThan(0)
  })

  it('prefers the short memory about the words to a long one that mentions them once', async () => {
    const long = await core.call('memories:capture', {
      content: `Minutes of the allotment committee. ${'Discussed fences, compost, rotas, seed orders and the annual show at length. '.repeat(12)} Someone mentioned a persimmon harvest in passing.`
    })
    const short = await core.call('memories:capture', { content: 'Persimmon harvest: pick after the first frost.' })
    const r = await core.call('search:query', { query: 'persimmon harvest', sources: ['memory'], recordAccess: false })
    expect(r.hits.map((h) => h.id).slice(0, 2)).toEqual([short.memory.id, long.memory.id])
  })

  it('ranks alike on the in-process index and on the all-SQL path', async () => {
    // Queries with a clear order at the top (the 80 filler notes tie with each other on most words).
    // The last one excludes a word (-frost): no path may return a memory with it.
    const queries = ['garden loquat', 'persimmon harvest', 'tomato row number 7', 'persimmon -frost']
    const top = async (): Promise<{ engines: string[]; ids: string[][] }> => {
      const rs = await Promise.all(queries.map((query) => core.call('search:query', { query, sources: ['memory'], k: 2, recordAccess: false })))
      expect(rs[3]?.hits.length).toBeGreaterThan(0)
      expect(rs[3]?.hits.filter((h) => /frost/i.test(h.text))).toEqual([])
      return { engines: rs.map((r) => r.engine), ids: rs.map((r) => r.hits.map((h) => h.id)) }
    }
    expect(await (await core.services()).searchIndex?.whenBuilt()).toBe('ready')
    const viaIndex = await top()
    expect(viaIndex.engines).toEqual(queries.map(() => 'index'))
    await core.profiles.close()
    process.env['ENGRAM_SEARCH_INDEX'] = 'off'
    try {
      const viaSql = await top()
      expect(viaSql.engines).toEqual(queries.map(() => 'sql'))
      expect(viaSql.ids.map((ids) => ids[0])).toEqual(viaIndex.ids.map((ids) => ids[0]))
      expect(viaSql.ids.slice(0, 2)).toEqual(viaIndex.ids.slice(0, 2))
    } finally {
      delete process.env['ENGRAM_SEARCH_INDEX']
      await core.profiles.close()
    }
  })

  it('computes idf from statistics: rarer lexemes weigh more, unknown ones as rare as the rarest listed', () => {
    const stats = { at: 0, rows: 1000, freq: new Map([['garden', 0.5], ['tomato', 0.05]]), floor: 0.002, avgdl: 10 }
    const [garden, tomato, loquat] = bm25Idf(['garden', 'tomato', 'loquat'], stats)
    expect(garden).toBeCloseTo(Math.log(1 + (1000 - 500 + 0.5) / (500 + 0.5)), 10)
    expect(tomato as number).toBeGreaterThan(garden as number)
    expect(loquat as number).toBeGreaterThan(tomato as number)
    expect(bm25Idf(['x'], null)).toEqual([1])
  })
})
