/**
 * Import at the edges: 1,000 small files in one drop, a file of several hundred MB (refused
 * with a size message before it is read), and a process killed with SIGKILL mid-import
 * (the document is never shown as complete; after restart the import resumes and finishes
 * with no duplicate chunks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createAppCore } from '../../src/main/core/app-core'
import { testCore, tempDir, quietLogger, MODEL_FIXTURE, type TestCore } from '../helpers/core'

const root = resolve(import.meta.dirname, '..', '..')
const DOCS = resolve(root, '..', 'shared', 'documents')
let core: TestCore

beforeAll(async () => {
  core = testCore({ modelDir: MODEL_FIXTURE })
  await core.call('profiles:create', { name: 'Bulk' })
})
afterAll(async () => core.dispose())

describe('bulk and hostile imports', () => {
  it('imports 1,000 small files from one drop', async () => {
    const dir = tempDir()
    for (let i = 0; i < 1000; i++) writeFileSync(join(dir, `note-${String(i).padStart(4, '0')}.txt`), `Note number ${i}: the quick brown fox ${i % 7 === 0 ? 'visits the lighthouse' : 'stays home'}.`)
    const s = await core.services()
    const r = await s.documents.importFiles([{ path: dir }], { source: 'test' })
    expect(r.files).toHaveLength(1000)
    const runs = await Promise.all(r.files.map((f) => s.workflows.waitFor(f.runId as string, 600_000)))
    expect(runs.filter((x) => x.status !== 'succeeded')).toEqual([])
    const list = await core.call('documents:list', { limit: 500 })
    expect(list.total).toBe(1000)
    const hits = await core.call('search:query', { query: 'lighthouse', k: 5, sources: ['document'] })
    expect(hits.hits.length).toBe(5)
  }, 600_000)

  it('refuses a file of several hundred MB with a size message, without reading it', async () => {
    const dir = tempDir()
    const big = join(dir, 'huge.txt')
    writeFileSync(big, '')
    truncateSync(big, 300 * 1024 * 1024) // sparse: 300 MB on paper, nothing on disk
    const s = await core.services()
    const before = process.memoryUsage().rss
    const r = await s.documents.importFiles([{ path: big }], { source: 'test' })
    const run = await s.workflows.waitFor(r.files[0]?.runId as string, 60_000)
    expect(run.status).toBe('failed')
    // The document takes the run's outcome as soon as the run ends.
    await expect.poll(async () => (await core.call('documents:get', { id: r.files[0]?.documentId as string })).document.status).toBe('failed')
    const d = await core.call('documents:get', { id: r.files[0]?.documentId as string })
    expect(d.document.error).toMatch(/300 MB.*up to 200 MB/)
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024)
  })

  it('after SIGKILL mid-import, the document is not shown as complete, and the import resumes', async () => {
    const dataDir = tempDir()
    mkdirSync(dataDir, { recursive: true })
    const script = `
      import { createAppCore } from ${JSON.stringify(join(root, 'src/main/core/app-core.ts'))}
      const core = createAppCore({ dataDir: ${JSON.stringify(dataDir)}, role: 'test', mode: 'browser', modelDir: ${JSON.stringify(MODEL_FIXTURE)}, logger: { error() {}, warn() {}, info() {} } })
      await core.profiles.create({ name: 'Crash' })
      const s = await core.services()
      s.workflows.onEvent((e) => { if (e.step === 'embed' && e.progress > 0.3) console.log('EMBEDDING ' + e.progress) })
      const r = await s.documents.importFiles([{ path: ${JSON.stringify(join(DOCS, 'tracemonkey.pdf'))} }], { source: 'test' })
      console.log('DOC ' + r.files[0].documentId)
      setInterval(() => {}, 1000)`
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let docId = ''
    await new Promise<void>((resolveKill, reject) => {
      let buf = ''
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString()
        const m = /DOC (\S+)/.exec(buf)
        if (m) docId = m[1] as string
        if (docId && buf.includes('EMBEDDING')) {
          child.kill('SIGKILL')
          resolveKill()
        }
      })
      child.on('exit', (code) => (code === null ? undefined : reject(new Error(`child exited (${code}) before the kill`))))
    })
    await new Promise((r) => child.once('exit', r))

    const again = createAppCore({ dataDir, role: 'test', mode: 'browser', modelDir: MODEL_FIXTURE, logger: quietLogger })
    try {
      const s = await again.services()
      const mid = await s.documents.get(docId)
      expect(mid.document.status).toBe('processing')
      expect(await again.router.dispatch('search:query', { query: 'trace', sources: ['document'] }).then((r) => (r.ok ? (r.value as { hits: unknown[] }).hits.length : -1))).toBe(0)
      expect(await s.workflows.resumeAll()).toBe(1)
      const runId = mid.document.runId as string
      const run = await s.workflows.waitFor(runId, 300_000)
      expect(run.status).toBe('succeeded')
      const done = await s.documents.get(docId)
      expect(done.document.status).toBe('ready')
      const { ctx } = s
      const rows = await ctx.db('document_chunks').where({ document_id: docId }).select('chunk_index')
      expect(rows.length).toBe(done.document.chunkCount)
      expect(new Set(rows.map((r: { chunk_index: number }) => r.chunk_index)).size).toBe(rows.length)
      const detail = await s.workflows.get(runId)
      expect(detail.steps.find((x) => x.name === 'detect')?.attempts).toBe(1)
      expect(detail.steps.find((x) => x.name === 'embed')?.attempts).toBe(2)
    } finally {
      await again.close()
    }
  }, 600_000)
})
