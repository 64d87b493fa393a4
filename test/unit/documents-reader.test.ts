/**
 * The Documents screen's pure logic: the reader's blocks, page markers, find and marks;
 * the drop summary; failures in words. (The screen itself is covered end to end in
 * test/e2e/documents.test.ts.)
 */
import { describe, expect, it } from 'vitest'
import type { DocumentChunkInfo, DocumentSummary } from '../../src/shared/types'
import type { RunStatus } from '../../src/shared/workflows'

// These modules belong to the renderer's TypeScript project, which this (node) project may
// not include, so they are loaded at run time and described here by the parts under test.
type Block = { kind: 'text'; start: number; end: number } | { kind: 'page'; page: number; start: number }
type Span = { start: number; end: number }
interface Part {
  text: string
  target: boolean
  match: number
}
interface RunProgress {
  status: RunStatus
  progress: number
  step: string | null
  detail: string | null
}
interface DropFile {
  key: string
  name: string
  size: number | null
  phase: 'waiting' | 'sending' | 'sent' | 'refused' | 'failed'
  documentId: string | null
  runId: string | null
  error: string | null
}
interface DropBatch {
  id: number
  files: DropFile[]
  preparing: number
  dismissed: boolean
}
interface DropSummary {
  total: number
  done: number
  failed: number
  active: number
  progress: number
  finished: boolean
  refused: Array<{ name: string; error: string }>
}
interface ReaderModule {
  buildBlocks(text: string, pages?: ReadonlyArray<{ page: number; start: number }>, max?: number): Block[]
  pageStarts(chunks: readonly DocumentChunkInfo[]): Array<{ page: number; start: number }>
  blockAt(blocks: readonly Block[], pos: number): number
  findMatches(text: string, query: string): Array<[number, number]>
  blockParts(text: string, start: number, end: number, target: Span | null, matches: ReadonlyArray<readonly [number, number]>): Part[]
}
interface DropModule {
  summarizeDrop(batch: DropBatch, runs: Record<string, RunProgress>, docs: ReadonlyMap<string, DocumentSummary>): DropSummary
  dropHeadline(s: DropSummary, preparing: number): string
}
interface FormatModule {
  errorText(error: string | null): string
  failureKind(doc: { errorCode: string | null; error: string | null }): string
  formatBytes(n: number): string
  tooBigForBrowser(name: string, size: number): string
}
const load = async <T>(name: string): Promise<T> => (await import(/* @vite-ignore */ `../../src/renderer/src/features/documents/${name}.ts`)) as T
const { blockAt, blockParts, buildBlocks, findMatches, pageStarts } = await load<ReaderModule>('reader')
const { dropHeadline, summarizeDrop } = await load<DropModule>('drop')
const { errorText, failureKind, formatBytes, tooBigForBrowser } = await load<FormatModule>('format')

const textOf = (text: string, blocks: Block[]): string[] => blocks.map((b) => (b.kind === 'page' ? `[page ${b.page}]` : text.slice(b.start, b.end)))

describe('reader blocks', () => {
  it('keeps paragraphs, trims blank edges, and keeps single line breaks inside a paragraph', () => {
    const text = '  Title\n\nFirst line\nsecond line\n \n\n\nLast.  \n'
    expect(textOf(text, buildBlocks(text))).toEqual(['Title', 'First line\nsecond line', 'Last.'])
  })

  it('cuts a long paragraph at line or word breaks, covering every character', () => {
    const text = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ')
    const blocks = buildBlocks(text, [], 300)
    expect(blocks.length).toBeGreaterThan(5)
    for (const b of blocks) expect(b.kind === 'text' && b.end - b.start <= 300).toBe(true)
    expect(textOf(text, blocks).join('')).toBe(text)
    // Cuts fall after a space, never inside a word.
    for (const b of blocks.slice(0, -1)) expect(text[(b as { end: number }).end - 1]).toBe(' ')
  })

  it('handles a 700,000-character book quickly', () => {
    const para = 'It was the best of times, it was the worst of times. '.repeat(20)
    const text = Array.from({ length: 650 }, () => para).join('\n\n')
    expect(text.length).toBeGreaterThan(690_000)
    const t0 = performance.now()
    const blocks = buildBlocks(text)
    const matches = findMatches(text, 'worst of')
    expect(performance.now() - t0).toBeLessThan(500)
    expect(blocks).toHaveLength(650)
    expect(matches).toHaveLength(5000)
  })

  it('marks where pages begin, from the first passage of each page', () => {
    const text = 'Page one text.\n\nMore of one.\n\nPage two starts.\n\nPage three.'
    const chunks: DocumentChunkInfo[] = [
      { id: 'a', index: 0, charStart: 0, charEnd: 28, page: 1 },
      { id: 'b', index: 1, charStart: 30, charEnd: 46, page: 2 },
      { id: 'c', index: 2, charStart: 48, charEnd: 59, page: 3 }
    ]
    const blocks = buildBlocks(text, pageStarts(chunks))
    expect(textOf(text, blocks)).toEqual(['[page 1]', 'Page one text.', 'More of one.', '[page 2]', 'Page two starts.', '[page 3]', 'Page three.'])
    expect(blockAt(blocks, 0)).toBe(1)
    expect(blockAt(blocks, 31)).toBe(4)
    // In the gap between paragraphs: the next one.
    expect(blockAt(blocks, 15)).toBe(2)
    expect(pageStarts([{ id: 'x', index: 0, charStart: 5, charEnd: 9, page: null }])).toEqual([])
  })
})

