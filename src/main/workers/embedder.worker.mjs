// @ts-check
/**
 * The embedder thread. transformers.js runs ONNX Runtime's CPU kernels on the thread that
 * calls it, for tens to hundreds of milliseconds per batch, so it lives here and never on
 * the main thread. It loads a model from a local directory only (no network), except for
 * the explicit `download` message, which fetches a model from the hub into a cache dir.
 *
 * Protocol (all errors are values, never an unhandled crash):
 *   → { type:'load', dir, modelName, threads?, maxTokens? }
 *   ← { type:'loaded', modelName, dim, maxTokens, threads, fingerprint, ms }
 *   → { type:'embed', id, texts: string[], forward?: Array<{ row, sink, tag }>, urgent? }
 *       (urgent: run at the next text boundary of the message being embedded, if any)
 *   ← { type:'embedded', id, vectors: Float32Array (n*dim, buffer transferred), count, dim, modelName, ms }
 *   → { type:'sink', sink, port: MessagePort }   a consumer in another thread (the search
 *       index): the vector of each `forward` row goes to its sink first, as
 *       { type:'vector', id: tag, vector: Float32Array }, without a hop through the main thread
 *   → { type:'tokenize', id, texts: string[] }
 *   ← { type:'tokenized', id, counts: number[], truncated: boolean[], maxTokens }
 *   → { type:'download', id, model, cacheDir, remoteHost?, connectTimeoutMs?, idleTimeoutMs? }
 *   ← { type:'progress', id, status, file?, loaded?, total?, progress? } … then
 *   ← { type:'downloaded', id, dir, ms }
 *   → { type:'dispose' }  ← { type:'disposed' }
 *   ← { type:'error', op, id?, code, message }   code: model_missing | model_invalid |
 *        runtime_unavailable | not_loaded | bad_request | embed_failed | offline | download_failed
 *
 * Each text is run through the model on its own (an "inner batch" of 1) unless told
 * otherwise. The quantized model quantizes activations per tensor at run time
 * (DynamicQuantizeLinear), so in a padded batch a text's vector depends, by up to ~1e-3
 * per component (cosine 0.99998), on its batch-mates. One text per run makes every vector
 * exactly reproducible whatever it was batched with, and wastes nothing on padding.
 * Measured on 2 cores, 1 thread: 200-word texts ran ~1.8x faster than in padded batches of
 * 32 (the batch's attention tensors also took ~700 MB RSS against ~250 MB), short texts
 * ~5–10% slower. `innerBatch` > 1 sorts a message's texts by token length and runs them
 * in padded sub-batches of that size.
 *
 * Plain JavaScript on purpose, like pglite.worker.mjs: the same file runs under Node and in
 * the built Electron app with no transpile step.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

if (!parentPort) throw new Error('embedder.worker must run as a worker thread')
const port = parentPort

/** @type {{ innerBatch?: number } | undefined} */
const options = workerData ?? undefined
const INNER_BATCH = Math.max(1, Math.floor(options?.innerBatch ?? 1))

/** @typedef {typeof import('@huggingface/transformers')} Transformers */
/** @typedef {import('@huggingface/transformers').PreTrainedTokenizer} Tokenizer */
/** @typedef {import('@huggingface/transformers').PreTrainedModel} Model */

/** @type {Transformers | null} */
let tf = null

/**
 * @typedef {{ tokenizer: Tokenizer, model: Model, dim: number, maxTokens: number,
 *   modelName: string, dir: string, threads: number, fingerprint: string }} Loaded
 */
/** @type {Loaded | null} */
let loaded = null

class WorkerError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message)
    this.code = code
  }
}

/** @returns {Promise<Transformers>} */
async function transformers() {
  if (tf) return tf
  try {
    tf = await import('@huggingface/transformers')
  } catch (err) {
    throw new WorkerError('runtime_unavailable', `The embedding runtime (transformers.js / onnxruntime-node) could not load: ${errMessage(err)}`)
  }
  tf.env.logLevel = tf.LogLevel.ERROR
  localOnly(tf)
  return tf
}

/** @param {Transformers} t */
function localOnly(t) {
  t.env.allowRemoteModels = false
  t.env.allowLocalModels = true
  t.env.useFSCache = false
  t.env.useBrowserCache = false
}

