/**
 * The main-thread side of the embedder. All tokenizing and ONNX work happens in
 * `src/main/workers/embedder.worker.mjs`; this client only finds the model, queues texts,
 * cuts them into batches, and hands vectors back in order. It never imports
 * transformers.js, so nothing here can block the event loop for longer than a postMessage.
 *
 * - Concurrent `embed()` calls coalesce into batches of up to `batchSize` (32) texts, and big
 *   requests are split into such batches; one batch is in the worker at a time, so texts that
 *   arrive meanwhile join the next batch. `priority: 'high'` (a search query) jumps the queue.
 * - Every result carries the model name, dimension and weights fingerprint that made it
 *   (`Embeddings.model`, `.dim`, `.fingerprint`): store them next to each vector.
 * - No model: status 'missing', and `embed()` rejects with AppError 'unavailable'. Capture
 *   and keyword search keep working; semantic search waits for a model.
 */
import { availableParallelism } from 'node:os'
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import { AppError } from '../../../shared/errors'
import { resolveWorker, workerExecArgv } from '../../core/paths'
import { DEFAULT_MODEL, locateModel, modelCandidates, userModelCache, type ModelLocation } from './model-locator'

/**
 * 'idle': a model was found but is not loaded yet (it loads on first use or on `load()`).
 * 'missing': no model anywhere. 'failed': a model was found but could not load or the
 * worker died; `load()` tries again.
 */
export type EmbedderState = 'missing' | 'idle' | 'loading' | 'ready' | 'failed'

export interface EmbedderStatus {
  state: EmbedderState
  /** The name vectors are recorded under. */
  model: string
  dim: number | null
  dir: string | null
  source: ModelLocation['source'] | null
  /** A sentence for the user. */
  message: string
  /** Why it is missing/failed: model_missing, model_invalid, runtime_unavailable, worker_exit, load_timeout, disposed. */
  code: string | null
  /** Texts longer than this many model tokens are truncated. */
  maxTokens: number | null
  /** ONNX intra-op threads the worker uses. */
  threads: number
  /** First 16 hex chars of the ONNX file's sha256: tells apart two files under one name. */
  fingerprint: string | null
  loadMs: number | null
}

/** Vectors in input order, each `dim` long and unit-norm, plus what made them. */
export type Embeddings = Float32Array[] & { readonly model: string; readonly dim: number; readonly fingerprint: string }

export interface DownloadProgress {
  status: string
  file?: string
  loaded?: number
  total?: number
  /** 0–100 for the current file. */
  progress?: number
}

export interface EmbedderOptions {
  /** A configured model directory (setting or CLI option). ENGRAM_MODEL_DIR is read too. */
  modelDir?: string | null
  /** The model's name, recorded with every vector. Default Xenova/all-MiniLM-L6-v2. */
  modelName?: string
  workerPath?: string
  /** ONNX intra-op threads. Default: ENGRAM_EMBED_THREADS, else defaultThreads() (1). */
  threads?: number
  /**
   * Worker threads for bulk work. Default: ENGRAM_EMBED_WORKERS, else defaultWorkers(). The
   * second one starts only while a backlog is queued and stops after `helperIdleMs` without work.
   */
  workers?: number
  /** How long an idle helper worker is kept. Default 30 s. */
  helperIdleMs?: number
  /** Cap on model tokens per text. Default: the model's sentence-transformers max_seq_length, else 256. */
  maxTokens?: number
  /** Texts per worker message. Default 32. */
  batchSize?: number
  /** Texts per ONNX run inside the worker. Default 1 (batch-invariant vectors; see the worker). */
  innerBatch?: number
  loadTimeoutMs?: number
}

export interface EmbedOptions {
  /** 'high' goes ahead of queued bulk work (use it for search queries). */
  priority?: 'normal' | 'high'
  /**
   * A reduced output dimension (Matryoshka-style: the first `dim` values, renormalised),
   * for models trained for it. Default: `setOutputDim()`'s, else the model's own.
   */
  dim?: number
  /**
   * Also post the (first) text's vector to a sink from `openSink()`, as
   * `{ type: 'vector', id: tag, vector }`, straight from the embedder thread: a consumer in
   * another thread has it without a hop through this one. Best effort: a sink of a worker
   * that has been replaced since (see `sinkGeneration()`) gets nothing, and neither does a
   * sink when the text goes to the helper worker or the vector is truncated (`dim`).
   */
  forward?: { sink: number; tag: number }
}

