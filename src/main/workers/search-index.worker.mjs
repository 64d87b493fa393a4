// @ts-check
/**
 * The search candidate index thread. It holds, for each searchable source (memories,
 * document chunks, messages), what the hybrid search needs to pick candidates in a
 * millisecond or two, however large the profile:
 * - a vector index: usearch HNSW (cosine, f16 storage; SIMD kernels, N-API prebuilds),
 *   one per embedding dimension, keyed by a per-source slot number;
 * - a BM25 inverted index over Postgres's own lexemes (the `tsv` column: the same
 *   `english` stemming and stop words as the SQL path), with exact document frequencies.
 * - what the filters and the boost read (visibility, dates, type, topics, importance, pin,
 *   access), so it answers a search's ranked top k by itself.
 * Postgres stays the source of truth: the search statement then reads and quotes those k
 * rows (search.service.ts).
 * Why it exists: in PGlite (WASM) ranking matched rows costs ~100 µs a row and HNSW with
 * ef 100 ~14 ms at 10k rows, so one SQL statement could not meet the 15 ms / 50 ms targets.
 *
 * Building the vector index blocks the thread it runs on (~25 s for 100k vectors), which
 * is why this is a worker and not the main process.
 *
 * Protocol (errors are values):
 *   → { type:'reset' }
 *   → { type:'upsert', src, ids: string[], vectorBytes: Uint8Array (each row's vector in
 *       pgvector's binary send format, concatenated), vectorSizes: Int32Array (bytes per row,
 *       0: none), tsvs: string[] (tsvector text), meta: Meta }
 *   → { type:'remove', src, ids: string[] }
 *   → { type:'access', ids: string[], counts: number[], at: epoch ms }
 *   → { type:'sink', port: MessagePort }   the embedder thread's forwarded query vectors
 *       ({ type:'vector', id, vector }) arrive on it (features/embeddings/embedder.ts)
 *   → { type:'expect', id, sources, kc }   query `id` is coming: compute its vector half as
 *       soon as its vector arrives, from the sink or as
 *   → { type:'vector', id, vector: Float32Array | null }   (from the main thread; the first
 *       of the two counts)
 *   → { type:'keywords', id, sources, lexemes, kc, filter }   (optional: the keyword half of
 *       query `id`, sent while the query is still being embedded)
 *   → { type:'query', id, ...QueryMsg }   (queryId: the id its 'expect' and 'keywords' messages
 *       had; awaitVector: no vector given, use the one that arrives for queryId, waiting if need be)
 *   ← { type:'result', id, results: null, top: null }   a waiting query met a reset: use SQL
 *   ← { type:'result', id, results: { [src]: { vector: string[], keyword: string[], all, full } },
 *       top: Array<{ src, id, score, keyword: boolean, vector: boolean }>, ms }
 *   → { type:'stats', id }  ← { type:'stats', id, sources: { [src]: { rows, vectors, lexemes } } }
 *   ← { type:'error', op, id?, message }
 * Messages are handled strictly in order, so a query sees every upsert sent before it.
 */
import { parentPort } from 'node:worker_threads'
import { createRequire } from 'node:module'
import { decodeVector, parseTsvector } from './rows.mjs'
import { snippet } from './snippet.mjs'

if (!parentPort) throw new Error('search-index.worker must run as a worker thread')
const port = parentPort
const require = createRequire(import.meta.url)
/** @type {typeof import('usearch')} */
const usearch = require('usearch')

/** Okapi BM25, the same parameters as the SQL path. */
const K1 = 1.2
const B = 0.75
/**
 * HNSW parameters. On 100k composed Cranfield vectors (random-weight MiniLM: every vector
 * within cosine ~0.97 of its neighbours, a hard case), M 16 / ef_add 128 gave recall@10
 * 0.966 at ef_search 128 (1.0 ms) and 0.994 at 256 (2.8 ms); M 24 0.982 at 128 (1.7 ms).
 */
const CONNECTIVITY = 16
const EXPANSION_ADD = 128
const EXPANSION_SEARCH = 256
/** Batches at least this large are added on two threads (the initial build); smaller ones on one. */
const BULK = 256

/**
 * What the filters and the boost read, per upserted row (parallel arrays).
 * @typedef {{ vis: Uint8Array, created: Float64Array, memory?: { types: string[], topics: string[][], importance: Float32Array, pinned: Uint8Array, access: Int32Array, lastAccess: Float64Array, tiers: string[], texts: (string | null)[] } }} Meta
 * @typedef {{ includeArchived: boolean, types?: string[], topics?: string[], from?: number, to?: number, exclude?: string[] }} Filter
 * @typedef {{ rrfK: number, recencyWeight: number, recencyDays: number, importanceWeight: number, accessWeight: number }} Tuning
 * @typedef {{ queryId?: number, sources: string[], vector: Float32Array | null, awaitVector?: boolean, lexemes: string[], kc: number, k: number, filter: Filter, tuning: Tuning, now: number }} QueryMsg
 */

