/**
 * Document import speed on real files (../shared/documents), through the real pipeline
 * (durable workflow: detect → parse → chunk → embed → index) with the RANDOM-WEIGHTS
 * MiniLM fixture (representative speed; vectors without meaning).
 * - import.freeculture_pdf_s: the 352-page book, from the call until it is searchable.
 * - import.pages_per_s: its pages divided by that time.
 * - import.mixed_corpus_s: every file of the folder in one drop (bad ones fail cleanly).
 * - import.peak_rss_mb: the process's peak RSS during both (main + workers).
 * - import.main_loop_p99_ms: the main thread's event-loop delay p99 while importing.
 */
import { readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createAppCore } from '../../src/main/core/app-core'
import { round, type BenchSuite, type Metric } from '../lib'
import { quiet } from '../seed'

const ROOT = resolve(import.meta.dirname, '..', '..', '..', 'shared')
const DOCS = join(ROOT, 'documents')
const FIXTURE = join(ROOT, 'models', 'fixtures', 'minilm-l6-random-weights')

export const suite: BenchSuite = {
  name: 'import',
  async run() {
    const out: Record<string, Metric> = {}
    const dataDir = join(import.meta.dirname, '..', 'tmp', `import-${Date.now()}`)
    const core = createAppCore({ dataDir, role: 'bench', mode: 'browser', logger: quiet, modelDir: FIXTURE })
    let peakRss = process.memoryUsage().rss
    const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100)
    const loop = monitorEventLoopDelay({ resolution: 10 })
    try {
      await core.profiles.create({ name: 'import' })
      const s = await core.services()
      await core.embedder.load()
      loop.enable()
      const t0 = performance.now()
      const r = await s.documents.importFiles([{ path: join(DOCS, 'freeculture.pdf') }], { source: 'bench' })
      const run = await s.workflows.waitFor(r.files[0]?.runId as string, 30 * 60_000)
      const hits = await s.search.search({ query: 'free culture', k: 5, sources: ['document'], includeArchived: false, recordAccess: false })
      const seconds = (performance.now() - t0) / 1000
      if (run.status !== 'succeeded' || hits.hits.length === 0) throw new Error(`freeculture import ${run.status}: ${run.error}`)
      const doc = await s.documents.get(r.files[0]?.documentId as string)
      const detail = await s.workflows.get(r.files[0]?.runId as string)
      const steps = detail.steps
        .filter((x) => x.startedAt && x.finishedAt)
        .map((x) => `${x.name} ${round((Date.parse(x.finishedAt as string) - Date.parse(x.startedAt as string)) / 1000, 1)} s`)
        .join(', ')
      const workers = core.embedder.helperBatches > 0 ? 'two embedder workers' : 'one embedder worker'
      out['import.freeculture_pdf_s'] = { value: round(seconds, 1), unit: 's', target: '<= 30', note: `352 pages, ${doc.document.chunkCount} chunks, until searchable (${steps}; ${workers})` }
      out['import.pages_per_s'] = { value: round((doc.document.pages ?? 0) / seconds, 1), unit: 'pages/s' }

      const files = readdirSync(DOCS).filter((f) => f !== 'MANIFEST.md' && f !== 'freeculture.pdf')
      const t1 = performance.now()
      const mixed = await s.documents.importFiles(files.map((f) => ({ path: join(DOCS, f) })), { source: 'bench' })
      const runs = await Promise.all(mixed.files.map((f) => (f.runId ? s.workflows.waitFor(f.runId, 30 * 60_000) : null)))
      const mixedS = (performance.now() - t1) / 1000 + seconds
      loop.disable()
      const ok = runs.filter((x) => x?.status === 'succeeded').length
      out['import.mixed_corpus_s'] = {
        value: round(mixedS, 1),
        unit: 's',
        note: `all ${files.length + 1} files (freeculture first); ${ok + 1} imported, ${files.length - ok} refused with a reason`
      }
      out['import.main_loop_p99_ms'] = { value: round(loop.percentile(99) / 1e6, 1), unit: 'ms', target: '<= 50', note: 'event-loop delay of the thread driving the import' }
      out['import.peak_rss_mb'] = { value: round(peakRss / 2 ** 20, 0), unit: 'MB', note: 'whole process (main + database + embedder + PDF workers)' }
    } finally {
      clearInterval(rssTimer)
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
    return out
  }
}
