/**
 * The embedder client's queueing, against a fake worker (no model, no ONNX): concurrent
 * calls coalesce into batches of at most 32, big requests split, order holds, a 'high'
 * priority call jumps queued bulk work, a failed batch fails only its own callers, and a
 * worker that dies is reported and restarted. The real model is covered in
 * test/integration/embedder.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEmbedder, type Embedder } from '../../src/main/features/embeddings/embedder'
import { AppError } from '../../src/shared/errors'

/** Vector i of a text = [text length, code of its first char, batch number, 1]. */
const FAKE_WORKER = `
import { parentPort } from 'node:worker_threads'
let batch = 0
parentPort.on('message', async (msg) => {
  if (msg.type === 'load') {
    parentPort.postMessage({ type: 'loaded', modelName: msg.modelName, dim: 4, maxTokens: 256, threads: msg.threads, fingerprint: 'fake', ms: 1 })
  } else if (msg.type === 'embed') {
    batch++
    parentPort.postMessage({ type: 'debug', batch, size: msg.texts.length, texts: msg.texts })
    if (msg.texts.includes('crash')) process.exit(3)
    if (msg.texts.includes('fail')) {
      parentPort.postMessage({ type: 'error', op: 'embed', id: msg.id, code: 'embed_failed', message: 'boom' })
      return
    }
    await new Promise((r) => setTimeout(r, 5))
    const v = new Float32Array(msg.texts.length * 4)
    msg.texts.forEach((t, i) => v.set([t.length, t.charCodeAt(0) || 0, batch, 1], i * 4))
    parentPort.postMessage({ type: 'embedded', id: msg.id, vectors: v, count: msg.texts.length, dim: 4, modelName: 'fake-model', ms: 5 }, [v.buffer])
  } else if (msg.type === 'tokenize') {
    parentPort.postMessage({ type: 'tokenized', id: msg.id, counts: msg.texts.map((t) => t.split(' ').length + 2), truncated: msg.texts.map(() => false), maxTokens: 256 })
  } else if (msg.type === 'dispose') {
    parentPort.postMessage({ type: 'disposed' })
  }
})
`

let dir: string
let workerPath: string
let modelDir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'engram-fake-embed-'))
  workerPath = join(dir, 'fake.worker.mjs')
  writeFileSync(workerPath, FAKE_WORKER)
  // A directory that passes the locator's file check; the fake worker never reads it.
  modelDir = join(dir, 'model')
  mkdirSync(join(modelDir, 'onnx'), { recursive: true })
  for (const f of ['config.json', 'tokenizer.json', join('onnx', 'model_quantized.onnx')]) writeFileSync(join(modelDir, f), '{}')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let emb: Embedder | null = null
afterEach(async () => {
  await emb?.dispose()
  emb = null
})

async function ready(): Promise<{ emb: Embedder; batches: { batch: number; size: number; texts: string[] }[] }> {
  emb = createEmbedder({ modelDir, modelName: 'fake-model', workerPath })
  const s = await emb.load()
  expect(s.state).toBe('ready')
  const batches: { batch: number; size: number; texts: string[] }[] = []
  emb.worker!.on('message', (m: { type: string; batch: number; size: number; texts: string[] }) => {
    if (m.type === 'debug') batches.push(m)
  })
  return { emb, batches }
}

const text = (i: number): string => `${String.fromCharCode(65 + (i % 26))}${'x'.repeat(i)}`

describe('embedder batching (fake worker)', () => {
  it('coalesces concurrent calls into batches of at most 32 and keeps each caller its own vectors', async () => {
    const { emb, batches } = await ready()
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => emb.embed([text(i)])))
    expect(batches.map((b) => b.size)).toEqual([32, 32, 32, 4])
    results.forEach((r, i) => {
      expect(r).toHaveLength(1)
      expect(r.model).toBe('fake-model')
      expect(r.dim).toBe(4)
      expect(r[0]![0]).toBe(text(i).length)
      expect(r[0]![1]).toBe(text(i).charCodeAt(0))
    })
  })

  it('splits a big request into batches of 32, in order', async () => {
    const { emb, batches } = await ready()
    const texts = Array.from({ length: 70 }, (_, i) => text(i))
    const r = await emb.embed(texts)
    expect(batches.map((b) => b.size)).toEqual([32, 32, 6])
    expect(r.map((v) => v[0])).toEqual(texts.map((t) => t.length))
    expect(r.map((v) => v[2])).toEqual(texts.map((_, i) => 1 + Math.floor(i / 32)))
  })

  it('mixes requests in one batch and splits a request across batches', async () => {
    const { emb, batches } = await ready()
    const a = Array.from({ length: 20 }, (_, i) => text(i))
    const b = Array.from({ length: 30 }, (_, i) => text(100 + i))
    const [ra, rb] = await Promise.all([emb.embed(a), emb.embed(b)])
    expect(batches.map((x) => x.size)).toEqual([32, 18])
    expect(ra!.map((v) => v[0])).toEqual(a.map((t) => t.length))
    expect(rb!.map((v) => v[0])).toEqual(b.map((t) => t.length))
  })

  it("lets a 'high' priority call go ahead of queued bulk work", async () => {
    const { emb, batches } = await ready()
    const bulk = emb.embed(Array.from({ length: 32 * 5 }, (_, i) => text(i)))
    await new Promise((r) => setTimeout(r, 1))
    const query = await emb.embed(['the query'], { priority: 'high' })
    expect(query[0]![2]).toBeLessThanOrEqual(3)
    await bulk
    expect(batches.find((b) => b.texts.includes('the query'))!.batch).toBeLessThanOrEqual(3)
  })

  it('fails only the call whose text broke a shared batch', async () => {
    const { emb, batches } = await ready()
    const bad = emb.embed(['fail', 'fine'])
    const good = emb.embed(Array.from({ length: 40 }, (_, i) => text(i)))
    await expect(bad).rejects.toMatchObject({ code: 'internal', details: { reason: 'embed_failed' } })
    const r = await good
    expect(r.map((v) => v[0])).toEqual(Array.from({ length: 40 }, (_, i) => text(i).length))
    // The shared batch failed, then each caller was retried alone.
    expect(batches[0]!.texts).toContain('fail')
    expect(batches[0]!.size).toBe(32)
    expect(batches[1]!.texts).toEqual(['fail', 'fine'])
    expect((await emb.embed(['after'])).length).toBe(1)
  })

  it('reports a dead worker, rejects its work, and restarts it on the next call', async () => {
    const { emb } = await ready()
    const seen: string[] = []
    emb.onStatus((s) => seen.push(`${s.state}:${s.code ?? ''}`))
    const err = await emb.embed(['crash']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('unavailable')
    expect(seen).toContain('failed:worker_exit')
    const r = await emb.embed(['back again'])
    expect(r[0]![0]).toBe('back again'.length)
    expect(emb.status().state).toBe('ready')
  })

  it('counts tokens through the worker', async () => {
    const { emb } = await ready()
    expect(await emb.countTokens(['a b c', ''])).toEqual([5, 3])
  })
})
