/**
 * Memories end to end on a real PGlite and the real transformers.js pipeline.
 * The model is the RANDOM-WEIGHTS fixture: tests here check plumbing (vectors stored with
 * model and dimension, queue, dedup, supersede, search fusion), never semantic quality.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testCore, MODEL_FIXTURE, type TestCore } from '../helpers/core'

let core: TestCore

beforeAll(async () => {
  core = testCore({ modelDir: MODEL_FIXTURE })
  await core.call('profiles:create', { name: 'Mem' })
})
afterAll(async () => core.dispose())

const drain = async (): Promise<void> => (await core.services()).embeddingQueue.drain()

describe('capture', () => {
  it('stores a memory durably before returning, then embeds it in the background', async () => {
    const r = await core.call('memories:capture', { content: 'My passport number ends in 4471', topics: ['Travel', 'travel ', 'documents'], importance: 0.8 })
    expect(r.outcome).toBe('created')
    expect(r.memory).toMatchObject({ content: 'My passport number ends in 4471', topics: ['travel', 'documents'], importance: expect.closeTo(0.8, 5), tier: 'hot', status: 'active' })
    const { ctx } = await core.services()
    const row = await ctx.db('memories').where({ id: r.memory.id }).first('source_event_id')
    const event = await ctx.db('events').where({ id: row.source_event_id }).first()
    expect(event.type).toBe('memory.capture')

    await drain()
    const embedded = await ctx.db('memories').where({ id: r.memory.id }).first('embedding_status', 'embedding_dim', 'embedding_model', ctx.db.raw('vector_dims(embedding) as dims'))
    expect(embedded).toMatchObject({ embedding_status: 'ready', embedding_dim: 384, dims: 384 })
    expect(embedded.embedding_model).toMatch(/MiniLM/)
  })

  it('never makes two memories from a double submit (same idempotency key)', async () => {
    const key = 'tray-submit-0001'
    const [a, b] = await Promise.all([
      core.call('memories:capture', { content: 'Call the plumber on Monday', idempotencyKey: key, source: 'tray' }),
      core.call('memories:capture', { content: 'Call the plumber on Monday', idempotencyKey: key, source: 'tray' })
    ])
    expect(a.memory.id).toBe(b.memory.id)
    const { ctx } = await core.services()
    expect(Number((await ctx.db('memories').where({ content: 'Call the plumber on Monday' }).count({ n: '*' }))[0]?.n)).toBe(1)
    expect(Number((await ctx.db('events').where({ idempotency_key: key }).count({ n: '*' }))[0]?.n)).toBe(1)
  })

  it('refreshes an exact duplicate (same text up to case and spacing) instead of storing it twice', async () => {
    const first = await core.call('memories:capture', { content: 'Anna prefers  tea over coffee', topics: ['anna'] })
    const again = await core.call('memories:capture', { content: '  anna prefers tea over COFFEE ', topics: ['drinks'], importance: 0.9 })
    expect(again.outcome).toBe('duplicate')
    expect(again.memory.id).toBe(first.memory.id)
    expect(again.memory.accessCount).toBe(1)
    expect(again.memory.topics).toEqual(['anna', 'drinks'])
    expect(again.memory.importance).toBeCloseTo(0.9, 5)
  })

  it('flags near-duplicates for merge instead of dropping them (threshold tunable)', async () => {
    // Random weights make unrelated sentences ~0.9 similar, so the threshold is set for this fixture.
    await core.call('settings:set', { key: 'memories.duplicate_threshold', value: 0.995 })
    const a = await core.call('memories:capture', { content: 'The wifi password at the cabin is pinecone42' })
    const b = await core.call('memories:capture', { content: 'The wifi password at the cabin is pinecone42!' })
    await drain()
    expect(b.outcome).toBe('created')
    const detail = await core.call('memories:get', { id: a.memory.id })
    expect(detail.duplicates.map((d) => d.memory.id)).toContain(b.memory.id)
    expect(detail.duplicates[0]?.similarity).toBeGreaterThanOrEqual(0.995)

    const merged = await core.call('memories:merge', { ids: [a.memory.id, b.memory.id], content: 'The cabin wifi password is pinecone42' })
    expect(merged.status).toBe('active')
    const old = await core.call('memories:get', { id: a.memory.id })
    expect(old.memory).toMatchObject({ status: 'superseded', supersededBy: merged.id })
    const mergedDetail = await core.call('memories:get', { id: merged.id })
    expect(mergedDetail.history.map((h) => h.id).sort()).toEqual([a.memory.id, b.memory.id].sort())
    expect(mergedDetail.duplicates).toEqual([])
  })
})

describe('edit, archive, delete', () => {
  it('edits supersede the old version and keep the history', async () => {
    const v1 = (await core.call('memories:capture', { content: 'Dentist appointment on the 3rd' })).memory
    const v2 = await core.call('memories:update', { id: v1.id, content: 'Dentist appointment moved to the 5th' })
    const v3 = await core.call('memories:update', { id: v2.id, content: 'Dentist appointment moved to the 7th', importance: 0.9 })
    expect(v3.id).not.toBe(v2.id)
    const d = await core.call('memories:get', { id: v3.id })
    expect(d.history.map((h) => h.content)).toEqual(['Dentist appointment moved to the 5th', 'Dentist appointment on the 3rd'])
    expect(d.history.every((h) => h.status === 'superseded')).toBe(true)
    // In-place changes (no new text) do not create a version.
    const pinned = await core.call('memories:update', { id: v3.id, pinned: true, topics: ['health'] })
    expect(pinned.id).toBe(v3.id)
    expect(pinned).toMatchObject({ pinned: true, topics: ['health'] })
    // Editing an old version is refused.
    const r = await core.router.dispatch('memories:update', { id: v1.id, content: 'x' })
    expect(r.ok ? null : r.error.code).toBe('conflict')
  })

  it('archives and restores; archived memories leave the active list', async () => {
    const m = (await core.call('memories:capture', { content: 'Old gym locker code 1234' })).memory
    await core.call('memories:archive', { id: m.id })
    const active = await core.call('memories:list', { limit: 500 })
    expect(active.items.map((x) => x.id)).not.toContain(m.id)
    const archived = await core.call('memories:list', { status: 'archived', limit: 500 })
    expect(archived.items.map((x) => x.id)).toContain(m.id)
    expect((await core.call('memories:restore', { id: m.id })).status).toBe('active')
  })

  it('deletes with undo', async () => {
    const m = (await core.call('memories:capture', { content: 'Temporary note to delete' })).memory
    const { undoToken } = await core.call('memories:delete', { id: m.id })
    expect((await core.router.dispatch('memories:get', { id: m.id })).ok).toBe(false)
    const back = await core.call('memories:undoDelete', { undoToken })
    expect(back).toMatchObject({ id: m.id, content: 'Temporary note to delete' })
    const again = await core.router.dispatch('memories:undoDelete', { undoToken })
    expect(again.ok ? null : again.error.code).toBe('not_found')
  })

  it('pages through the list with a cursor and reports the total', async () => {
    const all = await core.call('memories:list', { limit: 500 })
    const first = await core.call('memories:list', { limit: 3 })
    expect(first.total).toBe(all.items.length)
    expect(first.nextCursor).not.toBeNull()
    const second = await core.call('memories:list', { limit: 3, cursor: first.nextCursor as string })
    expect(second.items.map((m) => m.id)).toEqual(all.items.slice(3, 6).map((m) => m.id))
    const timeline = await core.call('memories:timeline', { days: 7 })
    expect(timeline.reduce((s, p) => s + p.count, 0)).toBeGreaterThanOrEqual(all.items.length)
  })
})

describe('search', () => {
  it('finds by keyword, by typo, and fuses with vectors (hybrid) once embedded', async () => {
    await core.call('memories:capture', { content: 'The spare house key is under the blue flower pot', topics: ['home'] })
    await drain()
    const exact = await core.call('search:query', { query: 'spare key flower pot' })
    expect(exact.mode).toBe('hybrid')
    expect(exact.hits[0]?.text).toMatch(/spare house key/)
    expect(exact.hits[0]?.matchedBy).toEqual(expect.arrayContaining(['keyword', 'vector']))
    expect(exact.hits[0]?.snippet).toMatch(/«key»/)

    const typo = await core.call('search:query', { query: 'flowr' })
    expect(typo.hits.map((h) => h.text)).toContain('The spare house key is under the blue flower pot')
    expect(typo.hits.find((h) => /flower/.test(h.text))?.matchedBy).toContain('typo')
  })

  it('filters by topic, type, date and archived, and records access', async () => {
    const m = (await core.call('memories:capture', { content: 'Flight to Lisbon leaves at 7:40', topics: ['travel'], type: 'event' })).memory
    const byTopic = await core.call('search:query', { query: 'flight lisbon', topics: ['travel'] })
    expect(byTopic.hits.map((h) => h.id)).toContain(m.id)
    expect(byTopic.hits.every((h) => (h.meta['topics'] as string[]).includes('travel'))).toBe(true)
    expect((await core.call('search:query', { query: 'flight lisbon', topics: ['cooking'] })).hits).toEqual([])
    expect((await core.call('search:query', { query: 'flight lisbon', types: ['note'] })).hits.map((h) => h.id)).not.toContain(m.id)
    expect((await core.call('search:query', { query: 'flight lisbon', to: '2000-01-01T00:00:00Z' })).hits).toEqual([])

    const before = (await core.call('memories:get', { id: m.id })).memory.accessCount
    await core.call('search:query', { query: 'flight lisbon' })
    expect((await core.call('memories:get', { id: m.id })).memory.accessCount).toBe(before + 2) // one search + one get

    await core.call('memories:archive', { id: m.id })
    expect((await core.call('search:query', { query: 'flight lisbon' })).hits.map((h) => h.id)).not.toContain(m.id)
    expect((await core.call('search:query', { query: 'flight lisbon', includeArchived: true })).hits.map((h) => h.id)).toContain(m.id)
  })

  it('works on keywords alone when there is no model', async () => {
    const bare = testCore({ modelDir: '/nonexistent-model-dir' })
    try {
      await bare.call('profiles:create', { name: 'NoModel' })
      const c = await bare.call('memories:capture', { content: 'Bicycle lock combination is 9-1-7' })
      expect(c.memory.embeddingStatus).toBe('pending')
      const r = await bare.call('search:query', { query: 'bicycle lock' })
      expect(r.mode).toBe('keyword')
      expect(r.hits[0]?.id).toBe(c.memory.id)
      const status = await bare.call('embeddings:status', {})
      expect(status).toMatchObject({ state: 'missing', pending: 1 })
    } finally {
      await bare.dispose()
    }
  })

  it('re-evaluates tiers: pinned stays hot, old unimportant memories go cold but are still found', async () => {
    const { ctx } = await core.services()
    const old = (await core.call('memories:capture', { content: 'Ancient trivia about sourdough starters', importance: 0.1 })).memory
    await ctx.db('memories').where({ id: old.id }).update({ created_at: ctx.db.raw("now() - interval '400 days'"), last_accessed_at: null })
    const changed = await (await core.services()).memories.reevaluateTiers()
    expect(changed).toBeGreaterThan(0)
    expect((await ctx.db('memories').where({ id: old.id }).first('tier')).tier).toBe('cold')
    const pinned = await ctx.db('memories').where({ pinned: true, status: 'active' }).select('tier')
    expect(pinned.length).toBeGreaterThan(0)
    expect(pinned.every((p: { tier: string }) => p.tier === 'hot')).toBe(true)
    const found = await core.call('search:query', { query: 'sourdough starters', recordAccess: false })
    expect(found.hits[0]?.id).toBe(old.id)
  })
})
