/**
 * Hybrid search over memories, document chunks and chat messages in ONE SQL query:
 * pgvector HNSW (cosine), Postgres full-text (`ts_rank_cd`) and pg_trgm word similarity
 * (for typos), fused with reciprocal rank fusion, then boosted for recency, importance and
 * access on memories. Without a model or embeddings it runs on keyword search alone.
 *
 * Keyword ranking is PGlite's bottleneck (`ts_rank_cd` scores every matching row), so the
 * query is shaped: AND-matches first (usually few), OR-matches only when AND finds fewer
 * than k, and both candidate sets are bounded before ranking.
 */
import type { Knex } from 'knex'
import type { SearchHit, SearchResponse, SearchSource } from '../../../shared/types'
import { toVectorParam } from '../../db/vector'
import type { Embedder } from '../embeddings/embedder'
import { memoriesRepository } from '../memories/memories.repository'

export interface SearchInput {
  query: string
  k: number
  sources: SearchSource[]
  types?: string[] | undefined
  topics?: string[] | undefined
  from?: string | undefined
  to?: string | undefined
  includeArchived: boolean
  recordAccess: boolean
}

export interface SearchTuning {
  /** RRF constant. */
  rrfK: number
  recencyWeight: number
  importanceWeight: number
  accessWeight: number
  /** Days for the recency boost to fall to 1/e. */
  recencyDays: number
  efSearch: number
}

export const DEFAULT_TUNING: SearchTuning = { rrfK: 60, recencyWeight: 0.3, importanceWeight: 0.3, accessWeight: 0.1, recencyDays: 30, efSearch: 100 }

const TUNING_KEYS: Record<string, keyof SearchTuning> = {
  'search.rrf_k': 'rrfK',
  'search.recency_weight': 'recencyWeight',
  'search.importance_weight': 'importanceWeight',
  'search.access_weight': 'accessWeight',
  'search.recency_days': 'recencyDays',
  'search.ef_search': 'efSearch'
}

export interface SearchService {
  search(input: SearchInput): Promise<SearchResponse>
}

/** Collects SQL text and its positional bindings together, so they cannot drift apart. */
class Sql {
  readonly parts: string[] = []
  readonly bindings: unknown[] = []
  add(text: string, ...values: unknown[]): this {
    if ((text.match(/\?/g) ?? []).length !== values.length) throw new Error(`binding count mismatch in: ${text}`)
    this.parts.push(text)
    this.bindings.push(...values)
    return this
  }
  toString(): string {
    return this.parts.join('\n')
  }
}

interface HitRow {
  src: SearchSource
  id: string
  score: number
  via: string[]
  text: string
  snippet: string
  created_at: Date
  type: string | null
  topics: string[] | null
  importance: number | null
  tier: string | null
  pinned: boolean | null
  document_id: string | null
  document_name: string | null
  page: number | null
  char_start: number | null
  char_end: number | null
  chunk_index: number | null
  session_id: string | null
  session_title: string | null
  role: string | null
}

async function loadTuning(db: Knex): Promise<SearchTuning> {
  const rows = (await db('settings').whereIn('key', Object.keys(TUNING_KEYS)).select('key', 'value')) as Array<{ key: string; value: unknown }>
  const t = { ...DEFAULT_TUNING }
  for (const r of rows) {
    const k = TUNING_KEYS[r.key]
    if (k && typeof r.value === 'number' && Number.isFinite(r.value)) t[k] = r.value
  }
  return t
}