/** @param {unknown} err */
function errMessage(err) {
  return err instanceof Error ? err.message : String(err)
}

/** @param {string} dir */
function missingFiles(dir) {
  return ['config.json', 'tokenizer.json', join('onnx', 'model_quantized.onnx')].filter((f) => !existsSync(join(dir, f)))
}

/** @param {string} file */
function sha256(file) {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256')
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject)
  })
}

/** @param {string} dir @param {string} file @returns {any} */
function readJson(dir, file) {
  try {
    return JSON.parse(readFileSync(join(dir, file), 'utf8'))
  } catch {
    return null
  }
}

/**
 * @param {{ dir: string, modelName: string, threads?: number, maxTokens?: number }} msg
 * @returns {Promise<Loaded>}
 */
async function load(msg) {
  const { modelName } = msg
  if (typeof msg.dir !== 'string' || !msg.dir) throw new WorkerError('bad_request', 'load needs a model directory')
  // Absolute, so transformers.js never mistakes a relative "a/b" for a hub id.
  const dir = resolve(msg.dir)
  const missing = missingFiles(dir)
  if (missing.length) throw new WorkerError('model_missing', `No model in ${dir}: missing ${missing.join(', ')}`)
  const t = await transformers()
  const threads = Math.max(1, Math.floor(msg.threads ?? 1))
  const config = readJson(dir, 'config.json')
  if (!config) throw new WorkerError('model_invalid', `The model's config.json in ${dir} is not valid JSON`)
  /** @type {Tokenizer} */
  let tokenizer
  /** @type {Model} */
  let model
  try {
    // A directory path that is not a hub id ("owner/name") is read as a path as is.
    tokenizer = await t.AutoTokenizer.from_pretrained(dir, { local_files_only: true })
  } catch (err) {
    throw new WorkerError('model_invalid', `The tokenizer in ${dir} could not load: ${errMessage(err)}`)
  }
  try {
    model = await t.AutoModel.from_pretrained(dir, {
      dtype: 'q8',
      device: 'cpu',
      local_files_only: true,
      session_options: {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        // Idle pool threads otherwise spin and burn a core the main thread wants.
        extra: { session: { intra_op: { allow_spinning: '0' } } }
      }
    })
  } catch (err) {
    throw new WorkerError('model_invalid', `The model in ${dir} could not load (is onnx/model_quantized.onnx a valid ONNX file?): ${errMessage(err)}`)
  }
  // sentence-transformers models were trained on at most max_seq_length tokens (256 for
  // all-MiniLM-L6-v2), which is less than the tokenizer's 512. The ARCHITECTURE caps at 256.
  const st = readJson(dir, 'sentence_bert_config.json')
  const limits = [
    msg.maxTokens ?? st?.max_seq_length ?? 256,
    tokenizer.model_max_length,
    config.max_position_embeddings ?? Infinity
  ].filter((x) => typeof x === 'number' && x > 0)
  const maxTokens = Math.min(...limits)
  const l = { tokenizer, model, dim: 0, maxTokens, modelName, dir, threads, fingerprint: '' }
  // One run now, so a graph that loads but cannot run fails here, and to learn the dim.
  let probe
  try {
    probe = await runBatch(l, ['warm up'])
  } catch (err) {
    await model.dispose().catch(() => undefined)
    throw new WorkerError('model_invalid', `The model in ${dir} loaded but could not embed: ${errMessage(err)}`)
  }
  l.dim = probe.length
  if (!l.dim) throw new WorkerError('model_invalid', `The model in ${dir} produced an empty embedding`)
  l.fingerprint = (await sha256(join(dir, 'onnx', 'model_quantized.onnx'))).slice(0, 16)
  return l
}

/**
 * Tokenize, run, mean-pool over the attention mask, L2-normalize: the same steps as the
 * feature-extraction pipeline with { pooling: 'mean', normalize: true }, plus our max length.
 * @param {Loaded} l
 * @param {string[]} texts
 * @returns {Promise<Float32Array>} texts.length * dim floats
 */
