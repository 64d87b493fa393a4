/**
 * chunkText with the REAL tokenizer: the embedder worker loading
 * ../shared/models/fixtures/minilm-l6-random-weights (all-MiniLM-L6-v2's tokenizer and
 * architecture with RANDOM WEIGHTS: only the tokenizer matters here, and it is the real
 * one). Real documents from ../shared/documents: token limits, exact spans, overlap, pages
 * (tracemonkey), headings (pandoc's manual), CJK, and the time and memory of parsing and
 * chunking a 352-page book.
 */
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chunkText, type Chunk } from '../../src/main/features/documents/chunking'
import { closeDocumentWorkers, parseDocument, type ParsedDocument } from '../../src/main/features/documents/parsing'
import { createEmbedder, type Embedder } from '../../src/main/features/embeddings/embedder'
import { MODEL_FIXTURE } from '../helpers/core'

const repoRoot = resolve(import.meta.dirname, '..', '..')
const DOCS = resolve(repoRoot, '..', 'shared', 'documents')

let embedder: Embedder
let calls = 0
const countTokens = async (texts: string[]): Promise<number[]> => {
  calls++
  return embedder.countTokens(texts)
}

beforeAll(async () => {
  embedder = createEmbedder({ modelDir: MODEL_FIXTURE })
  const status = await embedder.load()
  expect(status.state).toBe('ready')
})

afterAll(async () => {
  await embedder?.dispose()
  await closeDocumentWorkers()
})

async function parseAndChunk(name: string): Promise<{ doc: ParsedDocument; chunks: Chunk[]; parseMs: number; chunkMs: number }> {
  const t0 = performance.now()
  const doc = await parseDocument({ path: join(DOCS, name) })
  const t1 = performance.now()
  const chunks = await chunkText(doc, { countTokens })
  return { doc, chunks, parseMs: t1 - t0, chunkMs: performance.now() - t1 }
}

/** Limits and spans, re-counted independently with the same tokenizer. */
async function checkChunks(doc: ParsedDocument, chunks: Chunk[]): Promise<void> {
  expect(chunks.length).toBeGreaterThan(0)
  const recount = await embedder.countTokens(chunks.map((c) => c.text))
  chunks.forEach((c, i) => {
    expect(c.index).toBe(i)
    expect(c.text).toBe(doc.text.slice(c.charStart, c.charEnd))
    expect(c.tokenCount).toBe(recount[i])
    expect(c.tokenCount, `chunk ${i}`).toBeLessThanOrEqual(256)
    if (i > 0) expect(c.charStart).toBeGreaterThan((chunks[i - 1] as Chunk).charStart)
  })
}

/** Consecutive chunks that share text, and the tokens they share. */
async function overlaps(doc: ParsedDocument, chunks: Chunk[]): Promise<number[]> {
  const shared: string[] = []
  for (let i = 1; i < chunks.length; i++) {
    const a = chunks[i - 1] as Chunk
    const b = chunks[i] as Chunk
    if (b.charStart < a.charEnd) shared.push(doc.text.slice(b.charStart, a.charEnd))
  }
  return (await embedder.countTokens(shared)).map((n) => n - 2)
}

