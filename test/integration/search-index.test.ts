/**
 * The in-process search candidate index (usearch HNSW + BM25 in a worker, fed by the
 * search_changes triggers), against the real database and the real embedding pipeline:
 * - it is built from the tables at profile open, and answers (`engine: 'index'`);
 * - every write path reaches it before the next search (capture, embedding, edit,
 *   archive/restore, delete/undo, a document's chunks, a bulk insert outside the services,
 *   archiving a document or a session, a pin, importance, access);
 * - its vector candidates are the exact nearest neighbours (recall@10 against Postgres's
 *   sequential scan), its keyword ranking is BM25 over the same lexemes;
 * - it applies the filters (archived, type, dates) and the boost itself, and answers
 *   memories with the same rows and snippets as the all-SQL path;
 * - phrase syntax and an unavailable index fall back to the all-SQL path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MODEL_FIXTURE, testCore, type TestCore } from '../helpers/core'
import { BIG_SYNC, createCandidateIndex, nearestQuery as nearest, REBUILD_MARKER_SQL, type CandidateIndex, type QueryContext } from '../../src/main/features/search/candidate-index'
import { decodeVector, parseTsvector } from '../../src/main/workers/rows.mjs'
import { toVectorParam } from '../../src/main/db/vector'
import { contentHash } from '../../src/main/features/memories/normalize'
import { negatedLexemes } from '../../src/main/features/search/search.service'

let core: TestCore
const FILLER = 300

async function ready(): Promise<void> {
  const s = await core.services()
  expect(await s.searchIndex?.whenBuilt()).toBe('ready')
}

/** The open profile's search index (the tests below talk to it directly). */
async function openIndex(): Promise<CandidateIndex> {
  const index = (await core.services()).searchIndex
  if (!index) throw new Error('no search index')
  return index
}

/** A memory's stored vector, as Postgres has it. */
async function storedVector(id: string): Promise<Float32Array> {
  const { ctx } = await core.services()
  const v = decodeVector((await ctx.db.raw('select public.vector_send(embedding) as v from memories where id = ?', [id])).rows[0].v)
  if (!v) throw new Error(`memory ${id} has no vector`)
  return v
}

const TUNING = { rrfK: 60, recencyWeight: 0, recencyDays: 1, importanceWeight: 0, accessWeight: 0 }
const search = (query: string, extra: Record<string, unknown> = {}) => core.call('search:query', { query, k: 10, recordAccess: false, ...extra })

beforeAll(async () => {
  core = testCore({ modelDir: MODEL_FIXTURE })
  await core.call('profiles:create', { name: 'Index' })
  const s = await core.services()
  // Rows that exist before the index is built (it is built from the tables at open).
  const texts = Array.from({ length: FILLER }, (_, i) => `Filler note ${i}: the weekly review of project ${i % 17} and its open questions.`)
  const vecs = await core.embedder.embed(texts)
  await s.ctx.db('memories').insert(
    texts.map((t, i) => ({ content: t, content_hash: contentHash(t), embedding: s.ctx.db.raw('?::vector', [toVectorParam(vecs[i] as Float32Array)]), embedding_dim: vecs.dim, embedding_model: vecs.model, embedding_status: 'ready' }))
  )
  // Reopen: the index reads them.
  await core.profiles.close()
  await ready()
})
afterAll(async () => core?.dispose())

