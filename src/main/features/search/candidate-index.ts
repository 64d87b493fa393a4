/**
 * The in-process candidate index (search-index.worker.mjs): usearch HNSW + BM25 over the
 * rows' Postgres lexemes, per source, with what the filters and the boost read. It answers
 * a search's ranked top k in a millisecond or two, memories with their rows and snippets;
 * the search statement reads and quotes the other hits.
 * Postgres stays the source of truth:
 * - The index is built at profile open from the tables (in pages, in the background). Until
 *   it is ready, and whenever it has failed, search runs its all-SQL path instead.
 * - Triggers log every insert, delete and search-relevant update of memories, chunks and
 *   messages (and of the documents and sessions that hide them) into `search_changes`
 *   (migrations 2100 and 2200), whoever the writer is (capture, import,
 *   re-embed, purge, another code path added later). Before a query, if the log is not
 *   empty, the index takes it (`delete … returning`: exactly the committed changes) and
 *   re-reads those rows. One process holds a profile (the data-directory lock), so there
 *   is one consumer.
 */
import { Worker } from 'node:worker_threads'
import type { Knex } from 'knex'
import type { SearchSource } from '../../../shared/types'
import { resolveWorker, workerExecArgv } from '../../core/paths'
import type { Embedder } from '../embeddings/embedder'

export interface CandidateFilter {
  includeArchived: boolean
  /** Memories only. */
  types?: string[]
  /** Memories only: any of these. */
  topics?: string[]
  /** created_at bounds, epoch ms, inclusive. */
  from?: number
  to?: number
  /** Lexemes no row may have (a query's -word). */
  exclude?: string[]
}

export interface CandidateTuning {
  rrfK: number
  recencyWeight: number
  recencyDays: number
  importanceWeight: number
  accessWeight: number
}

/** What a search's context read gives the index. */
export interface QueryContext {
  lexemes: string[]
  tuning: CandidateTuning
  /** Entries in the change log when the query started (counted up to BIG_SYNC + 1). */
  pending: number
  /** Lexemes the query excludes (-word): rows with any of them are not candidates. */
  exclude?: string[]
  /** The query needs what only SQL evaluates (a negated compound word): the index answers null. */
  sqlOnly?: boolean
  /** The query's vector when it had to be made again (the read found another active space): replaces `vector`. */
  vector?: Promise<Float32Array | null>
}

export interface CandidateQuery {
  sources: SearchSource[]
  /** The query vector, or its promise: the vector half runs as soon as it is known, the keyword half meanwhile. */
  vector: Float32Array | null | Promise<Float32Array | null>
  /** Candidates per list (before the filters). */
  kc: number
  /** Hits wanted. */
  k: number
  filter: CandidateFilter
  /** The context read, or its promise: the vector half does not wait for it. */
  context: QueryContext | Promise<QueryContext>
}

/** A vector-only query of memories: the k nearest (for recall checks; `lists.memory.vector`). */
export function nearestQuery(vector: Float32Array | null, k: number, includeArchived: boolean): CandidateQuery {
  return {
    sources: ['memory'],
    vector,
    kc: k,
    k,
    filter: { includeArchived },
    context: { lexemes: [], tuning: { rrfK: 60, recencyWeight: 0, recencyDays: 1, importanceWeight: 0, accessWeight: 0 }, pending: 1 }
  }
}

export interface CandidateList {
  /** Nearest rows that pass the filters, nearest first. */
  vector: string[]
  /** BM25 top rows among those that pass the filters. */
  keyword: string[]
  /** Rows matching every lexeme and the filters (the SQL path's AND set); decides whether typos are looked for. */
  all: number
  /** The vector list was full before the filters: rows further down might pass them. */
  full: boolean
}

export interface RankedHit {
  src: SearchSource
  id: string
  score: number
  keyword: boolean
  vector: boolean
  /** A memory as the hit shows it, snippet included (absent for other sources and for memories too long to hold). */
  row?: { text: string; snippet: string; created: number; type: string; topics: string[]; importance: number; tier: string; pinned: boolean }
}

export interface Candidates {
  lists: Partial<Record<SearchSource, CandidateList>>
  /** The fused, boosted top k (search.service.ts's ranking, computed in the index thread). */
  top: RankedHit[]
}

export type CandidateIndexState = 'building' | 'ready' | 'failed' | 'closed'

/** A query begun before its vector exists: `forward` goes with the embed call (EmbedOptions.forward). */
export interface QueryTicket {
  id: number
  forward?: { sink: number; tag: number }
}

