/**
 * Memories at scale: capture latency, bulk ingest, hybrid search latency and HNSW recall,
 * at N = 10k and 100k memory-like texts (Cranfield sentences), embedded by the real
 * transformers.js pipeline on the RANDOM-WEIGHTS MiniLM fixture (right for speed and
 * dimensions; the vectors carry no meaning, so recall here is index recall, not relevance).
 *
 * - capture.p95_ms: `memories:capture` call until the memory is committed (200 captures,
 *   embedding queue running in the background as in the app).
 * - ingest.memories_per_s: capture 2,000 memories one by one and drain the embedding queue.
 * - search.hybrid_p50_ms@N / p95: `search:query` (query embedding; the in-process index's
 *   usearch HNSW + BM25, filters, RRF and boost; memories come back with their rows, other
 *   hits are read by one SQL statement), recording access as the app does. Median over three
 *   runs, each of 75 of the 225 Cranfield queries (each query measured once, so no query
 *   vector comes from the search's small LRU of recent ones), after a warm-up of 100 corpus
 *   sentences searched the same way (V8 tiers the main and index threads' search code up over
 *   the first ~100 searches: with 25, the first run's p50 was ~2 ms higher than the others';
 *   the warm-up's own p95 is in the note, as the cold start).
 * - search.index_build_s@N: the in-process index built from the tables (what every app start
 *   pays in the background; search runs all in SQL meanwhile); search.index_rss_mb@N: the
 *   process RSS it added.
 * - search.vector_recall10@N: the index's HNSW top 10 against exact top 10 (Postgres,
 *   sequential scan) for 50 query vectors; search.pgvector_recall10@N: the same for pgvector's
 *   HNSW at ef_search 100 (the all-SQL path's).
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
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createAppCore, type AppCore } from '../../src/main/core/app-core'
import { toVectorParam } from '../../src/main/db/vector'
import { cleanGinPending } from '../../src/main/db/maintenance'
import { nearestQuery } from '../../src/main/features/search/candidate-index'
import { memoryTexts, queryTexts } from '../corpus'
import { median, percentile, round, type BenchSuite, type Metric } from '../lib'
import { bulkFillEmbedded, COMPOSE_BASE, composedFill, cranfieldSentences, quiet } from '../seed'

const FIXTURE = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'fixtures', 'minilm-l6-random-weights')
/** BENCH_SEARCH_SIZES=none runs only capture and ingest. */
const SIZES = (process.env['BENCH_SEARCH_SIZES'] ?? '10000,100000').split(',').map(Number).filter((n) => n > 0)


/** Repeated runs of the latency measurement, each on queries no other run (nor the warm-up) used. */
const RUNS = 3

async function searchLatency(
  core: AppCore,
  queries: string[],
  warmup: string[]
): Promise<{ p50: number; p95: number; runs: string; keywordP95: number; sql: number; coldP95: number }> {
  const s = (await core.services()).search
  let sql = 0
  const cold: number[] = []
  for (const q of warmup) {
    const t = performance.now()
    await s.search({ query: q, k: 10, sources: ['memory', 'document', 'message'], includeArchived: false, recordAccess: true })
    cold.push(performance.now() - t)
  }
  const per = Math.floor(queries.length / RUNS)
  const runs: Array<{ p50: number; p95: number }> = []
  for (let r = 0; r < RUNS; r++) {
    const times: number[] = []
    for (const q of queries.slice(r * per, (r + 1) * per)) {
      const t = performance.now()
      const res = await s.search({ query: q, k: 10, sources: ['memory', 'document', 'message'], includeArchived: false, recordAccess: true })
      times.push(performance.now() - t)
      if (res.engine === 'sql') sql++
    }
    runs.push({ p50: median(times), p95: percentile(times, 95) })
  }
  const { ctx, memories } = await core.services()
  // The runs' access counts are written now (listing memories flushes them): otherwise the
  // writes start 750 ms into the keyword runs below, which record none, and run alongside.
  await memories.list({ status: 'active', sort: 'recent', limit: 1 })
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
  const show = runs.map((r) => `${round(r.p50, 1)}/${round(r.p95, 1)}`).join(', ')
  return { p50: median(runs.map((r) => r.p50)), p95: median(runs.map((r) => r.p95)), runs: show, keywordP95: percentile(kw, 95), sql, coldP95: percentile(cold, 95) }
}

async function recall(core: AppCore, queries: string[]): Promise<{ index: number; pgvector: number }> {
  const { ctx, searchIndex } = await core.services()
  const vecs = await core.embedder.embed(queries.slice(0, 50))
  let hit = 0
  let indexHit = 0
  for (const v of vecs) {
    const p = toVectorParam(v)
    const fromIndex = (await searchIndex?.query(nearestQuery(v, 10, false)))?.lists.memory?.vector ?? []
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
    indexHit += fromIndex.filter((id) => truth.has(id)).length
  }
  return { index: indexHit / (vecs.length * 10), pgvector: hit / (vecs.length * 10) }
}

