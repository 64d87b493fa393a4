/**
 * The Memories screen with an embedding model: the RANDOM-WEIGHTS fixture (real
 * architecture and tokenizer, meaningless vectors), so only plumbing is checked:
 * - the status badge says semantic search is ready and names the test model;
 * - new memories show "embedding pending" until the background queue embeds them, and
 *   the marks clear live (memories:changed 'embedded');
 * - the queue's near-duplicate flags reach the detail panel;
 * - search runs in hybrid mode.
 * A file of its own: the main memories file runs without a model (keyword mode).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MODEL_FIXTURE } from '../helpers/core'
import { createFirstProfile, startE2E, type E2E } from '../helpers/e2e'

let e: E2E
beforeAll(async () => {
  e = await startE2E({ core: { modelDir: MODEL_FIXTURE } })
  await createFirstProfile(e.page, 'Personal')
})
afterAll(async () => {
  await e?.close()
})

describe('with the test embedding model', () => {
  test('status badge, pending marks that clear, near-duplicates, hybrid search', async () => {
    const { page, core } = e
    // Random weights make unrelated sentences look alike: a low threshold flags the pair for sure.
    await core.call('settings:set', { key: 'memories.duplicate_threshold', value: 0.5 })
    await page.keyboard.press('Control+2')
    await page.getByRole('heading', { name: 'Memories', level: 1 }).waitFor()

    const box = page.getByRole('textbox', { name: 'New memory' })
    for (const text of ['Our wedding anniversary is on June 14', 'The anniversary dinner is booked at Luigi’s']) {
      await box.fill(text)
      await box.press('Control+Enter')
      await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    }

    const badge = page.getByRole('status', { name: /^Embeddings:/ })
    await expect.poll(() => badge.innerText(), { timeout: 60_000 }).toContain('Semantic search ready')
    expect(await badge.innerText()).toContain('test model (random weights)')

    const list = page.getByRole('listbox', { name: 'Memories' })
    await expect.poll(() => list.getByRole('option').count()).toBe(2)
    await expect.poll(() => list.getByLabel('Embedding pending').count(), { timeout: 30_000 }).toBe(0)

    await list.getByRole('option').filter({ hasText: 'Luigi' }).click()
    const panel = page.getByRole('complementary', { name: 'Memory details' })
    await panel.getByText('Embedded for semantic search').waitFor()
    const dups = panel.getByRole('region', { name: 'Possible duplicates (1)' })
    await dups.waitFor()
    expect(await dups.innerText()).toContain('Our wedding anniversary is on June 14')
    expect(await dups.innerText()).toMatch(/\d+%/)

    const search = page.getByRole('searchbox', { name: 'Search memories' })
    await search.fill('anniversary')
    const summary = page.getByTestId('memories-summary')
    await expect.poll(() => summary.innerText()).toMatch(/matches for “anniversary”/)
    expect(await summary.innerText()).toContain('meaning and keywords')
    await e.screenshot('memories-model')
    expect(e.pageErrors).toEqual([])
  })
})