export interface CandidateIndex {
  state(): CandidateIndexState
  /**
   * Announce a query before embedding it, so that its vector goes from the embedder thread
   * straight to the index thread (null: the index cannot answer now).
   */
  begin(q: { sources: SearchSource[]; kc: number }): QueryTicket | null
  /** Candidates, or null when the index cannot answer (building, failed, closed): use SQL. */
  query(q: CandidateQuery, ticket?: QueryTicket | null): Promise<Candidates | null>
  /** Access written by the access recorder (which logs no change): counts per id, at `at`. */
  access(ids: string[], counts: number[], at: Date): void
  /** Resolves when the first build has finished (ready or failed). */
  whenBuilt(): Promise<CandidateIndexState>
  stats(): Promise<Record<string, { rows: number; vectors: number; lexemes: number }>>
  close(): Promise<void>
}

/** Memories up to this many characters are held whole (what a hit shows); longer ones are read from the table. */
const MEMORY_TEXT_CAP = 16_384

/**
 * What each source indexes: the rows its search may return, with what the filters and the
 * boost read. `vis` is 1 for a row found by default, 2 for one found only with archived
 * rows included, 0 for one never found (a chunk of a document still importing).
 */
const SOURCES: Record<SearchSource, { from: string; where: string; meta: string }> = {
  memory: {
    from: 'memories x',
    where: "x.status in ('active', 'archived')",
    meta: `case when x.status = 'active' then 1 else 2 end as vis, x.type, x.topics, x.importance, x.pinned, x.access_count,
           date_part('epoch', x.last_accessed_at) * 1000 as last_access, x.tier,
           case when length(x.content) <= ${MEMORY_TEXT_CAP} then x.content end as text`
  },
  document: {
    from: 'document_chunks x join documents d on d.id = x.document_id',
    where: 'true',
    meta: "case when d.status <> 'ready' then 0 when d.archived_at is null then 1 else 2 end as vis"
  },
  message: {
    from: 'messages x join sessions s on s.id = x.session_id',
    where: "x.status <> 'streaming' and x.superseded_at is null",
    meta: 'case when s.archived_at is null then 1 else 2 end as vis'
  }
}
const PAGE = 500
/**
 * A change log longer than this (a bulk import, a re-embed's sweep) is applied in the
 * background while searches run in SQL, instead of making one search wait for it.
 */
export const BIG_SYNC = 2000
/** Taken change-log entries after which the log's table is vacuumed. */
const VACUUM_AFTER = 500

/**
 * Logged by a writer whose change the triggers cannot see (the re-embed's column swap):
 * the index rebuilds itself from the tables. Insert it in the same transaction as the change.
 */
export const REBUILD_MARKER_SQL = "insert into search_changes (src, id) values ('*', '00000000-0000-0000-0000-000000000000')"

interface Row {
  id: string
  v: Buffer | null
  tsv: string | null
  vis: number
  created: number
  type?: string
  topics?: string[] | null
  importance?: number
  pinned?: boolean
  access_count?: number
  last_access?: number | null
  tier?: string
  text?: string | null
}