describe('search candidate index', () => {
  it('is built from the tables at open and answers searches', async () => {
    const s = await core.services()
    const stats = await s.searchIndex?.stats()
    expect(stats?.['memory']).toEqual({ rows: FILLER, vectors: FILLER, lexemes: expect.any(Number) })
    const r = await search('weekly review of project 5')
    expect(r.engine).toBe('index')
    expect(r.mode).toBe('hybrid')
    expect(r.hits.length).toBe(10)
    expect(r.hits[0]?.text).toMatch(/project 5 /)
    expect(r.hits[0]?.snippet).toMatch(/«review»/)
  })

  it('sees a capture at once, its vector once embedded, an edit, archive/restore and delete/undo', async () => {
    const s = await core.services()
    const { memory } = await core.call('memories:capture', { content: 'The quince jelly recipe needs three hours of simmering.' })
    let r = await search('quince jelly')
    expect(r.engine).toBe('index')
    expect(r.hits[0]?.id).toBe(memory.id)
    expect(r.hits[0]?.matchedBy).toContain('keyword')

    await s.embeddingQueue.drain()
    const [v] = await core.embedder.embed(['The quince jelly recipe needs three hours of simmering.'])
    const near = await s.searchIndex?.query(nearest(v ?? null, 1, false))
    expect(near?.lists.memory?.vector).toEqual([memory.id])

    const edited = await core.call('memories:update', { id: memory.id, content: 'The medlar jelly recipe needs two hours of simmering.' })
    r = await search('medlar')
    expect(r.engine).toBe('index')
    expect(r.hits[0]?.id).toBe(edited.id)
    r = await search('quince')
    expect(r.hits.some((h) => h.text.includes('quince'))).toBe(false) // the superseded version is not found

    // Hybrid search always brings the nearest vectors too, so "not found" means not among the hits.
    const found = async (q: string, extra: Record<string, unknown> = {}): Promise<boolean> => (await search(q, extra)).hits.some((h) => h.id === edited.id)
    await core.call('memories:archive', { id: edited.id })
    expect(await found('medlar')).toBe(false)
    r = await search('medlar', { includeArchived: true })
    expect(r.engine).toBe('index')
    expect(r.hits[0]?.id).toBe(edited.id)
    await core.call('memories:restore', { id: edited.id })
    expect((await search('medlar')).hits[0]?.id).toBe(edited.id)

    const { undoToken } = await core.call('memories:delete', { id: edited.id })
    expect(await found('medlar')).toBe(false)
    const stats = await s.searchIndex?.stats()
    expect(stats?.['memory']?.rows).toBe(FILLER) // the deleted rows left the index, not only the results
    await core.call('memories:undoDelete', { undoToken })
    expect((await search('medlar')).hits[0]?.text).toMatch(/medlar/)
  })

  it('sees rows written outside the services (any writer: the triggers log them)', async () => {
    const s = await core.services()
    await s.ctx.db('memories').insert({ content: 'Written by raw SQL: the sloe gin is ready at Christmas.', content_hash: contentHash('sloe gin raw') })
    const r = await search('sloe gin')
    expect(r.engine).toBe('index')
    expect(r.hits[0]?.text).toMatch(/sloe gin/)
    await s.ctx.db('memories').where({ content_hash: contentHash('sloe gin raw') }).del()
    expect((await search('sloe gin')).hits.some((h) => h.text.includes('sloe'))).toBe(false)
  })

  it('finds document chunks and chat messages too', async () => {
    const s = await core.services()
    const [doc] = await s.ctx.db('documents').insert({ name: 'Orchard.md', file_hash: 'x'.repeat(64), mime_type: 'text/markdown', size_bytes: 10, status: 'ready' }).returning('id')
    await s.ctx.db('document_chunks').insert({ document_id: (doc as { id: string }).id, chunk_index: 0, text: 'Grafting the damson rootstock in early spring.', char_start: 0, char_end: 46, token_count: 9 })
    // Documents only: with random-weight vectors, boosted memory neighbours outrank a one-list match.
    const r = await search('damson rootstock', { sources: ['document'] })
    expect(r.engine).toBe('index')
    expect(r.hits.find((h) => h.source === 'document')?.text).toMatch(/damson rootstock/)
    expect(r.hits.find((h) => h.source === 'document')?.matchedBy).toEqual(['keyword'])
    // Archiving the document hides its chunks (the documents trigger logs them), restoring shows them again.
    await s.ctx.db('documents').where({ id: (doc as { id: string }).id }).update({ archived_at: new Date() })
    expect((await search('damson rootstock', { sources: ['document'] })).hits).toEqual([])
    expect((await search('damson rootstock', { sources: ['document'], includeArchived: true })).hits.map((h) => h.text)).toEqual(['Grafting the damson rootstock in early spring.'])
    await s.ctx.db('documents').where({ id: (doc as { id: string }).id }).update({ archived_at: null })
    expect((await search('damson rootstock', { sources: ['document'] })).hits.length).toBe(1)

    const [session] = await s.ctx.db('sessions').insert({ title: 'Orchard chat' }).returning('id')
    const sessionId = (session as { id: string }).id
    await s.ctx.db('messages').insert({ session_id: sessionId, seq: 1, role: 'user', content: 'When do mulberries ripen?' })
    const m = await search('mulberries', { sources: ['message'] })
    expect(m.engine).toBe('index')
    expect(m.hits[0]?.text).toBe('When do mulberries ripen?')
    // An answer still streaming is not searchable; once complete it is.
    await s.ctx.db('messages').insert({ session_id: sessionId, seq: 2, role: 'assistant', content: 'Mulberries ripen', status: 'streaming' })
    expect((await search('mulberries ripen', { sources: ['message'] })).hits.length).toBe(1)
    await s.ctx.db('messages').where({ session_id: sessionId, seq: 2 }).update({ content: 'Mulberries ripen in July.', status: 'complete' })
    expect((await search('mulberries ripen', { sources: ['message'] })).hits.map((h) => h.text).sort()).toEqual(['Mulberries ripen in July.', 'When do mulberries ripen?'])
    // Archiving the session hides its messages (the sessions trigger logs them).
    await s.ctx.db('sessions').where({ id: sessionId }).update({ archived_at: new Date() })
    const hidden = await search('mulberries ripen', { sources: ['message'] })
    expect(hidden.engine).toBe('index')
    expect(hidden.hits).toEqual([])
    await s.ctx.db('sessions').where({ id: sessionId }).update({ archived_at: null })
    expect((await search('mulberries ripen', { sources: ['message'] })).hits.length).toBe(2)
  })

  it('ranks by what it holds: a pin, importance and access (the recorder tells it; its writes log nothing)', async () => {
    const s = await core.services()
    const { memory } = await core.call('memories:capture', { content: 'The mirabelle tree by the wall fruits in August.' })
    await s.embeddingQueue.drain()
    const lexemes = (await s.ctx.db.raw("select tsvector_to_array(to_tsvector('english', 'mirabelle')) as l")).rows[0].l as string[]
    const tuning = { rrfK: 60, recencyWeight: 0.3, recencyDays: 30, importanceWeight: 0.3, accessWeight: 0.1 }
    const query = { sources: ['memory' as const], vector: null, kc: 50, k: 5, filter: { includeArchived: false }, context: { lexemes, tuning, pending: 1 } }
    const score = async (): Promise<number> => (await s.searchIndex?.query(query))?.top.find((h) => h.id === memory.id)?.score ?? NaN
    const base = await score()
    expect(base).toBeGreaterThan(0)
    await s.ctx.db('memories').where({ id: memory.id }).update({ pinned: true })
    const pinned = await score()
    expect(pinned).toBeGreaterThan(base)
    await s.ctx.db('memories').where({ id: memory.id }).update({ importance: 1 })
    const important = await score()
    expect(important).toBeGreaterThan(pinned)
    // Searches record access; the recorder's flush logs nothing and tells the index.
    await core.call('search:query', { query: 'mirabelle', k: 3, recordAccess: true })
    // Reading a memory flushes the recorded access first.
    expect((await core.call('memories:get', { id: memory.id, recordAccess: false })).memory.accessCount).toBe(1)
    expect(Number((await s.ctx.db('search_changes').count({ n: '*' }))[0]?.n)).toBe(0)
    expect(await score()).toBeGreaterThan(important)
  })

  it("answers memories with their rows and snippets, as the all-SQL path shows them", async () => {
    await core.call('memories:capture', { content: 'Quince paste sets firm after a night in the cold larder.', topics: ['kitchen', 'preserves'], importance: 0.7 })
    await (await core.services()).embeddingQueue.drain()
    const query = 'quince paste in the cold larder'
    const viaIndex = await search(query, { sources: ['memory'], k: 3 })
    expect(viaIndex.engine).toBe('index')
    await core.profiles.close()
    process.env['ENGRAM_SEARCH_INDEX'] = 'off'
    try {
      const viaSql = await search(query, { sources: ['memory'], k: 3 })
      expect(viaSql.engine).toBe('sql')
      const quince = (hits: typeof viaIndex.hits) => hits.find((h) => h.text.startsWith('Quince paste'))
      const [a, b] = [quince(viaIndex.hits), quince(viaSql.hits)]
      expect(a?.snippet).toBe('«Quince» «paste» sets firm after a night in the «cold» «larder».')
      expect({ ...a, score: 0 }).toEqual({ ...b, score: 0 })
      expect(a?.score).toBeCloseTo(b?.score ?? 0, 6)
    } finally {
      delete process.env['ENGRAM_SEARCH_INDEX']
      await core.profiles.close()
      await ready()
    }
  })

  it('returns the exact nearest neighbours (recall@10 against a sequential scan)', async () => {
    const s = await core.services()
    const queries = ['open questions of the review', 'project twelve', 'weekly notes', 'jelly', 'the questions we still have', 'review of the week']
    const vecs = await core.embedder.embed(queries)
    let hit = 0
    for (const v of vecs) {
      const fromIndex = (await s.searchIndex?.query(nearest(v, 10, true)))?.lists.memory?.vector ?? []
      const exact = await s.ctx.db.transaction(async (trx) => {
        await trx.raw('set local enable_indexscan = off')
        return (await trx.raw("select id from memories where status in ('active', 'archived') and embedding is not null order by embedding <=> ?::vector limit 10", [toVectorParam(v)])).rows as Array<{ id: string }>
      })
      const truth = new Set(exact.map((x) => x.id))
      hit += fromIndex.filter((id) => truth.has(id)).length
    }
    expect(hit / (vecs.length * 10)).toBeGreaterThanOrEqual(0.95)
  })

  it('applies filters: type, dates (a selective one falls back to SQL)', async () => {
    await core.call('memories:capture', { content: 'Plum tree pruning happens in summer.', type: 'fact' })
    await core.call('memories:capture', { content: 'Plum tree pruning: I prefer doing it in July.', type: 'preference' })
    // Few candidates survive the type filter while the lists were full: the all-SQL path answers, completely.
    const r = await search('plum tree pruning', { types: ['preference'], sources: ['memory'] })
    expect(r.engine).toBe('sql')
    expect(r.hits.map((h) => h.text)).toEqual(['Plum tree pruning: I prefer doing it in July.'])
    // A filter most candidates pass stays on the index.
    const recent = await search('plum tree pruning', { from: new Date(Date.now() - 86400_000).toISOString() })
    expect(recent.engine).toBe('index')
    expect(recent.hits.slice(0, 2).map((h) => h.text).sort()).toEqual(['Plum tree pruning happens in summer.', 'Plum tree pruning: I prefer doing it in July.'])
    const future = await search('plum tree pruning', { from: new Date(Date.now() + 86400_000).toISOString() })
    expect(future.hits).toEqual([])
  })

  it('applies a long change log (a bulk load) in the background, answering in SQL meanwhile', async () => {
    const s = await core.services()
    const before = (await s.searchIndex?.stats())?.['memory']?.rows ?? 0
    const n = BIG_SYNC + 100
    await s.ctx.db('memories').insert(Array.from({ length: n }, (_, i) => ({ content: `Bulk loaded line ${i} about the greengage harvest.`, content_hash: contentHash(`bulk ${i}`) })))
    const first = await search('greengage harvest')
    expect(first.engine).toBe('sql')
    expect(first.hits.length).toBe(10)
    await expect.poll(async () => (await search('greengage harvest')).engine).toBe('index')
    expect((await s.searchIndex?.stats())?.['memory']?.rows).toBe(before + n)
    await s.ctx.db('memories').where('content', 'like', 'Bulk loaded line %').del()
    expect((await search('greengage')).hits.some((h) => h.text.includes('greengage'))).toBe(false)
  })

  it('takes phrases and exclusions to the all-SQL path', async () => {
    const r = await search('"plum tree" -summer', { sources: ['memory'] })
    expect(r.engine).toBe('sql')
    expect(r.hits[0]?.text).toBe('Plum tree pruning: I prefer doing it in July.')
    // The exclusion applies to words: the summer memory may still come as a vector neighbour, never as a keyword match.
    expect(r.hits.find((h) => h.text === 'Plum tree pruning happens in summer.')?.matchedBy ?? []).not.toContain('keyword')
  })

  it('rebuilds itself after a change the triggers cannot see', async () => {
    const s = await core.services()
    // Anything still being applied in the background from earlier tests comes first.
    await expect.poll(async () => (await search('plum tree pruning')).engine).toBe('index')
    await s.ctx.db.raw("insert into search_changes (src, id) values ('*', '00000000-0000-0000-0000-000000000000')")
    // This search takes the marker and starts a rebuild: it (and any during the rebuild) runs in SQL.
    const during = await search('plum tree pruning')
    expect(during.engine).toBe('sql')
    expect(during.hits.length).toBeGreaterThan(0)
    await ready()
    expect((await search('plum tree pruning')).engine).toBe('index')
  })
})

