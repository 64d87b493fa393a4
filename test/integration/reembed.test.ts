/**
 * Re-embedding on a real PGlite with the model fixture: every vector (memories, document
 * chunks, messages) moves from 384 to 256 dimensions (Matryoshka truncation) and back, while
 * searches run the whole time and keep answering with vector hits; memories captured during
 * the run end up in the new space too; the old vectors and their indexes are gone after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { testCore, MODEL_FIXTURE, type TestCore } from '../helpers/core'
import { toVectorParam } from '../../src/main/db/vector'
import { truncateVector } from '../../src/main/features/embeddings/embedder'

let core: TestCore
const TOPICS = ['garden', 'kitchen', 'travel', 'budget', 'music', 'health']

beforeAll(async () => {
  core = testCore({ modelDir: MODEL_FIXTURE })
  await core.call('profiles:create', { name: 'Reembed' })
  const s = await core.services()
  for (let i = 0; i < 240; i++) {
    const t = TOPICS[i % TOPICS.length] as string
    await core.call('memories:capture', { content: `Note ${i} about the ${t}: item ${i * 7} needs attention on day ${i % 28}.` })
  }
  await s.embeddingQueue.drain()
  // A document (through the real import workflow) and a chat session with embedded messages.
  const text = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} of the garden plan talks about beds, soil and water.`).join('\n\n')
  const imported = await core.call('documents:importBytes', { files: [{ name: 'garden-plan.txt', data: Buffer.from(text).toString('base64') }] })
  expect(imported.files[0]?.error ?? null).toBeNull()
  for (let i = 0; i < 120; i++) {
    const rows = (await s.ctx.db('documents').where({ status: 'ready' }).count({ n: '*' })) as Array<{ n: string }>
    if (Number(rows[0]?.n) > 0) break
    await new Promise((r) => setTimeout(r, 500))
  }
  const [session] = (await s.ctx.db('sessions').insert({ title: 'Garden chat' }).returning('id')) as Array<{ id: string }>
  const contents = ['How deep should the garden beds be?', 'About 30 cm for most vegetables.', 'And the kitchen herbs?', 'A sunny windowsill works.']
  const vectors = await core.embedder.embed(contents)
  for (const [i, content] of contents.entries())
    await s.ctx.db('messages').insert({
      session_id: session?.id,
      seq: i,
      role: i % 2 ? 'assistant' : 'user',
      content,
      embedding: s.ctx.db.raw('?::vector', [toVectorParam(vectors[i] as Float32Array)]),
      embedding_dim: vectors.dim,
      embedding_model: vectors.model
    })
})
afterAll(async () => core.dispose())

async function dims(db: Knex): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {}
  for (const t of ['memories', 'document_chunks', 'messages']) {
    const r = await db.raw(`select distinct vector_dims(embedding) as d from ${t} where embedding is not null union select distinct embedding_dim from ${t} where embedding is not null order by 1`)
    out[t] = (r.rows as Array<{ d: number }>).map((x) => Number(x.d))
  }
  return out
}

async function vectorIndexes(db: Knex): Promise<string[]> {
  const r = await db.raw("select indexname from pg_indexes where schemaname = current_schema() and indexdef like '%USING hnsw%' order by 1")
  return (r.rows as Array<{ indexname: string }>).map((x) => x.indexname)
}

/** Search over and over until `done` resolves; every answer must have vector hits. */
async function searchThroughout(done: Promise<unknown>): Promise<{ count: number; dims: Set<string> }> {
  let finished = false
  void done.finally(() => (finished = true))
  let count = 0
  const seen = new Set<string>()
  while (!finished) {
    const r = await core.call('search:query', { query: `garden note ${count % 28}`, k: 5, recordAccess: false })
    expect(r.mode).toBe('hybrid')
    expect(r.hits.length).toBeGreaterThan(0)
    expect(r.hits.some((h) => h.matchedBy.includes('vector'))).toBe(true)
    const active = (await core.call('settings:get', { key: 'embeddings.active' }))?.value as { dim: number } | undefined
    seen.add(String(active?.dim ?? 384))
    count++
  }
  return { count, dims: seen }
}

describe('truncateVector', () => {
  it('keeps the first values, renormalised to unit length', () => {
    const v = truncateVector(new Float32Array([3, 4, 12]), 2)
    expect([...v]).toEqual([0.6000000238418579, 0.800000011920929])
    expect(truncateVector(new Float32Array([1, 0]), 5).length).toBe(2)
  })
})