/**
 * A larger copy of a typed array (same type, the rest zero).
 * @template {Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array} T
 * @param {T} a
 * @param {number} size
 * @returns {T}
 */
function grown(a, size) {
  const b = /** @type {T} */ (new /** @type {any} */ (a.constructor)(size))
  b.set(a)
  return b
}

/**
 * A growable posting list: slot, the slot's generation when added, term frequency, and the
 * BM25 term weight tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)) precomputed with the source's
 * current avgdl (recomputed when avgdl drifts), so a query only multiplies by idf.
 */
class Postings {
  constructor() {
    this.n = 0
    this.slots = new Int32Array(4)
    this.gens = new Uint32Array(4)
    this.tfs = new Uint16Array(4)
    this.w = new Float32Array(4)
  }

  /**
   * @param {number} slot
   * @param {number} gen
   * @param {number} tf
   * @param {number} w
   */
  push(slot, gen, tf, w) {
    if (this.n === this.slots.length) {
      const size = this.n * 2
      this.slots = grown(this.slots, size)
      this.gens = grown(this.gens, size)
      this.tfs = grown(this.tfs, size)
      this.w = grown(this.w, size)
    }
    this.slots[this.n] = slot
    this.gens[this.n] = gen
    this.tfs[this.n] = Math.min(65535, tf)
    this.w[this.n] = w
    this.n++
  }
}

/**
 * @param {number} tf
 * @param {number} dl
 * @param {number} avgdl
 */
const termWeight = (tf, dl, avgdl) => (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * dl) / avgdl))

class SourceIndex {
  constructor() {
    /** @type {Map<string, number>} id → slot */
    this.slotOf = new Map()
    /** Bumped by every upsert and removal: a vector half computed before one is stale. */
    this.epoch = 0
    /** @type {(string | null)[]} slot → id (null: free) */
    this.ids = []
    /** @type {number[]} free slots */
    this.free = []
    /** @type {(Int32Array | null)[]} slot → its lexeme numbers */
    this.lexOf = []
    /** @type {Uint32Array} slot → its generation (postings of older generations are stale) */
    this.gen = new Uint32Array(1024)
    /** @type {Uint16Array} slot → distinct lexemes (BM25 document length) */
    this.dl = new Uint16Array(1024)
    /** @type {Int32Array} slot → vector dimension (0: none) */
    this.vdim = new Int32Array(1024)
    // What the filters and the boost read (search.service.ts's SQL path reads the same columns):
    /** @type {Uint8Array} slot → visibility: 1 live, 2 archived (found only with includeArchived), 0 never */
    this.vis = new Uint8Array(1024)
    /** @type {Float64Array} slot → created_at, epoch ms */
    this.created = new Float64Array(1024)
    /** @type {Int32Array} slot → memory type (interned in `names`) */
    this.type = new Int32Array(1024)
    /** @type {(Int32Array | null)[]} slot → memory topics (interned) */
    this.topics = []
    /** @type {Float32Array} slot → memory importance */
    this.importance = new Float32Array(1024)
    /** @type {Uint8Array} slot → memory pinned */
    this.pinned = new Uint8Array(1024)
    /** @type {Int32Array} slot → memory access_count */
    this.access = new Int32Array(1024)
    /** @type {Float64Array} slot → memory last_accessed_at, epoch ms (NaN: never) */
    this.lastAccess = new Float64Array(1024)
    /** @type {Int32Array} slot → memory tier (interned) */
    this.tier = new Int32Array(1024)
    /** @type {(string | null)[]} slot → memory content (null: longer than the row cap; read from the table) */
    this.text = []
    /** @type {Map<string, number>} types, topics and tiers, interned */
    this.names = new Map()
    /** @type {string[]} interned number → name */
    this.nameOf = []
    /** @type {Map<string, number>} lexeme → its number (interned: each lexeme's text is kept once) */
    this.lexicon = new Map()
    /** @type {Postings[]} by lexeme number */
    this.postings = []
    /** @type {Int32Array} live document frequency, by lexeme number */
    this.df = new Int32Array(1024)
    this.distinct = 0
    this.live = 0
    this.sumDl = 0
    this.postingCount = 0
    this.stalePostings = 0
    /** The avgdl the postings' weights were computed with. */
    this.weightAvgdl = 0
    /** @type {Map<number, import('usearch').Index>} */
    this.vectors = new Map()
    /** @type {Float64Array} scratch scores, by slot */
    this.scores = new Float64Array(1024)
    /** @type {Uint16Array} scratch: how many query lexemes each slot matched */
    this.hits = new Uint16Array(1024)
  }

