/**
 * The chunker against stand-in tokenizers (the real one is in
 * test/integration/documents-chunking.test.ts): spans, limits, overlap, sections, pages,
 * giant tokens, CJK, batching, and tokenizers whose counts do not add up.
 */
import { describe, expect, it } from 'vitest'
import { chunkText, type Chunk } from '../../src/main/features/documents/chunking'
import type { Section } from '../../src/main/features/documents/parsing'

/** WordPiece-like: one token per word, number or punctuation mark, per CJK character; plus [CLS] [SEP]. */
function wordTokenizer(): { countTokens(texts: string[]): Promise<number[]>; calls: number[] } {
  const calls: number[] = []
  return {
    calls,
    countTokens(texts: string[]) {
      calls.push(texts.length)
      return Promise.resolve(texts.map((t) => 2 + (t.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{M}]+|\p{N}+|[^\s\p{L}\p{N}\p{M}]/gu)?.length ?? 0)))
    }
  }
}

function checkChunks(text: string, chunks: Chunk[], max = 256): void {
  expect(chunks.length).toBeGreaterThan(0)
  chunks.forEach((c, i) => {
    expect(c.index).toBe(i)
    expect(c.text).toBe(text.slice(c.charStart, c.charEnd))
    expect(c.tokenCount).toBeLessThanOrEqual(max)
    expect(c.tokenCount).toBeGreaterThan(0)
    expect(c.text).toBe(c.text.trim())
    if (i > 0) expect(c.charStart).toBeGreaterThan((chunks[i - 1] as Chunk).charStart)
  })
  // Nothing is lost: every non-space character is in some chunk.
  const covered = new Uint8Array(text.length)
  for (const c of chunks) covered.fill(1, c.charStart, c.charEnd)
  const lost: string[] = []
  for (let i = 0; i < text.length && lost.length < 5; i++) if (!covered[i] && !/\s/.test(text[i] as string)) lost.push(`${i}: ${JSON.stringify(text.slice(i, i + 20))}`)
  expect(lost).toEqual([])
}

const sentence = (i: number): string => `Sentence number ${i} talks about the weather in a town that has ${i % 7} bridges.`
const paragraph = (p: number, n = 5): string => Array.from({ length: n }, (_, i) => sentence(p * 100 + i)).join(' ')