describe('search index: the vector half runs before the context read returns', () => {
  it('is done again when the sync the read asks for changes its source', async () => {
    const s = await core.services()
    const index = await openIndex()
    const capture = async (content: string): Promise<string> => (await core.call('memories:capture', { content })).memory.id
    const a = await capture('Quince jelly sets better with the pips boiled in a muslin bag.')
    const b = await capture('The tram to the harbour leaves every twelve minutes after nine.')
    await s.embeddingQueue.drain()
    await search('quince jelly') // applies the change log
    const va = await storedVector(a)
    const nearestTwo = async (context: QueryContext | Promise<QueryContext>): Promise<string[]> =>
      (await index.query({ ...nearest(va, 2, false), context }))?.lists.memory?.vector ?? []
    // Precondition: b is not among a's two nearest before its vector changes.
    expect(await nearestTwo({ lexemes: [], tuning: TUNING, pending: 0 })).not.toContain(b)

    // The vector half is computed (a stats round trip waits for it), then b takes a's vector
    // while the "context read" is still out; the read then finds the change log non-empty.
    let answer: (c: QueryContext) => void = () => undefined
    const pendingRead = nearestTwo(new Promise<QueryContext>((r) => (answer = r)))
    await index.stats()
    await s.ctx.db.raw('update memories set embedding = (select embedding from memories where id = ?) where id = ?', [a, b])
    answer({ lexemes: [], tuning: TUNING, pending: 1 })
    expect((await pendingRead).sort()).toEqual([a, b].sort())
  })
})