  /** @param {number} n */
  grow(n) {
    if (n <= this.gen.length) return
    let size = this.gen.length
    while (size < n) size *= 2
    this.gen = grown(this.gen, size)
    this.dl = grown(this.dl, size)
    this.vdim = grown(this.vdim, size)
    this.vis = grown(this.vis, size)
    this.created = grown(this.created, size)
    this.type = grown(this.type, size)
    this.importance = grown(this.importance, size)
    this.pinned = grown(this.pinned, size)
    this.access = grown(this.access, size)
    this.lastAccess = grown(this.lastAccess, size)
    this.tier = grown(this.tier, size)
    this.scores = new Float64Array(size)
    this.hits = new Uint16Array(size)
  }

  /** @param {string} l */
  lexeme(l) {
    let n = this.lexicon.get(l)
    if (n === undefined) {
      n = this.postings.length
      this.lexicon.set(l, n)
      this.postings.push(new Postings())
      if (n >= this.df.length) {
        this.df = grown(this.df, this.df.length * 2)
      }
    }
    return n
  }

  /**
   * An interned type or topic name (-1: unknown, which no row has).
   * @param {string} name
   * @param {boolean} add
   */
  name(name, add) {
    let n = this.names.get(name)
    if (n === undefined) {
      if (!add) return -1
      n = this.names.size
      this.names.set(name, n)
      this.nameOf.push(name)
    }
    return n
  }

  /**
   * @param {number} slot
   * @param {Meta} meta
   * @param {number} i
   */
  setMeta(slot, meta, i) {
    this.vis[slot] = meta.vis[i] ?? 0
    this.created[slot] = meta.created[i] ?? 0
    if (!meta.memory) return
    const m = meta.memory
    this.type[slot] = this.name(m.types[i] ?? '', true)
    this.topics[slot] = Int32Array.from(m.topics[i] ?? [], (t) => this.name(t, true))
    this.importance[slot] = m.importance[i] ?? 0
    this.pinned[slot] = m.pinned[i] ?? 0
    this.access[slot] = m.access[i] ?? 0
    this.lastAccess[slot] = m.lastAccess[i] ?? NaN
    this.tier[slot] = this.name(m.tiers[i] ?? '', true)
    this.text[slot] = m.texts[i] ?? null
  }

  /**
   * A memory as a search hit shows it (null: its text is not held here).
   * @param {number} slot
   * @param {Set<string>} lexemes
   */
  memoryRow(slot, lexemes) {
    const text = this.text[slot]
    if (typeof text !== 'string') return null
    return {
      text,
      snippet: snippet(text, lexemes),
      created: this.created[slot],
      type: this.nameOf[/** @type {number} */ (this.type[slot])],
      topics: [...(this.topics[slot] ?? [])].map((t) => this.nameOf[t]),
      importance: float4(/** @type {number} */ (this.importance[slot])),
      tier: this.nameOf[/** @type {number} */ (this.tier[slot])],
      pinned: this.pinned[slot] === 1
    }
  }

  /** @param {string} id */
  remove(id) {
    const slot = this.slotOf.get(id)
    if (slot === undefined) return
    this.clearSlot(slot)
    this.slotOf.delete(id)
    this.ids[slot] = null
    this.free.push(slot)
  }

  /**
   * Drop a slot's lexemes and vector; its postings go stale (skipped, later compacted).
   * @param {number} slot
   */
  clearSlot(slot) {
    const lex = this.lexOf[slot]
    if (lex) {
      for (const l of lex) {
        this.df[l] = (this.df[l] ?? 1) - 1
        if (this.df[l] === 0) this.distinct--
      }
      this.stalePostings += lex.length
      this.sumDl -= this.dl[slot] ?? 0
      this.live--
      this.lexOf[slot] = null
    }
    this.gen[slot] = (this.gen[slot] ?? 0) + 1
    this.epoch++
    this.vis[slot] = 0
    this.text[slot] = null
    const dim = this.vdim[slot] ?? 0
    if (dim > 0) this.vectors.get(dim)?.remove(BigInt(slot))
    this.vdim[slot] = 0
  }