describe('chunkText with the real MiniLM tokenizer (RANDOM WEIGHTS fixture; only the tokenizer is used)', () => {
  it('tracemonkey.pdf: every chunk within 256 tokens, exact spans, overlap, and the right pages', async () => {
    const { doc, chunks } = await parseAndChunk('tracemonkey.pdf')
    await checkChunks(doc, chunks)
    const spans = doc.pageSpans ?? []
    for (const c of chunks) {
      const page = spans.find((p) => c.charStart >= p.start && c.charStart < p.end)
      expect(c.page).toBe(page?.page)
    }
    expect(chunks[0]?.page).toBe(1)
    expect(new Set(chunks.map((c) => c.page))).toEqual(new Set(Array.from({ length: 14 }, (_, i) => i + 1)))
    // A passage quoting page 5 says page 5 (or starts just before it, on page 4).
    const p5 = spans[4] as { start: number; end: number }
    const phrase = doc.text.slice(p5.start + 1000, p5.start + 1060)
    const holder = chunks.find((c) => c.text.includes(phrase)) as Chunk
    expect([4, 5]).toContain(holder.page)
    const shared = await overlaps(doc, chunks)
    expect(shared.length).toBe(chunks.length - 1)
    for (const n of shared) {
      expect(n).toBeGreaterThan(0)
      expect(n).toBeLessThanOrEqual(32)
    }
  })

  it('pandoc-MANUAL.md: passages never run across a heading', async () => {
    const { doc, chunks } = await parseAndChunk('pandoc-MANUAL.md')
    await checkChunks(doc, chunks)
    const sections = doc.sections ?? []
    expect(sections.length).toBeGreaterThan(200)
    const headingLines = /^(?:[ \t]*(?:#{1,6}[^\n]*|[^\n]+\n[=-]+[ \t]*)?\n?)*$/
    for (const s of sections) {
      for (const c of chunks) {
        if (c.charStart < s.start && s.start < c.charEnd) {
          // Allowed only when everything before the heading in this chunk is headings
          // (a heading with no text of its own joins the next section).
          expect(doc.text.slice(c.charStart, s.start), `chunk ${c.index} runs across "${s.heading}"`).toMatch(headingLines)
        }
      }
    }
    // Every section with text starts a passage (alone or right after its parent's heading).
    const starts = new Set(chunks.map((c) => c.charStart))
    const startedOrJoined = sections.filter((s) => starts.has(s.start) || chunks.some((c) => c.charStart < s.start && s.start < c.charEnd))
    expect(startedOrJoined.length).toBe(sections.length)
    // Sections are no reason to lose overlap inside a long section.
    expect((await overlaps(doc, chunks)).length).toBeGreaterThan(chunks.length / 3)
  })

  it('CJK and hostile text: Japanese and Korean PDFs, UDHR in 400 languages, the naughty strings', async () => {
    for (const name of ['issue16538-japanese.pdf', 'korean-text-with-tables.pdf', 'UDHR_first_article_all.txt', 'blns.txt', 'country-codes.csv']) {
      const { doc, chunks } = await parseAndChunk(name)
      await checkChunks(doc, chunks)
      if (name.startsWith('issue16538')) expect(chunks.some((c) => c.text.includes('リスク中立確率'))).toBe(true)
      if (name.startsWith('korean')) expect(chunks.some((c) => c.text.includes('빅포인트'))).toBe(true)
    }
  })

  it('freeculture.pdf (352 pages): parse and chunk in seconds, with batched token counts', async () => {
    let peak = process.memoryUsage().rss
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
    calls = 0
    try {
      const { doc, chunks, parseMs, chunkMs } = await parseAndChunk('freeculture.pdf')
      peak = Math.max(peak, process.memoryUsage().rss)
      expect(doc.pages).toBe(352)
      await checkChunks(doc, chunks)
      expect(chunks[chunks.length - 1]?.page).toBeGreaterThan(340)
      const tokens = chunks.reduce((n, c) => n + c.tokenCount, 0)
      console.log(
        `freeculture.pdf: ${doc.text.length} chars, ${chunks.length} chunks (${Math.round(tokens / chunks.length)} tokens on average); ` +
          `parse ${Math.round(parseMs)} ms, chunk ${Math.round(chunkMs)} ms (${calls} countTokens calls), peak RSS ${Math.round(peak / 2 ** 20)} MB (incl. the model)`
      )
      expect(calls).toBeLessThan(60)
      // Loose bounds (a loaded 2-core CI machine); the measured numbers are printed above.
      expect(parseMs + chunkMs).toBeLessThan(30_000)
    } finally {
      clearInterval(sampler)
    }
  })
})
