/**
 * The Documents screen in Chromium over the loopback bridge, one real core for the file
 * with the RANDOM-WEIGHTS embedding model (so passages are embedded; meaning is not
 * checked), and real files from ../shared/documents (read here, never copied):
 * - a drop on the window (a DataTransfer of File objects dispatched on the app root, as a
 *   real drop would arrive): live progress, the drop summary, fake-memo.pdf and
 *   tables.docx ready; password.pdf asks for its password and then imports; the scanned
 *   loremipsum-flat.pdf says it has no text layer (and why OCR); a text file named .pdf
 *   says it is not a PDF; a 41 MB file is refused in the browser, in words;
 * - search across documents, the hit opened in the reader with the passage marked
 *   (<mark> with "20,000 bottles of water"), find within the document, Esc back to the
 *   list; keyboard Delete with confirmation;
 * - "Choose folder…" in the browser (a folder input): its files import, hidden ones do not;
 *   archive (with Undo) and restore;
 * - cancelling a long import (freeculture.pdf, 352 pages) after its progress moved;
 * - 1,200 documents (seeded in SQL): a bounded DOM, and End pages through to the last.
 * Screenshots: test-results/screenshots/documents.png and documents-reader.png.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { MODEL_FIXTURE } from '../helpers/core'
import { createFirstProfile, startE2E, type E2E } from '../helpers/e2e'

const DOCS = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'documents')

let e: E2E
beforeAll(async () => {
  e = await startE2E({ core: { modelDir: MODEL_FIXTURE } })
  await createFirstProfile(e.page, 'Docs')
})
afterAll(async () => {
  await e?.close()
})

interface DropFile {
  name: string
  /** The file's bytes, or a size for a file of zeros made in the page (too big to send here). */
  data: Buffer | number
}

/**
 * Drops files on the app root the way the browser delivers a real drop: dragenter,
 * dragover and drop events carrying one DataTransfer of File objects built from the bytes.
 * The page code is a string (the files inlined as JSON) so that this file stays free of
 * DOM types.
 */
async function drop(page: Page, files: DropFile[]): Promise<void> {
  const payload = files.map((f) => (typeof f.data === 'number' ? { name: f.name, size: f.data } : { name: f.name, b64: f.data.toString('base64') }))
  await page.evaluate(
    `((files) => {
      const dt = new DataTransfer()
      for (const f of files) {
        let bytes
        if (f.b64 !== undefined) {
          const bin = atob(f.b64)
          bytes = new Uint8Array(bin.length)
          for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
        } else bytes = new Uint8Array(f.size)
        dt.items.add(new File([bytes], f.name))
      }
      const root = document.getElementById('root')
      for (const type of ['dragenter', 'dragover', 'drop']) root.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }))
    })(${JSON.stringify(payload)})`
  )
}

const real = (name: string): DropFile => ({ name, data: readFileSync(resolve(DOCS, name)) })
const list = (page: Page): Locator => page.getByRole('list', { name: 'Documents' })
/** The row of a document, by its name (rows are labelled "name, status"). */
const row = (page: Page, name: string): Locator => list(page).getByRole('listitem', { name: new RegExp(`^${name.replace(/\./g, '\\.')}, `) })
const summary = (page: Page): Locator => page.getByTestId('import-summary')

async function openDocuments(page: Page): Promise<void> {
  await page.keyboard.press('Control+3')
  await page.getByRole('heading', { name: 'Documents', level: 1 }).waitFor()
}

