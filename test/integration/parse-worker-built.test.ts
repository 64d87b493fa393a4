/**
 * The parsing thread of the BUILT app: `electron-vite build` (the project's own
 * electron.vite.config.ts) must emit main/parse.worker.js, a plain JavaScript worker that
 * plain Node runs with no tsx and no loader flags (as a packaged Electron app would), and
 * that reads a real PDF and DOCX. Running from source, the source worker stays in use.
 * Electron itself is not here; its main process would load the same file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { builtWorker } from '../../src/main/core/paths'
import { defaultParseWorkerPath } from '../../src/main/features/documents/parsing'

const ROOT = join(import.meta.dirname, '..', '..')
const DOCS = join(ROOT, '..', 'shared', 'documents')
let out: string

beforeAll(() => {
  // Inside the repo (ignored as .tmp-*), so the bundle resolves node_modules and the package root as the app does.
  out = mkdtempSync(join(ROOT, '.tmp-build-'))
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', out, '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 600_000
  })
}, 660_000)
afterAll(() => rmSync(out, { recursive: true, force: true }))

function parseWith(workerFile: string, input: { path: string }): Promise<{ text: string; pages: number | null; format: string }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerFile, { execArgv: [] })
    const done = (err: Error | null, doc?: { text: string; pages: number | null; format: string }): void => {
      void w.terminate()
      if (err) reject(err)
      else resolve(doc as { text: string; pages: number | null; format: string })
    }
    w.on('error', (e) => done(e))
    w.on('message', (m: { type: string; message?: string; doc?: { text: string; pages: number | null; format: string }; error?: { message: string } }) => {
      if (m.type === 'ready') w.postMessage({ type: 'parse', id: 1, input, opts: {} })
      else if (m.type === 'unavailable') done(new Error(`unavailable: ${m.message}`))
      else if (m.type === 'done') done(null, m.doc)
      else if (m.type === 'error') done(new Error(m.error?.message))
    })
  })
}

describe('built parsing thread', () => {
  it('electron-vite emits main/parse.worker.js, which plain Node runs on a real PDF and DOCX', async () => {
    const file = join(out, 'main', 'parse.worker.js')
    expect(existsSync(file)).toBe(true)
    // Bundled: no TypeScript left to load, no tsx.
    const code = readFileSync(file, 'utf8')
    expect(code).not.toMatch(/tsx\/esm|from\s+['"][^'"]*\.ts['"]|import\([^)]*\.ts/)
    const pdf = await parseWith(file, { path: join(DOCS, 'fake-memo.pdf') })
    expect(pdf.format).toBe('pdf')
    expect(pdf.pages).toBeGreaterThan(0)
    expect(pdf.text.length).toBeGreaterThan(20)
    const docx = await parseWith(file, { path: join(DOCS, 'footnotes.docx') })
    expect(docx.format).toBe('docx')
    expect(docx.text.length).toBeGreaterThan(20)
  }, 120_000)

  it('from source, the source worker is used (the bundle is only for the built app)', () => {
    expect(builtWorker('parse.worker.js')).toBeNull()
    expect(defaultParseWorkerPath()).toMatch(/parse\.worker\.mjs$/)
  })
})
