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
import type { EmbedOptions, Embedder } from '../embeddings/embedder'
import { runStatement } from './statement'
import { ACTIVE_EMBEDDING_KEY, parseActiveEmbedding, readActiveEmbedding } from '../reembed/active'
import { BIG_SYNC, type CandidateIndex, type Candidates, type RankedHit } from './candidate-index'

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

/**
 * The tuning settings, the profile's active embedding space, the query's lexemes (and the
 * ones it excludes), and how long the search index's change log is: one round trip.
 */
async function loadQueryContext(
  db: Knex,
  query: string
): Promise<{ tuning: SearchTuning; lexemes: string[]; exclude: string[]; sqlOnly: boolean; activeDim: number | null; pending: number }> {
  const excludes = EXCLUSION.test(query)
  const r = await db.raw(
    `select coalesce(tsvector_to_array(to_tsvector('english', ?)), '{}') as l,
            coalesce((select json_object_agg(key, value) from settings where key = any(?::text[])), '{}'::json) as t,
            (select count(*)::int from (select 1 from search_changes limit ${BIG_SYNC + 1}) c) as pending,
            ${excludes ? "websearch_to_tsquery('english', ?)::text" : 'null::text'} as w`,
    [query, [...Object.keys(TUNING_KEYS), ACTIVE_EMBEDDING_KEY], ...(excludes ? [query] : [])]
  )
  const row = r.rows[0] as { l: string[]; t: Record<string, unknown>; pending: number; w: string | null }
  const t = { ...DEFAULT_TUNING }
  for (const [key, value] of Object.entries(row.t)) {
    const k = TUNING_KEYS[key]
    if (k && typeof value === 'number' && Number.isFinite(value)) t[k] = value
  }
  const negated = row.w === null ? [] : negatedLexemes(row.w)
  return {
    tuning: t,
    // ("-1999" is also a signed number to to_tsvector: lexeme '-1999'.)
    lexemes: negated?.length ? row.l.filter((l) => !negated.includes(l) && !negated.includes(l.replace(/^-/, ''))) : row.l,
    exclude: negated ?? [],
    sqlOnly: negated === null,
    activeDim: parseActiveEmbedding(row.t[ACTIVE_EMBEDDING_KEY])?.dim ?? null,
    pending: row.pending
  }
}

/**
 * The lexemes a websearch tsquery negates one by one (`!'dash'` from "-dash"), or null when
 * it negates a group (`!( … )`, from a negated phrase or compound word such as "-e-mail"),
 * which only SQL evaluates.
 */
export function negatedLexemes(tsquery: string): string[] | null {
  if (/!\s*\(/.test(tsquery)) return null
  const out: string[] = []
  for (const m of tsquery.matchAll(/(!?)\s*'((?:[^'\\]|''|\\.)*)'/g)) if (m[1]) out.push((m[2] ?? '').replace(/''/g, "'").replace(/\\(.)/g, '$1'))
  return [...new Set(out)]
}

/**
 * Query shaping for full-text search. Matching rows, not ranking them, is what costs in
 * PGlite (~25 µs a matched row on this machine), and long natural-language queries OR-ed
 * together match half the table. So each source gets its own tsqueries built from the
 * query's lexemes ordered by rarity (from the planner's most-common-element statistics):
 * AND over the rarest few, and OR over the rarest ones whose expected matches fit a budget.
 * A query with websearch syntax (quotes, -exclusions, "or") is taken as the user wrote it.
 */
const OR_BUDGET_ROWS = 400
const RECENT_VECTORS = 128
const AND_TERMS = 4
const STATS_TTL_MS = 10 * 60 * 1000
/** Below this many rows a table is not analysed on demand: every lexeme is rare enough. */
const MIN_ANALYZE_ROWS = 50
/** BM25 parameters (the usual defaults; on Cranfield they beat k1 0.9 / b 0.4 here). */
const BM25_K1 = 1.2
const BM25_B = 0.75

