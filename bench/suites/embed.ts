/**
 * Embedding throughput, ours (worker + batching client) against transformers.js's own
 * feature-extraction pipeline run in-process, on the RANDOM-WEIGHTS MiniLM-L6 fixture
 * (../shared/models/fixtures/minilm-l6-random-weights: the real architecture, tokenizer and
 * q8 graph, so speed and memory are representative; the vectors mean nothing).
 *
 * - embed.short_per_s / embed.long_per_s: ours, default settings (1 ONNX thread), texts of
 *   ~15 and ~200 words (Cranfield abstracts), 256 and 48 texts per run, median of 9 and 5
 *   runs after a warm-up. The client cuts them into batches of 32.
 * - embed.raw_short_per_s / embed.raw_long_per_s: `pipeline('feature-extraction')` with the
 *   same dtype and thread count, called in batches of 32 on the bench's own thread.
 * - embed.inner32_short_per_s: ours with innerBatch 32, the speed that batch-invariant
 *   vectors (innerBatch 1, the default) give up on short texts.
 * - embed.t2_* / embed.raw_t2_*: the same with 2 ONNX threads (the thread-count choice).
 * - embed.main_loop_p99_{idle,1t,2t}_ms: the main event loop's delay p99 while it does light,
 *   app-like work and ours embeds long texts with 1 or 2 ONNX threads (or nothing).
 * - embed.rss_mb: process RSS growth from starting the embedder and embedding long texts.
 * Runs alternate ours/raw so that load from other processes hits both alike.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createEmbedder, type Embedder } from '../../src/main/features/embeddings/embedder'
import { median, round, type BenchSuite, type Metric } from '../lib'

const repoRoot = resolve(import.meta.dirname, '..', '..')
const FIXTURE = resolve(repoRoot, '..', 'shared', 'models', 'fixtures', 'minilm-l6-random-weights')
const CORPUS = resolve(repoRoot, '..', 'shared', 'datasets', 'cranfield', 'corpus.jsonl')
/** Short runs take ~1–2 s, long ones several: more short runs steady the median on a busy machine. */
const RUNS = { short: 9, long: 5 }
const BATCH = 32

function texts(): { short: string[]; long: string[] } {
  const docs = readFileSync(CORPUS, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { text: string }).text.split(/\s+/).filter(Boolean))
  const short: string[] = []
  const long: string[] = []
  for (const d of docs) {
    if (short.length < 256 && d.length >= 15) short.push(d.slice(0, 15).join(' '))
    if (long.length < 48 && d.length >= 200) long.push(d.slice(0, 200).join(' '))
  }
  if (short.length < 256 || long.length < 48) throw new Error('not enough Cranfield text')
  return { short, long }
}

type Extractor = (texts: string[], opts: { pooling: 'mean'; normalize: boolean }) => Promise<unknown>

async function rawPipeline(threads: number): Promise<Extractor> {
  const { pipeline, env } = await import('@huggingface/transformers')
  env.allowRemoteModels = false
  env.useFSCache = false
  const p = await pipeline('feature-extraction', FIXTURE, { dtype: 'q8', session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 } })
  return p as unknown as Extractor
}

async function perSecond(n: number, fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now()
  await fn()
  return n / ((performance.now() - t) / 1000)
}

async function rawRun(p: Extractor, list: string[]): Promise<void> {
  for (let i = 0; i < list.length; i += BATCH) await p(list.slice(i, i + BATCH), { pooling: 'mean', normalize: true })
}

/**
 * A main thread doing light, app-like work (a 0.5 ms task every 5 ms) while `during` runs:
 * the event-loop delay p99 in ms.
 */
async function mainLoopP99(during: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 })
  h.enable()
  const timer = setInterval(() => {
    const t = performance.now()
    while (performance.now() - t < 0.5);
  }, 5)
  await during()
  clearInterval(timer)
  h.disable()
  return h.percentile(99) / 1e6
}

async function compare(
  ours: Embedder,
  raw: Extractor,
  t: { short: string[]; long: string[] },
  alt?: Embedder
): Promise<{ short: number; long: number; rawShort: number; rawLong: number; altShort: number }> {
  // Warm up both.
  await ours.embed(t.short.slice(0, BATCH))
  await rawRun(raw, t.short.slice(0, BATCH))
  await ours.embed(t.long.slice(0, 8))
  await rawRun(raw, t.long.slice(0, 8))
  if (alt) await alt.embed(t.short.slice(0, BATCH))
  const r = { short: [] as number[], long: [] as number[], rawShort: [] as number[], rawLong: [] as number[], altShort: [] as number[] }
  for (let i = 0; i < RUNS.short; i++) {
    r.short.push(await perSecond(t.short.length, () => ours.embed(t.short)))
    r.rawShort.push(await perSecond(t.short.length, () => rawRun(raw, t.short)))
    if (alt) r.altShort.push(await perSecond(t.short.length, () => alt.embed(t.short)))
    if (i >= RUNS.long) continue
    r.long.push(await perSecond(t.long.length, () => ours.embed(t.long)))
    r.rawLong.push(await perSecond(t.long.length, () => rawRun(raw, t.long)))
  }
  return { short: median(r.short), long: median(r.long), rawShort: median(r.rawShort), rawLong: median(r.rawLong), altShort: alt ? median(r.altShort) : 0 }
}