  /**
   * @param {string} id
   * @param {string[]} lexemes
   * @param {number[]} tfs
   * @param {Meta} meta
   * @param {number} i the row's position in `meta`
   */
  upsert(id, lexemes, tfs, meta, i) {
    let slot = this.slotOf.get(id)
    this.epoch++
    if (slot === undefined) {
      slot = this.free.pop() ?? this.ids.length
      this.grow(slot + 1)
      this.ids[slot] = id
      this.slotOf.set(id, slot)
    } else {
      this.clearSlot(slot)
    }
    const g = this.gen[slot] ?? 0
    const lex = new Int32Array(lexemes.length)
    if (this.weightAvgdl === 0) this.weightAvgdl = Math.max(1, lexemes.length)
    const dl = Math.min(65535, lexemes.length)
    for (let i = 0; i < lexemes.length; i++) {
      const l = this.lexeme(/** @type {string} */ (lexemes[i]))
      lex[i] = l
      const list = /** @type {Postings} */ (this.postings[l])
      const tf = tfs[i] ?? 1
      list.push(slot, g, tf, termWeight(tf, dl, this.weightAvgdl))
      if ((this.df[l] ?? 0) === 0) this.distinct++
      this.df[l] = (this.df[l] ?? 0) + 1
    }
    this.lexOf[slot] = lex
    this.setMeta(slot, meta, i)
    this.dl[slot] = Math.min(65535, lexemes.length)
    this.sumDl += this.dl[slot] ?? 0
    this.live++
    this.postingCount += lexemes.length
    return slot
  }

  /**
   * Add vectors of one dimension in one call (usearch builds a batch on several threads).
   * @param {number[]} slots
   * @param {Float32Array} vectors slots.length × dim, concatenated
   * @param {number} dim
   */
  addVectors(slots, vectors, dim) {
    let index = this.vectors.get(dim)
    if (!index) {
      index = new usearch.Index({ dimensions: dim, metric: usearch.MetricKind.Cos, quantization: usearch.ScalarKind.F16, connectivity: CONNECTIVITY, expansion_add: EXPANSION_ADD, expansion_search: EXPANSION_SEARCH, multi: false })
      this.vectors.set(dim, index)
    }
    const keys = new BigUint64Array(slots.length)
    slots.forEach((slot, i) => {
      keys[i] = BigInt(slot)
      this.vdim[slot] = dim
    })
    index.add(keys, vectors, slots.length >= BULK ? 2 : 1)
  }

  /** Recompute the postings' weights once avgdl has moved more than 10% from theirs. */
  maybeReweight() {
    if (this.live === 0) return
    const avgdl = Math.max(1, this.sumDl / this.live)
    if (Math.abs(avgdl - this.weightAvgdl) <= 0.1 * this.weightAvgdl) return
    this.weightAvgdl = avgdl
    for (const p of this.postings) {
      for (let i = 0; i < p.n; i++) p.w[i] = termWeight(/** @type {number} */ (p.tfs[i]), this.dl[/** @type {number} */ (p.slots[i])] ?? 0, avgdl)
    }
  }

  /** Rebuild the postings without stale entries once they outnumber the live ones. */
  maybeCompact() {
    if (this.stalePostings < 10000 || this.stalePostings < this.postingCount - this.stalePostings) return
    let count = 0
    for (let l = 0; l < this.postings.length; l++) {
      const p = /** @type {Postings} */ (this.postings[l])
      const q = new Postings()
      for (let i = 0; i < p.n; i++) {
        const s = /** @type {number} */ (p.slots[i])
        if (p.gens[i] === this.gen[s]) q.push(s, /** @type {number} */ (p.gens[i]), /** @type {number} */ (p.tfs[i]), /** @type {number} */ (p.w[i]))
      }
      this.postings[l] = q
      count += q.n
    }
    this.postingCount = count
    this.stalePostings = 0
  }

