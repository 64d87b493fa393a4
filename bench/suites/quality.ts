/**
 * Retrieval quality on Cranfield 1400 (../shared/datasets/cranfield): the 1,400 abstracts
 * stored as memories, the 225 queries run through Engram's own search, graded nDCG@10
 * (gain 2^score − 1) and recall@10 against qrels/test.tsv, for three rankers:
 * - keyword: the search service with vectors turned off (the path that runs with no model),
 *   measured on the in-process index (BM25, exact document frequencies) and again on the
 *   all-SQL fallback (BM25 over shaped, bounded tsquery candidates; pg_trgm for short queries);
 * - vector: the HNSW cosine top 10 of the query's embedding (ef_search 100), nothing else;
 * - hybrid: the search service as the app runs it (vector + keyword + typo, RRF, boosts).
 * Memories get equal importance and age, so the boosts do not reorder the collection.
 *
 * The model is the RANDOM-WEIGHTS MiniLM fixture unless ENGRAM_QUALITY_MODEL_DIR names a
 * real one: with random weights, vector-only is near zero and fusing it in can only add
 * noise, so hybrid ≤ keyword here says nothing about meaning. The README's plain BM25
 * reference is nDCG@10 0.335.
 */
import { readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createAppCore } from '../../src/main/core/app-core'
import { contentHash } from '../../src/main/features/memories/normalize'
import { toVectorParam } from '../../src/main/db/vector'
import { cleanGinPending } from '../../src/main/db/maintenance'
import { ndcgAt, parseQrels, recallAt } from '../ir-metrics'
import { round, type BenchSuite, type Metric } from '../lib'
import { quiet } from '../seed'

const SHARED = resolve(import.meta.dirname, '..', '..', '..', 'shared')
const CRANFIELD = join(SHARED, 'datasets', 'cranfield')
const FIXTURE = join(SHARED, 'models', 'fixtures', 'minilm-l6-random-weights')

interface Doc {
  _id: string
  title: string
  text: string
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T)
}