describe('search index: query vectors straight from the embedder thread', () => {
  it('answers a query sent before its vector once the embedder thread delivers it; a rebuild meanwhile leaves it to SQL', async () => {
    const s = await core.services()
    const index = await openIndex()
    const base = { sources: ['memory' as const], kc: 5, k: 3, filter: { includeArchived: false }, context: { lexemes: [], tuning: TUNING, pending: 0 } }
    // The main thread's copy of the vector never comes: only the forwarded one can answer.
    const ticket = index.begin(base)
    if (!ticket?.forward) throw new Error('no forwarding: the embedder should be running')
    const viaSink = index.query({ ...base, vector: new Promise<Float32Array | null>(() => undefined) }, ticket)
    const [v] = await core.embedder.embed(['open questions of the weekly review'], { priority: 'high', forward: ticket.forward })
    const answered = await viaSink
    expect(answered?.lists.memory?.vector).toHaveLength(5)
    expect(answered?.lists.memory?.vector).toEqual((await index.query({ ...base, vector: v ?? null }))?.lists.memory?.vector)

    // A query still waiting for its vector when the index is rebuilt gets null (SQL answers it).
    let release: (v: Float32Array | null) => void = () => undefined
    const waiting = index.query({ ...base, vector: new Promise<Float32Array | null>((r) => (release = r)) })
    await index.stats()
    await s.ctx.db.raw(REBUILD_MARKER_SQL)
    expect((await search('weekly review')).engine).toBe('sql')
    expect(await waiting).toBeNull()
    release(v ?? null)
    await ready()
    expect((await search('weekly review')).engine).toBe('index')
  })
})