describe('find and marks', () => {
  it('finds every occurrence regardless of case, across any whitespace', () => {
    expect(findMatches('Water, water\nwater. WATERfall', 'water')).toEqual([
      [0, 5],
      [7, 12],
      [13, 18],
      [20, 25]
    ])
    expect(findMatches('bottles  of\nwater', 'bottles of water')).toEqual([[0, 17]])
    expect(findMatches('a.b?c', '.b?')).toEqual([[1, 4]])
    expect(findMatches('anything', '   ')).toEqual([])
  })

  it('cuts a block into plain, target and match parts', () => {
    const text = 'There were 20,000 bottles of water delivered.'
    const target = { start: 11, end: 34 }
    const matches = findMatches(text, 'water')
    const parts = blockParts(text, 0, text.length, target, matches)
    expect(parts).toEqual([
      { text: 'There were ', target: false, match: -1 },
      { text: '20,000 bottles of ', target: true, match: -1 },
      { text: 'water', target: true, match: 0 },
      { text: ' delivered.', target: false, match: -1 }
    ])
    expect(parts.map((p) => p.text).join('')).toBe(text)
    // A block that only overlaps the target's end.
    expect(blockParts(text, 29, 45, { start: 0, end: 34 }, [])).toEqual([
      { text: 'water', target: true, match: -1 },
      { text: ' delivered.', target: false, match: -1 }
    ])
  })
})

const doc = (over: Partial<DocumentSummary>): DocumentSummary => ({
  id: 'd',
  name: 'x.pdf',
  format: 'pdf',
  mimeType: null,
  sizeBytes: 1,
  status: 'pending',
  errorCode: null,
  error: null,
  pages: null,
  chunkCount: 0,
  source: 'drop',
  originalPath: null,
  warnings: [],
  runId: null,
  createdAt: new Date(0).toISOString(),
  importedAt: null,
  archivedAt: null,
  ...over
})

const file = (over: Partial<DropFile>): DropFile => ({ key: 'k', name: 'x.pdf', size: 1, phase: 'sent', documentId: null, runId: null, error: null, ...over })

describe('the drop summary', () => {
  it('counts each file from its run, else its document, and averages the progress', () => {
    const batch: DropBatch = {
      id: 1,
      preparing: 0,
      dismissed: false,
      files: [
        file({ key: 'a', runId: 'r1', documentId: 'd1' }),
        file({ key: 'b', runId: 'r2', documentId: 'd2' }),
        file({ key: 'c', runId: 'r3', documentId: 'd3' }),
        file({ key: 'd', phase: 'refused', name: 'big.pdf', error: 'big.pdf is 41 MB; …' }),
        file({ key: 'e', phase: 'sending' })
      ]
    }
    const runs: Record<string, RunProgress> = {
      r1: { status: 'succeeded', progress: 1, step: null, detail: null },
      r2: { status: 'running', progress: 0.5, step: 'parse', detail: 'page 1 of 2' }
    }
    // r2's document already says failed (an event was missed): the document wins over a stale run.
    const docs = new Map([['d2', doc({ id: 'd2', status: 'failed' })], ['d3', doc({ id: 'd3', status: 'processing' })]])
    const s = summarizeDrop(batch, runs, docs)
    expect(s).toMatchObject({ total: 5, done: 1, failed: 2, active: 2, finished: false, refused: [{ name: 'big.pdf', error: 'big.pdf is 41 MB; …' }] })
    expect(s.progress).toBeCloseTo(3 / 5)
    expect(dropHeadline(s, 0)).toBe('Importing 5 files: 1 done, 2 failed')
    const done = summarizeDrop({ ...batch, files: batch.files.slice(0, 2) }, runs, docs)
    expect(dropHeadline(done, 0)).toBe('Finished importing 2 files: 1 done, 1 failed')
    expect(dropHeadline(summarizeDrop({ ...batch, files: [], preparing: 1 }, runs, docs), 1)).toBe('Getting the files ready…')
  })
})

describe('failures in words', () => {
  it('knows a password, a scan and a size limit from the words when the code is generic', () => {
    expect(failureKind({ errorCode: 'unsupported_file', error: '"parse" failed: This PDF is protected with a password. Enter the password to import it.' })).toBe('encrypted')
    expect(failureKind({ errorCode: 'unsupported_file', error: 'The password for this PDF is not right.' })).toBe('wrong_password')
    expect(failureKind({ errorCode: 'unsupported_file', error: 'This PDF has no text layer (it is a scan). Engram cannot read it without OCR.' })).toBe('no_text_layer')
    expect(failureKind({ errorCode: 'no_text_layer', error: null })).toBe('no_text_layer')
    expect(failureKind({ errorCode: 'failed', error: 'Something else.' })).toBe('other')
    expect(errorText('"detect" failed: This file is named .pdf but is not a PDF.')).toBe('This file is named .pdf but is not a PDF.')
  })

  it('says how big a file is and what to do instead', () => {
    expect(formatBytes(40)).toBe('40 bytes')
    expect(formatBytes(13_374)).toBe('13 KB')
    expect(formatBytes(2_598_727)).toBe('2.5 MB')
    expect(tooBigForBrowser('big.pdf', 300 * 1024 * 1024)).toBe(
      'big.pdf is 300 MB; from the browser Engram takes files up to 40 MB. Use `engram import` or the desktop app.'
    )
  })
})
