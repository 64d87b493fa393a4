/**
 * Startup: how long until a profile's first query answers.
 * - startup.fresh_profile_ms: create a new profile (data directory from the migrated
 *   template, open, migrate) until its first query answers. The template is built once per
 *   data directory; the first-ever profile also pays `initdb` (startup.first_profile_ms).
 * - startup.existing_profile_ms: open an existing profile holding 10k memories.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { createAppCore } from '../../src/main/core/app-core'
import { toVectorParam } from '../../src/main/db/vector'
import { median, round, timeMs, type BenchSuite, type Metric } from '../lib'

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined }
const WORDS = 'memory note idea meeting project garden travel recipe book music friend family health budget plan call email deadline code design review'.split(' ')

function sentence(i: number): string {
  const n = 8 + (i % 12)
  return Array.from({ length: n }, (_, j) => WORDS[(i * 7 + j * 13) % WORDS.length]).join(' ') + ` #${i}`
}

async function seedMemories(core: ReturnType<typeof createAppCore>, n: number): Promise<void> {
  const { ctx } = await core.services()
  for (let start = 0; start < n; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - start) }, (_, k) => {
      const i = start + k
      const v = Array.from({ length: 384 }, (_, d) => Math.sin(i * 0.37 + d))
      const norm = Math.hypot(...v)
      return { content: sentence(i), content_hash: `h${i}`, embedding: ctx.db.raw('?::vector', [toVectorParam(v.map((x) => x / norm))]), embedding_dim: 384, embedding_model: 'bench', embedding_status: 'ready' }
    })
    await ctx.db('memories').insert(rows)
  }
}

export const suite: BenchSuite = {
  name: 'startup',
  async run() {
    const dataDir = join(import.meta.dirname, '..', 'tmp', `startup-${Date.now()}`)
    const core = createAppCore({ dataDir, role: 'bench', mode: 'browser', logger: quiet })
    const [first] = await timeMs(async () => {
      await core.profiles.create({ name: 'first' })
      await (await core.services()).ctx.db.raw('select 1')
    })
    const fresh: number[] = []
    for (let i = 0; i < 5; i++) {
      const [ms] = await timeMs(async () => {
        await core.profiles.create({ name: `fresh-${i}` })
        await (await core.services()).ctx.db.raw('select count(*) from memories')
      })
      fresh.push(ms)
    }
    const big = await core.profiles.create({ name: 'ten-thousand' })
    await seedMemories(core, 10_000)
    await core.close()

    const existing: number[] = []
    for (let i = 0; i < 5; i++) {
      const c = createAppCore({ dataDir, role: 'bench', mode: 'browser', logger: quiet })
      const [ms] = await timeMs(async () => {
        await c.profiles.switchTo(big.id)
        await (await c.services()).ctx.db.raw('select count(*) from memories')
      })
      existing.push(ms)
      await c.close()
    }
    rmSync(dataDir, { recursive: true, force: true })
    const m = (value: number, target: string | undefined, note: string): Metric => ({ value: round(value, 0), unit: 'ms', ...(target ? { target } : {}), note })
    return {
      'startup.fresh_profile_ms': m(median(fresh), '<= 3000', 'median of 5: create + migrate + first query (from template)'),
      'startup.first_profile_ms': m(first, undefined, 'the first profile in a data dir: initdb + migrate, builds the template'),
      'startup.existing_profile_ms': m(median(existing), '<= 1500', 'median of 5: open a profile with 10k memories to its first query')
    }
  }
}