  /**
   * BM25 top k over the rows that match any of the lexemes and pass the filter.
   * @param {string[]} lexemes
   * @param {number} k
   * @param {(slot: number) => boolean} pass
   * @returns {{ slots: number[], all: number }} the top k, and how many of those rows match every lexeme
   */
  keyword(lexemes, k, pass) {
    const uniq = [...new Set(lexemes)]
    if (uniq.length === 0 || this.live === 0) return { slots: [], all: 0 }
    const n = this.live
    const scores = this.scores
    const gen = this.gen
    // "Rows matching every lexeme" decides the typo search, which only short queries use.
    const countAll = uniq.length <= 3
    const hits = this.hits
    /** @type {number[]} */
    const touched = []
    for (const text of uniq) {
      const l = this.lexicon.get(text)
      if (l === undefined) continue
      const p = /** @type {Postings} */ (this.postings[l])
      const df = this.df[l] ?? 0
      if (df === 0) continue
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5))
      const { slots, gens, w } = p
      for (let i = 0; i < p.n; i++) {
        const s = /** @type {number} */ (slots[i])
        if (gens[i] !== gen[s]) continue
        const prev = /** @type {number} */ (scores[s])
        if (prev < 0) continue
        if (prev === 0) {
          touched.push(s)
          // The filter runs once a row; a row it rejects is marked −1 (BM25 scores are > 0).
          if (!pass(s)) {
            scores[s] = -1
            continue
          }
        }
        scores[s] = prev + idf * /** @type {number} */ (w[i])
        if (countAll) hits[s] = /** @type {number} */ (hits[s]) + 1
      }
    }
    const kept = touched.filter((s) => /** @type {number} */ (scores[s]) > 0)
    const top = topK(kept, scores, k, this.ids)
    let all = countAll ? 0 : Number.MAX_SAFE_INTEGER
    for (const s of touched) {
      if (countAll && hits[s] === uniq.length) all++
      scores[s] = 0
      hits[s] = 0
    }
    return { slots: top, all }
  }

  /**
   * The k nearest rows by cosine (whatever the filters; the caller filters).
   * @param {Float32Array} vector
   * @param {number} k
   * @returns {number[]} slots, nearest first
   */
  nearest(vector, k) {
    const index = this.vectors.get(vector.length)
    if (!index || index.size() === 0) return []
    const m = index.search(vector, Math.min(k, index.size()), 1)
    /** @type {number[]} */
    const out = []
    for (const key of m.keys) {
      const slot = Number(key)
      if (this.ids[slot]) out.push(slot)
    }
    return out
  }

  /**
   * The filter of a query, as a predicate over slots.
   * @param {string} src
   * @param {Filter} f
   * @returns {(slot: number) => boolean}
   */
  filter(src, f) {
    const maxVis = f.includeArchived ? 2 : 1
    const from = f.from ?? -Infinity
    const to = f.to ?? Infinity
    const mem = src === 'memory'
    const types = mem && f.types?.length ? new Set(f.types.map((t) => this.name(t, false))) : null
    const topics = mem && f.topics?.length ? f.topics.map((t) => this.name(t, false)) : null
    // Excluded lexemes (a query's -word) no row has need no check.
    const exclude = (f.exclude ?? []).map((l) => this.lexicon.get(l)).filter((n) => n !== undefined && (this.df[n] ?? 0) > 0)
    return (slot) => {
      // Read through `this`: an upsert between a query's two halves may grow the arrays.
      const v = /** @type {number} */ (this.vis[slot])
      if (v === 0 || v > maxVis) return false
      const c = /** @type {number} */ (this.created[slot])
      if (c < from || c > to) return false
      if (types && !types.has(/** @type {number} */ (this.type[slot]))) return false
      if (topics) {
        const own = this.topics[slot]
        if (!own || !own.some((t) => topics.includes(t))) return false
      }
      if (exclude.length) {
        const lex = this.lexOf[slot]
        if (lex && lex.some((l) => exclude.includes(l))) return false
      }
      return true
    }
  }

  /**
   * A memory's boost: recency (of last access, else creation), importance, access count,
   * pin. The same formula as search.service.ts's BOOST in SQL.
   * @param {number} slot
   * @param {Tuning} t
   * @param {number} now epoch ms
   */
  boost(slot, t, now) {
    const la = /** @type {number} */ (this.lastAccess[slot])
    const since = Number.isNaN(la) ? /** @type {number} */ (this.created[slot]) : la
    return (
      1 +
      t.recencyWeight * Math.exp(-((now - since) / 1000) / 86400 / t.recencyDays) +
      t.importanceWeight * /** @type {number} */ (this.importance[slot]) +
      (t.accessWeight * Math.log(1 + Math.min(/** @type {number} */ (this.access[slot]), 1000))) / Math.log(1001) +
      (this.pinned[slot] ? 0.2 : 0)
    )
  }
}

/**
 * A float32 as Postgres prints a `real`: the shortest decimal that reads back as the same
 * float32 (0.3, not 0.30000001192092896).
 * @param {number} v
 */
function float4(v) {
  for (let p = 1; p < 9; p++) {
    const d = Number(v.toPrecision(p))
    if (Math.fround(d) === v) return d
  }
  return v
}

/**
 * The k highest-scoring slots, best first, with a bounded min-heap. Ties go to the smaller
 * id, not the smaller slot: slots depend on the order rows arrived, and a profile copied by
 * export/import must rank like the original.
 * @param {number[]} slots
 * @param {Float64Array} scores
 * @param {number} k
 * @param {(string | null)[]} ids
 */
