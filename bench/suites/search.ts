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
 * The 10k profile is filled by binary bulk insert of rows embedded by the model (the ingest
 * rate is measured separately), then its HNSW index is rebuilt, as a re-embed would.
 *
 * The 100k profile cannot be embedded here in reasonable time (~7 min of ONNX per 100k short
 * texts on a quiet machine, far more under load), so it is COMPOSED: the first 4,000
 * Cranfield sentences are embedded by the model; 4,000 memories are those sentences, and
 * 96,000 are pairs "sentence i. sentence j" (i, j from a seeded PRNG, all distinct) whose
 * vector is the normalised word-count-weighted sum of the two sentence vectors. That is what
 * mean pooling gives for a concatenation up to attention across the join, so the HNSW graph
 * sees the same kind of structure as real data (clusters around shared sentences), and the
 * full-text/trigram branches see real text. (`memoryTexts()` in bench/corpus.ts is not used
 * at 100k: its LCG loses precision in doubles, falls into a short cycle and never finds
 * 100k distinct texts; that is why the 100k run never completed.)
 */
import { readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createAppCore, type AppCore } from '../../src/main/core/app-core'
import { contentHash } from '../../src/main/features/memories/normalize'
import { toVectorParam } from '../../src/main/db/vector'
import { cleanGinPending } from '../../src/main/db/maintenance'
import { memoryTexts, queryTexts } from '../corpus'
import { median, percentile, round, type BenchSuite, type Metric } from '../lib'
import { bulkFillEmbedded, mulberry32, quiet } from '../seed'

const FIXTURE = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'fixtures', 'minilm-l6-random-weights')
const SIZES = (process.env['BENCH_SEARCH_SIZES'] ?? '10000,100000').split(',').map(Number)


const CRANFIELD = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'datasets', 'cranfield', 'corpus.jsonl')
const COMPOSE_BASE = 4000


function cranfieldSentences(): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  for (const line of readFileSync(CRANFIELD, 'utf8').split('\n')) {
    if (!line.trim()) continue
    for (const sentence of (JSON.parse(line) as { text: string }).text.split(/\s\.\s?/)) {
      const words = sentence.trim().split(/\s+/)
      const t = words.join(' ')
      if (words.length >= 5 && words.length <= 40 && !seen.has(t)) {
        seen.add(t)
        out.push(t)
      }
    }
  }
  return out
}

/** See the header: n memories composed from COMPOSE_BASE embedded sentences. */
async function composedFill(core: AppCore, n: number): Promise<void> {
  const { ctx } = await core.services()
  const db = ctx.db
  const base = cranfieldSentences().slice(0, COMPOSE_BASE)
  const vecs: Float32Array[] = []
  for (let i = 0; i < base.length; i += 256) {
    const e = await core.embedder.embed(base.slice(i, i + 256))
    vecs.push(...e)
  }
  const model = core.embedder.status().model
  const words = base.map((t) => t.split(' ').length)
  const rand = mulberry32(20261122)
  const seen = new Set<string>()
  const dim = (vecs[0] as Float32Array).length
  let rows: Array<Record<string, unknown>> = []
  for (let k = 0; k < n; k++) {
    let text: string
    let v: Float32Array
    if (k < base.length) {
      text = base[k] as string
      v = vecs[k] as Float32Array
    } else {
      let i: number, j: number
      do {
        i = Math.floor(rand() * base.length)
        j = Math.floor(rand() * base.length)
      } while (i === j || seen.has(`${i}:${j}`))
      seen.add(`${i}:${j}`)
      text = `${base[i] as string}. ${base[j] as string}`
      const a = vecs[i] as Float32Array
      const b = vecs[j] as Float32Array
      const wa = words[i] as number
      const wb = words[j] as number
      v = new Float32Array(dim)
      let norm = 0
      for (let d = 0; d < dim; d++) {
        const x = wa * (a[d] as number) + wb * (b[d] as number)
        v[d] = x
        norm += x * x
      }
      norm = Math.sqrt(norm) || 1
      for (let d = 0; d < dim; d++) v[d] = (v[d] as number) / norm
    }
    rows.push({
      content: text,
      content_hash: contentHash(text),
      embedding: db.raw('?::vector', [toVectorParam(v)]),
      embedding_dim: dim,
      embedding_model: model,
      embedding_status: 'ready',
      importance: (k % 10) / 10,
      created_at: new Date(Date.now() - (k % 365) * 86400_000)
    })
    if (rows.length === 500) {
      await db('memories').insert(rows)
      rows = []
    }
    if (k % 20_000 === 0) process.stdout.write(`    composed ${k}/${n}\n`)
  }
  if (rows.length) await db('memories').insert(rows)
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
      // Capture latency and ingest on a fresh profile (BENCH_SEARCH_CAPTURE=0 skips them).
      await core.embedder.load()
      if (process.env['BENCH_SEARCH_CAPTURE'] !== '0') {
      await core.profiles.create({ name: 'capture' })
      const svc = await core.services()
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
      }

      for (const n of SIZES) {
        process.stdout.write(`  search at ${n}\n`)
        await core.profiles.create({ name: `n${n}` })
        const c = await core.services()
        await c.embeddingQueue.close()
        await c.ctx.db.raw('drop index memories_embedding_384')
        const composed = n > 10_000
        if (composed) await composedFill(core, n)
        else await bulkFillEmbedded(core, memoryTexts(n))
        const tIdx = performance.now()
        // The graph in memory: building on disk pages is several times slower in WASM.
        await c.ctx.db.raw("set maintenance_work_mem = '512MB'")
        await c.ctx.db.raw("create index memories_embedding_384 on memories using hnsw ((embedding::vector(384)) vector_cosine_ops) where embedding_dim = 384")
        await c.ctx.db.raw('reset maintenance_work_mem')
        for (const t of ['memories']) await cleanGinPending(c.ctx.db, t)
        await c.ctx.db.raw('analyze memories')
        out[`search.hnsw_build_s@${n}`] = { value: round((performance.now() - tIdx) / 1000, 1), unit: 's', note: 'building the HNSW index over all rows' }
        const lat = await searchLatency(core, queries)
        out[`search.hybrid_p50_ms@${n}`] = { value: round(lat.p50, 1), unit: 'ms', note: `100 Cranfield queries; query embedding + one SQL${composed ? `; ${COMPOSE_BASE} embedded sentences composed into ${n} memories (see bench/suites/search.ts)` : ''}` }
        out[`search.hybrid_p95_ms@${n}`] = { value: round(lat.p95, 1), unit: 'ms', target: n >= 100_000 ? '<= 50' : '<= 15' }
        out[`search.keyword_p95_ms@${n}`] = { value: round(lat.keywordP95, 1), unit: 'ms', note: 'no model: full-text + trigram only' }
        out[`search.vector_recall10@${n}`] = { value: round(await recall(core, queries), 3), unit: 'recall', target: '>= 0.95', note: `HNSW ef_search 100 vs exact, 50 queries${composed ? '; composed vectors' : ''}` }
      }
    } finally {
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
    return out
  }
}