describe('embeddings.reembed', () => {
  it('moves every vector to 256 dimensions while search keeps answering, then drops the old ones', async () => {
    const s = await core.services()
    const db = s.ctx.db
    expect(await dims(db)).toEqual({ memories: [384], document_chunks: [384], messages: [384] })
    const chunks = Number((await db('document_chunks').whereNotNull('embedding').count({ n: '*' }))[0]?.n)
    expect(chunks).toBeGreaterThan(0)

    const started = await core.call('workflows:start', { name: 'embeddings.reembed', input: { dim: 256 } })
    const finished = s.workflows.waitFor(started.id, 300_000)
    // A memory captured while the run goes (it is embedded in whichever space is active then).
    const during = (async () => {
      await new Promise((r) => setTimeout(r, 1500))
      return (await core.call('memories:capture', { content: 'Captured during the re-embed: repot the lemon tree.' })).memory.id
    })()
    const searched = await searchThroughout(finished)
    const run = await finished
    expect(run.status, run.error ?? '').toBe('succeeded')
    expect(searched.count).toBeGreaterThan(3)
    expect(searched.dims.has('384')).toBe(true) // searches ran before the switch …
    await during
    await s.embeddingQueue.drain()

    expect(await dims(db)).toEqual({ memories: [256], document_chunks: [256], messages: [256] })
    const leftovers = await db.raw('select (select count(*) from memories where embedding_next is not null) + (select count(*) from document_chunks where embedding_next is not null) + (select count(*) from messages where embedding_next is not null) as n')
    expect(Number(leftovers.rows[0].n)).toBe(0)
    expect(await vectorIndexes(db)).toEqual(['document_chunks_embedding_256', 'memories_embedding_256', 'messages_embedding_256'])
    const model = core.embedder.status().model
    expect((await core.call('settings:get', { key: 'embeddings.active' }))?.value).toEqual({ model, dim: 256 })
    const spaces = (await db('embedding_spaces').orderBy('dim').select('dim', 'status')) as Array<{ dim: number; status: string }>
    expect(spaces.find((x) => x.dim === 256)?.status).toBe('active')
    // … and after it, in the new space.
    const r = await core.call('search:query', { query: 'lemon tree', k: 5, recordAccess: false })
    expect(r.hits.some((h) => h.matchedBy.includes('vector'))).toBe(true)
    expect(r.hits[0]?.text).toMatch(/lemon tree/)
    // New vectors use the active space.
    const fresh = (await core.call('memories:capture', { content: 'After the switch: the fig needs a bigger pot.' })).memory.id
    await s.embeddingQueue.drain()
    expect((await db('memories').where({ id: fresh }).first('embedding_dim')).embedding_dim).toBe(256)
    expect(run.output).toMatchObject({ model, dim: 256, from: { dim: 384 } })
  })

  it('goes back to the full dimension the same way', async () => {
    const s = await core.services()
    const run = await s.workflows.waitFor((await core.call('workflows:start', { name: 'embeddings.reembed', input: { dim: 384 } })).id, 300_000)
    expect(run.status, run.error ?? '').toBe('succeeded')
    expect(await dims(s.ctx.db)).toEqual({ memories: [384], document_chunks: [384], messages: [384] })
    expect(await vectorIndexes(s.ctx.db)).toEqual(['document_chunks_embedding_384', 'memories_embedding_384', 'messages_embedding_384'])
  })

  it('says in plain words what it cannot do', async () => {
    const s = await core.services()
    await expect(core.call('workflows:start', { name: 'embeddings.reembed', input: { dim: 8 } })).rejects.toMatchObject({ code: 'validation', message: 'Use at least 32 dimensions.' })
    const tooBig = await s.workflows.waitFor((await core.call('workflows:start', { name: 'embeddings.reembed', input: { dim: 512 } })).id, 60_000)
    expect(tooBig).toMatchObject({ status: 'failed', errorCode: 'validation' })
    expect(tooBig.error).toMatch(/makes 384-dimensional vectors: choose between 32 and 384 dimensions/)
    const other = await s.workflows.waitFor((await core.call('workflows:start', { name: 'embeddings.reembed', input: { dim: 256, model: 'BAAI/bge-small' } })).id, 60_000)
    expect(other.error).toMatch(/Only the loaded model .* can embed/)
    const same = await s.workflows.waitFor((await core.call('workflows:start', { name: 'embeddings.reembed', input: { dim: 384 } })).id, 60_000)
    expect(same.error).toMatch(/already use .* at 384 dimensions; there is nothing to re-embed/)
    // Nothing was touched by the refused runs.
    expect(await dims(s.ctx.db)).toEqual({ memories: [384], document_chunks: [384], messages: [384] })
  })
})
