/**
 * Background workflows.
 * - workflow.consolidate_10k_s: `memories.consolidate` over 10k embedded memories holding
 *   300 near-duplicate clusters (2–3 members each), from start to finished run.
 * - workflow.main_loop_p99_ms: the main thread's event-loop delay (perf_hooks
 *   monitorEventLoopDelay, 10 ms resolution) while that heavy run goes: p99.
 * Vectors are synthetic (random unit vectors, near-duplicates within cosine ~0.97 of their
 * seed), inserted straight into the table: the embedder is not what is measured here.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { join } from 'node:path'
import { createAppCore } from '../../src/main/core/app-core'
import { toVectorParam } from '../../src/main/db/vector'
import { contentHash } from '../../src/main/features/memories/normalize'
import { round, type BenchSuite } from '../lib'

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined }
const N = 10_000
const CLUSTERS = 300
const DIM = 384
const WORDS = 'memory note idea meeting project garden travel recipe book music friend family health budget plan call email deadline code design review'.split(' ')

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function unit(v: number[]): number[] {
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

export const suite: BenchSuite = {
  name: 'workflows',
  async run() {
    const dataDir = join(import.meta.dirname, '..', 'tmp', `workflows-${Date.now()}`)
    const core = createAppCore({ dataDir, role: 'bench', mode: 'browser', logger: quiet })
    await core.profiles.create({ name: 'consolidate' })
    const s = await core.services()
    const db = s.ctx.db
    const r = rng(42)
    const gauss = (): number => Math.sqrt(-2 * Math.log(r() || 1e-9)) * Math.cos(2 * Math.PI * r())
    const rows: Array<Record<string, unknown>> = []
    let i = 0
    for (let c = 0; c < CLUSTERS; c++) {
      const base = unit(Array.from({ length: DIM }, gauss))
      const size = 2 + (c % 2)
      for (let m = 0; m < size; m++, i++) {
        const v = m === 0 ? base : unit(base.map((x) => x + gauss() * 0.012))
        const text = `Cluster ${c}: ${WORDS[c % WORDS.length]} ${WORDS[(c * 7) % WORDS.length]} plan number ${c}${m ? ` (variant ${m})` : ''}.`
        rows.push({ content: text, content_hash: contentHash(text), embedding: db.raw('?::vector', [toVectorParam(v)]), embedding_dim: DIM, embedding_model: 'bench', embedding_status: 'ready' })
      }
    }
    for (; i < N; i++) {
      const text = `Unrelated ${i}: ${Array.from({ length: 8 + (i % 10) }, (_, j) => WORDS[(i * 13 + j * 7) % WORDS.length]).join(' ')}.`
      rows.push({ content: text, content_hash: contentHash(text), embedding: db.raw('?::vector', [toVectorParam(unit(Array.from({ length: DIM }, gauss)))]), embedding_dim: DIM, embedding_model: 'bench', embedding_status: 'ready' })
    }
    // Bulk load, then build the HNSW index once (the same index a profile has; faster than 10k single inserts).
    const ix = (await db.raw("select indexdef from pg_indexes where indexname = 'memories_embedding_384'")).rows[0].indexdef as string
    await db.raw('drop index memories_embedding_384')
    for (let k = 0; k < rows.length; k += 500) await db('memories').insert(rows.slice(k, k + 500))
    await db.raw(ix)
    await db.raw('vacuum (analyze) memories')

    const h = monitorEventLoopDelay({ resolution: 10 })
    h.enable()
    const t0 = performance.now()
    const id = await s.workflows.start('memories.consolidate', {})
    const run = await s.workflows.waitFor(id, 3_600_000)
    const seconds = (performance.now() - t0) / 1000
    h.disable()
    if (run.status !== 'succeeded') throw new Error(`consolidation ${run.status}: ${run.error}`)
    const out = run.output as { clusters: number; merged: number }
    await core.close()
    return {
      'workflow.consolidate_10k_s': {
        value: round(seconds, 1),
        unit: 's',
        note: `10k memories, ${CLUSTERS} near-duplicate clusters seeded; found ${out.clusters}, merged ${out.merged} (20 clusters a transaction); 2-core machine shared with other work`
      },
      'workflow.main_loop_p99_ms': {
        value: round(h.percentile(99) / 1e6, 1),
        unit: 'ms',
        target: '<= 50',
        note: `main-thread event-loop delay during the consolidation (max ${round(h.max / 1e6, 1)} ms, mean ${round(h.mean / 1e6, 1)} ms)`
      }
    }
  }
}
