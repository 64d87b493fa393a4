/** Pieces the bench suites share for filling a profile: a seeded PRNG, a quiet logger, embedded bulk inserts. */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { AppCore } from '../src/main/core/app-core'
import { toVectorParam } from '../src/main/db/vector'
import { contentHash } from '../src/main/features/memories/normalize'

/** Logs errors only: a bench's output is its numbers. */
export const quiet = { error: (m: string, e?: unknown) => console.error(m, e), warn: () => undefined, info: () => undefined }

/** A small seeded PRNG (mulberry32): 32-bit integer arithmetic, so no precision loss in doubles. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Memories with vectors made by the profile's embedder, inserted 256 at a time in pgvector's
 * binary format (the ingest rate through capture is measured on its own). Importance and age
 * cycle so that the boosts have something to do.
 */
export async function bulkFillEmbedded(core: AppCore, texts: string[]): Promise<void> {
  const { ctx } = await core.services()
  const db = ctx.db
  for (let i = 0; i < texts.length; i += 256) {
    const slice = texts.slice(i, i + 256)
    const vectors = await core.embedder.embed(slice)
    await db('memories').insert(
      slice.map((t, j) => ({
        content: t,
        content_hash: contentHash(t),
        embedding: db.raw('?::vector', [toVectorParam(vectors[j] as Float32Array)]),
        embedding_dim: vectors.dim,
        embedding_model: vectors.model,
        embedding_status: 'ready',
        importance: ((i + j) % 10) / 10,
        created_at: new Date(Date.now() - ((i + j) % 365) * 86400_000)
      }))
    )
    if (i % 10_000 === 0) process.stdout.write(`    filled ${i}/${texts.length}\n`)
  }
}

const CRANFIELD = resolve(import.meta.dirname, '..', '..', 'shared', 'datasets', 'cranfield', 'corpus.jsonl')
/** Sentences embedded by the model for a composed profile (see composedFill). */
export const COMPOSE_BASE = 4000


export function cranfieldSentences(): string[] {
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

/**
 * n memories COMPOSED from COMPOSE_BASE embedded Cranfield sentences (embedding 100k texts
 * takes ~7 min of ONNX on a quiet 2-core machine): the first COMPOSE_BASE memories are the
 * sentences; the rest are pairs "sentence i. sentence j" (seeded PRNG, all distinct) whose
 * vector is the normalised word-count-weighted sum of the two sentence vectors, which is what
 * mean pooling gives for a concatenation up to attention across the join. So an HNSW graph
 * sees the structure of real data (clusters around shared sentences) and full-text search
 * sees real text. (`memoryTexts()` cannot make 100k distinct texts: its LCG cycles.)
 */
export async function composedFill(core: AppCore, n: number): Promise<void> {
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