/**
 * Okapi BM25 inverse document frequency of each lexeme, from the planner's statistics:
 * a lexeme's most-common-element frequency times the row count is its document frequency;
 * one missing from the statistics is at most as frequent as the least frequent listed.
 */
export function bm25Idf(lexemes: string[], stats: TermStats | null): number[] {
  const n = Math.max(1, stats?.rows ?? 1)
  return lexemes.map((l) => {
    if (!stats) return 1
    const df = Math.min(n, Math.max(0.5, (stats.freq.get(l) ?? stats.floor) * n))
    return Math.log(1 + (n - df + 0.5) / (df + 0.5))
  })
}

interface TermStats {
  at: number
  rows: number
  freq: Map<string, number>
  /** Frequency to assume for a lexeme missing from the statistics. */
  floor: number
  /** Mean distinct lexemes per row (BM25's average document length), from a sample. */
  avgdl: number
}

export interface ShapedQuery {
  and: string
  or: string
}

const quoteLexeme = (l: string): string => `'${l.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

export function shapeQuery(lexemes: string[], stats: TermStats | null): ShapedQuery {
  const unique = [...new Set(lexemes)]
  if (unique.length === 0) return { and: '', or: '' }
  const f = (l: string): number => stats?.freq.get(l) ?? stats?.floor ?? 0
  const byRarity = [...unique].sort((a, b) => f(a) - f(b))
  const and = byRarity.slice(0, AND_TERMS).map(quoteLexeme).join(' & ')
  const rows = stats?.rows ?? 0
  const or: string[] = []
  let expected = 0
  for (const l of byRarity) {
    expected += f(l) * rows
    if (or.length > 0 && expected > OR_BUDGET_ROWS) break
    or.push(quoteLexeme(l))
  }
  return { and, or: or.join(' | ') }
}

const USER_SYNTAX = /["']|(^|\s)-\w|\bor\b/i
/**
 * Phrases: what the index cannot match (it holds no word positions). Only double quotes
 * make a phrase in websearch syntax; an apostrophe ("Reynolds' number") does not. An OR it
 * can express (it ranks any-term matches), and an exclusion (-word) too: no row with an
 * excluded word is a candidate, in either list, on both paths.
 */
const PHRASE = /"/
/** Maybe an exclusion in websearch syntax ("-word", "- word"); Postgres's parse of the query decides. */
const EXCLUSION = /(^|\s)-/

async function termStats(db: Knex, table: string, cache: Map<string, TermStats>): Promise<TermStats | null> {
  const hit = cache.get(table)
  if (hit && Date.now() - hit.at < STATS_TTL_MS) return hit
  const r = await db.raw(
    `select c.reltuples::float8 as rows, s.most_common_elems::text::text[] as elems, s.most_common_elem_freqs as freqs
       from pg_class c left join pg_stats s on s.tablename = c.relname and s.attname = 'tsv' and s.schemaname = current_schema()
      where c.relname = ? and c.relnamespace = current_schema()::regnamespace`,
    [table]
  )
  const row = r.rows[0] as { rows: number; elems: string[] | null; freqs: number[] | null } | undefined
  if (!row) return null
  if (!row.elems && row.rows < 0) {
    // Never analysed: statistics are cheap to take now and make every later search faster.
    const live = Number((await db.raw(`select count(*)::int as n from ${table}`)).rows[0].n)
    if (live < MIN_ANALYZE_ROWS) return null
    await db.raw(`analyze ${table}`)
    return termStats(db, table, new Map())
  }
  const freq = new Map<string, number>()
  ;(row.elems ?? []).forEach((e, i) => freq.set(e, Number(row.freqs?.[i] ?? 0)))
  // Elements below the statistics' smallest listed frequency are at most that frequent.
  const listed = (row.freqs ?? []).slice(0, freq.size)
  const floor = listed.length ? Math.min(...listed) : 0.0005
  const sample = await db.raw(`select coalesce(avg(length(tsv)), 1)::float8 as a from (select tsv from ${table} limit 2000) s`)
  const avgdl = Math.max(1, Number((sample.rows[0] as { a: number }).a) || 1)
  const stats = { at: Date.now(), rows: Math.max(0, row.rows), freq, floor, avgdl }
  cache.set(table, stats)
  return stats
}

/**
 * A memory's boost for recency, importance, access and pinning (the four `?` are
 * boostBindings). float8 throughout: numeric `exp()` and `extract()` cost ~90 µs a row in PGlite.
 */
const BOOST = `(1 + ?::float8 * exp(-date_part('epoch', now() - coalesce(m.last_accessed_at, m.created_at)) / 86400.0::float8 / ?::float8)
                    + ?::float8 * m.importance
                    + ?::float8 * ln(1 + least(m.access_count, 1000))::float8 / ln(1001::float8)
                    + case when m.pinned then 0.2::float8 else 0::float8 end)`
const boostBindings = (t: SearchTuning): number[] => [t.recencyWeight, t.recencyDays, t.importanceWeight, t.accessWeight]

/** The last part of every search statement: the hits of CTE `top(src, id, via, score)`, with their rows and snippets. */
function addFinalSelect(sql: Sql): void {
  sql.add(`, hl as (select coalesce(nullif(replace(q.tsq_user::text, ' & ', ' | '), ''), '''''')::tsquery as tsq_hl from q)`)
  sql.add(`select t.src, t.id, t.score, t.via,
                    coalesce(m.content, c.text, g.content) as text,
                    case when t.src = 'document'
                      then ts_headline('english', c.text, q.tsq_hl, 'StartSel=«, StopSel=», MaxWords=40, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "')
                      -- Memories and messages are short: one cover, without fragment selection (~25 µs a row against ~330 µs in PGlite).
                      else ts_headline('english', coalesce(m.content, g.content), q.tsq_hl, 'StartSel=«, StopSel=», MaxWords=40, MinWords=12') end as snippet,
                    coalesce(m.created_at, c.created_at, g.created_at) as created_at,
                    m.type, m.topics, m.importance, m.tier, m.pinned,
                    d.id as document_id, d.name as document_name, c.page, c.char_start, c.char_end, c.chunk_index,
                    g.session_id, se.title as session_title, g.role
               from top t cross join hl q
               left join memories m on t.src = 'memory' and m.id = t.id
               left join document_chunks c on t.src = 'document' and c.id = t.id
               left join documents d on d.id = c.document_id
               left join messages g on t.src = 'message' and g.id = t.id
               left join sessions se on se.id = g.session_id
              -- a row deleted since the index answered is left out
              where coalesce(m.id, c.id, g.id) is not null
              order by t.score desc, t.src, t.id`)
}

/** A hit the index answered with its row (a memory). */
function indexHit(h: RankedHit): SearchHit {
  const r = h.row
  if (!r) throw new Error('indexHit: no row')
  return {
    source: 'memory',
    id: h.id,
    text: r.text,
    snippet: r.snippet,
    score: h.score,
    matchedBy: [...(h.keyword ? ['keyword' as const] : []), ...(h.vector ? ['vector' as const] : [])],
    createdAt: new Date(r.created).toISOString(),
    meta: { type: r.type, topics: r.topics, importance: r.importance, tier: r.tier, pinned: r.pinned } as SearchHit['meta']
  }
}

export function createSearchService({
  db,
  embedder,
  recordAccess,
  index
}: {
  db: Knex
  embedder: Embedder
  recordAccess: (ids: string[]) => void
  /** The in-process candidate index; without it (or while it builds) search runs all in SQL. */
  index?: CandidateIndex | undefined
}): SearchService {
  const statsCache = new Map<string, TermStats>()
  /** Recent query vectors (LRU), per model fingerprint and space: a repeated or re-run search skips the embedder. */
  const recentVectors = new Map<string, Float32Array>()
  /** The active space's dimension the last query vector was made for (null: the model's own). */
  let spaceOfLastVector: number | null = null
  /** The active space as last read (undefined: not read yet), so the query embedding need not wait for the read. */
  let knownSpace: number | null | undefined
  async function queryVector(query: string, space: number | null, forward?: EmbedOptions['forward']): Promise<Float32Array | null> {
    const state = embedder.status().state
    if (state === 'missing' || state === 'failed') return null
    try {
      const status = embedder.status()
      const key = status.state === 'ready' && status.fingerprint ? `${status.fingerprint}\u0000${space ?? ''}\u0000${query}` : null
      const cached = key ? recentVectors.get(key) : undefined
      if (cached && key) {
        recentVectors.delete(key)
        recentVectors.set(key, cached)
        return cached
      }
      const [v] = await embedder.embed([query], { priority: 'high', ...(space ? { dim: space } : {}), ...(forward ? { forward } : {}) })
      if (v && key) {
        recentVectors.set(key, v)
        if (recentVectors.size > RECENT_VECTORS) recentVectors.delete(recentVectors.keys().next().value as string)
      }
      return v ?? null
    } catch {
      return null
    }
  }

  const service: SearchService = {
    /**
     * A search that straddles a re-embed's switch embedded the query in the old space but
     * met rows already in the new one, so its vector branch found nothing: it runs once more
     * in the new space (only then: the check is one settings read when no vector matched).
     */
    async search(input) {
      const first = await searchOnce(input)
      if (first.mode !== 'hybrid' || first.hits.some((h) => h.matchedBy.includes('vector'))) return first
      const used = spaceOfLastVector
      const now = (await readActiveEmbedding(db))?.dim ?? null
      return now === used ? first : searchOnce(input)
    }
  }
  return service

  async function searchOnce(input: SearchInput, opts: { sqlOnly?: boolean } = {}): Promise<SearchResponse> {
    const t0 = performance.now()
    // The query embedding (embedder thread) overlaps the database round trip and the index's
    // keyword half; it uses the space last read, and is made again in the rare case that the
    // read finds another. The index starts its vector half as soon as the embedding is done,
    // whether or not the read has returned.
    if (knownSpace === undefined) knownSpace = (await readActiveEmbedding(db))?.dim ?? null
    const guess = knownSpace
    const k1 = Math.max(50, input.k * 5)
    const memoryOnly = (input.types?.length ?? 0) > 0 || (input.topics?.length ?? 0) > 0
    const want = (s: SearchSource): boolean => input.sources.includes(s) && (s === 'memory' || !memoryOnly)
    // Candidates and the ranked top k from the in-process index (null: it is building or
    // failed, the query has a phrase, or this is the SQL re-run below). A vector list is
    // filtered after the nearest rows are found, so a filtered search asks for more.
    const filtered = memoryOnly || !!input.from || !!input.to
    const kc = filtered ? k1 * 4 : k1
    const indexSources = (['memory', 'document', 'message'] as const).filter(want)
    // Begun before the embedding, so that the vector goes from the embedder thread to the index thread directly.
    const ticket = index && !PHRASE.test(input.query) && !opts.sqlOnly ? index.begin({ sources: indexSources, kc }) : null
    const guessed = queryVector(input.query, guess, ticket?.forward)
    const contextRead = loadQueryContext(db, input.query)
    const vecReady = contextRead.then(({ activeDim }) => (guess !== activeDim ? guessed.then((v) => (v ? queryVector(input.query, activeDim) : v)) : guessed))
    // A failed read fails the search below; these derived promises must not also go unhandled.
    vecReady.catch(() => undefined)
    const candidates: Promise<Candidates | null> =
      index && ticket
        ? index.query(
            {
              sources: indexSources,
              vector: guessed,
              kc,
              k: input.k,
              filter: {
                includeArchived: input.includeArchived,
                ...(input.types?.length ? { types: input.types } : {}),
                ...(input.topics?.length ? { topics: input.topics } : {}),
                ...(input.from ? { from: Date.parse(input.from) } : {}),
                ...(input.to ? { to: Date.parse(input.to) } : {})
              },
              context: contextRead.then(({ lexemes, exclude, sqlOnly, tuning, pending, activeDim }) => ({
                lexemes,
                exclude,
                sqlOnly,
                tuning,
                pending,
                ...(activeDim !== guess ? { vector: vecReady } : {})
              }))
            },
            ticket
          )
        : Promise.resolve(null)
    const { tuning, lexemes, exclude, activeDim } = await contextRead
    knownSpace = activeDim
    spaceOfLastVector = activeDim
    const userSyntax = USER_SYNTAX.test(input.query)
    const cands = await candidates
    const vec = await vecReady
    // Filters left fewer than k hits while a vector list was full: rows further down might
    // pass them, which only the all-SQL path can see.
    if (cands && cands.top.length < input.k && Object.values(cands.lists).some((c) => c.full)) return searchOnce(input, { sqlOnly: true })
    // Typos are looked for in short queries, and only when the words themselves found little.
    const useTrigram = input.query.length <= 40 && input.query.trim().split(/\s+/).length <= 3
    const dim = vec?.length ?? 0
    const vparam = vec ? toVectorParam(vec) : null
    const vt = `vector(${dim})`

    const sql = new Sql()
    sql.add(`with q as (select websearch_to_tsquery('english', ?) as tsq_user)`, input.query)
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
    // An answer still streaming is not final; one replaced by an edit or a regenerate is kept, but not found.
    const msgFilter = new Sql().add("g.status <> 'streaming' and g.superseded_at is null")
    if (!input.includeArchived) msgFilter.add('and s.archived_at is null')
    if (input.from) msgFilter.add('and g.created_at >= ?', input.from)
    if (input.to) msgFilter.add('and g.created_at <= ?', input.to)
    // An excluded word (-word) keeps a row out of every branch, the vector one included.
    if (exclude.length) {
      const none = exclude.map(quoteLexeme).join(' | ')
      memFilter.add('and not m.tsv @@ ?::tsquery', none)
      docFilter.add('and not c.tsv @@ ?::tsquery', none)
      msgFilter.add('and not g.tsv @@ ?::tsquery', none)
    }

    const branches: Record<SearchSource, string[]> = { memory: [], document: [], message: [] }
    /** The pg_trgm word-similarity branch over memories (typos), when `gate` (SQL, no bindings) holds. */
    const addTypoBranch = (gate: string, f: Sql): void => {
      sql.add(`, t_m as (select id, row_number() over (order by sim desc) as r from (
                 select m.id, word_similarity(?, m.content) as sim from memories m
                  where ${gate} and ? <% m.content and ${f} order by sim desc limit ${k1}) x)`, input.query, input.query, ...f.bindings)
      branches.memory.push(`select id, r, 'typo' as via from t_m`)
    }
    const sources: Array<{ src: SearchSource; table: string; alias: string; text: string; from: string; filter: Sql }> = [
      { src: 'memory', table: 'memories', alias: 'm', text: 'm.content', from: 'memories m', filter: memFilter },
      { src: 'document', table: 'document_chunks', alias: 'c', text: 'c.text', from: 'document_chunks c join documents d on d.id = c.document_id', filter: docFilter },
      { src: 'message', table: 'messages', alias: 'g', text: 'g.content', from: 'messages g join sessions s on s.id = g.session_id', filter: msgFilter }
    ]
    // A query that needs no typo search takes the index's ranked top k: its memories come
    // with their rows and snippets, other hits are read by one short statement. (Ranking in
    // SQL instead, one statement looking up ~150 candidates for filters and boost, took
    // ~13 ms at 10k memories on this machine; the branches below do that for typo queries.)
    const typoNeeded = useTrigram && want('memory') && (cands?.lists.memory?.all ?? 0) < input.k
    const compact = !!cands && !typoNeeded
    if (compact && cands) {
      // The index ranked them (filters, RRF, boost: the same as the branches below). A search
      // that found only memories is done; the statement reads and quotes the other hits.
      const top = cands.top.filter((h) => !h.row)
      if (top.length === 0) return done(cands.top.map(indexHit), 'index')
      sql.add(
        `, top as (select src, id, score, string_to_array(via, ',') as via from unnest(?::text[], ?::uuid[], ?::float8[], ?::text[]) x(src, id, score, via))`,
        top.map((h) => h.src),
        top.map((h) => h.id),
        top.map((h) => h.score),
        top.map((h) => [h.keyword ? 'keyword' : '', h.vector ? 'vector' : ''].filter(Boolean).join(','))
      )
    } else {
      for (const s of sources) {
        if (!want(s.src)) continue
        const a = s.alias
        const f = s.filter
        const c = cands?.lists[s.src]
        if (c) {
          // The index's candidates, in its order, through this source's filters.
          if (vparam) {
            sql.add(`, v_${a} as (select ${a}.id, row_number() over (order by x.r) as r from ${s.from}
                       join unnest(?::uuid[]) with ordinality x(id, r) on x.id = ${a}.id where ${a}.embedding_dim = ${dim} and ${f})`, c.vector, ...f.bindings)
            branches[s.src].push(`select id, r, 'vector' as via from v_${a}`)
          }
          sql.add(`, k_${a} as (select ${a}.id, row_number() over (order by x.r) as r from ${s.from}
                     join unnest(?::uuid[]) with ordinality x(id, r) on x.id = ${a}.id where ${f})`, c.keyword, ...f.bindings)
          branches[s.src].push(`select id, r, 'keyword' as via from k_${a}`)
          // Only a typo-eligible query comes here (typoNeeded: the index found fewer than k rows with every word).
          if (s.src === 'memory' && useTrigram) addTypoBranch('true', f)
          continue
        }
        if (vparam) {
          sql.add(`, v_${a} as (select id, row_number() over (order by dist) as r from (
                     select ${a}.id, ${a}.embedding::${vt} <=> ?::${vt} as dist from ${s.from}
                      where ${a}.embedding_dim = ${dim} and ${f}
                      order by ${a}.embedding::${vt} <=> ?::${vt} limit ${k1}) x)`, vparam, ...f.bindings, vparam)
          branches[s.src].push(`select id, r, 'vector' as via from v_${a}`)
        }
        const stats = await termStats(db, s.table, statsCache)
        const avgdl = stats?.avgdl ?? 1
        const shaped = userSyntax ? null : shapeQuery(lexemes, stats)
        // The tsqueries go in as constants, so the planner sees them and uses the GIN index.
        const andQ = shaped ? '?::tsquery' : "websearch_to_tsquery('english', ?)"
        const orQ = shaped ? '?::tsquery' : "websearch_to_tsquery('english', ?)"
        const andV = shaped ? shaped.and : input.query
        const orV = shaped ? shaped.or : input.query
        sql.add(`, ka_${a} as (select ${a}.id, ${a}.tsv from ${s.from} where ${a}.tsv @@ ${andQ} and ${f} limit 1000)`, andV, ...f.bindings)
        sql.add(`, ko_${a} as (select ${a}.id, ${a}.tsv from ${s.from}
                   where (select count(*) from ka_${a}) < ${input.k} and ${a}.tsv @@ ${orQ} and ${f} limit ${OR_BUDGET_ROWS * 2})`, orV, ...f.bindings)
        // Okapi BM25 over the bounded candidates: idf from the statistics, tf from the
        // tsvector's positions. `setweight` marks the query's lexemes and `ts_filter` keeps
        // only them, so each candidate unnests a handful of lexemes, not its whole tsvector.
        // (ts_rank_cd, used before, has no idf: Cranfield nDCG@10 0.219 → 0.323 with BM25.)
        const uniq = [...new Set(lexemes)]
        sql.add(`, k_${a} as (select id, row_number() over (order by bm desc) as r from (
                   select x.id, sum(w.idf * (u.tf * ${BM25_K1 + 1}) / (u.tf + ${BM25_K1} * (${1 - BM25_B} + ${BM25_B} * x.dl / ?::float8))) as bm
                     from (select y.id, y.tsv, length(y.tsv) as dl from ka_${a} y
                           union all select y.id, y.tsv, length(y.tsv) from ko_${a} y where y.id not in (select id from ka_${a})) x
                     cross join lateral (select t.lexeme, coalesce(array_length(t.positions, 1), 1) as tf
                                           from unnest(ts_filter(setweight(x.tsv, 'A', ?::text[]), '{a}')) t) u
                     join unnest(?::text[], ?::float8[]) w(lexeme, idf) on w.lexeme = u.lexeme
                    group by x.id order by bm desc limit ${k1}) z)`, avgdl, uniq, uniq, bm25Idf(uniq, stats))
        branches[s.src].push(`select id, r, 'keyword' as via from k_${a}`)
        if (s.src === 'memory' && useTrigram) addTypoBranch(`(select count(*) from ka_m) < ${input.k}`, f)
      }
      const fusedParts = (Object.keys(branches) as SearchSource[])
        .filter((src) => branches[src].length > 0)
        .map(
          (src) => `select '${src}'::text as src, id, sum(1.0::float8 / (${tuning.rrfK} + r)) as s, array_agg(distinct via) as via
                      from (${branches[src].join(' union all ')}) b group by id`
        )
      if (fusedParts.length === 0) return { hits: [], mode: vec ? 'hybrid' : 'keyword', engine: cands ? 'index' : 'sql', tookMs: 0 }
      sql.add(`, fused as (${fusedParts.join(' union all ')})`)
      sql.add(
        `, top as (
           select f.src, f.id, f.via, f.s * case when f.src = 'memory' then ${BOOST} else 1::float8 end as score
             from fused f left join memories m on f.src = 'memory' and m.id = f.id
            order by score desc limit ${input.k})`,
        ...boostBindings(tuning)
      )
    }
    addFinalSelect(sql)

    // Every branch is bounded by an index (GIN, HNSW, primary keys). Row estimates for
    // tsquery matches are poor, and a sequential scan applying @@ to every row costs
    // ~20 µs a row in WASM, so the planner is not given that choice.
    // The index path needs none of these unless it looks for typos (the trigram GIN index).
    const settings = compact ? [] : ['enable_seqscan = off']
    if (vparam && !cands) settings.push(`hnsw.ef_search = ${Math.max(10, Math.min(1000, Math.round(tuning.efSearch)))}`, 'hnsw.iterative_scan = relaxed_order')
    const rows = await runStatement<HitRow>(db, sql.toString(), sql.bindings, { settings, explain: !!process.env['ENGRAM_SEARCH_EXPLAIN'] })

    let hits: SearchHit[] = rows.map((r): SearchHit => ({
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
    if (compact && cands) {
      // The index's order, its memories merged with the rows read (a row deleted meanwhile is left out).
      const read = new Map(hits.map((h) => [`${h.source}:${h.id}`, h]))
      hits = cands.top.flatMap((h) => (h.row ? [indexHit(h)] : (read.get(`${h.src}:${h.id}`) ?? [])))
    }
    // The typo path: filters left fewer than k hits while a list was full (as above).
    if (cands && !compact && hits.length < input.k && Object.values(cands.lists).some((c) => c.full)) return searchOnce(input, { sqlOnly: true })
    return done(hits, cands ? 'index' : 'sql')

    function done(found: SearchHit[], engine: SearchResponse['engine']): SearchResponse {
      if (input.recordAccess) recordAccess(found.filter((h) => h.source === 'memory').map((h) => h.id))
      return { hits: found, mode: vec ? 'hybrid' : 'keyword', engine, tookMs: Math.round((performance.now() - t0) * 10) / 10 }
    }
  }
}