export const suite: BenchSuite = {
  name: 'embed',
  async run() {
    const t = texts()
    const m: Record<string, Metric> = {}
    const rssBefore = process.memoryUsage().rss

    const ours1 = createEmbedder({ modelDir: FIXTURE, modelName: 'fixture (random weights)', threads: 1 })
    const s = await ours1.load()
    if (s.state !== 'ready') throw new Error(`the embedder did not load: ${s.message}`)
    const tokens = await ours1.countTokens(t.long)
    await ours1.embed(t.long)
    const rss = (process.memoryUsage().rss - rssBefore) / 2 ** 20

    // Thread choice: the main loop while embedding long texts with 1 and 2 ONNX threads.
    const ours2 = createEmbedder({ modelDir: FIXTURE, modelName: 'fixture (random weights)', threads: 2 })
    await ours2.load()
    await ours2.embed(t.long.slice(0, 8))
    const loop: Record<string, number[]> = { idle: [], t1: [], t2: [] }
    for (let i = 0; i < 3; i++) {
      loop['idle']!.push(await mainLoopP99(() => new Promise((r) => setTimeout(r, 1500))))
      loop['t1']!.push(await mainLoopP99(() => ours1.embed(t.long.slice(0, 24))))
      loop['t2']!.push(await mainLoopP99(() => ours2.embed(t.long.slice(0, 24))))
    }

    const raw1 = await rawPipeline(1)
    // The trade-off behind innerBatch 1: padded q8 sub-batches of 32 inside the worker.
    const inner32 = createEmbedder({ modelDir: FIXTURE, modelName: 'fixture (random weights)', threads: 1, innerBatch: 32 })
    const one = await compare(ours1, raw1, t, inner32)
    await inner32.dispose()
    const raw2 = await rawPipeline(2)
    const two = await compare(ours2, raw2, t)
    await ours1.dispose()
    await ours2.dispose()

    const avgTok = Math.round(tokens.reduce((a, b) => a + b, 0) / tokens.length)
    const note = (what: string, runs = RUNS.short): string => `${what}; median of ${runs}; RANDOM-WEIGHTS MiniLM-L6 q8 fixture`
    m['embed.short_per_s'] = { value: round(one.short, 0), unit: 'texts/s', target: `>= ${round(one.rawShort * 0.9, 0)} (raw -10%)`, note: note(`ours, 1 ONNX thread, ${t.short.length} texts of 15 words in batches of ${BATCH}`) }
    m['embed.long_per_s'] = { value: round(one.long, 1), unit: 'texts/s', target: `>= ${round(one.rawLong * 0.9, 1)} (raw -10%)`, note: note(`ours, 1 ONNX thread, ${t.long.length} texts of 200 words (~${avgTok} tokens)`, RUNS.long) }
    m['embed.raw_short_per_s'] = { value: round(one.rawShort, 0), unit: 'texts/s', note: note('transformers.js pipeline in-process, 1 ONNX thread, batches of 32') }
    m['embed.raw_long_per_s'] = { value: round(one.rawLong, 1), unit: 'texts/s', note: note('transformers.js pipeline in-process, 1 ONNX thread, batches of 32', RUNS.long) }
    m['embed.inner32_short_per_s'] = { value: round(one.altShort, 0), unit: 'texts/s', note: note('ours with innerBatch 32 (padded sub-batches: faster on short texts, but vectors then depend ~1e-3 on batch-mates)') }
    m['embed.t2_short_per_s'] = { value: round(two.short, 0), unit: 'texts/s', target: `>= ${round(two.rawShort * 0.9, 0)} (raw -10%)`, note: note('ours, 2 ONNX threads') }
    m['embed.t2_long_per_s'] = { value: round(two.long, 1), unit: 'texts/s', target: `>= ${round(two.rawLong * 0.9, 1)} (raw -10%)`, note: note('ours, 2 ONNX threads', RUNS.long) }
    m['embed.raw_t2_short_per_s'] = { value: round(two.rawShort, 0), unit: 'texts/s', note: note('pipeline in-process, 2 ONNX threads, batches of 32') }
    m['embed.raw_t2_long_per_s'] = { value: round(two.rawLong, 1), unit: 'texts/s', note: note('pipeline in-process, 2 ONNX threads, batches of 32', RUNS.long) }
    const loopNote = (what: string): string => `main event-loop delay p99 with a 0.5 ms task every 5 ms, ${what}; median of 3`
    m['embed.main_loop_p99_idle_ms'] = { value: round(median(loop['idle']!), 1), unit: 'ms', note: loopNote('no embedding (baseline)') }
    m['embed.main_loop_p99_1t_ms'] = { value: round(median(loop['t1']!), 1), unit: 'ms', target: '<= 50', note: loopNote('while ours embeds long texts, 1 ONNX thread') }
    m['embed.main_loop_p99_2t_ms'] = { value: round(median(loop['t2']!), 1), unit: 'ms', target: '<= 50', note: loopNote('while ours embeds long texts, 2 ONNX threads') }
    m['embed.rss_mb'] = { value: round(rss, 0), unit: 'MB', note: 'process RSS growth: worker + model loaded + 48 long texts embedded (1 thread)' }
    m['embed.load_ms'] = { value: s.loadMs ?? 0, unit: 'ms', note: 'worker start to model ready, incl. a warm-up run and the weights fingerprint' }
    return m
  }
}