/** A sink for forwarded vectors: `port` is the consumer's end (transfer it to its thread). */
export interface VectorSink {
  sink: number
  /** The embedder worker it belongs to (`sinkGeneration()` when it was opened). */
  generation: number
  port: MessagePort
}

/** The first `dim` values of a unit vector, scaled back to unit length. */
export function truncateVector(v: Float32Array, dim: number): Float32Array {
  if (dim >= v.length) return v
  const out = v.slice(0, dim)
  let norm = 0
  for (let i = 0; i < dim; i++) norm += (out[i] as number) * (out[i] as number)
  norm = Math.sqrt(norm) || 1
  for (let i = 0; i < dim; i++) out[i] = (out[i] as number) / norm
  return out
}

export interface Embedder {
  status(): EmbedderStatus
  /** Find and load the model (again, after 'failed' or a new model dir). Resolves with the status; never rejects. */
  load(): Promise<EmbedderStatus>
  embed(texts: string[], opts?: EmbedOptions): Promise<Embeddings>
  /** Model tokens per text, special tokens included, before truncation. */
  countTokens(texts: string[]): Promise<number[]>
  /** A new sink for `forward`ed vectors on the current worker (null: none is running). */
  openSink(): VectorSink | null
  /** Changes whenever the worker is replaced: sinks opened before then are gone. */
  sinkGeneration(): number
  /** Returns an unsubscribe function. */
  onStatus(cb: (s: EmbedderStatus) => void): () => void
  /** The output dimension of calls that name none (null: the model's own); set from the open profile's `embeddings.active`. */
  setOutputDim(dim: number | null): void
  /** Point at another model directory; queued work is cancelled and the model reloads on next use. */
  setModelDir(dir: string | null): Promise<EmbedderStatus>
  /**
   * Fetch the model from the hub into the user model cache, then load it. Rejects with
   * AppError 'unavailable' (details.reason 'offline') when the host cannot be reached.
   */
  downloadModel(opts?: {
    onProgress?: (p: DownloadProgress) => void
    /** Another hub endpoint (a mirror). Default: HF_ENDPOINT, else huggingface.co. */
    remoteHost?: string
    /** Fail as 'offline' when a request gets no answer in this long. Default 15 s. */
    connectTimeoutMs?: number
    /** Fail when a download stalls this long. Default 60 s. */
    idleTimeoutMs?: number
  }): Promise<EmbedderStatus>
  dispose(): Promise<void>
  /** The worker thread, while one runs (diagnostics and tests). */
  readonly worker: Worker | null
  /** Batches the second worker has embedded since start (diagnostics and tests). */
  readonly helperBatches: number
  /** Whether the second worker is up (loading or ready). */
  readonly helperActive: boolean
}

/**
 * One ONNX intra-op thread unless told otherwise (the `threads` option or
 * ENGRAM_EMBED_THREADS). Measured on the 2-core target with one text per ONNX run (see
 * bench/suites/embed.ts): the main event loop stayed responsive with 1 or 2 threads alike
 * (p99 ~2 ms idle and while embedding; the work is in the worker either way), and a second
 * thread bought nothing on short texts (216 vs 239/s; 294 vs 344/s on a quiet machine) and
 * only ~7–10% on 200-word texts (26.5 vs 24/s; 32.7 vs 30.6/s), while it takes the core the
 * PGlite thread and the renderer need during an import. Idle pool threads do not spin
 * (allow_spinning 0). Not measured on bigger machines: raise it there if it helps.
 */
export function defaultThreads(): number {
  return 1
}

/**
 * Two workers (one ONNX thread each) where there are two cores or more, else one. Unlike a
 * second intra-op thread (+7–10% on long texts, above), a second worker embeds a different
 * batch: whole model runs in parallel, no per-layer synchronisation. It is spawned only
 * while bulk work is queued (an import, re-embedding) and gets normal-priority work only.
 */
export function defaultWorkers(): number {
  return availableParallelism() >= 2 ? 2 : 1
}

export const DEFAULT_BATCH_SIZE = 32

/** High-priority calls of at most this many texts run between the texts of a batch in the worker. */
const URGENT_MAX_TEXTS = 4

/** A queue at least this long is bulk work, worth a second worker. */
const HELPER_MIN_TEXTS = 8