async function runBatch(l, texts) {
  const inputs = l.tokenizer(texts, { padding: true, truncation: true, max_length: l.maxTokens })
  try {
    const out = await l.model(inputs)
    try {
      const hidden = out.last_hidden_state ?? out.token_embeddings
      if (!hidden) throw new Error('the model has no last_hidden_state output')
      return meanPoolNormalize(/** @type {Float32Array} */ (hidden.data), hidden.dims, inputs.attention_mask.data)
    } finally {
      for (const v of Object.values(out)) v?.dispose?.()
    }
  } finally {
    for (const v of Object.values(inputs)) v?.dispose?.()
  }
}

/**
 * Mean over the tokens the mask keeps, then divide by the L2 norm. transformers.js's
 * mean_pooling walks the hidden state with a stride and converts each BigInt mask entry
 * per element, which cost ~0.5 ms per short text, a tenth of the model run; this walks it
 * in memory order, sums in doubles like the library does, and gives the same numbers.
 * @param {Float32Array} hidden [batch, seq, dim]
 * @param {readonly number[]} dims
 * @param {ArrayLike<bigint | number>} mask [batch, seq]
 */
function meanPoolNormalize(hidden, dims, mask) {
  const [batch = 0, seq = 0, dim = 0] = dims
  const out = new Float32Array(batch * dim)
  const acc = new Float64Array(dim)
  for (let b = 0; b < batch; b++) {
    acc.fill(0)
    let count = 0
    for (let j = 0; j < seq; j++) {
      if (!Number(mask[b * seq + j])) continue
      count++
      const row = (b * seq + j) * dim
      for (let k = 0; k < dim; k++) acc[k] = /** @type {number} */ (acc[k]) + /** @type {number} */ (hidden[row + k])
    }
    let sq = 0
    for (let k = 0; k < dim; k++) {
      const v = Math.fround(/** @type {number} */ (acc[k]) / (count || 1))
      acc[k] = v
      sq += v * v
    }
    const n = Math.sqrt(sq) || 1
    for (let k = 0; k < dim; k++) out[b * dim + k] = /** @type {number} */ (acc[k]) / n
  }
  return out
}

/**
 * @param {Loaded} l
 * @param {string[]} texts
 */
async function embed(l, texts) {
  const n = texts.length
  const dim = l.dim
  const out = new Float32Array(n * dim)
  if (INNER_BATCH === 1) {
    for (let i = 0; i < n; i++) {
      out.set(await runBatch(l, [/** @type {string} */ (texts[i])]), i * dim)
      if (urgent.length && i < n - 1) await runUrgent()
    }
  } else {
    // Sort by token length so sub-batches pad little, then put rows back in order.
    const lens = texts.map((s) => l.tokenizer.encode(s).length)
    const order = texts.map((_, i) => i).sort((a, b) => /** @type {number} */ (lens[a]) - /** @type {number} */ (lens[b]))
    for (let s = 0; s < n; s += INNER_BATCH) {
      const idx = order.slice(s, s + INNER_BATCH)
      const rows = await runBatch(l, idx.map((i) => /** @type {string} */ (texts[i])))
      idx.forEach((i, k) => out.set(rows.subarray(k * dim, (k + 1) * dim), i * dim))
      if (urgent.length && s + INNER_BATCH < n) await runUrgent()
    }
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new WorkerError('embed_failed', 'the model produced a non-finite embedding')
  }
  return out
}

/** @param {unknown} texts @returns {texts is string[]} */
function isTexts(texts) {
  return Array.isArray(texts) && texts.every((s) => typeof s === 'string')
}

/**
 * Download a model from the hub (or a mirror) into cacheDir/<model>, in the layout
 * transformers.js reads back. Fails fast with 'offline' when the host cannot be reached.
 * @param {{ id: number, model: string, cacheDir: string, remoteHost?: string,
 *   connectTimeoutMs?: number, idleTimeoutMs?: number }} msg
 */
