/**
 * Starting workflows from the Workflows screen, and the Archive's Chats tab, in Chromium
 * over the loopback bridge with one real core (keyword mode: no embedding model):
 * - Start ▸ Consolidate memories over 900 pairs of memories that differ only in case and
 *   punctuation: the run opens, its progress bar moves, Cancel ends it 'cancelled' with
 *   whole clusters merged, and Undo consolidation puts every memory back.
 * - Archive ▸ Chats: archived sessions (archived through IPC), search within the tab,
 *   Restore (the session is active again).
 * Screenshots: test-results/screenshots/workflows-start.png, archive-chats.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { E2E } from '../helpers/e2e'
import { openSection, panel, progressOf, runs, startWithProfile } from '../helpers/e2e-workflows'
import { contentHash } from '../../src/main/features/memories/normalize'

const PAIRS = 900

let e: E2E
beforeAll(async () => {
  e = await startWithProfile()
})
afterAll(async () => {
  await e?.close()
})

describe('starting a workflow from the Workflows screen', () => {
  test('Start ▸ Consolidate: the bar moves, Cancel ends it cancelled, Undo puts every memory back', async () => {
    const { page, core } = e
    const db = (await core.services()).ctx.db
    // Seeded in bulk (capturing 1,800 memories one by one is not what this test is about).
    const rows = []
    for (let i = 0; i < PAIRS; i++) {
      const text = `Reminder ${i}: bring the ${['tent', 'stove', 'maps', 'rope', 'lamp'][i % 5]} for trip ${Math.floor(i / 5)}.`
      const loose = text.toLowerCase().replace(/[:.]/g, '')
      rows.push({ content: text, content_hash: contentHash(text), importance: 0.6 }, { content: loose, content_hash: contentHash(loose), importance: 0.4 })
    }
    await db.batchInsert('memories', rows, 500)
    const before = (await db.raw('select * from memories order by id')).rows as unknown[]

    await openSection(page, '5', 'Workflows')
    await page.getByRole('heading', { name: 'No background work yet', level: 2 }).waitFor()
    await page.getByRole('button', { name: 'Start' }).click()
    await page.getByRole('menuitem', { name: /Consolidate memories/ }).click()
    await page.getByRole('status').filter({ hasText: 'Consolidation started' }).waitFor()

    // It opens beside the list, and its bar moves as clusters are merged.
    const row = runs(page).getByRole('option', { name: /^Consolidation/ })
    await row.waitFor({ timeout: 30_000 })
    await panel(page).getByRole('heading', { name: 'Consolidation', level: 2 }).waitFor()
    const bar = row.getByRole('progressbar')
    await expect.poll(() => progressOf(bar), { timeout: 60_000, interval: 100 }).toBeGreaterThan(45)
    const early = await progressOf(bar)
    await expect.poll(() => progressOf(bar), { timeout: 60_000, interval: 100 }).toBeGreaterThan(early)
    expect(await row.getByTestId('run-progress-note').innerText()).toMatch(/Merge · \d+ of \d+ clusters/)
    await e.screenshot('workflows-start')

    await panel(page).getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => panel(page).getByTestId('run-detail-status').textContent(), { timeout: 60_000 }).toBe('Cancelled')
    await expect.poll(() => row.getByTestId('run-status').textContent()).toBe('Cancelled')
    const runId = (await core.call('workflows:list', { name: 'memories.consolidate' })).items[0]?.id as string
    expect((await core.call('workflows:get', { id: runId })).run.status).toBe('cancelled')
    // Cancelled between clusters: some merged, each whole, the rest untouched.
    const merged = Number((await db('consolidation_clusters').where({ run_id: runId }).count({ n: '*' }))[0]?.n)
    expect(merged).toBeGreaterThan(0)
    expect(merged).toBeLessThan(PAIRS)
    expect(Number((await db('memories').where({ archived_by_run: runId }).count({ n: '*' }))[0]?.n)).toBe(merged * 2)

    // Undo from the run's panel: every memory is back as it was.
    await panel(page).getByRole('button', { name: 'Undo consolidation' }).click()
    // Generous: other benches share this 2-core machine.
    await page.getByRole('status').filter({ hasText: 'Consolidation undone' }).waitFor({ timeout: 120_000 })
    expect((await db.raw('select * from memories order by id')).rows).toEqual(before)
    expect(e.pageErrors).toEqual([])
  })
})

describe('the Archive screen’s Chats tab', () => {
  test('archived chats, search within the tab, and Restore', async () => {
    const { page, core } = e
    const lisbon = await core.call('sessions:create', { title: 'Trip to Lisbon in May' })
    const budget = await core.call('sessions:create', { title: 'Household budget review' })
    await core.call('sessions:archive', { id: lisbon.id })
    await core.call('sessions:archive', { id: budget.id })

    await openSection(page, '4', 'Archive')
    const tabs = page.getByRole('tablist')
    await expect.poll(() => tabs.getByRole('tab', { name: /Chats/ }).innerText(), { timeout: 30_000 }).toMatch(/Chats\s*2/)
    await tabs.getByRole('tab', { name: /Chats/ }).click()
    const chats = page.getByRole('list', { name: 'archived chats' })
    await expect.poll(() => chats.getByRole('listitem').count()).toBe(2)

    const search = page.getByRole('searchbox', { name: 'Search archived chats' })
    await search.fill('lisbon')
    await expect.poll(() => chats.getByRole('listitem').count()).toBe(1)
    expect(await page.getByTestId('archive-sessions-summary').innerText()).toBe('1 match for “lisbon” in 2 loaded')
    await e.screenshot('archive-chats')

    await chats.getByRole('button', { name: 'Restore “Trip to Lisbon in May”' }).click()
    await page.getByRole('status').filter({ hasText: 'Chat restored' }).waitFor()
    await expect.poll(async () => (await core.call('sessions:get', { id: lisbon.id })).session.archivedAt).toBeNull()
    await expect.poll(() => tabs.getByRole('tab', { name: /Chats/ }).innerText()).toMatch(/Chats\s*1/)
    await search.fill('')
    await chats.getByRole('listitem').filter({ hasText: 'Household budget review' }).waitFor()
    expect((await core.call('sessions:list', { archived: true })).items.map((s) => s.id)).toEqual([budget.id])
    expect(e.pageErrors).toEqual([])
  })
})
