/**
 * "Sync & chat history" in Chromium over the loopback bridge, with a real core (the
 * RANDOM-WEIGHTS model fixture): a folder typed as a path is kept in sync (checking it
 * imports its file; the document then shows in the list; stopping the sync keeps it), a bad
 * path is refused in words, and a ChatGPT conversations.json chosen in the drawer is imported
 * as chats with live status, its messages then found by search.
 * Screenshot: test-results/screenshots/documents-sync.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MODEL_FIXTURE } from '../helpers/core'
import { createFirstProfile, startE2E, type E2E } from '../helpers/e2e'

let e: E2E
let folder: string
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'engram-sync-'))
  writeFileSync(join(folder, 'harbour-notes.md'), '# Harbour notes\n\nThe ferry to the lighthouse island leaves at seven sharp every Tuesday.\n')
  e = await startE2E({ core: { modelDir: MODEL_FIXTURE } })
  await createFirstProfile(e.page, 'Sync')
})
afterAll(async () => {
  await e?.close()
  rmSync(folder, { recursive: true, force: true })
})

const T0 = Date.UTC(2024, 2, 14, 9, 30, 0) / 1000
const msg = (id: string, parent: string | null, children: string[], role: string | null, text: string | null, t: number) => ({
  id,
  parent,
  children,
  message: role && { id, author: { role, metadata: {} }, create_time: t, content: { content_type: 'text', parts: [text] }, status: 'finished_successfully', metadata: {} }
})
const EXPORT = [
  {
    title: 'Sailing plans',
    create_time: T0,
    id: 'e2e-conv-1',
    current_node: 'a',
    mapping: {
      r: msg('r', null, ['q'], null, null, T0),
      q: msg('q', 'r', ['a'], 'user', 'Which knot holds a dinghy to the quay?', T0 + 10),
      a: msg('a', 'q', [], 'assistant', 'A round turn and two half hitches holds the painter to the quay ring.', T0 + 20)
    }
  }
]

describe('sync & chat history', () => {
  test('a folder kept in sync, a bad path refused, a ChatGPT export imported and searchable', async () => {
    const { page } = e
    await page.keyboard.press('Control+3')
    await page.getByRole('heading', { name: 'Documents', level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Sync & chat history…' }).click()
    const drawer = page.getByRole('dialog', { name: 'Sync & chat history' })
    await drawer.getByTestId('no-watched-folders').waitFor()

    // A path that is not a folder is refused in words, and nothing is added.
    await drawer.getByLabel('Folder to keep in sync').fill(join(folder, 'harbour-notes.md'))
    await drawer.getByRole('button', { name: 'Keep in sync' }).click()
    await drawer.getByText(/is a file, not a folder/).waitFor()
    expect(await drawer.getByTestId('watched-folder').count()).toBe(0)

    await drawer.getByLabel('Folder to keep in sync').fill(folder)
    await drawer.getByRole('button', { name: 'Keep in sync' }).click()
    const row = drawer.getByTestId('watched-folder')
    await row.waitFor()
    await drawer.getByRole('button', { name: `Check ${folder} now` }).click()
    await expect.poll(async () => row.getByTestId('watched-folder-count').textContent(), { timeout: 120_000 }).toBe('1 document')

    // The chat export, chosen through the drawer's file button.
    const chooser = page.waitForEvent('filechooser')
    await drawer.getByRole('button', { name: 'Import a chat export…' }).click()
    await (await chooser).setFiles({ name: 'conversations.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(EXPORT)) })
    const imp = drawer.getByTestId('chat-import')
    await imp.getByText('conversations.json · ChatGPT, 1 conversation').waitFor()
    await expect.poll(async () => imp.getByTestId('chat-import-status').textContent(), { timeout: 120_000 }).toBe('Imported')
    await e.screenshot('documents-sync')

    // Stopping the sync keeps the folder's document.
    await drawer.getByRole('button', { name: `Stop syncing ${folder}` }).click()
    await drawer.getByTestId('no-watched-folders').waitFor()
    await page.keyboard.press('Escape')
    await page.getByText('harbour-notes.md').first().waitFor()

    // The imported chat's messages are searchable like any other source.
    const hits = await e.core.call('search:query', { query: 'round turn two half hitches', sources: ['message'], recordAccess: false })
    expect(hits.hits.some((h) => h.text.includes('round turn and two half hitches'))).toBe(true)
    expect(e.pageErrors).toEqual([])
  })
})