describe('search index: exclusions (-word)', () => {
  it('keeps a row with an excluded word out of both lists, and sends a negated compound word to SQL', async () => {
    const s = await core.services()
    const index = await openIndex()
    const { memory: kept } = await core.call('memories:capture', { content: 'Medlar fruit is eaten bletted, soft and brown.' })
    const { memory: dropped } = await core.call('memories:capture', { content: 'Medlar cheese for the car picnic in November.' })
    await s.embeddingQueue.drain()
    const both = await search('medlar')
    expect(both.hits.map((h) => h.id)).toEqual(expect.arrayContaining([kept.id, dropped.id]))

    const r = await search('medlar -car')
    expect(r.engine).toBe('index')
    expect(r.hits.map((h) => h.id)).toContain(kept.id)
    expect(r.hits.map((h) => h.id)).not.toContain(dropped.id)
    expect(r.hits.filter((h) => /\bcar\b/i.test(h.text))).toEqual([])

    // The vector list too: the excluded row's own vector does not bring it back.
    const v = await storedVector(dropped.id)
    const nearestOf = async (exclude: string[]): Promise<string[]> =>
      (await index.query({ ...nearest(v, 3, false), context: { lexemes: [], tuning: TUNING, pending: 0, exclude } }))?.lists.memory?.vector ?? []
    expect((await nearestOf([]))[0]).toBe(dropped.id)
    expect(await nearestOf(['car'])).not.toContain(dropped.id)

    // "-e-mail" negates a compound word (a group in the tsquery): SQL answers it.
    const compound = await search('medlar -e-mail')
    expect(compound.engine).toBe('sql')
    expect(compound.hits.map((h) => h.id)).toContain(kept.id)
  })

  it('reads the negated lexemes off Postgres\'s websearch tsquery', () => {
    expect(negatedLexemes("'method' & !'dash' & 'exact' | 'approxim' & !'dash'")).toEqual(['dash'])
    expect(negatedLexemes("'jaguar' & !'car'")).toEqual(['car'])
    expect(negatedLexemes("'o''brien' & !'o''neil'")).toEqual(["o'neil"])
    expect(negatedLexemes("'appl' & !( 'e-mail' <-> 'e' <-> 'mail' )")).toBeNull()
    expect(negatedLexemes("'pie' & 'car'")).toEqual([])
  })
})