const NO_MODEL_HINT = 'Capture and keyword search still work; semantic search waits for a model.'

interface Pending {
  resolve: (v: never) => void
  reject: (e: Error) => void
}

interface EmbedRequest {
  texts: string[]
  priority: 'normal' | 'high'
  forward: { sink: number; tag: number } | null
  /** Truncate to this many dimensions (null: as the model makes them). */
  outDim: number | null
  out: Float32Array[]
  left: number
  model: string
  dim: number
  fingerprint: string
  resolve: (v: Embeddings) => void
  reject: (e: Error) => void
  settled: boolean
}

interface Slice {
  req: EmbedRequest
  start: number
  end: number
  /** Send without other requests' texts (after a shared batch failed). */
  solo?: boolean
}

type WorkerMsg =
  | { type: 'loaded'; modelName: string; dim: number; maxTokens: number; threads: number; fingerprint: string; ms: number }
  | { type: 'embedded'; id: number; vectors: Float32Array; count: number; dim: number; modelName: string; ms: number }
  | { type: 'tokenized'; id: number; counts: number[]; truncated: boolean[]; maxTokens: number }
  | { type: 'progress'; id: number; status: string; file?: string; loaded?: number; total?: number; progress?: number }
  | { type: 'downloaded'; id: number; dir: string; ms: number }
  | { type: 'disposed' }
  | { type: 'error'; op: string; id?: number; code: string; message: string }

function envInt(name: string): number | undefined {
  const v = Number(process.env[name])
  return Number.isInteger(v) && v > 0 ? v : undefined
}

