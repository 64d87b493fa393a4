/** Pieces the bench suites share for filling a profile: a seeded PRNG, a quiet logger, embedded bulk inserts. */
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