describe('search index: when it cannot run', () => {
  it('leaves search to SQL when its worker fails to start', async () => {
    const s = await core.services()
    const broken = createCandidateIndex({ db: s.ctx.db, workerPath: '/nonexistent/search-index.worker.mjs' })
    expect(await broken.whenBuilt()).toBe('failed')
    expect(await broken.query(nearest(null, 5, false))).toBeNull()
    await broken.close()
  })
})

describe('search index: decoding', () => {
  it('reads the tsvector text form: lexemes, quotes, positions and weights', () => {
    expect(parseTsvector("'garden':1,5,9 'o''brien':3A 'plain'")).toEqual({ lexemes: ['garden', "o'brien", 'plain'], tfs: [3, 1, 1] })
    expect(parseTsvector('')).toEqual({ lexemes: [], tfs: [] })
  })

  it("reads pgvector's binary send format and refuses a short buffer", () => {
    const b = Buffer.alloc(4 + 8)
    b.writeUInt16BE(2, 0)
    b.writeFloatBE(0.5, 4)
    b.writeFloatBE(-1, 8)
    expect([...(decodeVector(b) ?? [])]).toEqual([0.5, -1])
    expect(decodeVector(Buffer.alloc(6, 0).fill(9, 0, 1))).toBeNull()
    expect(decodeVector(null)).toBeNull()
  })
})