async function download(msg) {
  const t = await transformers()
  const connectTimeoutMs = msg.connectTimeoutMs ?? 15_000
  const idleTimeoutMs = msg.idleTimeoutMs ?? 60_000
  const baseFetch = globalThis.fetch
  /** @type {{ error: Error | null }} */
  const offline = { error: null }
  /** @param {string | URL} url @param {any} init */
  const fetchWithTimeouts = async (url, init) => {
    const ctl = new AbortController()
    let timer = setTimeout(() => ctl.abort(new Error(`no answer from ${new URL(String(url)).host} within ${connectTimeoutMs} ms`)), connectTimeoutMs)
    /** @type {Response} */
    let res
    try {
      res = await baseFetch(url, { ...init, signal: ctl.signal })
    } catch (err) {
      clearTimeout(timer)
      offline.error = new Error(`${errMessage(err)}${err instanceof Error && err.cause ? ` (${errMessage(err.cause)})` : ''}`)
      throw offline.error
    }
    clearTimeout(timer)
    if (!res.body) return res
    // Abort a download that stalls mid-body.
    const reader = res.body.getReader()
    const body = new ReadableStream({
      async pull(controller) {
        timer = setTimeout(() => ctl.abort(new Error(`the download stalled for ${idleTimeoutMs} ms`)), idleTimeoutMs)
        try {
          const { done, value } = await reader.read()
          clearTimeout(timer)
          if (done) controller.close()
          else controller.enqueue(value)
        } catch (err) {
          clearTimeout(timer)
          offline.error = err instanceof Error ? err : new Error(String(err))
          controller.error(err)
        }
      },
      cancel(reason) {
        clearTimeout(timer)
        return reader.cancel(reason)
      }
    })
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers })
  }
  const saved = { fetch: t.env.fetch, remoteHost: t.env.remoteHost, cacheDir: t.env.cacheDir }
  const started = performance.now()
  /** @type {Map<string, number>} */
  const lastProgress = new Map()
  try {
    t.env.allowRemoteModels = true
    t.env.useFSCache = true
    t.env.cacheDir = msg.cacheDir
    t.env.fetch = fetchWithTimeouts
    if (msg.remoteHost) t.env.remoteHost = msg.remoteHost.endsWith('/') ? msg.remoteHost : msg.remoteHost + '/'
    /** @param {any} p */
    const progress_callback = (p) => {
      if (p.status === 'progress' || p.status === 'progress_total') {
        // At most ~10 updates a second per file (and for the total).
        const key = p.status === 'progress' ? `file:${p.file}` : 'total'
        const now = performance.now()
        if (now - (lastProgress.get(key) ?? -Infinity) < 100 && p.progress < 100) return
        lastProgress.set(key, now)
      }
      port.postMessage({ type: 'progress', id: msg.id, status: p.status, file: p.file, loaded: p.loaded, total: p.total, progress: p.progress })
    }
    const opts = { cache_dir: msg.cacheDir, progress_callback }
    await t.AutoTokenizer.from_pretrained(msg.model, opts)
    const model = await t.AutoModel.from_pretrained(msg.model, { ...opts, dtype: 'q8', device: 'cpu' })
    await model.dispose()
  } catch (err) {
    if (offline.error) throw new WorkerError('offline', `${t.env.remoteHost} is unreachable: ${offline.error.message}`)
    throw new WorkerError('download_failed', `Downloading ${msg.model} failed: ${errMessage(err)}`)
  } finally {
    t.env.fetch = saved.fetch
    t.env.remoteHost = saved.remoteHost
    t.env.cacheDir = saved.cacheDir
    localOnly(t)
  }
  const dir = join(msg.cacheDir, msg.model)
  const missing = missingFiles(dir)
  if (missing.length) throw new WorkerError('download_failed', `The download finished but ${dir} lacks ${missing.join(', ')}`)
  return { dir, ms: performance.now() - started }
}

/** @type {Map<number, import('node:worker_threads').MessagePort>} sinks by number */
const sinks = new Map()
/** An embed message is being worked on (urgent ones then wait in `urgent`, not in the chain). */
let batchRunning = false
/** @type {any[]} urgent embed messages, run at the next text boundary */
const urgent = []

async function runUrgent() {
  for (let msg = urgent.shift(); msg; msg = urgent.shift()) await runEmbed(msg)
}

/**
 * Embed one message's texts and post the vectors (forwarded rows to their sinks first).
 * @param {any} msg
 */
