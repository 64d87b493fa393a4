/**
 * Consolidation on a real PGlite with the model fixture: near-duplicate clusters (pgvector
 * cosine ≥ the duplicate threshold, plus text equal up to case and punctuation) become one
 * merged memory each, the originals go to the archive tagged with the run, and undo puts
 * back exactly the previous rows (compared column by column, vectors included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { testCore, MODEL_FIXTURE, type TestCore } from '../helpers/core'
import { buildClusters, extractiveMerge, looseKey } from '../../src/main/features/consolidation/consolidation.merge'
import { AppError } from '../../src/shared/errors'
import { reply, startLlmServer, type LlmServer } from '../helpers/llm-server'

let core: TestCore
let llm: LlmServer
beforeAll(async () => {
  llm = await startLlmServer({ models: ['merge-model'] })
  core = testCore({ modelDir: MODEL_FIXTURE, llm: { ollamaUrl: null, retryBaseMs: 10, maxRetries: 0 } })
  await core.call('profiles:create', { name: 'Consolidate' })
  // The fixture's random weights put unrelated sentences near 0.93; near-copies are above 0.98.
  await core.call('settings:set', { key: 'memories.duplicate_threshold', value: 0.975 })
})
afterAll(async () => {
  await core.dispose()
  await llm.close()
})

const GROUPS = [
  ['I like green tea in the morning.', 'I like green tea in the mornings.', 'I really like green tea in the morning.'],
  ['The car needs new winter tyres before December.', 'The car needs new winter tyres before december!'],
  ['Call mum on Sunday!', 'call mum on sunday']
]
const SINGLES = [
  'Anna prefers window seats on long flights.',
  'The wifi password at the cabin is on the fridge.',
  'My passport expires in March 2028.',
  'Book the dentist for a cleaning in spring.',
  'The project deadline moved to the 14th.'
]

async function snapshot(db: Knex): Promise<{ memories: unknown[]; duplicates: unknown[] }> {
  const memories = (await db.raw('select * from memories order by id')).rows
  const duplicates = (await db.raw('select * from memory_duplicates order by memory_id, candidate_id')).rows
  return { memories, duplicates }
}

describe('extractive merge and clusters (pure)', () => {
  it('keeps every distinct sentence once, the longer version of a repeated one, in leader order', () => {
    expect(extractiveMerge(['Tea in the morning. Coffee at noon.', 'tea in the morning!', 'I drink tea in the morning every day. Water at night.'])).toBe(
      'I drink tea in the morning every day. Coffee at noon. Water at night.'
    )
    expect(extractiveMerge(['Same text.', 'same TEXT'])).toBe('Same text.')
    expect(looseKey('Call  mum, on Sunday!')).toBe(looseKey('call mum on sunday'))
  })

  it('builds star clusters: a member must be near the seed itself, not only near another member', () => {
    const row = (id: string, importance: number) => ({ id, content: id, importance, pinned: false, createdAt: 0 })
    const rows = new Map(['a', 'b', 'c', 'd'].map((id, i) => [id, row(id, 1 - i / 10)]))
    const clusters = buildClusters(
      [
        { a: 'a', b: 'b', similarity: 0.99 },
        { a: 'b', b: 'c', similarity: 0.99 },
        { a: 'c', b: 'd', similarity: 0.99 }
      ],
      rows
    )
    expect(clusters).toEqual([['a', 'b'], ['c', 'd']])
  })
})

describe('memories.consolidate', () => {
  it('merges near-duplicate clusters, archives the originals with the run id, and undo restores exactly the previous state', async () => {
    const s = await core.services()
    const db = s.ctx.db
    const ids: string[][] = []
    for (const [g, group] of GROUPS.entries()) {
      const gi: string[] = []
      for (const [i, content] of group.entries())
        gi.push((await core.call('memories:capture', { content, topics: [`group${g}`, `item${i}`], importance: 0.3 + i * 0.2 })).memory.id)
      ids.push(gi)
    }
    for (const content of SINGLES) await core.call('memories:capture', { content })
    await core.call('memories:update', { id: ids[1]?.[1] as string, pinned: true })
    await s.embeddingQueue.drain()
    await db('memories').whereIn('id', ids[0] as string[]).update({ access_count: 2, last_accessed_at: db.raw("now() - interval '1 day'") })
    const before = await snapshot(db)
    expect(before.memories.length).toBe(12)

    const started = await core.call('workflows:start', { name: 'memories.consolidate' })
    expect(started).toMatchObject({ name: 'memories.consolidate', heavy: true })
    const run = await s.workflows.waitFor(started.id, 120_000)
    expect(run.status, run.error ?? '').toBe('succeeded')
    expect(run.output).toMatchObject({ clusters: 3, merged: 3, archived: 7, skipped: 0, llm: 0 })

    // Originals: archived, tagged with the run, otherwise untouched.
    const originals = (await db('memories').whereIn('id', ids.flat()).select('id', 'status', 'archived_by_run', 'content', 'archived_at')) as Array<{ status: string; archived_by_run: string }>
    expect(originals.every((o) => o.status === 'archived' && o.archived_by_run === run.id)).toBe(true)
    const merged = ((await db('memories').where({ source: 'consolidation', status: 'active' })) as Array<{
      id: string
      content: string
      topics: string[]
      importance: number
      pinned: boolean
      access_count: number
    }>).sort((a, b) => (a.content < b.content ? -1 : 1))
    // Each led by its most important (or pinned) member; sentences said twice appear once.
    expect(merged.map((m) => m.content)).toEqual([
      'I really like green tea in the morning. I like green tea in the mornings.',
      'The car needs new winter tyres before december!',
      'call mum on sunday'
    ])
    const tea = merged[0] as (typeof merged)[number]
    expect(tea.topics.sort()).toEqual(['group0', 'item0', 'item1', 'item2'])
    expect(Number(tea.importance)).toBeCloseTo(0.7, 5)
    expect(tea.access_count).toBe(6)
    expect((merged[1] as (typeof merged)[number]).pinned).toBe(true)
    const active = (await core.call('memories:list', { status: 'active', limit: 100 })).items.map((m) => m.content).sort()
    expect(active).toEqual([...SINGLES, ...merged.map((m) => m.content)].sort())
    // The archive lists the originals; the run's record says how to undo it.
    expect((await core.call('memories:list', { status: 'archived', limit: 100 })).total).toBe(7)
    expect(Number((await db('consolidation_clusters').where({ run_id: run.id }).count({ n: '*' }))[0]?.n)).toBe(3)

    // The merged memories get embedded like any other; then undo.
    await s.embeddingQueue.drain()
    const undone = await core.call('workflows:undo', { id: run.id })
    expect(undone).toEqual({ runId: run.id, restored: 7, removed: 3 })
    const after = await snapshot(db)
    expect(after.memories).toEqual(before.memories)
    expect(after.duplicates).toEqual(before.duplicates)

    await expect(core.call('workflows:undo', { id: run.id })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/nothing to undo/i) })
  })

  it('refuses an undo that would lose later work, and changes nothing', async () => {
    const s = await core.services()
    const db = s.ctx.db
    const run = await s.workflows.waitFor((await core.call('workflows:start', { name: 'memories.consolidate' })).id, 120_000)
    expect(run.output).toMatchObject({ merged: 3 })
    const [tea] = (await db('memories').where({ source: 'consolidation', status: 'active' }).where('content', 'like', '%green tea%')) as Array<{ id: string }>
    // The user edits a merged memory after the run.
    await core.call('memories:update', { id: tea?.id as string, content: 'I like green tea in the morning, and oolong on weekends.' })
    await s.embeddingQueue.drain()
    const before = await snapshot(db)
    const err = await core.call('workflows:undo', { id: run.id }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'conflict', message: expect.stringMatching(/edited.*nothing changed/i) })
    expect(await snapshot(db)).toEqual(before)

    // Undo of a run that is not a consolidation, or does not exist, says so.
    const tiering = await s.workflows.waitFor(await s.workflows.start('memories.tiering', {}), 60_000)
    await expect(core.call('workflows:undo', { id: tiering.id })).rejects.toMatchObject({ code: 'validation', message: 'Only a consolidation run can be undone.' })
    await expect(core.call('workflows:undo', { id: '00000000-0000-4000-8000-000000000009' })).rejects.toMatchObject({ code: 'not_found' })
  })

  it('never merges a pair the user dismissed as not a duplicate', async () => {
    const s = await core.services()
    const a = (await core.call('memories:capture', { content: 'Pick up the dry cleaning on Monday.' })).memory.id
    const b = (await core.call('memories:capture', { content: 'Pick up the dry cleaning on Mondays.' })).memory.id
    await s.embeddingQueue.drain()
    const flagged = (await core.call('memories:get', { id: a, recordAccess: false })).duplicates.map((d) => d.memory.id)
    expect(flagged).toContain(b)
    expect(await core.call('memories:dismissDuplicate', { id: a, candidateId: b })).toEqual({ dismissed: true })
    const run = await s.workflows.waitFor((await core.call('workflows:start', { name: 'memories.consolidate' })).id, 120_000)
    expect(run.status, run.error ?? '').toBe('succeeded')
    const statuses = (await s.ctx.db('memories').whereIn('id', [a, b]).select('status')) as Array<{ status: string }>
    expect(statuses.map((x) => x.status)).toEqual(['active', 'active'])
    if ((run.output as { merged: number }).merged > 0) await core.call('workflows:undo', { id: run.id })
    await core.call('memories:archive', { id: a })
    await core.call('memories:archive', { id: b })
  })

  it('lets the LLM write the merged text when one is configured', async () => {
    const s = await core.services()
    await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'merge-model' })
    const a = (await core.call('memories:capture', { content: 'Water the orchids every Friday.' })).memory.id
    const b = (await core.call('memories:capture', { content: 'water the orchids, every friday' })).memory.id
    await s.embeddingQueue.drain()
    llm.script(reply.text('Water the orchids on Fridays.'))
    const before = llm.requests.length
    const run = await s.workflows.waitFor((await core.call('workflows:start', { name: 'memories.consolidate' })).id, 120_000)
    expect(run.status, run.error ?? '').toBe('succeeded')
    expect(run.output).toMatchObject({ merged: 1, llm: 1 })
    const sent = llm.requests.slice(before).find((r) => r.path.endsWith('/chat/completions'))
    const prompt = sent?.body?.messages?.map((m) => m.content).join('\n') ?? ''
    expect(prompt).toContain('Water the orchids every Friday.')
    expect(prompt).toContain('water the orchids, every friday')
    const merged = (await s.ctx.db('consolidation_clusters').where({ run_id: run.id }).first()) as { merged_id: string; member_ids: string[]; method: string }
    expect(merged.method).toBe('llm')
    expect(new Set(merged.member_ids)).toEqual(new Set([a, b]))
    expect((await core.call('memories:get', { id: merged.merged_id, recordAccess: false })).memory.content).toBe('Water the orchids on Fridays.')
    await s.embeddingQueue.drain()
    expect(await core.call('workflows:undo', { id: run.id })).toMatchObject({ restored: 2, removed: 1 })
    await core.call('llm:configure', { baseUrl: null, model: null })
  })

  it('explains bad start input in plain words', async () => {
    await expect(core.call('workflows:start', { name: 'memories.consolidate', input: { threshold: 0.2 } })).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/below 0\.5 would merge unrelated/)
    })
    await expect(core.call('workflows:start', { name: 'nope' } as never)).rejects.toMatchObject({ code: 'validation' })
  })
})