function topK(slots, scores, k, ids) {
  // Inline comparisons: this runs over every matching row (tens of thousands at 100k).
  const heap = new Int32Array(Math.min(k, slots.length))
  let size = 0
  /** @type {(a: number, b: number) => boolean} a ranks below b */
  const below = (a, b) => {
    const sa = /** @type {number} */ (scores[a])
    const sb = /** @type {number} */ (scores[b])
    return sa < sb || (sa === sb && /** @type {string} */ (ids[a]) > /** @type {string} */ (ids[b]))
  }
  /** @param {number} i */
  const down = (i) => {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < size && below(/** @type {number} */ (heap[l]), /** @type {number} */ (heap[m]))) m = l
      if (r < size && below(/** @type {number} */ (heap[r]), /** @type {number} */ (heap[m]))) m = r
      if (m === i) return
      const t = /** @type {number} */ (heap[i])
      heap[i] = /** @type {number} */ (heap[m])
      heap[m] = t
      i = m
    }
  }
  for (const s of slots) {
    if (size < heap.length) {
      let i = size++
      heap[i] = s
      while (i > 0) {
        const p = (i - 1) >> 1
        if (!below(/** @type {number} */ (heap[i]), /** @type {number} */ (heap[p]))) break
        const t = /** @type {number} */ (heap[i])
        heap[i] = /** @type {number} */ (heap[p])
        heap[p] = t
        i = p
      }
    } else if (size > 0) {
      const min = /** @type {number} */ (heap[0])
      const sm = /** @type {number} */ (scores[min])
      const ss = /** @type {number} */ (scores[s])
      if (ss > sm || (ss === sm && /** @type {string} */ (ids[s]) < /** @type {string} */ (ids[min]))) {
        heap[0] = s
        down(0)
      }
    }
  }
  return [...heap.subarray(0, size)].sort((a, b) => (below(a, b) ? 1 : below(b, a) ? -1 : 0))
}

/** @type {Map<string, SourceIndex>} */
let sources = new Map()
/** @param {string} src */
const source = (src) => {
  let s = sources.get(src)
  if (!s) sources.set(src, (s = new SourceIndex()))
  return s
}

/**
 * Candidates per source (filtered; what the typo path re-ranks in SQL) and the fused top k:
 * reciprocal rank fusion over each source's vector and keyword lists, ranks counted among
 * the rows the filters keep, memories multiplied by their boost; ties by source, then id.
 * @param {QueryMsg} msg
 */