export function createEmbedder(opts: EmbedderOptions = {}): Embedder {
  const modelName = opts.modelName ?? DEFAULT_MODEL
  const workerPath = opts.workerPath ?? resolveWorker('embedder.worker.mjs')
  const threads = opts.threads ?? envInt('ENGRAM_EMBED_THREADS') ?? defaultThreads()
  const workers = Math.max(1, Math.min(2, opts.workers ?? envInt('ENGRAM_EMBED_WORKERS') ?? defaultWorkers()))
  const helperIdleMs = opts.helperIdleMs ?? 30_000
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE)
  const loadTimeoutMs = opts.loadTimeoutMs ?? 120_000
  let modelDir = opts.modelDir ?? null
  let defaultOutDim: number | null = null

  let worker: Worker | null = null
  let disposed = false
  let loading: Promise<EmbedderStatus> | null = null
  let everReady = false
  let restarts = 0
  let loadWaiter: { resolve: (m: WorkerMsg) => void } | null = null
  let nextId = 1
  /** Bumped per worker spawned (sinks live in one worker). */
  let generation = 0
  let nextSink = 1
  const listeners = new Set<(s: EmbedderStatus) => void>()
  const queue: Slice[] = []
  let inFlight: { id: number; slices: Slice[] } | null = null
  /** High-priority texts sent while a batch was in the worker: it runs them between that batch's texts. */
  const urgentInFlight = new Map<number, Slice[]>()
  // The second worker: an embedder of its own (same model, one worker), fed whole batches.
  let helper: Embedder | null = null
  let helperState: 'off' | 'loading' | 'ready' | 'broken' = 'off'
  let helperBusy: Slice[] | null = null
  let helperIdle: NodeJS.Timeout | null = null
  /** Batches the helper embedded (diagnostics and tests). */
  let helperBatches = 0
  const tokenizeWaiters = new Map<number, Pending>()
  const downloads = new Map<number, Pending & { onProgress?: (p: DownloadProgress) => void }>()

  let st: EmbedderStatus = {
    state: 'missing',
    model: modelName,
    dim: null,
    dir: null,
    source: null,
    message: '',
    code: null,
    maxTokens: null,
    threads,
    fingerprint: null,
    loadMs: null
  }

  function setStatus(patch: Partial<EmbedderStatus>): void {
    st = { ...st, ...patch }
    const snapshot = { ...st }
    for (const cb of listeners) {
      try {
        cb(snapshot)
      } catch {
        // a listener's failure is its own
      }
    }
  }

  function missingMessage(): string {
    const where = modelCandidates({ configuredDir: modelDir, model: modelName })
      .map((c) => `${c.source} ${c.dir}${c.missing.length === 3 ? '' : ` (lacks ${c.missing.join(', ')})`}`)
      .join('; ')
    return `No embedding model found for ${modelName} (looked in: ${where}). ${NO_MODEL_HINT} Set ENGRAM_MODEL_DIR or the model folder setting, or download the model.`
  }

  /** Re-run the lookup; returns the location or sets 'missing'. */
  function locate(): ModelLocation | null {
    const loc = locateModel({ configuredDir: modelDir, model: modelName })
    if (!loc) {
      setStatus({ state: 'missing', dir: null, source: null, dim: null, code: 'model_missing', message: missingMessage(), fingerprint: null })
      return null
    }
    return loc
  }

  {
    const loc = locate()
    if (loc) setStatus({ state: 'idle', dir: loc.dir, source: loc.source, code: null, message: `${modelName} found (${loc.source}) at ${loc.dir}; it loads on first use.` })
  }

  function unavailable(): AppError {
    if (disposed) return new AppError('unavailable', 'The embedder was shut down.', { reason: 'disposed' })
    if (st.state === 'missing') return new AppError('unavailable', st.message, { reason: 'model_missing' })
    return new AppError('unavailable', `The embedding model is not available: ${st.message}`, { reason: st.code ?? 'model_invalid' })
  }

  function failAll(err: Error): void {
    const slices = [...(inFlight?.slices ?? []), ...[...urgentInFlight.values()].flat(), ...(helperBusy ?? []), ...queue.splice(0)]
    inFlight = null
    urgentInFlight.clear()
    helperBusy = null
    for (const s of slices) rejectReq(s.req, err)
    for (const p of tokenizeWaiters.values()) p.reject(err)
    tokenizeWaiters.clear()
    for (const p of downloads.values()) p.reject(err)
    downloads.clear()
  }

  function rejectReq(req: EmbedRequest, err: Error): void {
    if (req.settled) return
    req.settled = true
    req.reject(err)
  }

  function spawn(): Worker {
    if (worker) return worker
    const w = new Worker(workerPath, { workerData: { innerBatch: opts.innerBatch ?? 1 }, execArgv: workerExecArgv() })
    worker = w
    generation++
    w.on('message', (m: WorkerMsg) => onMessage(m))
    w.on('error', (err) => {
      if (worker !== w) return
      onWorkerGone(`the embedder worker crashed: ${err.message}`)
    })
    w.on('exit', (code) => {
      if (worker !== w) return
      onWorkerGone(`the embedder worker exited (code ${code})`)
    })
    return w
  }

  function onWorkerGone(why: string): void {
    worker = null
    const err = new AppError('unavailable', `Embedding stopped: ${why}. ${NO_MODEL_HINT}`, { reason: 'worker_exit' })
    if (loadWaiter) {
      loadWaiter.resolve({ type: 'error', op: 'load', code: 'worker_exit', message: why })
      loadWaiter = null
    }
    failAll(err)
    if (!disposed) setStatus({ state: 'failed', code: 'worker_exit', message: `${why}. ${NO_MODEL_HINT} Loading again restarts it.` })
  }

  function onMessage(m: WorkerMsg): void {
    switch (m.type) {
      case 'loaded':
      case 'disposed':
        if (loadWaiter) {
          loadWaiter.resolve(m)
          loadWaiter = null
        }
        return
      case 'embedded':
        return onEmbedded(m)
      case 'tokenized': {
        const p = tokenizeWaiters.get(m.id)
        tokenizeWaiters.delete(m.id)
        ;(p?.resolve as ((v: number[]) => void) | undefined)?.(m.counts)
        return
      }
      case 'progress': {
        const d = downloads.get(m.id)
        const { type: _t, id: _i, ...p } = m
        d?.onProgress?.(p)
        return
      }
      case 'downloaded': {
        const d = downloads.get(m.id)
        downloads.delete(m.id)
        ;(d?.resolve as ((v: string) => void) | undefined)?.(m.dir)
        return
      }
      case 'error':
        return onWorkerError(m)
    }
  }

  function onWorkerError(m: Extract<WorkerMsg, { type: 'error' }>): void {
    if (m.op === 'load' && loadWaiter) {
      loadWaiter.resolve(m)
      loadWaiter = null
      return
    }
    const embedFailed = (): AppError =>
      new AppError(m.code === 'not_loaded' ? 'unavailable' : m.code === 'bad_request' ? 'validation' : 'internal', `Embedding failed: ${m.message}`, { reason: m.code })
    const urgentSlices = m.op === 'embed' && m.id !== undefined ? urgentInFlight.get(m.id) : undefined
    if (urgentSlices && m.id !== undefined) {
      urgentInFlight.delete(m.id)
      const err = embedFailed()
      for (const x of urgentSlices) rejectReq(x.req, err)
      return
    }
    if (m.op === 'embed' && inFlight && inFlight.id === m.id) {
      const { slices } = inFlight
      inFlight = null
      if (m.code === 'embed_failed' && new Set(slices.map((x) => x.req)).size > 1) {
        // The batch mixed several callers' texts: retry each caller on its own, so that
        // one bad text fails only the call it came in.
        for (const x of [...slices].reverse()) queue.unshift({ ...x, solo: true })
        pump()
        return
      }
      const err = embedFailed()
      for (const s of slices) rejectReq(s.req, err)
      pump()
      return
    }
    if (m.op === 'tokenize' && m.id !== undefined) {
      const p = tokenizeWaiters.get(m.id)
      tokenizeWaiters.delete(m.id)
      p?.reject(new AppError(m.code === 'bad_request' ? 'validation' : 'unavailable', `Counting tokens failed: ${m.message}`, { reason: m.code }))
      return
    }
    if (m.op === 'download' && m.id !== undefined) {
      const d = downloads.get(m.id)
      downloads.delete(m.id)
      const msg =
        m.code === 'offline'
          ? `Could not download the embedding model: offline (${m.message}). ${NO_MODEL_HINT}`
          : `Could not download the embedding model: ${m.message}. ${NO_MODEL_HINT}`
      d?.reject(new AppError('unavailable', msg, { reason: m.code }))
      return
    }
    // An error nobody waits for (e.g. an unhandled rejection in the worker): log, keep going.
    console.error(`[engram] embedder worker: ${m.code}: ${m.message}`)
  }

  function onEmbedded(m: Extract<WorkerMsg, { type: 'embedded' }>): void {
    const urgentSlices = urgentInFlight.get(m.id)
    if (urgentSlices) {
      urgentInFlight.delete(m.id)
      fill(urgentSlices, (row) => m.vectors.slice(row * m.dim, (row + 1) * m.dim), m.dim, m.modelName)
      return
    }
    if (!inFlight || inFlight.id !== m.id) return
    const { slices } = inFlight
    inFlight = null
    // A copy per vector: a caller keeping one vector should not keep the whole batch alive.
    fill(slices, (row) => m.vectors.slice(row * m.dim, (row + 1) * m.dim), m.dim, m.modelName)
    pump()
  }

  /** Hand a batch's vectors (row `r` of the batch from `vector(r)`) to the calls they belong to. */
  function fill(slices: Slice[], vector: (row: number) => Float32Array, dim: number, model: string): void {
    let row = 0
    for (const s of slices) {
      const req = s.req
      for (let i = s.start; i < s.end; i++, row++) {
        const v = vector(row)
        req.out[i] = req.outDim !== null && req.outDim < dim ? truncateVector(v, req.outDim) : v
      }
      req.model = model
      req.dim = req.outDim !== null && req.outDim < dim ? req.outDim : dim
      req.left -= s.end - s.start
      if (req.left === 0 && !req.settled) {
        req.settled = true
        req.resolve(Object.assign(req.out, { model: req.model, dim: req.dim, fingerprint: req.fingerprint }) as Embeddings)
      }
    }
  }

  function queuedTexts(): number {
    let n = 0
    for (const s of queue) if (!s.req.settled) n += s.end - s.start
    return n
  }

  /** Up to `max` queued texts, whole slices where they fit, in queue order. */
  function takeBatch(max: number): { slices: Slice[]; texts: string[] } {
    const slices: Slice[] = []
    const texts: string[] = []
    while (queue.length && texts.length < max) {
      const s = queue[0] as Slice
      if (s.req.settled) {
        queue.shift()
        continue
      }
      if (s.solo && texts.length) break
      const take = Math.min(s.end - s.start, max - texts.length)
      slices.push({ req: s.req, start: s.start, end: s.start + take })
      for (let i = s.start; i < s.start + take; i++) texts.push(s.req.texts[i] as string)
      if (s.start + take === s.end) queue.shift()
      else s.start += take
      if (s.solo) break
    }
    return { slices, texts }
  }

  /** Queued high-priority calls of a few texts (search queries), from the head of the queue. */
  function takeUrgent(): { slices: Slice[]; texts: string[] } {
    const slices: Slice[] = []
    for (let s = queue[0]; s; s = queue[0]) {
      if (!s.req.settled && (s.req.priority !== 'high' || s.end - s.start > URGENT_MAX_TEXTS)) break
      queue.shift()
      if (!s.req.settled) slices.push(s)
    }
    return { slices, texts: slices.flatMap((x) => x.req.texts.slice(x.start, x.end)) }
  }

  /** The rows of a worker message whose vectors go to a sink as well (as made: not when the caller truncates them). */
  function forwardsOf(slices: Slice[]): { forward?: Array<{ row: number; sink: number; tag: number }> } {
    const forward: Array<{ row: number; sink: number; tag: number }> = []
    let row = 0
    for (const x of slices) {
      if (x.req.forward && x.start === 0 && (x.req.outDim === null || x.req.outDim >= (st.dim ?? 0))) forward.push({ row, ...x.req.forward })
      row += x.end - x.start
    }
    return forward.length ? { forward } : {}
  }

  /** Send the next batches: to the worker when it has none, and to the helper when it is idle. */
  function pump(): void {
    if (!queue.length || !worker || st.state !== 'ready') return
    const n = queuedTexts()
    // Bulk work (an import's batch, not a search query): bring the second worker up for what follows.
    if (n >= HELPER_MIN_TEXTS && helperState === 'off' && workers >= 2 && !disposed) startHelper()
    const helperFree = helperState === 'ready' && !helperBusy
    if (!inFlight) {
      // Search queries go alone, not in a batch with bulk texts queued behind them. Otherwise,
      // with the helper free, split what is queued so that both work on it at once.
      const queries = takeUrgent()
      const { slices, texts } = queries.texts.length ? queries : takeBatch(helperFree && n > 1 ? Math.min(batchSize, Math.ceil(n / 2)) : batchSize)
      if (texts.length) {
        const id = nextId++
        inFlight = { id, slices }
        worker.postMessage({ type: 'embed', id, texts, ...forwardsOf(slices) })
      }
    } else {
      // A search query does not wait for the batch in the worker (up to 32 texts, a second or
      // more for long ones): the worker runs it between two of that batch's texts.
      const { slices, texts } = takeUrgent()
      if (texts.length) {
        const id = nextId++
        urgentInFlight.set(id, slices)
        worker.postMessage({ type: 'embed', id, texts, urgent: true, ...forwardsOf(slices) })
      }
    }
    if (queue.length) feedHelper()
  }

  /** Bulk work waits: start the helper worker, or give it a batch. */
  function feedHelper(): void {
    if (helperState !== 'ready' || !helper || helperBusy || disposed) return
    const head = queue.find((s) => !s.req.settled)
    if (!head || head.solo) return
    if (helperIdle) clearTimeout(helperIdle)
    helperIdle = null
    const { slices, texts } = takeBatch(batchSize)
    if (!texts.length) return
    const h = helper
    helperBusy = slices
    h.embed(texts).then(
      (v) => {
        if (helperBusy !== slices) return
        helperBusy = null
        helperBatches++
        fill(slices, (row) => v[row] as Float32Array, v.dim, v.model)
        afterHelper()
      },
      (err: unknown) => {
        if (helperBusy !== slices) return
        helperBusy = null
        // The helper is an optimisation: its batch goes back to the main worker, one caller at a
        // time (a bad text then fails only its own call); a helper that is gone is not used again.
        for (const x of [...slices].reverse()) queue.unshift({ ...x, solo: true })
        if (err instanceof AppError && err.code === 'unavailable') {
          console.error('[engram] the second embedder worker stopped; continuing with one', err)
          helperState = 'broken'
          void stopHelper()
        }
        pump()
      }
    )
  }

  function afterHelper(): void {
    pump()
    if (!helperBusy && !helperIdle && helperState === 'ready') {
      helperIdle = setTimeout(() => {
        helperIdle = null
        if (!helperBusy) void stopHelper()
      }, helperIdleMs)
      helperIdle.unref()
    }
  }

  function startHelper(): void {
    if (!st.dir) return
    helperState = 'loading'
    const h = createEmbedder({ ...opts, modelDir: st.dir, workers: 1 })
    helper = h
    void h.load().then((s) => {
      if (helper !== h) return
      // Vectors from the helper must be the ones the main worker would make.
      if (s.state !== 'ready' || s.fingerprint !== st.fingerprint || s.dim !== st.dim) {
        helperState = 'broken'
        void stopHelper()
        return
      }
      helperState = 'ready'
      pump()
      afterHelper()
    })
  }

  async function stopHelper(): Promise<void> {
    const h = helper
    helper = null
    if (helperIdle) clearTimeout(helperIdle)
    helperIdle = null
    if (helperState !== 'broken') helperState = 'off'
    if (h) await h.dispose()
  }

  async function doLoad(): Promise<EmbedderStatus> {
    if (disposed) return { ...st }
    const loc = locate()
    if (!loc) return { ...st }
    setStatus({ state: 'loading', dir: loc.dir, source: loc.source, code: null, message: `Loading ${modelName} from ${loc.dir}…` })
    const w = spawn()
    const started = performance.now()
    let timer: NodeJS.Timeout | undefined
    const reply = await new Promise<WorkerMsg>((resolve) => {
      loadWaiter = { resolve }
      timer = setTimeout(() => {
        loadWaiter = null
        resolve({ type: 'error', op: 'load', code: 'load_timeout', message: `the model did not load within ${Math.round(loadTimeoutMs / 1000)} s` })
      }, loadTimeoutMs)
      w.postMessage({ type: 'load', dir: loc.dir, modelName, threads, maxTokens: opts.maxTokens })
    })
    clearTimeout(timer)
    if (disposed) return { ...st }
    if (reply.type === 'loaded') {
      everReady = true
      setStatus({
        state: 'ready',
        dim: reply.dim,
        maxTokens: reply.maxTokens,
        fingerprint: reply.fingerprint,
        loadMs: Math.round(performance.now() - started),
        code: null,
        message: `${modelName} ready: ${reply.dim} dims, q8, up to ${reply.maxTokens} tokens per text, ${reply.threads} ONNX thread(s), loaded from ${loc.source} ${loc.dir} in ${Math.round(reply.ms)} ms.`
      })
      pump()
    } else {
      const code = reply.type === 'error' ? reply.code : 'model_invalid'
      const message = reply.type === 'error' ? reply.message : 'unexpected reply from the embedder worker'
      if (code === 'load_timeout') {
        worker = null
        void w.terminate()
      }
      setStatus({ state: 'failed', dim: null, code, message: `${message}. ${NO_MODEL_HINT}` })
      failAll(unavailable())
    }
    return { ...st }
  }

  function load(): Promise<EmbedderStatus> {
    if (st.state === 'ready' && worker) return Promise.resolve({ ...st })
    loading ??= doLoad().finally(() => {
      loading = null
    })
    return loading
  }

  /** Load on first use; throw 'unavailable' if that cannot work. */
  async function ensureReady(): Promise<void> {
    if (disposed) throw unavailable()
    if (st.state === 'ready' && worker) return
    if (st.state === 'missing' && !locateModel({ configuredDir: modelDir, model: modelName })) throw unavailable()
    if (st.state === 'failed') {
      // Do not retry a model that failed to load; do restart a worker that died after
      // loading fine (a few times), since that is not the model's fault.
      if (!(st.code === 'worker_exit' && everReady && restarts < 3)) throw unavailable()
      restarts++
    }
    const s = await load()
    if (s.state !== 'ready') throw unavailable()
  }

  function checkTexts(texts: unknown): asserts texts is string[] {
    if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) {
      throw new AppError('validation', 'embed() takes an array of strings')
    }
  }

  async function embed(texts: string[], eo: EmbedOptions = {}): Promise<Embeddings> {
    checkTexts(texts)
    await ensureReady()
    const outDim = eo.dim ?? defaultOutDim
    if (outDim !== null && (!Number.isInteger(outDim) || outDim < 1 || outDim > (st.dim ?? 0)))
      throw new AppError('validation', `${st.model} makes ${st.dim ?? '?'}-dimensional vectors; it cannot make ${outDim}. Choose ${st.dim ?? 'the model’s'} or fewer.`)
    return new Promise<Embeddings>((resolve, reject) => {
      const req: EmbedRequest = {
        texts: [...texts],
        priority: eo.priority ?? 'normal',
        forward: eo.forward ?? null,
        outDim,
        out: new Array<Float32Array>(texts.length),
        left: texts.length,
        model: st.model,
        dim: outDim ?? st.dim ?? 0,
        fingerprint: st.fingerprint ?? '',
        resolve,
        reject,
        settled: false
      }
      if (disposed || !worker || st.state !== 'ready') {
        // Disposed or reconfigured while this call waited for the model.
        reject(unavailable())
        return
      }
      if (!texts.length) {
        req.settled = true
        resolve(Object.assign(req.out, { model: req.model, dim: req.dim, fingerprint: req.fingerprint }) as Embeddings)
        return
      }
      const slice: Slice = { req, start: 0, end: texts.length }
      if (eo.priority === 'high') queue.unshift(slice)
      else queue.push(slice)
      // Let calls made in the same tick join this batch.
      queueMicrotask(pump)
    })
  }

  async function countTokens(texts: string[]): Promise<number[]> {
    checkTexts(texts)
    await ensureReady()
    const w = worker
    if (!w) throw unavailable()
    const id = nextId++
    return new Promise<number[]>((resolve, reject) => {
      tokenizeWaiters.set(id, { resolve: resolve as (v: never) => void, reject })
      w.postMessage({ type: 'tokenize', id, texts })
    })
  }

  async function stopWorker(): Promise<void> {
    const w = worker
    worker = null
    if (!w) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000)
      w.on('message', (m: WorkerMsg) => {
        if (m.type === 'disposed') {
          clearTimeout(timer)
          resolve()
        }
      })
      w.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      w.postMessage({ type: 'dispose' })
    })
    await w.terminate()
  }

  async function setModelDir(dir: string | null): Promise<EmbedderStatus> {
    modelDir = dir
    failAll(new AppError('cancelled', 'The embedding model changed; queued work was cancelled.'))
    await loading?.catch(() => undefined)
    helperState = 'off'
    await stopHelper()
    await stopWorker()
    const loc = locate()
    if (loc) setStatus({ state: 'idle', dir: loc.dir, source: loc.source, dim: null, fingerprint: null, code: null, message: `${modelName} found (${loc.source}) at ${loc.dir}; it loads on first use.` })
    return { ...st }
  }

  async function downloadModel(
    dopts: {
      onProgress?: (p: DownloadProgress) => void
      remoteHost?: string
      connectTimeoutMs?: number
      idleTimeoutMs?: number
    } = {}
  ): Promise<EmbedderStatus> {
    if (disposed) throw unavailable()
    const w = spawn()
    const id = nextId++
    const remoteHost = dopts.remoteHost ?? process.env['HF_ENDPOINT']
    await new Promise<string>((resolve, reject) => {
      downloads.set(id, { resolve: resolve as (v: never) => void, reject, onProgress: dopts.onProgress })
      w.postMessage({
        type: 'download',
        id,
        model: modelName,
        cacheDir: userModelCache(),
        remoteHost,
        connectTimeoutMs: dopts.connectTimeoutMs ?? 15_000,
        idleTimeoutMs: dopts.idleTimeoutMs ?? 60_000
      })
    })
    if (st.state === 'ready') return { ...st }
    return load()
  }

  async function dispose(): Promise<void> {
    if (disposed) return
    disposed = true
    failAll(new AppError('unavailable', 'The embedder was shut down.', { reason: 'disposed' }))
    await stopHelper()
    await stopWorker()
    listeners.clear()
  }

  function openSink(): VectorSink | null {
    if (!worker || disposed) return null
    const { port1, port2 } = new MessageChannel()
    const sink = nextSink++
    worker.postMessage({ type: 'sink', sink, port: port1 }, [port1])
    return { sink, generation, port: port2 }
  }

  return {
    status: () => ({ ...st }),
    load,
    embed,
    countTokens,
    openSink,
    sinkGeneration: () => generation,
    onStatus(cb) {
      listeners.add(cb)
      return () => listeners.delete(cb)
    },
    setOutputDim(dim) {
      defaultOutDim = dim
    },
    setModelDir,
    downloadModel,
    dispose,
    get worker() {
      return worker
    },
    get helperBatches() {
      return helperBatches
    },
    get helperActive() {
      return helper !== null
    }
  }
}
