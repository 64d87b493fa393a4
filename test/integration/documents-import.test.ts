/**
 * The document import pipeline end to end: real files from ../shared/documents through
 * the durable workflow (detect → parse → chunk → embed → index) on a real PGlite and the
 * real transformers.js pipeline (RANDOM-WEIGHTS fixture: plumbing, not meaning), then found
 * by search. Bad files fail with a clear error and never harm the rest of the drop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { testCore, tempDir, MODEL_FIXTURE, type TestCore } from '../helpers/core'

const DOCS = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'documents')
let core: TestCore

beforeAll(async () => {
  core = testCore({ modelDir: MODEL_FIXTURE })
  await core.call('profiles:create', { name: 'Docs' })
})
afterAll(async () => core.dispose())

async function importPaths(paths: string[], password?: string) {
  const s = await core.services()
  const r = await s.documents.importFiles(paths.map((p) => ({ path: p })), { source: 'test', password })
  const runs = await Promise.all(r.files.map((f) => (f.runId ? s.workflows.waitFor(f.runId, 240_000) : null)))
  return r.files.map((f, i) => ({ ...f, run: runs[i] }))
}

describe('document import', () => {
  it('imports a PDF with pages, chunks, vectors, and finds a sentence from it', async () => {
    const [f] = await importPaths([join(DOCS, 'fake-memo.pdf')])
    expect(f?.run?.status).toBe('succeeded')
    const d = await core.call('documents:get', { id: f?.documentId as string })
    expect(d.document).toMatchObject({ status: 'ready', format: 'pdf', pages: 1 })
    expect(d.document.chunkCount).toBeGreaterThan(0)
    expect(d.text).toContain('20,000 bottles of water')
    const { ctx } = await core.services()
    const dims = await ctx.db('document_chunks').where({ document_id: f?.documentId }).select('embedding_dim', 'page', 'char_start', 'char_end', 'text')
    for (const c of dims) {
      expect(c.embedding_dim).toBe(384)
      expect(c.page).toBe(1)
      expect(d.text.slice(c.char_start, c.char_end)).toBe(c.text)
    }
    const hits = await core.call('search:query', { query: 'bottles of water', sources: ['document'] })
    expect(hits.hits[0]).toMatchObject({ source: 'document', meta: expect.objectContaining({ documentId: f?.documentId, page: 1 }) })
  })

  it('never imports the same file twice, and a changed file replaces its earlier version', async () => {
    const dir = tempDir()
    const p = join(dir, 'notes.md')
    writeFileSync(p, '# Garden\n\nThe tomatoes go in the south bed this year.\n')
    const [a] = await importPaths([p])
    const [b] = await importPaths([p])
    expect(b?.run?.status).toBe('succeeded')
    expect(b?.run?.output).toMatchObject({ duplicate: true, documentId: a?.documentId })
    writeFileSync(p, '# Garden\n\nThe tomatoes go in the north bed this year.\n')
    const [c] = await importPaths([p])
    const list = await core.call('documents:list', {})
    const named = list.items.filter((x) => x.name === 'notes.md')
    expect(named.map((x) => x.id)).toEqual([c?.documentId])
    expect((await core.call('documents:get', { id: c?.documentId as string })).text).toContain('north bed')
  })

  it('handles a drop of good and bad files: each bad file fails in words, the rest import', async () => {
    const dir = tempDir()
    const fakePdf = join(dir, 'not-really.pdf')
    writeFileSync(fakePdf, 'This is plain text wearing a .pdf name.')
    const unsupported = join(dir, 'program.exe')
    writeFileSync(unsupported, Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]))
    const files = await importPaths([
      join(DOCS, 'password.pdf'),
      join(DOCS, 'loremipsum-flat.pdf'),
      join(DOCS, 'tracemonkey-truncated.pdf'),
      join(DOCS, 'empty.txt'),
      fakePdf,
      unsupported,
      join(DOCS, 'latin1-french_ude_2.txt'),
      join(DOCS, 'tables.docx')
    ])
    const by = (name: string) => files.find((f) => f.name === name)
    const doc = async (name: string) => core.call('documents:get', { id: by(name)?.documentId as string })
    expect((await doc('password.pdf')).document).toMatchObject({ status: 'failed', errorCode: 'unsupported_file' })
    expect((await doc('password.pdf')).document.error).toMatch(/password/i)
    expect((await doc('loremipsum-flat.pdf')).document.error).toMatch(/no text layer/i)
    expect((await doc('tracemonkey-truncated.pdf')).document.status).toMatch(/failed|ready/)
    expect((await doc('not-really.pdf')).document.error).toMatch(/not a PDF/i)
    expect((await doc('program.exe')).document.status).toBe('failed')
    expect((await doc('latin1-french_ude_2.txt')).document.status).toBe('ready')
    expect((await doc('latin1-french_ude_2.txt')).text).not.toMatch(/\uFFFD/)
    expect((await doc('tables.docx')).text).toMatch(/Top left[\s\S]*Bottom right/)
    const empty = await doc('empty.txt')
    expect(empty.document.status).toBe('ready')
    expect(empty.document.warnings.join(' ')).toMatch(/empty/i)
  })

  it('unlocks an encrypted PDF with its password on retry', async () => {
    const list = await core.call('documents:list', {})
    const failed = list.items.find((x) => x.name === 'password.pdf')
    const retried = await core.call('documents:retry', { id: failed?.id as string, password: 'password' })
    const s = await core.services()
    await s.workflows.waitFor(retried.runId as string, 120_000)
    const d = await core.call('documents:get', { id: retried.id })
    expect(d.document.status).toBe('ready')
    expect(d.text).toContain('File with password')
  })

  it('imports bytes sent from the browser, and walks folders', async () => {
    const data = readFileSync(join(DOCS, 'semicolon-delimited.csv')).toString('base64')
    const r = await core.call('documents:importBytes', { files: [{ name: 'semicolon-delimited.csv', data }] })
    const s = await core.services()
    await s.workflows.waitFor(r.files[0]?.runId as string, 120_000)
    expect((await core.call('documents:get', { id: r.files[0]?.documentId as string })).document.status).toBe('ready')

    const dir = tempDir()
    mkdirSync(join(dir, 'sub'))
    copyFileSync(join(DOCS, 'fake.odt'), join(dir, 'sub', 'fake.odt'))
    writeFileSync(join(dir, '.hidden.txt'), 'skip me')
    const files = await importPaths([dir])
    expect(files.map((f) => f.name)).toEqual(['fake.odt'])
    expect(files[0]?.run?.status).toBe('succeeded')
  })
})
