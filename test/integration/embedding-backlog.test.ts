/**
 * The embedding backlog of every source: a document and a chat export imported while no
 * model is available are stored without vectors and found by their words only; once the
 * model is there, a kick of the embedding queue embeds the chunks and messages in the
 * background, and hybrid search finds them by vector too. Real PGlite, real import runs,
 * the RANDOM-WEIGHTS MiniLM fixture (plumbing, not meaning).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { testCore, MODEL_FIXTURE, type TestCore } from '../helpers/core'
import { toVectorParam } from '../../src/main/db/vector'

const DOCS = join(import.meta.dirname, '..', '..', '..', 'shared', 'documents')
let core: TestCore

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64')

const claudeExport = [
  {
    uuid: 'backlog-conv-1',
    name: 'Beekeeping in winter',
    created_at: '2024-05-01T08:00:00.000000Z',
    updated_at: '2024-05-01T08:05:00.000000Z',
    account: { uuid: 'acct' },
    chat_messages: [
      { uuid: 'b1', sender: 'human', text: 'How do bees survive a cold winter in the hive?', created_at: '2024-05-01T08:00:00.000000Z' },
      { uuid: 'b2', sender: 'assistant', text: 'They cluster around the queen and shiver their wing muscles to make heat.', created_at: '2024-05-01T08:01:00.000000Z' }
    ]
  }
]

async function unembedded(table: string): Promise<number> {
  const { ctx } = await core.services()
  return Number((await ctx.db.raw(`select count(*)::int as n from ${table} where embedding is null`)).rows[0].n)
}

beforeAll(async () => {
  core = testCore({ modelDir: '/nonexistent-model-dir' })
  await core.call('profiles:create', { name: 'Backlog' })
})
afterAll(async () => core.dispose())

describe('embedding backlog', () => {
  it('embeds document chunks and chat messages stored without a model once one is available', async () => {
    const s = await core.services()
    // A document and a chat export, imported with no model.
    const r = await s.documents.importFiles([{ path: join(DOCS, 'norwich-city.txt') }], { source: 'test' })
    const run = await s.workflows.waitFor(r.files[0]?.runId as string, 240_000)
    expect(run.status, run.error ?? '').toBe('succeeded')
    const started = await core.call('chats:importExport', { name: 'conversations.json', data: b64(claudeExport) })
    const chatRun = await s.workflows.waitFor(started.runId, 120_000)
    expect(chatRun.status, chatRun.error ?? '').toBe('succeeded')

    const chunks = await unembedded('document_chunks')
    expect(chunks).toBeGreaterThan(0)
    expect(await unembedded('messages')).toBe(2)
    expect((await core.call('embeddings:status', {})).pending).toBe(chunks + 2)
    const before = await core.call('search:query', { query: 'bees cluster around the queen', recordAccess: false })
    expect(before.mode).toBe('keyword')
    expect(before.hits.some((h) => h.source === 'message')).toBe(true)

    // The model arrives; the queue is kicked (as app-core does on 'ready') and drained.
    await core.embedder.setModelDir(MODEL_FIXTURE)
    expect((await core.embedder.load()).state).toBe('ready')
    s.embeddingQueue.kick()
    await s.embeddingQueue.drain()
    expect(await unembedded('document_chunks')).toBe(0)
    expect(await unembedded('messages')).toBe(0)
    expect(await s.embeddingQueue.pending()).toBe(0)
    const dims = (await s.ctx.db.raw('select distinct embedding_dim as d, embedding_model as m from document_chunks union select distinct embedding_dim, embedding_model from messages')).rows
    expect(dims).toEqual([{ d: 384, m: core.embedder.status().model }])

    // The stored vectors are the model's vectors for those texts.
    const msg = (await s.ctx.db('messages').where({ content: claudeExport[0]?.chat_messages[1]?.text }).first('id', 'content')) as { id: string; content: string }
    const [v] = await core.embedder.embed([msg.content])
    const sim = Number((await s.ctx.db.raw('select 1 - (embedding <=> ?::vector) as s from messages where id = ?', [toVectorParam(v as Float32Array), msg.id])).rows[0].s)
    expect(sim).toBeGreaterThan(0.9999)

    // Hybrid search now reaches both sources through their vectors.
    const after = await core.call('search:query', { query: 'bees cluster around the queen', k: 50, recordAccess: false })
    expect(after.mode).toBe('hybrid')
    const viaVector = after.hits.filter((h) => h.matchedBy.includes('vector'))
    expect(viaVector.some((h) => h.source === 'message')).toBe(true)
    expect(viaVector.some((h) => h.source === 'document')).toBe(true)
    expect(after.hits.find((h) => h.id === msg.id)?.matchedBy).toEqual(expect.arrayContaining(['keyword', 'vector']))
  })

  it('embeds a message stored later when kicked, and leaves streaming answers alone', async () => {
    const s = await core.services()
    const session = (await s.ctx.db('sessions').first('id')) as { id: string }
    const seq = Number((await s.ctx.db('messages').where({ session_id: session.id }).max({ m: 'seq' }))[0]?.m ?? 0)
    await s.ctx.db('messages').insert([
      { session_id: session.id, seq: seq + 1, role: 'user', content: 'Do drones stay in the hive over winter?' },
      { session_id: session.id, seq: seq + 2, role: 'assistant', content: 'Half an answer', status: 'streaming' }
    ])
    s.embeddingQueue.kick()
    await s.embeddingQueue.drain()
    const rows = (await s.ctx.db('messages').where({ session_id: session.id }).where('seq', '>', seq).orderBy('seq').select('status', s.ctx.db.raw('embedding is not null as has'))) as Array<{
      status: string
      has: boolean
    }>
    expect(rows).toEqual([
      { status: 'complete', has: true },
      { status: 'streaming', has: false }
    ])
  })
})