export function createCandidateIndex({
  db,
  logger,
  workerPath,
  vectors
}: {
  db: Knex
  logger?: { warn(...a: unknown[]): void }
  workerPath?: string
  /** Where query vectors come from: the index thread takes them from the embedder thread directly. */
  vectors?: Pick<Embedder, 'openSink' | 'sinkGeneration'>
}): CandidateIndex {
  let state: CandidateIndexState = 'building'
  let nextId = 1
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  const worker = new Worker(workerPath ?? resolveWorker('search-index.worker.mjs'), { execArgv: workerExecArgv() })
  worker.unref()
  const fail = (why: string): void => {
    if (state === 'closed') return
    if (state !== 'failed') logger?.warn(`[engram] search index unavailable, using SQL search: ${why}`)
    state = 'failed'
    for (const w of waiting.values()) w.reject(new Error(why))
    waiting.clear()
  }
  worker.on('message', (m: { type: string; id?: number; message?: string }) => {
    if (m.type === 'error') {
      // Any failed update leaves the index unlike the tables: stop using it.
      fail(`${m.message ?? 'worker error'}`)
      return
    }
    const w = m.id !== undefined ? waiting.get(m.id) : undefined
    if (w) {
      waiting.delete(m.id as number)
      w.resolve(m)
    }
  })
  worker.on('error', (e) => fail(e.message))
  worker.on('exit', () => fail('worker exited'))
  const ask = <T>(msg: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      worker.postMessage({ ...msg, id })
    })

  /** Send rows (as read from the table) to the index; ids not among them are removed. */
  function apply(src: SearchSource, rows: Row[], removed: string[]): void {
    if (removed.length) worker.postMessage({ type: 'remove', src, ids: removed })
    if (!rows.length) return
    // The rows go to the index thread as read: the vectors' bytes packed into one buffer
    // (transferred, not copied) and the tsvectors as text. Decoding them (~6 µs a row) is the
    // index thread's work, not the main thread's (~100k rows at every open).
    const ids = rows.map((r) => r.id)
    const vectorSizes = Int32Array.from(rows, (r) => r.v?.length ?? 0)
    const vectorBytes = new Uint8Array(vectorSizes.reduce((a, n) => a + n, 0))
    let o = 0
    for (const r of rows) {
      if (!r.v) continue
      vectorBytes.set(r.v, o)
      o += r.v.length
    }
    const tsvs = rows.map((r) => r.tsv ?? '')
    const meta = {
      vis: Uint8Array.from(rows, (r) => r.vis),
      created: Float64Array.from(rows, (r) => Number(r.created)),
      ...(src === 'memory'
        ? {
            memory: {
              types: rows.map((r) => r.type ?? ''),
              topics: rows.map((r) => r.topics ?? []),
              importance: Float32Array.from(rows, (r) => Number(r.importance ?? 0)),
              pinned: Uint8Array.from(rows, (r) => (r.pinned ? 1 : 0)),
              access: Int32Array.from(rows, (r) => r.access_count ?? 0),
              lastAccess: Float64Array.from(rows, (r) => (r.last_access === null || r.last_access === undefined ? NaN : Number(r.last_access))),
              tiers: rows.map((r) => r.tier ?? ''),
              texts: rows.map((r) => r.text ?? null)
            }
          }
        : {})
    }
    worker.postMessage({ type: 'upsert', src, ids, vectorBytes, vectorSizes, tsvs, meta }, [vectorBytes.buffer])
  }

  const select = (src: SearchSource): string =>
    `select x.id, public.vector_send(x.embedding) as v, x.tsv::text as tsv, date_part('epoch', x.created_at) * 1000 as created, ${SOURCES[src].meta}
       from ${SOURCES[src].from} where ${SOURCES[src].where}`

  async function build(): Promise<void> {
    // Everything logged so far is in the tables now; what is logged from here on is applied
    // after. (Truncate, not delete: it also frees the pages, which a delete leaves to a vacuum.)
    await db.raw('truncate search_changes')
    for (const src of Object.keys(SOURCES) as SearchSource[]) {
      let after = '00000000-0000-0000-0000-000000000000'
      for (;;) {
        if (state !== 'building') return
        const r = await db.raw(`${select(src)} and x.id > ?::uuid order by x.id limit ${PAGE}`, [after])
        const rows = r.rows as Row[]
        apply(src, rows, [])
        if (rows.length < PAGE) break
        after = (rows[rows.length - 1] as Row).id
      }
    }
    // A round trip through the worker: every upsert above has been applied.
    await ask({ type: 'stats' })
    if (state === 'building') state = 'ready'
  }
  /** (Re)build from the tables in the background; search uses SQL meanwhile. */
  const startBuild = (): Promise<CandidateIndexState> => {
    state = 'building'
    worker.postMessage({ type: 'reset' })
    return build().then(
      () => state,
      (e: unknown) => {
        fail(e instanceof Error ? e.message : String(e))
        return state
      }
    )
  }
  let built = startBuild()

  let deadEntries = 0
  /** A long change log being applied in the background (searches use SQL until it is done). */
  let bigSync: Promise<void> | null = null
  /** Apply the change log. Serialised: one sync at a time, each taking what the last left. */
  let syncing: Promise<void> = Promise.resolve()
  function sync(): Promise<void> {
    syncing = syncing.catch(() => undefined).then(async () => {
      if (state !== 'ready') return
      const taken = (await db.raw('delete from search_changes returning src, id')).rows as Array<{ src: SearchSource | '*'; id: string }>
      // The deleted entries stay in the table's pages until a vacuum (PGlite has no
      // autovacuum), and every search's context read counts the log: ~1 ms more per search
      // after 10k changes, so the log is vacuumed every few hundred.
      deadEntries += taken.length
      if (deadEntries >= VACUUM_AFTER) {
        deadEntries = 0
        await db.raw('vacuum search_changes')
      }
      if (taken.some((c) => c.src === '*')) {
        // A change the triggers could not see (REBUILD_MARKER): read everything again.
        built = startBuild()
        return
      }
      const bySrc = new Map<SearchSource, Set<string>>()
      for (const c of taken) {
        if (c.src === '*' || !(c.src in SOURCES)) continue
        let set = bySrc.get(c.src)
        if (!set) bySrc.set(c.src, (set = new Set()))
        set.add(c.id)
      }
      for (const [src, set] of bySrc) {
        const all = [...set]
        for (let i = 0; i < all.length; i += PAGE) {
          const ids = all.slice(i, i + PAGE)
          const rows = (await db.raw(`${select(src)} and x.id = any(?::uuid[])`, [ids])).rows as Row[]
          const found = new Set(rows.map((r) => r.id))
          apply(
            src,
            rows,
            ids.filter((id) => !found.has(id))
          )
        }
      }
    })
    return syncing
  }

  /** The sink the embedder thread forwards query vectors to, opened again when its worker was replaced. */
  let sinkOf: { sink: number; generation: number } | null = null
  function sinkFor(): number | null {
    if (!vectors) return null
    if (!sinkOf || sinkOf.generation !== vectors.sinkGeneration()) {
      const s = vectors.openSink()
      if (!s) return null
      worker.postMessage({ type: 'sink', port: s.port }, [s.port])
      sinkOf = { sink: s.sink, generation: s.generation }
    }
    return sinkOf.sink
  }

  function begin(q: { sources: SearchSource[]; kc: number }): QueryTicket | null {
    if (state !== 'ready' || bigSync) return null
    const id = nextId++
    worker.postMessage({ type: 'expect', id, sources: q.sources, kc: q.kc })
    const sink = sinkFor()
    return { id, ...(sink ? { forward: { sink, tag: id } } : {}) }
  }

  return {
    state: () => state,
    whenBuilt: () => built,
    begin,
    async query(q, ticket) {
      const t = ticket ?? begin(q)
      if (!t || state !== 'ready' || bigSync) return null
      const { id } = t
      let vectorKnown = false
      // The vector goes to the index thread as soon as this thread has it too (the embedder
      // thread may have sent it there already: the first one counts). A sync after the
      // vector half (the context read found changes) bumps the changed sources' epochs, and
      // the index thread does that half again.
      const vector = Promise.resolve(q.vector).catch(() => null)
      void vector.then((v) => {
        vectorKnown = true
        if (state !== 'closed') worker.postMessage({ type: 'vector', id, vector: v })
      })
      let ctx: QueryContext
      try {
        ctx = await q.context
      } catch {
        // The search's own read failed: that is the search's error, not the index's.
        return null
      }
      if (ctx.sqlOnly) return null
      try {
        if (ctx.pending > BIG_SYNC) {
          bigSync = sync()
            .catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)))
            .finally(() => (bigSync = null))
          return null
        }
        if (ctx.pending > 0) await sync()
        if ((state as CandidateIndexState) !== 'ready') return null
        const filter = ctx.exclude?.length ? { ...q.filter, exclude: ctx.exclude } : q.filter
        if (!vectorKnown) worker.postMessage({ type: 'keywords', id, sources: q.sources, lexemes: ctx.lexemes, kc: q.kc, filter })
        // The query need not wait here for the vector: the index thread answers once it has it
        // (from whichever thread). Only a vector made again in another space is sent with it.
        const v = ctx.vector ? await ctx.vector.catch(() => null) : undefined
        const r = await ask<{ results: Candidates['lists'] | null; top: RankedHit[] | null }>({
          type: 'query',
          queryId: id,
          sources: q.sources,
          ...(v === undefined ? { awaitVector: true, vector: null } : { vector: v }),
          lexemes: ctx.lexemes,
          kc: q.kc,
          k: q.k,
          filter,
          tuning: ctx.tuning,
          now: Date.now()
        })
        return r.results && r.top ? { lists: r.results, top: r.top } : null
      } catch (e) {
        fail(e instanceof Error ? e.message : String(e))
        return null
      }
    },
    access(ids, counts, at) {
      if (state === 'closed' || ids.length === 0) return
      worker.postMessage({ type: 'access', ids, counts, at: at.getTime() })
    },
    async stats() {
      const r = await ask<{ sources: Record<string, { rows: number; vectors: number; lexemes: number }> }>({ type: 'stats' })
      return r.sources
    },
    async close() {
      state = 'closed'
      for (const w of waiting.values()) w.reject(new Error('search index closed'))
      waiting.clear()
      await built.catch(() => undefined)
      await syncing.catch(() => undefined)
      await worker.terminate()
    }
  }
}