export function createSearchService({ db, embedder }: { db: Knex; embedder: Embedder }): SearchService {
  async function queryVector(query: string): Promise<Float32Array | null> {
    const state = embedder.status().state
    if (state === 'missing' || state === 'failed') return null
    try {
      const [v] = await embedder.embed([query], { priority: 'high' })
      return v ?? null
    } catch {
      return null
    }
  }

  return {
    async search(input) {
      const t0 = performance.now()
      const tuning = await loadTuning(db)
      const vec = await queryVector(input.query)
      const k1 = Math.max(50, input.k * 5)
      const memoryOnly = (input.types?.length ?? 0) > 0 || (input.topics?.length ?? 0) > 0
      const want = (s: SearchSource): boolean => input.sources.includes(s) && (s === 'memory' || !memoryOnly)
      const useTrigram = input.query.length <= 64
      const dim = vec?.length ?? 0
      const vparam = vec ? toVectorParam(vec) : null
      const vt = `vector(${dim})`

      const sql = new Sql()
      sql.add(
        `with q as (select websearch_to_tsquery('english', ?) as tsq_and,
                           coalesce(nullif(replace(websearch_to_tsquery('english', ?)::text, ' & ', ' | '), ''), '''''')::tsquery as tsq_or)`,
        input.query,
        input.query
      )

      /** Filters per source, with their bindings. */
      const memFilter = new Sql().add(input.includeArchived ? "m.status in ('active', 'archived')" : "m.status = 'active'")
      if (input.types?.length) memFilter.add('and m.type = any(?::text[])', input.types)
      if (input.topics?.length) memFilter.add('and m.topics && ?::text[]', input.topics)
      if (input.from) memFilter.add('and m.created_at >= ?', input.from)
      if (input.to) memFilter.add('and m.created_at <= ?', input.to)
      const docFilter = new Sql().add("d.status = 'ready'")
      if (!input.includeArchived) docFilter.add('and d.archived_at is null')
      if (input.from) docFilter.add('and c.created_at >= ?', input.from)
      if (input.to) docFilter.add('and c.created_at <= ?', input.to)
      const msgFilter = new Sql().add("g.status <> 'streaming'")
      if (!input.includeArchived) msgFilter.add('and s.archived_at is null')
      if (input.from) msgFilter.add('and g.created_at >= ?', input.from)
      if (input.to) msgFilter.add('and g.created_at <= ?', input.to)

      const branches: Record<SearchSource, string[]> = { memory: [], document: [], message: [] }
      const sources: Array<{ src: SearchSource; table: string; alias: string; text: string; from: string; filter: Sql }> = [
        { src: 'memory', table: 'memories', alias: 'm', text: 'm.content', from: 'memories m', filter: memFilter },
        { src: 'document', table: 'document_chunks', alias: 'c', text: 'c.text', from: 'document_chunks c join documents d on d.id = c.document_id', filter: docFilter },
        { src: 'message', table: 'messages', alias: 'g', text: 'g.content', from: 'messages g join sessions s on s.id = g.session_id', filter: msgFilter }
      ]
      for (const s of sources) {
        if (!want(s.src)) continue
        const a = s.alias
        const f = s.filter
        if (vparam) {
          sql.add(`, v_${a} as (select id, row_number() over (order by dist) as r from (
                     select ${a}.id, ${a}.embedding::${vt} <=> ?::${vt} as dist from ${s.from}
                      where ${a}.embedding_dim = ${dim} and ${f}
                      order by ${a}.embedding::${vt} <=> ?::${vt} limit ${k1}) x)`, vparam, ...f.bindings, vparam)
          branches[s.src].push(`select id, r, 'vector' as via from v_${a}`)
        }
        sql.add(`, ka_${a} as (select ${a}.id, ${a}.tsv from ${s.from}, q where ${a}.tsv @@ q.tsq_and and ${f} limit 5000)`, ...f.bindings)
        sql.add(`, ko_${a} as (select ${a}.id, ${a}.tsv from ${s.from}, q
                   where (select count(*) from ka_${a}) < ${input.k} and ${a}.tsv @@ q.tsq_or and ${f} limit 2000)`, ...f.bindings)
        sql.add(`, k_${a} as (select id, row_number() over (order by rank desc) as r from (
                   select x.id, ts_rank_cd(x.tsv, q.tsq_and) + 1 as rank from ka_${a} x, q
                   union all
                   select y.id, ts_rank_cd(y.tsv, q.tsq_or) from ko_${a} y, q where y.id not in (select id from ka_${a})
                 ) z order by rank desc limit ${k1})`)
        branches[s.src].push(`select id, r, 'keyword' as via from k_${a}`)
        if (s.src === 'memory' && useTrigram) {
          sql.add(`, t_m as (select id, row_number() over (order by sim desc) as r from (
                     select m.id, word_similarity(?, m.content) as sim from memories m
                      where ? <% m.content and ${f} order by sim desc limit ${k1}) x)`, input.query, input.query, ...f.bindings)
          branches.memory.push(`select id, r, 'typo' as via from t_m`)
        }
      }
      const fusedParts = (Object.keys(branches) as SearchSource[])
        .filter((src) => branches[src].length > 0)
        .map(
          (src) => `select '${src}'::text as src, id, sum(1.0 / (${tuning.rrfK} + r)) as s, array_agg(distinct via) as via
                      from (${branches[src].join(' union all ')}) b group by id`
        )
      if (fusedParts.length === 0) return { hits: [], mode: vec ? 'hybrid' : 'keyword', tookMs: 0 }
      sql.add(`, fused as (${fusedParts.join(' union all ')})`)
      sql.add(
        `, top as (
           select f.src, f.id, f.via,
                  f.s * case when f.src = 'memory' then
                    1 + ? * exp(-extract(epoch from (now() - coalesce(m.last_accessed_at, m.created_at))) / 86400.0 / ?)
                      + ? * m.importance
                      + ? * ln(1 + least(m.access_count, 1000)) / ln(1001)
                      + case when m.pinned then 0.2 else 0 end
                  else 1 end as score
             from fused f left join memories m on f.src = 'memory' and m.id = f.id
            order by score desc limit ${input.k})`,
        tuning.recencyWeight,
        tuning.recencyDays,
        tuning.importanceWeight,
        tuning.accessWeight
      )
      sql.add(`select t.src, t.id, t.score, t.via,
                      coalesce(m.content, c.text, g.content) as text,
                      ts_headline('english', coalesce(m.content, c.text, g.content), q.tsq_or,
                        'StartSel=«, StopSel=», MaxWords=40, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') as snippet,
                      coalesce(m.created_at, c.created_at, g.created_at) as created_at,
                      m.type, m.topics, m.importance, m.tier, m.pinned,
                      d.id as document_id, d.name as document_name, c.page, c.char_start, c.char_end, c.chunk_index,
                      g.session_id, se.title as session_title, g.role
                 from top t cross join q
                 left join memories m on t.src = 'memory' and m.id = t.id
                 left join document_chunks c on t.src = 'document' and c.id = t.id
                 left join documents d on d.id = c.document_id
                 left join messages g on t.src = 'message' and g.id = t.id
                 left join sessions se on se.id = g.session_id
                order by t.score desc`)

      const rows = await db.transaction(async (trx) => {
        if (vparam) {
          await trx.raw(`set local hnsw.ef_search = ${Math.max(10, Math.min(1000, Math.round(tuning.efSearch)))}`)
          await trx.raw('set local hnsw.iterative_scan = relaxed_order')
        }
        return (await trx.raw(sql.toString(), sql.bindings as Knex.RawBinding[])).rows as HitRow[]
      })

      const hits: SearchHit[] = rows.map((r): SearchHit => ({
        source: r.src,
        id: r.id,
        text: r.text,
        snippet: r.snippet,
        score: Number(r.score),
        matchedBy: r.via as SearchHit['matchedBy'],
        createdAt: r.created_at.toISOString(),
        meta: (r.src === 'memory'
            ? { type: r.type, topics: r.topics ?? [], importance: r.importance === null ? null : Number(r.importance), tier: r.tier, pinned: r.pinned }
            : r.src === 'document'
              ? { documentId: r.document_id, documentName: r.document_name, page: r.page, charStart: r.char_start, charEnd: r.char_end, chunkIndex: r.chunk_index }
              : { sessionId: r.session_id, sessionTitle: r.session_title, role: r.role }) as SearchHit['meta']
      }))
      if (input.recordAccess) await memoriesRepository.touch(db, hits.filter((h) => h.source === 'memory').map((h) => h.id))
      return { hits, mode: vec ? 'hybrid' : 'keyword', tookMs: Math.round((performance.now() - t0) * 10) / 10 }
    }
  }
}