async function runEmbed(msg) {
  const started = performance.now()
  try {
    if (!loaded) throw new WorkerError('not_loaded', 'No model is loaded')
    if (!isTexts(msg.texts)) throw new WorkerError('bad_request', 'embed needs texts: string[]')
    const l = loaded
    const vectors = await embed(l, msg.texts)
    for (const f of Array.isArray(msg.forward) ? msg.forward : []) {
      const row = Number(f?.row)
      if (!Number.isInteger(row) || row < 0 || row >= msg.texts.length) continue
      sinks.get(f.sink)?.postMessage({ type: 'vector', id: f.tag, vector: vectors.slice(row * l.dim, (row + 1) * l.dim) })
    }
    port.postMessage({ type: 'embedded', id: msg.id, vectors, count: msg.texts.length, dim: l.dim, modelName: l.modelName, ms: performance.now() - started }, [
      vectors.buffer
    ])
  } catch (err) {
    postError('embed', msg.id, err, 'embed_failed')
  }
}

/** Embeds and loads run one at a time, in order; tokenize answers between runs. */
let chain = Promise.resolve()
/** @param {() => Promise<void>} job */
function serial(job) {
  chain = chain.then(job, job)
}

/**
 * @param {string} op
 * @param {number | undefined} id
 * @param {unknown} err
 * @param {string} fallbackCode
 */
function postError(op, id, err, fallbackCode) {
  const code = err instanceof WorkerError ? /** @type {any} */ (err).code : fallbackCode
  port.postMessage({ type: 'error', op, id, code, message: errMessage(err) })
}

port.on('message', (/** @type {any} */ msg) => {
  switch (msg?.type) {
    case 'load':
      serial(async () => {
        const started = performance.now()
        try {
          const previous = loaded
          loaded = null
          if (previous) await previous.model.dispose().catch(() => undefined)
          loaded = await load(msg)
          port.postMessage({
            type: 'loaded',
            modelName: loaded.modelName,
            dim: loaded.dim,
            maxTokens: loaded.maxTokens,
            threads: loaded.threads,
            fingerprint: loaded.fingerprint,
            ms: performance.now() - started
          })
        } catch (err) {
          postError('load', undefined, err, 'model_invalid')
        }
      })
      break
    case 'embed':
      // An urgent text (a search query) does not wait for the batch being embedded: it runs
      // between two of that batch's texts.
      if (msg.urgent && batchRunning) urgent.push(msg)
      else
        serial(async () => {
          batchRunning = true
          try {
            await runEmbed(msg)
            await runUrgent()
          } finally {
            batchRunning = false
          }
        })
      break
    case 'sink': {
      /** @type {import('node:worker_threads').MessagePort} */
      const p = msg.port
      const sink = msg.sink
      sinks.set(sink, p)
      // The consumer closing its end (its thread ended) ends the sink.
      p.once('close', () => sinks.delete(sink))
      break
    }
    case 'tokenize':
      try {
        if (!loaded) throw new WorkerError('not_loaded', 'No model is loaded')
        if (!isTexts(msg.texts)) throw new WorkerError('bad_request', 'tokenize needs texts: string[]')
        const l = loaded
        // Counts include the special tokens ([CLS], [SEP]) the model sees, untruncated.
        const counts = /** @type {string[]} */ (msg.texts).map((s) => l.tokenizer.encode(s).length)
        port.postMessage({ type: 'tokenized', id: msg.id, counts, truncated: counts.map((c) => c > l.maxTokens), maxTokens: l.maxTokens })
      } catch (err) {
        postError('tokenize', msg.id, err, 'embed_failed')
      }
      break
    case 'download':
      serial(async () => {
        try {
          const r = await download(msg)
          port.postMessage({ type: 'downloaded', id: msg.id, dir: r.dir, ms: r.ms })
        } catch (err) {
          postError('download', msg.id, err, 'download_failed')
        }
      })
      break
    case 'dispose':
      serial(async () => {
        const l = loaded
        loaded = null
        if (l) await l.model.dispose().catch(() => undefined)
        port.postMessage({ type: 'disposed' })
      })
      break
    default:
      postError(String(msg?.type), msg?.id, new WorkerError('bad_request', `Unknown message type ${String(msg?.type)}`), 'bad_request')
  }
})

process.on('unhandledRejection', (err) => postError('worker', undefined, err, 'embed_failed'))