describe('importing by drop', () => {
  test('a drop of good and bad files: progress, summary, errors in words, a password, search, the reader', async () => {
    const { page } = e
    await openDocuments(page)
    await page.getByRole('heading', { name: 'No documents yet' }).waitFor()
    // Drops work from any section: start from Memories and land on Documents.
    await page.keyboard.press('Control+2')
    await page.getByRole('heading', { name: 'Memories', level: 1 }).waitFor()

    await drop(page, [
      real('fake-memo.pdf'),
      real('tables.docx'),
      real('password.pdf'),
      real('loremipsum-flat.pdf'),
      { name: 'not-really.pdf', data: Buffer.from('This is plain text wearing a .pdf name.\n') },
      { name: 'big.pdf', data: 41 * 1024 * 1024 }
    ])
    await page.getByRole('heading', { name: 'Documents', level: 1 }).waitFor()
    await summary(page).getByText(/^Importing 6 files: /).waitFor()
    // Refused before sending, in words, with what to do instead.
    await summary(page).getByText(/big\.pdf is 41 MB; from the browser Engram takes files up to 40 MB\. Use `engram import` or the desktop app\./).waitFor()

    // Every import is listed at once, and the progress bars run until each one ends.
    await expect.poll(() => list(page).getByRole('listitem').count(), { timeout: 30_000 }).toBe(5)
    await expect.poll(() => list(page).getByRole('progressbar').count(), { timeout: 90_000 }).toBe(0)
    await summary(page).getByText('Finished importing 6 files: 2 done, 4 failed').waitFor({ timeout: 30_000 })

    for (const name of ['fake-memo.pdf', 'tables.docx']) expect(await row(page, name).getAttribute('data-status')).toBe('ready')
    expect(await row(page, 'fake-memo.pdf').innerText()).toMatch(/PDF · 13 KB · 1 page · \d+ passages?/)

    const scan = row(page, 'loremipsum-flat.pdf')
    expect(await scan.getAttribute('data-status')).toBe('failed')
    expect(await scan.innerText()).toMatch(/no text layer/i)
    expect(await scan.innerText()).toMatch(/OCR/)
    await scan.getByRole('button', { name: 'Retry' }).waitFor()

    expect(await row(page, 'not-really.pdf').innerText()).toMatch(/is named \.pdf but is not a PDF/)

    const locked = row(page, 'password.pdf')
    expect(await locked.innerText()).toMatch(/protected with a password/)
    await e.screenshot('documents')

    // The password: asked for, then the file imports with it.
    await locked.getByRole('button', { name: 'Enter password' }).click()
    const dialog = page.getByRole('dialog', { name: 'Open a protected PDF' })
    await dialog.getByLabel('PDF password').fill('password')
    await dialog.getByRole('button', { name: 'Import' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(() => row(page, 'password.pdf').getAttribute('data-status'), { timeout: 60_000 }).toBe('ready')
    // The summary follows the retried file.
    await summary(page).getByText('Finished importing 6 files: 3 done, 3 failed').waitFor({ timeout: 30_000 })

    // Search across documents; the hit opens the reader at its passage, marked.
    await page.getByRole('searchbox', { name: 'Search documents' }).fill('bottles of water')
    const hits = page.getByRole('list', { name: 'Passages matching bottles of water' })
    const hit = hits.getByRole('listitem').filter({ hasText: 'fake-memo.pdf' }).first()
    await hit.waitFor()
    expect(await hit.innerText()).toContain('page 1')
    await hit.getByRole('button').click()

    const reader = page.getByRole('region', { name: 'Reader' })
    await reader.getByRole('heading', { name: 'fake-memo.pdf' }).waitFor()
    expect(page.url()).toMatch(/#\/documents\/[0-9a-f-]{36}\?start=\d+&end=\d+$/)
    const target = reader.locator('mark[data-target]').filter({ hasText: '20,000 bottles of water' })
    await target.waitFor()
    await target.waitFor()
    await reader.getByRole('separator', { name: 'Page 1' }).waitFor()

    // The same place reached from the core's own search, by URL (as chat citations will).
    const res = await e.core.call('search:query', { query: 'bottles of water', sources: ['document'] })
    const top = res.hits.find((h) => h.meta['documentName'] === 'fake-memo.pdf')
    expect(top).toBeDefined()
    expect(page.url()).toContain(`#/documents/${String(top?.meta['documentId'])}?start=${String(top?.meta['charStart'])}&end=${String(top?.meta['charEnd'])}`)

    // Find within the document: every match marked, the current one told apart.
    const find = reader.getByRole('searchbox', { name: 'Find in this document' })
    await find.fill('water')
    await expect.poll(() => reader.getByTestId('reader-match-count').innerText(), { timeout: 5000 }).toMatch(/^1 of \d+$/)
    const count = Number((await reader.getByTestId('reader-match-count').innerText()).split(' of ')[1])
    expect(await reader.locator('mark[data-match]').count()).toBeGreaterThanOrEqual(1)
    await find.press('Enter')
    if (count > 1) await expect.poll(() => reader.getByTestId('reader-match-count').innerText(), { timeout: 5000 }).toBe(`2 of ${count}`)
    expect(await reader.locator('mark[data-current]').count()).toBeGreaterThanOrEqual(1)
    await e.screenshot('documents-reader')
    await find.press('Escape')
    expect(await find.inputValue()).toBe('')

    // Esc closes the reader; the keyboard is back on the document it opened.
    await page.keyboard.press('Escape')
    await reader.waitFor({ state: 'hidden' })
    await page.getByRole('searchbox', { name: 'Search documents' }).fill('')
    const memo = row(page, 'fake-memo.pdf')
    await memo.waitFor()

    // Keyboard: arrows move, Enter opens, Delete asks first.
    await memo.getByRole('button', { name: 'fake-memo.pdf', exact: true }).focus()
    await page.keyboard.press('Enter')
    await reader.waitFor()
    await page.keyboard.press('Escape')
    await reader.waitFor({ state: 'hidden' })
    const fake = row(page, 'not-really.pdf')
    await fake.getByRole('button', { name: 'not-really.pdf', exact: true }).focus()
    await page.keyboard.press('Delete')
    const confirm = page.getByRole('dialog', { name: 'Delete this document?' })
    await confirm.getByText('not-really.pdf').waitFor()
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await fake.waitFor({ state: 'detached' })
    await expect.poll(async () => (await e.core.call('documents:list', {})).items.map((d) => d.name).sort(), { timeout: 10_000 }).toEqual(
      ['fake-memo.pdf', 'loremipsum-flat.pdf', 'password.pdf', 'tables.docx']
    )
    expect(e.pageErrors).toEqual([])
  })

  test('choosing a folder imports what is in it (not hidden files); archive and restore', async () => {
    const { page } = e
    await openDocuments(page)
    // A folder outside the repo with two of the shared files and a hidden one.
    const dir = mkdtempSync(join(tmpdir(), 'engram-e2e-folder-'))
    try {
      mkdirSync(join(dir, 'notes'))
      copyFileSync(resolve(DOCS, 'semicolon-delimited.csv'), join(dir, 'notes', 'semicolon-delimited.csv'))
      copyFileSync(resolve(DOCS, 'fake-html-cp1252.html'), join(dir, 'fake-html-cp1252.html'))
      writeFileSync(join(dir, '.hidden.txt'), 'not for import')
      await page.getByLabel('Folder to import').setInputFiles(dir)
      await summary(page).getByText('Finished importing 2 files: 2 done').waitFor({ timeout: 60_000 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    for (const name of ['semicolon-delimited.csv', 'fake-html-cp1252.html'])
      await expect.poll(() => row(page, name).getAttribute('data-status'), { timeout: 10_000 }).toBe('ready')
    expect(await list(page).getByRole('listitem', { name: /hidden/ }).count()).toBe(0)

    // Archive: out of the list at once, with Undo; the Archived view has it, with Restore.
    await row(page, 'tables.docx').getByRole('button', { name: 'Archive tables.docx' }).click()
    await row(page, 'tables.docx').waitFor({ state: 'detached' })
    await page.getByRole('status').filter({ hasText: 'Document archived' }).waitFor()
    await page.locator('label').filter({ hasText: /^Archived$/ }).click()
    const archived = page.getByRole('list', { name: 'Archived documents' })
    await archived.getByRole('listitem', { name: /^tables\.docx, / }).getByRole('button', { name: 'Restore tables.docx' }).click()
    await archived.getByRole('listitem', { name: /^tables\.docx, / }).waitFor({ state: 'detached' })
    await page.getByText('No archived documents.').waitFor()
    await page.locator('label').filter({ hasText: /^Documents$/ }).click()
    await row(page, 'tables.docx').waitFor()
    await summary(page).getByRole('button', { name: 'Dismiss the import summary' }).click()
    await summary(page).waitFor({ state: 'detached' })
    expect(e.pageErrors).toEqual([])
  })

  test('cancelling a long import after its progress moved', async () => {
    const { page } = e
    await openDocuments(page)
    await drop(page, [real('freeculture.pdf')])
    const book = row(page, 'freeculture.pdf')
    await book.waitFor()
    // The progress line counts pages as they are read.
    await expect.poll(() => book.getByTestId('document-progress').innerText(), { timeout: 60_000 }).toMatch(/page \d+ of 352/)
    const bar = book.getByRole('progressbar')
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 10_000 }).toBeGreaterThan(0)
    await book.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => book.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled')
    expect(await book.innerText()).toMatch(/The import was cancelled\./)
    await book.getByRole('button', { name: 'Retry' }).waitFor()
    await summary(page).getByText('Finished importing 1 file: 0 done, 1 cancelled').waitFor()
    const [doc] = (await e.core.call('documents:list', {})).items.filter((d) => d.name === 'freeculture.pdf')
    expect(doc?.status).toBe('cancelled')
    expect(e.pageErrors).toEqual([])
  })

  test('1,200 documents: only the rows on screen are in the DOM, and End pages through to the last', async () => {
    const { page } = e
    const { ctx } = await e.core.services()
    await ctx.db.raw(
      `insert into documents (file_hash, name, size_bytes, status, source, chunk_count, pages, imported_at, created_at)
       select 'seed:' || g, 'seed-' || lpad(g::text, 4, '0') || '.pdf', 2048 * g, 'ready', 'test', 3, 2, now(), now() - make_interval(days => 1, secs => g)
       from generate_series(1, 1200) g`
    )
    await page.reload()
    await openDocuments(page)
    const total = (await e.core.call('documents:list', { limit: 1 })).total
    expect(total).toBeGreaterThan(1200)
    await page.getByTestId('documents-count').getByText(`${total.toLocaleString('en-US')} documents`).waitFor()
    expect(await list(page).getByRole('listitem').count()).toBeLessThan(60)

    await list(page).getByRole('listitem').first().getByRole('button').first().focus()
    const focusedRow = page.locator(':focus').locator('xpath=ancestor::*[@role="listitem"][1]')
    // End goes to the last row loaded; the next page loads as the end comes near, until all are in.
    await expect
      .poll(
        async () => {
          await page.keyboard.press('End')
          return Number(await focusedRow.getAttribute('aria-posinset'))
        },
        { timeout: 30_000, interval: 300 }
      )
      .toBe(total)
    expect(await focusedRow.getAttribute('aria-label')).toBe('seed-1200.pdf, Ready')
    expect(await list(page).getByRole('listitem').count()).toBeLessThan(60)
    expect(e.pageErrors).toEqual([])
  })
})
