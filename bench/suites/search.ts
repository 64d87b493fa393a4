/**
 * Memories at scale: capture latency, bulk ingest, hybrid search latency and HNSW recall,
 * at N = 10k and 100k memory-like texts (Cranfield sentences), embedded by the real
 * transformers.js pipeline on the RANDOM-WEIGHTS MiniLM fixture (right for speed and
 * dimensions; the vectors carry no meaning, so recall here is index recall, not relevance).
 *
 * - capture.p95_ms: `memories:capture` call until the memory is committed (200 captures,
 *   embedding queue running in the background as in the app).
 * - ingest.memories_per_s: capture 2,000 memories one by one and drain the embedding queue.
 * - search.hybrid_p50_ms@N / p95: `search:query` (query embedding + one SQL with HNSW,
 *   ts_rank_cd, pg_trgm and RRF) for 100 Cranfield queries, after a warm-up.
 * - search.vector_recall10@N: HNSW top 10 (ef_search 100, as search uses) against exact
 *   top 10 for 50 query vectors.
 * The 100k profile is filled by binary bulk insert of embedded rows (the ingest rate is
 * measured separately), then its HNSW index is rebuilt, as a re-embed would.
 */
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createAppCore, type AppCore } from '../../src/main/core/app-core'
import { contentHash } from '../../src/main/features/memories/normalize'
import { toVectorParam } from '../../src/main/db/vector'
import { memoryTexts, queryTexts } from '../corpus'
import { median, percentile, round, type BenchSuite, type Metric } from '../lib'

const FIXTURE = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'fixtures', 'minilm-l6-random-weights')
const quiet = { error: (m: string, e?: unknown) => console.error(m, e), warn: () => undefined, info: () => undefined }
const SIZES = (process.env['BENCH_SEARCH_SIZES'] ?? '10000,100000').split(',').map(Number)

async function bulkFill(core: AppCore, texts: string[]): Promise<void> {
  const { ctx } = await core.services()
  const db = ctx.db
  for (let i = 0; i < texts.length; i += 256) {
    const slice = texts.slice(i, i + 256)
    const vectors = await core.embedder.embed(slice)
    const rows = slice.map((t, j) => ({
      content: t,
      content_hash: contentHash(t),
      embedding: db.raw('?::vector', [toVectorParam(vectors[j] as Float32Array)]),
      embedding_dim: vectors.dim,
      embedding_model: vectors.model,
      embedding_status: 'ready',
      importance: ((i + j) % 10) / 10,
      created_at: new Date(Date.now() - ((i + j) % 365) * 86400_000)
    }))
    await db('memories').insert(rows)
    if (i % 10_000 === 0) process.stdout.write(`    filled ${i}/${texts.length}\n`)
  }
}

async function searchLatency(core: AppCore, queries: string[]): Promise<{ p50: number; p95: number; keywordP95: number }> {
  const s = (await core.services()).search
  for (const q of queries.slice(0, 10)) await s.search({ query: q, k: 10, sources: ['memory', 'document', 'message'], includeArchived: false, recordAccess: false })
  const times: number[] = []
  for (const q of queries) {
    const t = performance.now()
    await s.search({ query: q, k: 10, sources: ['memory', 'document', 'message'], includeArchived: false, recordAccess: true })
    times.push(performance.now() - t)
  }
  const { ctx } = await core.services()
  const kw: number[] = []
  // Keyword-only path (what runs with no model), timed through SQL alone by turning vectors off for the call.
  const saved = core.embedder.status
  ;(core.embedder as { status: typeof saved }).status = () => ({ ...saved(), state: 'missing' })
  for (const q of queries.slice(0, 50)) {
    const t = performance.now()
    await s.search({ query: q, k: 10, sources: ['memory'], includeArchived: false, recordAccess: false })
    kw.push(performance.now() - t)
  }
  ;(core.embedder as { status: typeof saved }).status = saved
  void ctx
  return { p50: median(times), p95: percentile(times, 95), keywordP95: percentile(kw, 95) }
}

