// @ts-check
/**
 * The search candidate index thread. It holds, for each searchable source (memories,
 * document chunks, messages), what the hybrid search needs to pick candidates in a
 * millisecond or two, however large the profile:
 * - a vector index: usearch HNSW (cosine, f16 storage; SIMD kernels, N-API prebuilds),
 *   one per embedding dimension, keyed by a per-source slot number;
 * - a BM25 inverted index over Postgres's own lexemes (the `tsv` column: the same
 *   `english` stemming and stop words as the SQL path), with exact document frequencies.
 * Postgres stays the source of truth: this thread only answers "which ids, in what order";
 * the search statement then filters, fuses, boosts and quotes them (search.service.ts).
 * Why it exists: in PGlite (WASM) ranking matched rows costs ~100 µs a row and HNSW with
 * ef 100 ~14 ms at 10k rows, so one SQL statement could not meet the 15 ms / 50 ms targets.
 *
 * Building the vector index blocks the thread it runs on (~25 s for 100k vectors), which
 * is why this is a worker and not the main process.
 *
 * Protocol (errors are values):
 *   → { type:'reset' }
 *   → { type:'upsert', src, ids: string[], dims: Int32Array, vectors: Float32Array (rows with
 *       dim > 0, concatenated), lexemes: string[][], tfs: number[][] }
 *   → { type:'remove', src, ids: string[] }
 *   → { type:'query', id, sources: string[], dim, vector: Float32Array | null, lexemes: string[], k }
 *   ← { type:'result', id, results: { [src]: { vector: string[], keyword: string[], all } }, ms }
 *   → { type:'stats', id }  ← { type:'stats', id, sources: { [src]: { rows, vectors, lexemes } } }
 *   ← { type:'error', op, id?, message }
 * Messages are handled strictly in order, so a query sees every upsert sent before it.
 */
import { parentPort } from 'node:worker_threads'
import { createRequire } from 'node:module'

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
      const s = new Int32Array(size); s.set(this.slots); this.slots = s
      const g = new Uint32Array(size); g.set(this.gens); this.gens = g
      const t = new Uint16Array(size); t.set(this.tfs); this.tfs = t
      const w = new Float32Array(size); w.set(this.w); this.w = w
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
    const g = new Uint32Array(size); g.set(this.gen); this.gen = g
    const d = new Uint16Array(size); d.set(this.dl); this.dl = d
    const v = new Int32Array(size); v.set(this.vdim); this.vdim = v
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
        const df = new Int32Array(this.df.length * 2); df.set(this.df); this.df = df
      }
    }
    return n
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
    const dim = this.vdim[slot] ?? 0
    if (dim > 0) this.vectors.get(dim)?.remove(BigInt(slot))
    this.vdim[slot] = 0
  }

  /**
   * @param {string} id
   * @param {string[]} lexemes
   * @param {number[]} tfs
   */
  upsert(id, lexemes, tfs) {
    let slot = this.slotOf.get(id)
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
   * BM25 top k over every live row matching any of the lexemes.
   * @param {string[]} lexemes
   * @param {number} k
   * @returns {{ ids: string[], all: number }} the top k, and how many rows match every lexeme
   */
  keyword(lexemes, k) {
    const uniq = [...new Set(lexemes)]
    if (uniq.length === 0 || this.live === 0) return { ids: [], all: 0 }
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
        if (prev === 0) touched.push(s)
        scores[s] = prev + idf * /** @type {number} */ (w[i])
        if (countAll) hits[s] = /** @type {number} */ (hits[s]) + 1
      }
    }
    const top = topK(touched, scores, k, this.ids)
    let all = countAll ? 0 : Number.MAX_SAFE_INTEGER
    for (const s of touched) {
      if (countAll && hits[s] === uniq.length) all++
      scores[s] = 0
      hits[s] = 0
    }
    return { ids: top.map((s) => /** @type {string} */ (this.ids[s])), all }
  }

  /**
   * @param {Float32Array} vector
   * @param {number} k
   * @returns {string[]}
   */
  nearest(vector, k) {
    const index = this.vectors.get(vector.length)
    if (!index || index.size() === 0) return []
    const m = index.search(vector, Math.min(k, index.size()), 1)
    /** @type {string[]} */
    const out = []
    for (const key of m.keys) {
      const id = this.ids[Number(key)]
      if (id) out.push(id)
    }
    return out
  }
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

port.on('message', (msg) => {
  try {
    switch (msg?.type) {
      case 'reset':
        sources = new Map()
        return
      case 'upsert': {
        const s = source(msg.src)
        /** @type {Map<number, { slots: number[], offsets: number[] }>} */
        const byDim = new Map()
        let offset = 0
        for (let i = 0; i < msg.ids.length; i++) {
          const slot = s.upsert(msg.ids[i], msg.lexemes[i] ?? [], msg.tfs[i] ?? [])
          const dim = msg.dims[i] ?? 0
          if (dim > 0) {
            let g = byDim.get(dim)
            if (!g) byDim.set(dim, (g = { slots: [], offsets: [] }))
            g.slots.push(slot)
            g.offsets.push(offset)
            offset += dim
          }
        }
        for (const [dim, g] of byDim) {
          const vectors = new Float32Array(g.slots.length * dim)
          g.offsets.forEach((o, j) => vectors.set(msg.vectors.subarray(o, o + dim), j * dim))
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
      case 'query': {
        const t0 = performance.now()
        /** @type {Record<string, { vector: string[], keyword: string[], all: number }>} */
        const results = {}
        for (const src of msg.sources) {
          const s = sources.get(src)
          const kw = s ? s.keyword(msg.lexemes, msg.k) : { ids: [], all: 0 }
          results[src] = { vector: s && msg.vector ? s.nearest(msg.vector, msg.k) : [], keyword: kw.ids, all: kw.all }
        }
        port.postMessage({ type: 'result', id: msg.id, results, ms: performance.now() - t0 })
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