export const suite: BenchSuite = {
  name: 'search',
  async run() {
    const out: Record<string, Metric> = {}
    // Every Cranfield query, measured once (three runs of 75); the warm-up searches memory-like sentences instead.
    const queries = queryTexts()
    const warmup = cranfieldSentences().slice(-100)
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
        // The profile is reopened, as at app start: the index builds from the tables.
        const rss0 = process.memoryUsage().rss
        await core.profiles.close()
        const tBuild = performance.now()
        const reopened = await core.services()
        const state = await reopened.searchIndex?.whenBuilt()
        if (state !== 'ready') throw new Error(`search index ${state}`)
        out[`search.index_build_s@${n}`] = { value: round((performance.now() - tBuild) / 1000, 1), unit: 's', note: 'reopen the profile until the in-process index is ready (read every row; HNSW f16 + BM25 in the index thread, batches added on two threads)' }
        out[`search.index_rss_mb@${n}`] = { value: round((process.memoryUsage().rss - rss0) / 1e6, 0), unit: 'MB', note: 'process RSS after reopening with the index, minus before (crude: includes garbage not yet collected; can come out negative)' }
        const lat = await searchLatency(core, queries, warmup)
        if (lat.sql > 0) process.stdout.write(`    ${lat.sql} of ${queries.length} searches ran all in SQL (phrase/exclusion syntax or filtered fallback)\n`)
        out[`search.hybrid_p50_ms@${n}`] = { value: round(lat.p50, 1), unit: 'ms', note: `median of ${RUNS} runs of ${Math.floor(queries.length / RUNS)} Cranfield queries, none seen before (p50/p95 per run: ${lat.runs}; ${lat.sql} answered all in SQL; after a warm-up of 100 searches whose own p95 was ${round(lat.coldP95, 1)} ms); query embedding + index ranking (+ one SQL read when a hit is not a memory)${composed ? `; ${COMPOSE_BASE} embedded sentences composed into ${n} memories (see bench/suites/search.ts)` : ''}` }
        out[`search.hybrid_p95_ms@${n}`] = { value: round(lat.p95, 1), unit: 'ms', target: n >= 100_000 ? '<= 50' : '<= 15', note: `median over ${RUNS} runs of each run's p95` }
        out[`search.keyword_p95_ms@${n}`] = { value: round(lat.keywordP95, 1), unit: 'ms', note: 'no model: index BM25 (hits that are memories need no SQL read; trigram SQL for short queries with few matches)' }
        if (n === SIZES[0]) {
          // The floor of hybrid latency: embedding the query alone (one text, high priority, no cache).
          const emb: number[] = []
          for (const q of queries) {
            const t = performance.now()
            await core.embedder.embed([q], { priority: 'high' })
            emb.push(performance.now() - t)
          }
          out['search.query_embed_p50_ms'] = { value: round(median(emb), 1), unit: 'ms', note: `embedding one Cranfield query alone (225 queries; the floor under search.hybrid_*; p95 ${round(percentile(emb, 95), 1)} ms)` }
          out['search.query_embed_p95_ms'] = { value: round(percentile(emb, 95), 1), unit: 'ms' }
          // Searching while an import embeds long chunks in the background (both embedder
          // workers busy): a query runs between two of a batch's texts, not after the batch.
          const words = cranfieldSentences().slice(0, 4000).join(' ').split(' ')
          const chunks = Array.from({ length: 160 }, (_, i) => words.slice(i * 180, (i + 1) * 180).join(' '))
          let bulkDone = false
          const bulk = core.embedder.embed(chunks).then(() => (bulkDone = true))
          await new Promise((r) => setTimeout(r, 500))
          const during: number[] = []
          for (const q of cranfieldSentences().slice(-140, -100)) {
            if (bulkDone) break
            const t = performance.now()
            await (await core.services()).search.search({ query: q, k: 10, sources: ['memory', 'document', 'message'], includeArchived: false, recordAccess: false })
            during.push(performance.now() - t)
          }
          await bulk
          out[`search.hybrid_p95_ms_while_embedding@${n}`] = {
            value: round(percentile(during, 95), 1),
            unit: 'ms',
            note: `${during.length} searches while 160 texts of 180 words were being embedded (p50 ${round(median(during), 1)} ms); each waits for the text in the worker to finish (~30 ms), then runs before the rest of its batch`
          }
        }
        const rc = await recall(core, queries)
        out[`search.vector_recall10@${n}`] = { value: round(rc.index, 3), unit: 'recall', target: '>= 0.95', note: `the index's HNSW (usearch, f16, M 16, ef_search 256) vs exact, 50 queries${composed ? '; composed vectors' : ''}` }
        out[`search.pgvector_recall10@${n}`] = { value: round(rc.pgvector, 3), unit: 'recall', note: `pgvector HNSW at ef_search 100 (the all-SQL path) vs exact, 50 queries${composed ? '; composed vectors' : ''}` }
      }
    } finally {
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
    return out
  }
}