async function recall(core: AppCore, queries: string[]): Promise<number> {
  const { ctx } = await core.services()
  const vecs = await core.embedder.embed(queries.slice(0, 50))
  let hit = 0
  for (const v of vecs) {
    const p = toVectorParam(v)
    const approx = await ctx.db.transaction(async (trx) => {
      await trx.raw('set local hnsw.ef_search = 100')
      await trx.raw('set local hnsw.iterative_scan = relaxed_order')
      return (await trx.raw("select id from memories where status = 'active' and embedding_dim = 384 order by embedding::vector(384) <=> ?::vector(384) limit 10", [p])).rows as Array<{ id: string }>
    })
    const exact = await ctx.db.transaction(async (trx) => {
      await trx.raw('set local enable_indexscan = off')
      return (await trx.raw("select id from memories where status = 'active' and embedding_dim = 384 order by embedding <=> ?::vector limit 10", [p])).rows as Array<{ id: string }>
    })
    const truth = new Set(exact.map((r) => r.id))
    hit += approx.filter((r) => truth.has(r.id)).length
  }
  return hit / (vecs.length * 10)
}

export const suite: BenchSuite = {
  name: 'search',
  async run() {
    const out: Record<string, Metric> = {}
    const queries = queryTexts().slice(0, 100)
    const dataDir = join(import.meta.dirname, '..', 'tmp', `search-${Date.now()}`)
    const core = createAppCore({ dataDir, role: 'bench', mode: 'browser', logger: quiet, modelDir: FIXTURE })
    try {
      // Capture latency and ingest on a fresh profile.
      await core.profiles.create({ name: 'capture' })
      const svc = await core.services()
      await core.embedder.load()
      const texts = memoryTexts(2200)
      const captureTimes: number[] = []
      for (const t of texts.slice(0, 200)) {
        const s = performance.now()
        await svc.memories.capture({ content: t, source: 'app' })
        captureTimes.push(performance.now() - s)
      }
      await svc.embeddingQueue.drain()
      const t0 = performance.now()
      for (const t of texts.slice(200)) await svc.memories.capture({ content: t, source: 'app' })
      await svc.embeddingQueue.drain()
      const ingestS = (performance.now() - t0) / 1000
      out['capture.p95_ms'] = { value: round(percentile(captureTimes, 95), 2), unit: 'ms', target: '<= 50', note: `p50 ${round(median(captureTimes), 2)} ms; 200 captures, call until committed` }
      out['ingest.memories_per_s'] = { value: round(2000 / ingestS, 0), unit: 'memories/s', note: '2,000 captures one by one + embedding + HNSW/GIN indexing' }

      for (const n of SIZES) {
        process.stdout.write(`  search at ${n}\n`)
        await core.profiles.create({ name: `n${n}` })
        const c = await core.services()
        await c.embeddingQueue.close()
        await c.ctx.db.raw('drop index memories_embedding_384')
        await bulkFill(core, memoryTexts(n))
        const tIdx = performance.now()
        await c.ctx.db.raw("create index memories_embedding_384 on memories using hnsw ((embedding::vector(384)) vector_cosine_ops) where embedding_dim = 384")
        await c.ctx.db.raw('analyze memories')
        out[`search.hnsw_build_s@${n}`] = { value: round((performance.now() - tIdx) / 1000, 1), unit: 's', note: 'building the HNSW index over all rows' }
        const lat = await searchLatency(core, queries)
        out[`search.hybrid_p50_ms@${n}`] = { value: round(lat.p50, 1), unit: 'ms', note: '100 Cranfield queries; query embedding + one SQL' }
        out[`search.hybrid_p95_ms@${n}`] = { value: round(lat.p95, 1), unit: 'ms', target: n >= 100_000 ? '<= 50' : '<= 15' }
        out[`search.keyword_p95_ms@${n}`] = { value: round(lat.keywordP95, 1), unit: 'ms', note: 'no model: full-text + trigram only' }
        out[`search.vector_recall10@${n}`] = { value: round(await recall(core, queries), 3), unit: 'recall', target: '>= 0.95', note: 'HNSW ef_search 100 vs exact, 50 queries' }
      }
    } finally {
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
    return out
  }
}