function query(msg) {
  const kwEarly = msg.queryId === undefined ? undefined : keywordPhases.get(msg.queryId)
  const vecEarly = msg.queryId === undefined ? undefined : vectorPhases.get(msg.queryId)
  if (msg.queryId !== undefined) {
    keywordPhases.delete(msg.queryId)
    vectorPhases.delete(msg.queryId)
  }
  const phase = kwEarly ?? keywordPhase(msg, false)
  // The vector half computed ahead counts only for the same vector and candidate count.
  const early = vecEarly?.vector && msg.vector && vecEarly.kc === msg.kc && sameVector(vecEarly.vector, msg.vector) ? vecEarly.bySrc : undefined
  /** @type {Record<string, { vector: string[], keyword: string[], all: number, full: boolean }>} */
  const results = {}
  /** @type {Array<{ src: string, id: string, score: number, keyword: boolean, vector: boolean }>} */
  const fused = []
  for (const src of msg.sources) {
    const s = sources.get(src)
    const p = phase.get(src)
    if (!s || !p) {
      results[src] = { vector: [], keyword: [], all: 0, full: false }
      continue
    }
    const { pass, gens } = p
    // Rows changed since the keyword half ran (a sync in between) are left out of its list.
    const kw = gens ? { slots: p.kw.slots.filter((slot, i) => s.gen[slot] === gens[i] && s.ids[slot] !== null), all: p.kw.all } : p.kw
    const ahead = early?.get(src)
    const near = ahead && ahead.s === s && ahead.epoch === s.epoch ? ahead.near : msg.vector ? s.nearest(msg.vector, msg.kc) : []
    const vec = near.filter(pass)
    const id = (/** @type {number} */ slot) => /** @type {string} */ (s.ids[slot])
    // A full vector list lost rows to the filters: rows further down might pass them.
    results[src] = { vector: vec.map(id), keyword: kw.slots.map(id), all: kw.all, full: near.length >= msg.kc }
    /** @type {Map<number, { vr: number, kr: number }>} */
    const ranks = new Map()
    vec.forEach((slot, i) => ranks.set(slot, { vr: i + 1, kr: 0 }))
    kw.slots.forEach((slot, i) => {
      const r = ranks.get(slot)
      if (r) r.kr = i + 1
      else ranks.set(slot, { vr: 0, kr: i + 1 })
    })
    const k = msg.tuning.rrfK
    for (const [slot, { vr, kr }] of ranks) {
      const rrf = (vr ? 1 / (k + vr) : 0) + (kr ? 1 / (k + kr) : 0)
      fused.push({ src, id: id(slot), score: src === 'memory' ? rrf * s.boost(slot, msg.tuning, msg.now) : rrf, keyword: kr > 0, vector: vr > 0 })
    }
  }
  fused.sort((a, b) => b.score - a.score || (a.src < b.src ? -1 : a.src > b.src ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const mem = sources.get('memory')
  const lexemes = new Set(msg.lexemes)
  const top = fused.slice(0, msg.k).map((h) => {
    const slot = h.src === 'memory' ? mem?.slotOf.get(h.id) : undefined
    const row = slot === undefined ? null : mem?.memoryRow(slot, lexemes)
    return row ? { ...h, row } : h
  })
  return { results, top }
}

/**
 * Each source's nearest rows (unfiltered), computed as soon as the query's vector is known,
 * which is often before its lexemes are; kept for its `query` message, which uses them
 * unless the source changed in between (its epoch). The vector comes from the embedder
 * thread (the sink) or from the main thread, whichever is first; `expect` said beforehand
 * which sources and how many rows. At most MAX_AHEAD of each kind are kept: a search that
 * went to SQL after all sends no `query`.
 * @typedef {{ vector: Float32Array | null, kc: number, bySrc: Map<string, { s: SourceIndex, epoch: number, near: number[] }> }} VectorHalf
 * @type {Map<number, VectorHalf>}
 */
const vectorPhases = new Map()
/** @type {Map<number, { sources: string[], kc: number }>} */
const expects = new Map()
/** @type {Map<number, Float32Array | null>} vectors that came before their `expect` */
const early = new Map()
/** @type {Map<number, QueryMsg & { id: number }>} queries sent before their vector (awaitVector) */
const parked = new Map()
/** @type {Map<number, true>} queries answered lately: the second copy of their vector is dropped */
const answered = new Map()
const MAX_AHEAD = 32
/** @type {import('node:worker_threads').MessagePort | null} */
let sink = null

/**
 * @template V
 * @param {Map<number, V>} map
 */
function cap(map) {
  while (map.size > MAX_AHEAD) map.delete(/** @type {number} */ (map.keys().next().value))
}

/**
 * A query's vector (null: it has none), from either thread: its vector half, then its
 * query if that was waiting.
 * @param {number} id
 * @param {Float32Array | null} vector
 */
function vectorArrived(id, vector) {
  if (vectorPhases.has(id) || answered.has(id)) return
  const e = expects.get(id)
  if (!e) {
    early.set(id, vector)
    cap(early)
    return
  }
  expects.delete(id)
  /** @type {VectorHalf['bySrc']} */
  const bySrc = new Map()
  if (vector)
    for (const src of e.sources) {
      const s = sources.get(src)
      if (s) bySrc.set(src, { s, epoch: s.epoch, near: s.nearest(vector, e.kc) })
    }
  vectorPhases.set(id, { vector, kc: e.kc, bySrc })
  cap(vectorPhases)
  const q = parked.get(id)
  if (q) {
    parked.delete(id)
    answer({ ...q, vector })
  }
}

/** @param {QueryMsg & { id: number }} msg */
function answer(msg) {
  if (msg.queryId !== undefined) {
    answered.set(msg.queryId, true)
    cap(answered)
  }
  const t0 = performance.now()
  port.postMessage({ type: 'result', id: msg.id, ...query(msg), ms: performance.now() - t0 })
}

/**
 * @param {Float32Array} a
 * @param {Float32Array} b
 */
function sameVector(a, b) {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Each source's filter and BM25 list, computed as soon as the query's lexemes are known
 * (while the query is still being embedded), kept for its `query` message.
 * @typedef {{ pass: (slot: number) => boolean, kw: { slots: number[], all: number }, gens?: number[] }} KeywordHalf
 * @type {Map<number, Map<string, KeywordHalf>>}
 */
const keywordPhases = new Map()

/**
 * @param {{ sources: string[], lexemes: string[], kc: number, filter: Filter }} msg
 * @param {boolean} early computed ahead of its query: remember the rows' generations
 */
function keywordPhase(msg, early) {
  /** @type {Map<string, KeywordHalf>} */
  const out = new Map()
  for (const src of msg.sources) {
    const s = sources.get(src)
    if (!s) continue
    const pass = s.filter(src, msg.filter)
    const kw = s.keyword(msg.lexemes, msg.kc, pass)
    out.set(src, early ? { pass, kw, gens: kw.slots.map((slot) => /** @type {number} */ (s.gen[slot])) } : { pass, kw })
  }
  return out
}

port.on('message', (msg) => {
  try {
    switch (msg?.type) {
      case 'reset':
        sources = new Map()
        keywordPhases.clear()
        vectorPhases.clear()
        expects.clear()
        early.clear()
        answered.clear()
        // A query still waiting for its vector would now meet a half-built index: SQL answers it.
        for (const q of parked.values()) port.postMessage({ type: 'result', id: q.id, results: null, top: null })
        parked.clear()
        return
      case 'upsert': {
        const s = source(msg.src)
        /** @type {Map<number, { slots: number[], vectors: Float32Array[] }>} */
        const byDim = new Map()
        let offset = 0
        for (let i = 0; i < msg.ids.length; i++) {
          const size = msg.vectorSizes[i] ?? 0
          const vector = size > 0 ? decodeVector(msg.vectorBytes.subarray(offset, offset + size)) : null
          offset += size
          const { lexemes, tfs } = parseTsvector(msg.tsvs[i] ?? '')
          const slot = s.upsert(msg.ids[i], lexemes, tfs, msg.meta, i)
          if (vector) {
            let g = byDim.get(vector.length)
            if (!g) byDim.set(vector.length, (g = { slots: [], vectors: [] }))
            g.slots.push(slot)
            g.vectors.push(vector)
          }
        }
        for (const [dim, g] of byDim) {
          const vectors = new Float32Array(g.slots.length * dim)
          g.vectors.forEach((v, j) => vectors.set(v, j * dim))
          s.addVectors(g.slots, vectors, dim)
        }
        s.maybeCompact()
        s.maybeReweight()
        return
      }
      case 'remove': {
        const s = source(msg.src)
        for (const id of msg.ids) s.remove(id)
        s.maybeCompact()
        return
      }
      case 'sink':
        sink?.close()
        sink = msg.port
        sink?.on('message', (/** @type {{ type?: string, id: number, vector: Float32Array }} */ m) => {
          try {
            if (m?.type === 'vector') vectorArrived(m.id, m.vector)
          } catch (err) {
            port.postMessage({ type: 'error', op: 'vector', message: err instanceof Error ? err.message : String(err) })
          }
        })
        return
      case 'expect': {
        expects.set(msg.id, { sources: msg.sources, kc: msg.kc })
        cap(expects)
        const v = early.get(msg.id)
        if (v !== undefined) {
          early.delete(msg.id)
          vectorArrived(msg.id, v)
        }
        return
      }
      case 'vector':
        vectorArrived(msg.id, msg.vector)
        return
      case 'keywords':
        keywordPhases.set(msg.id, keywordPhase(msg, true))
        return
      case 'query': {
        if (msg.awaitVector) {
          const half = vectorPhases.get(msg.queryId)
          if (!half) {
            parked.set(msg.queryId, msg)
            return
          }
          msg.vector = half.vector
        }
        answer(msg)
        return
      }
      case 'access': {
        // Access the recorder wrote (it logs no change, so the index is told here).
        const s = sources.get('memory')
        if (!s) return
        msg.ids.forEach((/** @type {string} */ id, /** @type {number} */ i) => {
          const slot = s.slotOf.get(id)
          if (slot === undefined) return
          s.access[slot] = /** @type {number} */ (s.access[slot]) + (msg.counts[i] ?? 0)
          const la = /** @type {number} */ (s.lastAccess[slot])
          s.lastAccess[slot] = Number.isNaN(la) ? msg.at : Math.max(la, msg.at)
        })
        return
      }
      case 'stats': {
        /** @type {Record<string, { rows: number, vectors: number, lexemes: number }>} */
        const out = {}
        for (const [src, s] of sources) {
          let vectors = 0
          for (const index of s.vectors.values()) vectors += index.size()
          out[src] = { rows: s.live, vectors, lexemes: s.distinct }
        }
        port.postMessage({ type: 'stats', id: msg.id, sources: out })
        return
      }
      default:
        port.postMessage({ type: 'error', op: String(msg?.type), message: 'unknown message' })
    }
  } catch (err) {
    port.postMessage({ type: 'error', op: String(msg?.type), id: msg?.id, message: err instanceof Error ? err.message : String(err) })
  }
})