describe('chunkText', () => {
  it('returns nothing for empty or blank text', async () => {
    expect(await chunkText({ text: '' }, wordTokenizer())).toEqual([])
    expect(await chunkText({ text: ' \n\n\t ' }, wordTokenizer())).toEqual([])
  })

  it('keeps a short text whole', async () => {
    const text = 'There were 20,000 bottles of water.'
    const chunks = await chunkText({ text }, wordTokenizer())
    expect(chunks).toEqual([{ index: 0, text, charStart: 0, charEnd: text.length, page: null, tokenCount: 11 }])
  })

  it('packs paragraphs up to the limit, with exact spans and overlap between neighbours', async () => {
    const text = Array.from({ length: 60 }, (_, p) => paragraph(p)).join('\n\n')
    const tok = wordTokenizer()
    const chunks = await chunkText({ text }, { countTokens: tok.countTokens, maxTokens: 128, overlapTokens: 24 })
    checkChunks(text, chunks, 128)
    expect(chunks.length).toBeGreaterThan(10)
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1] as Chunk
      const c = chunks[i] as Chunk
      expect(c.charStart, `chunk ${i} overlaps chunk ${i - 1}`).toBeLessThan(prev.charEnd)
      const shared = text.slice(c.charStart, prev.charEnd)
      expect((await tok.countTokens([shared]))[0] as number).toBeLessThanOrEqual(2 + 24)
    }
    // Passages are reasonably full (greedy packing), not fragments.
    const mean = chunks.reduce((n, c) => n + c.tokenCount, 0) / chunks.length
    expect(mean).toBeGreaterThan(80)
  })

  it('counts in batches, not once per piece', async () => {
    const text = Array.from({ length: 400 }, (_, p) => paragraph(p, 3)).join('\n\n')
    const tok = wordTokenizer()
    await chunkText({ text }, tok)
    expect(tok.calls.length).toBeLessThan(12)
    expect(Math.max(...tok.calls)).toBeGreaterThan(100)
  })

  it('never runs a passage across a heading, and merges a heading with nothing under it into the next section', async () => {
    const parts: string[] = []
    const sections: Section[] = []
    const add = (heading: string, level: number, body: string): void => {
      const start = parts.join('').length
      sections.push({ heading, level, start })
      parts.push(`${'#'.repeat(level)} ${heading}\n\n${body}${body ? '\n\n' : ''}`)
    }
    add('Part One', 1, '')
    add('Chapter A', 2, paragraph(1, 2))
    add('Chapter B', 2, Array.from({ length: 12 }, (_, i) => paragraph(10 + i)).join('\n\n'))
    add('Chapter C', 2, 'Short.')
    const text = parts.join('').trimEnd()
    const chunks = await chunkText({ text, sections }, { ...wordTokenizer(), maxTokens: 100, overlapTokens: 16 })
    checkChunks(text, chunks, 100)
    const [partOne, chapA, chapB, chapC] = sections.map((s) => s.start) as [number, number, number, number]
    // "# Part One" has no text of its own: it starts the passage of Chapter A.
    expect(chunks[0]?.charStart).toBe(partOne)
    expect(chunks[0]?.text).toContain('## Chapter A')
    for (const boundary of [chapB, chapC]) {
      expect(chunks.some((c) => c.charStart === boundary)).toBe(true)
      expect(chunks.filter((c) => c.charStart < boundary && c.charEnd > boundary)).toEqual([])
    }
    expect(chapA).toBeGreaterThan(partOne)
    expect(chunks[chunks.length - 1]?.text).toBe('## Chapter C\n\nShort.')
  })

  it('gives each passage the page it starts on', async () => {
    const pages = Array.from({ length: 6 }, (_, p) => Array.from({ length: 3 }, (_, i) => paragraph(p * 10 + i)).join('\n\n'))
    const pageSpans: Array<{ page: number; start: number; end: number }> = []
    let text = ''
    pages.forEach((p, i) => {
      if (i) text += '\n\n'
      pageSpans.push({ page: i + 1, start: text.length, end: text.length + p.length })
      text += p
    })
    const chunks = await chunkText({ text, pageSpans }, { ...wordTokenizer(), maxTokens: 90 })
    checkChunks(text, chunks, 90)
    for (const c of chunks) {
      const span = pageSpans.find((s) => c.charStart >= s.start && c.charStart < s.end)
      expect(c.page).toBe(span?.page)
    }
    expect(new Set(chunks.map((c) => c.page)).size).toBe(6)
  })

  it('splits giant tokens and unpunctuated runs without losing text', async () => {
    const blob = 'x'.repeat(30_000)
    const base64ish = Array.from({ length: 3000 }, (_, i) => `tok${i}`).join('')
    const text = `Intro line.\n\n${blob}\n\n${base64ish}\n\nThe end.`
    // A tokenizer that cuts long words into 4-character pieces, like WordPiece's ##.
    const countTokens = (texts: string[]): Promise<number[]> =>
      Promise.resolve(texts.map((t) => 2 + (t.match(/\S+/g) ?? []).reduce((n, w) => n + Math.ceil(w.length / 4), 0)))
    const chunks = await chunkText({ text }, { countTokens })
    checkChunks(text, chunks)
    expect(chunks[0]?.text.startsWith('Intro line.')).toBe(true)
    expect(chunks[chunks.length - 1]?.text.endsWith('The end.')).toBe(true)
  })

  it('handles one very long paragraph (no blank lines) in bounded pieces', async () => {
    const text = Array.from({ length: 2500 }, (_, i) => sentence(i)).join('\n')
    expect(text.length).toBeGreaterThan(150_000)
    const chunks = await chunkText({ text }, wordTokenizer())
    checkChunks(text, chunks)
    expect(chunks.length).toBeGreaterThan(50)
  })

  it('splits Japanese and Chinese text (no spaces) at sentence ends', async () => {
    const ja = 'リスク中立確率のもとでの資産過程のモデルを最初から考えることの利点と欠点。'
    const zh = '人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。'
    const text = Array.from({ length: 40 }, (_, i) => (i % 2 ? ja : zh)).join('')
    const chunks = await chunkText({ text }, { ...wordTokenizer(), maxTokens: 128 })
    checkChunks(text, chunks, 128)
    expect(chunks.length).toBeGreaterThan(5)
    // Every passage but the last ends at a sentence end (the full stop 。).
    for (const c of chunks.slice(0, -1)) expect(c.text.endsWith('。')).toBe(true)
  })

  it('keeps every passage under the limit when piece counts do not add up (a tokenizer that counts spaces)', async () => {
    const text = Array.from({ length: 80 }, (_, p) => paragraph(p)).join('\n\n')
    const countTokens = (texts: string[]): Promise<number[]> => Promise.resolve(texts.map((t) => 2 + Math.ceil(t.length / 3)))
    const chunks = await chunkText({ text }, { countTokens, maxTokens: 120 })
    checkChunks(text, chunks, 120)
    const real = await countTokens(chunks.map((c) => c.text))
    chunks.forEach((c, i) => expect(c.tokenCount).toBe(real[i]))
  })

  it('stops when aborted', async () => {
    const text = Array.from({ length: 200 }, (_, p) => paragraph(p)).join('\n\n')
    const ac = new AbortController()
    ac.abort()
    await expect(chunkText({ text }, { ...wordTokenizer(), signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('refuses a limit that leaves no room for text', async () => {
    await expect(chunkText({ text: 'hello world' }, { ...wordTokenizer(), maxTokens: 4 })).rejects.toMatchObject({ code: 'validation' })
  })
})