export const suite: BenchSuite = {
  name: 'quality',
  async run() {
    const modelDir = process.env['ENGRAM_QUALITY_MODEL_DIR'] ?? FIXTURE
    const random = modelDir === FIXTURE
    const dataDir = join(process.env['TMPDIR'] ?? '/tmp', `engram-bench-quality-${process.pid}`)
    rmSync(dataDir, { recursive: true, force: true })
    const core = createAppCore({ dataDir, role: 'bench', mode: 'cli', modelDir, logger: quiet })
    try {
      await core.router.dispatch('profiles:create', { name: 'Cranfield' })
      const { ctx, search } = await core.services()
      const db = ctx.db
      const docs = readJsonl<Doc>(join(CRANFIELD, 'corpus.jsonl'))
      const queries = readJsonl<{ _id: string; text: string }>(join(CRANFIELD, 'queries.jsonl'))
      const qrels = parseQrels(readFileSync(join(CRANFIELD, 'qrels', 'test.tsv'), 'utf8'))

      // Memory id → Cranfield doc id. Exact duplicates (one pair) and empty abstracts keep the first / the title.
      const docOf = new Map<string, string>()
      const seen = new Set<string>()
      const when = new Date(Date.now() - 86400_000)
      const t0 = performance.now()
      for (let i = 0; i < docs.length; i += 64) {
        const slice = docs
          .slice(i, i + 64)
          .map((d) => ({ id: d._id, content: (d.text.trim() || d.title.trim() || `document ${d._id}`).slice(0, 20_000) }))
          .filter((d) => {
            const h = contentHash(d.content)
            if (seen.has(h)) return false
            seen.add(h)
            return true
          })
        const vectors = await core.embedder.embed(slice.map((d) => d.content))
        const rows = await db('memories')
          .insert(
            slice.map((d, j) => ({
              content: d.content,
              content_hash: contentHash(d.content),
              embedding: db.raw('?::vector', [toVectorParam(vectors[j] as Float32Array)]),
              embedding_dim: vectors.dim,
              embedding_model: vectors.model,
              embedding_status: 'ready',
              importance: 0.5,
              created_at: when
            }))
          )
          .returning('id')
        rows.forEach((r: { id: string }, j) => docOf.set(r.id, slice[j]?.id as string))
      }
      await cleanGinPending(db, 'memories')
      await db.raw('analyze memories')
      const loadS = (performance.now() - t0) / 1000

      const judgedQueries = queries.filter((q) => qrels.has(q._id))
      const score = async (rank: (q: string) => Promise<string[]>): Promise<{ ndcg: number; recall: number }> => {
        let ndcg = 0
        let recall = 0
        for (const q of judgedQueries) {
          const ranked = (await rank(q.text)).map((id) => docOf.get(id) ?? '')
          const judged = qrels.get(q._id) as Map<string, number>
          ndcg += ndcgAt(10, ranked, judged)
          recall += recallAt(10, ranked, judged)
        }
        return { ndcg: ndcg / judgedQueries.length, recall: recall / judgedQueries.length }
      }
      const viaSearch = async (q: string): Promise<string[]> =>
        (await search.search({ query: q, k: 10, sources: ['memory'], includeArchived: false, recordAccess: false })).hits.map((h) => h.id)

      const hybrid = await score(viaSearch)
      const vector = await score(async (q) => {
        const [v] = await core.embedder.embed([q])
        return db.transaction(async (trx) => {
          await trx.raw('set local hnsw.ef_search = 100')
          const dim = (v as Float32Array).length
          const rows = (await trx.raw(`select id from memories where embedding_dim = ${dim} order by embedding::vector(${dim}) <=> ?::vector(${dim}) limit 10`, [toVectorParam(v as Float32Array)]))
            .rows as Array<{ id: string }>
          return rows.map((r) => r.id)
        })
      })
      // The keyword-only path: what search does when no model is available.
      const status = core.embedder.status
      ;(core.embedder as { status: typeof status }).status = () => ({ ...status(), state: 'missing' })
      const keyword = await score(viaSearch)
      // The same keyword-only search on the all-SQL path (what answers while the in-process
      // index builds): BM25 over bounded candidates with idf from the planner's statistics.
      await core.profiles.close()
      process.env['ENGRAM_SEARCH_INDEX'] = 'off'
      let keywordSql: { ndcg: number; recall: number }
      try {
        const sqlSearch = (await core.services()).search
        keywordSql = await score(async (q) => (await sqlSearch.search({ query: q, k: 10, sources: ['memory'], includeArchived: false, recordAccess: false })).hits.map((h) => h.id))
      } finally {
        delete process.env['ENGRAM_SEARCH_INDEX']
        ;(core.embedder as { status: typeof status }).status = status
      }

      const model = random ? 'RANDOM-WEIGHTS fixture (vectors carry no meaning)' : modelDir
      const note = `${judgedQueries.length} queries, ${docOf.size} docs; model: ${model}; loaded+embedded in ${round(loadS)} s`
      const metrics: Record<string, Metric> = {
        'quality.cranfield_ndcg10': { value: round(hybrid.ndcg, 3), unit: 'nDCG@10', note: `hybrid (the app's search). ${note}` },
        'quality.cranfield_ndcg10_keyword': { value: round(keyword.ndcg, 3), unit: 'nDCG@10', target: '>= 0.335 (plain BM25)', note: 'keyword-only (no model): the in-process index BM25 (exact document frequencies)' },
        'quality.cranfield_ndcg10_keyword_sql': { value: round(keywordSql.ndcg, 3), unit: 'nDCG@10', note: 'keyword-only on the all-SQL path (bounded candidates, idf from planner statistics)' },
        'quality.cranfield_ndcg10_vector': { value: round(vector.ndcg, 3), unit: 'nDCG@10', note: random ? 'HNSW top 10; random weights: expect ~0' : 'HNSW top 10' },
        'quality.cranfield_ndcg10_hybrid': {
          value: round(hybrid.ndcg, 3),
          unit: 'nDCG@10',
          target: random ? undefined : `>= keyword (${round(keyword.ndcg, 3)})`,
          note: random ? 'random-weight vectors only add noise to the fusion; compare with a real model' : 'hybrid'
        } as Metric,
        'quality.cranfield_recall10_keyword': { value: round(keyword.recall, 3), unit: 'recall@10' },
        'quality.cranfield_recall10_hybrid': { value: round(hybrid.recall, 3), unit: 'recall@10' }
      }
      if (metrics['quality.cranfield_ndcg10_hybrid']?.target === undefined) delete metrics['quality.cranfield_ndcg10_hybrid']?.target
      return metrics
    } finally {
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
