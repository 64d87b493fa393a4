/**
 * The Memories screen and quick capture in Chromium over the loopback bridge, one real
 * core for the file (keyword mode: no embedding model):
 * - capture from the composer (Ctrl+Enter, topics), an exact duplicate says "Already
 *   known", an empty one is refused next to the field;
 * - the quick-capture route: Enter saves with source 'tray' and the window closes only
 *   after the memory is stored; an error keeps the text; Shift+Enter is a new line;
 * - search as you type with a typo, highlighted with <mark>, and "Nothing matches";
 * - the detail panel: edit (the earlier version shows in history), pin, delete and Undo,
 *   and the list's keys (/, arrows, Enter, p, Delete);
 * - 100,000 memories seeded in SQL: the count, paging on scroll with a bounded DOM.
 * Screenshots: test-results/screenshots/memories*.png.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import type { Memory } from '../../src/shared/types'
import { createFirstProfile, SCREENSHOT_DIR, startE2E, type E2E } from '../helpers/e2e'

const SEED = 100_000

let e: E2E
beforeAll(async () => {
  e = await startE2E()
  await createFirstProfile(e.page, 'Personal')
})
afterAll(async () => {
  await e?.close()
})

const base = (): string => `http://127.0.0.1:${e.bridge.port}/`

async function openMemories(page: Page): Promise<void> {
  await page.keyboard.press('Control+2')
  await page.getByRole('heading', { name: 'Memories', level: 1 }).waitFor()
}

async function allMemories(): Promise<Memory[]> {
  return (await e.core.call('memories:list', { limit: 500 })).items
}

const list = (page: Page): Locator => page.getByRole('listbox', { name: 'Memories' })
const row = (page: Page, text: string | RegExp): Locator => list(page).getByRole('option').filter({ hasText: text })
const panel = (page: Page): Locator => page.getByRole('complementary', { name: 'Memory details' })
const isFocused = (l: Locator): Promise<boolean> => l.evaluate((el) => el === el.ownerDocument.activeElement)

describe('capture on the Memories screen', () => {
  test('two memories from the composer, a duplicate says "Already known", empty is refused', async () => {
    const { page } = e
    await openMemories(page)
    // No memories yet: the honest empty state, with the composer above it.
    await page.getByRole('heading', { name: 'No memories yet', level: 2 }).waitFor()
    const box = page.getByRole('textbox', { name: 'New memory' })
    await box.waitFor()

    // Empty: refused next to the field, nothing stored.
    await page.getByRole('button', { name: /^Save/ }).click()
    await page.getByText('A memory cannot be empty.').waitFor()
    expect(await box.getAttribute('aria-invalid')).toBe('true')

    await box.fill('The cabin wifi password is pinecone42')
    const topics = page.getByRole('region', { name: 'New memory' }).getByLabel('Topics')
    await topics.fill('Travel')
    await topics.press('Enter')
    await box.press('Control+Enter')
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    await expect.poll(() => box.inputValue()).toBe('')

    await box.fill('Anna prefers green tea over coffee')
    await page.getByRole('button', { name: /^Save/ }).click()
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor()

    // The same text again (other case and spacing): refreshed, not stored twice.
    await box.fill('the cabin wifi  password is PINECONE42')
    await box.press('Control+Enter')
    await page.getByText('Already known — refreshed').waitFor()

    // The list shows both (live, from the memories:changed event).
    await expect.poll(() => list(page).getByRole('option').count()).toBe(2)
    expect(await row(page, 'The cabin wifi password is pinecone42').innerText()).toContain('#travel')
    expect(await page.getByTestId('memories-summary').innerText()).toContain('2 memories')

    const stored = await allMemories()
    expect(stored.map((m) => m.content).sort()).toEqual(['Anna prefers green tea over coffee', 'The cabin wifi password is pinecone42'])
    const cabin = stored.find((m) => m.content.startsWith('The cabin'))
    expect(cabin).toMatchObject({ topics: ['travel'], source: 'app', accessCount: 1 })
    expect(e.pageErrors).toEqual([])
  })
})

describe('quick capture', () => {
  test('Enter saves with source "tray", and the window closes only after the memory is stored', async () => {
    // A window opened by script may be closed by its script, like the capture window in Electron.
    const opened = e.context.waitForEvent('page')
    await e.page.evaluate(`window.open(${JSON.stringify(`${base()}#/capture`)}, 'capture', 'popup,width=560,height=160')`)
    const win = await opened
    const box = win.getByRole('textbox', { name: 'Quick capture' })
    await box.waitFor()
    await expect.poll(() => isFocused(box)).toBe(true)
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    await win.screenshot({ path: join(SCREENSHOT_DIR, 'memories-capture.png') })
    await box.fill('Buy oat milk on the way home')
    const closed = win.waitForEvent('close')
    // The window may close while Playwright is still sending the key's keyup: that
    // rejects the press with "Target page … has been closed", which is the success here.
    const pressed = box.press('Enter').then(
      () => null,
      (err: unknown) => err,
    )
    await closed
    const pressError = await pressed
    if (pressError !== null && !/has been closed/.test(String(pressError))) throw pressError
    const m = (await allMemories()).find((x) => x.content === 'Buy oat milk on the way home')
    expect(m?.source).toBe('tray')
  })

  test('an error keeps the text; Shift+Enter is a new line; where the window cannot close it says "Saved"', async () => {
    const { page } = e
    await page.goto(`${base()}#/capture`)
    const box = page.getByRole('textbox', { name: 'Quick capture' })
    await box.waitFor()

    // Too long: the core refuses it, the text stays, the reason shows.
    const long = 'x'.repeat(20_001)
    await box.fill(long)
    await box.press('Enter')
    await page.getByText('A memory is at most 20,000 characters. Import longer text as a document.').waitFor()
    expect(await box.inputValue()).toBe(long)
    expect(await box.isEnabled()).toBe(true)

    await box.fill('Dentist on Thursday at 9')
    await box.press('Shift+Enter')
    await box.pressSequentially('bring the insurance card')
    await box.press('Enter')
    // This tab has history, so window.close() is refused: the view says so in place.
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    expect(await box.inputValue()).toBe('')
    const m = (await allMemories()).find((x) => x.content.startsWith('Dentist'))
    expect(m).toMatchObject({ content: 'Dentist on Thursday at 9\nbring the insurance card', source: 'tray' })
    expect((await allMemories()).some((x) => x.content.length > 20_000)).toBe(false)

    // Esc closes without saving (a no-op here), and nothing is stored.
    await box.fill('never mind')
    await box.press('Escape')
    expect((await allMemories()).some((x) => x.content === 'never mind')).toBe(false)

    await page.goto(`${base()}#/memories`)
    await page.reload()
    await list(page).waitFor()
    expect(e.pageErrors).toEqual([])
  })
})

describe('search as you type', () => {
  test('a typo and a right word find the memory, highlighted; stale answers do not win', async () => {
    const { page } = e
    await openMemories(page)
    const search = page.getByRole('searchbox', { name: 'Search memories' })
    // "/" focuses the search box from anywhere on the screen.
    await page.getByRole('heading', { name: 'Memories', level: 1 }).click()
    await page.keyboard.press('/')
    await expect.poll(() => isFocused(search)).toBe(true)

    await search.pressSequentially('pasword cabin', { delay: 15 })
    const results = page.getByRole('listbox', { name: 'Search results for pasword cabin' })
    await results.waitFor()
    const hit = results.getByRole('option').filter({ hasText: 'wifi password' })
    await hit.waitFor()
    expect((await hit.locator('mark').allInnerTexts()).map((t) => t.toLowerCase())).toContain('cabin')
    const summary = page.getByTestId('memories-summary')
    await expect.poll(() => summary.innerText()).toMatch(/match(es)? for “pasword cabin”/)
    expect(await summary.innerText()).toContain('keyword only — no embedding model')
    expect(await summary.innerText()).toMatch(/\d+ ms/)
    expect(await results.getByRole('option').first().innerText()).toContain('wifi password')
    await e.screenshot('memories-search')

    await search.fill('zzqqxxvv')
    await page.getByText('Nothing matches “zzqqxxvv”.').waitFor()

    // Esc clears it and the list comes back.
    await search.press('Escape')
    await list(page).waitFor()
    await expect.poll(() => list(page).getByRole('option').count()).toBe(4)
  })
})

describe('the detail panel', () => {
  test('edit keeps history, pin, delete and Undo', async () => {
    const { page, core } = e
    await openMemories(page)
    const before = (await allMemories()).find((m) => m.content.startsWith('Anna'))!
    await row(page, 'Anna prefers green tea').click()
    await panel(page).getByText('Anna prefers green tea over coffee').waitFor()
    await panel(page).getByText('Captured in the app on').waitFor()

    // Edit: the new text supersedes, the panel follows the new id, history shows the old one.
    await panel(page).getByRole('button', { name: 'Edit' }).click()
    const editor = panel(page).getByRole('textbox', { name: 'Memory text' })
    await expect.poll(() => isFocused(editor)).toBe(true)
    await panel(page).getByText('Editing keeps the earlier version in history.').waitFor()
    await editor.fill('Anna prefers jasmine tea over coffee')
    await panel(page).getByRole('button', { name: /^Save/ }).click()
    await panel(page).getByRole('heading', { name: 'Earlier versions (1)' }).waitFor()
    await panel(page).getByRole('listitem').filter({ hasText: 'Anna prefers green tea over coffee' }).waitFor()
    const after = (await allMemories()).find((m) => m.content.startsWith('Anna'))!
    expect(after.content).toBe('Anna prefers jasmine tea over coffee')
    expect(after.id).not.toBe(before.id)
    const detail = await core.call('memories:get', { id: after.id })
    expect(detail.history.map((h) => h.id)).toEqual([before.id])
    await expect.poll(() => row(page, 'jasmine').count()).toBe(1)
    expect(await row(page, 'green tea').count()).toBe(0)

    // Pin.
    await panel(page).getByRole('switch', { name: 'Pinned' }).click({ force: true })
    await expect.poll(async () => (await core.call('memories:get', { id: after.id })).memory.pinned).toBe(true)
    await row(page, 'jasmine').getByLabel('Pinned').waitFor()
    await e.screenshot('memories-detail')

    // Delete, then Undo from the note.
    await panel(page).getByRole('button', { name: 'Delete' }).click()
    const note = page.getByRole('status').filter({ hasText: 'Memory deleted' })
    await note.waitFor()
    await expect.poll(() => row(page, 'jasmine').count()).toBe(0)
    expect((await allMemories()).some((m) => m.id === after.id)).toBe(false)
    await note.getByRole('button', { name: 'Undo' }).click()
    await page.getByText('Memory restored').waitFor()
    await expect.poll(() => row(page, 'jasmine').count()).toBe(1)
    const restored = (await allMemories()).find((m) => m.id === after.id)
    expect(restored).toMatchObject({ content: 'Anna prefers jasmine tea over coffee', pinned: true })
    expect(e.pageErrors).toEqual([])
  })

  test('live updates; near-duplicates: "Not a duplicate", and Merge with edited text', async () => {
    const { page, core } = e
    await openMemories(page)
    // Captured elsewhere (the CLI, another window): the list follows the memories:changed event.
    const a = await core.call('memories:capture', { content: 'The car is parked on level 3 of the garage', topics: ['car'] })
    const b = await core.call('memories:capture', { content: 'Car parked on level three, garage', topics: ['parking'], importance: 0.9 })
    const c = await core.call('memories:capture', { content: 'The garage closes at midnight' })
    await expect.poll(() => row(page, 'Car parked on level three').count()).toBe(1)

    // Flags as the embedding queue would make them (this core has no model).
    const { ctx } = await core.services()
    const pair = (x: string, y: string, similarity: number): Record<string, unknown> =>
      x < y ? { memory_id: x, candidate_id: y, similarity } : { memory_id: y, candidate_id: x, similarity }
    await ctx.db('memory_duplicates').insert([pair(a.memory.id, b.memory.id, 0.96), pair(a.memory.id, c.memory.id, 0.931)])

    await row(page, 'The car is parked on level 3').click()
    const dups = panel(page).getByRole('region', { name: /^Possible duplicates/ })
    await panel(page).getByRole('region', { name: 'Possible duplicates (2)' }).waitFor()
    const candidate = (text: string): Locator => dups.getByRole('listitem').filter({ hasText: text })
    expect(await candidate('Car parked on level three').innerText()).toContain('96%')
    expect(await candidate('garage closes').innerText()).toContain('93%')
    await e.screenshot('memories-duplicates')

    await candidate('garage closes').getByRole('button', { name: 'Not a duplicate' }).click()
    await panel(page).getByRole('region', { name: 'Possible duplicates (1)' }).waitFor()
    const dismissed = await ctx.db('memory_duplicates').where(pair(a.memory.id, c.memory.id, 0.931)).first('status')
    expect(dismissed?.status).toBe('dismissed')

    await candidate('Car parked on level three').getByRole('button', { name: 'Merge' }).click()
    const dialog = page.getByRole('dialog', { name: 'Merge two memories' })
    await dialog.getByLabel('Merged text').fill('The car is on level 3 of the garage, spot 42')
    await dialog.getByRole('button', { name: 'Merge' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    await panel(page).getByText('The car is on level 3 of the garage, spot 42').waitFor()
    await panel(page).getByRole('heading', { name: 'Earlier versions (2)' }).waitFor()
    await panel(page).getByText('Made by merging memories on').waitFor()
    await expect.poll(() => row(page, 'Car parked on level three').count()).toBe(0)
    await expect.poll(() => row(page, 'spot 42').count()).toBe(1)

    const merged = (await allMemories()).find((m) => m.content.endsWith('spot 42'))!
    expect(merged).toMatchObject({ topics: ['car', 'parking'], source: 'merge' })
    expect(merged.importance).toBeCloseTo(0.9, 5)
    const statuses = await ctx.db('memories').whereIn('id', [a.memory.id, b.memory.id]).pluck('status')
    expect(statuses).toEqual(['superseded', 'superseded'])
    expect(e.pageErrors).toEqual([])
  })

  test('the keyboard drives the list: arrows, Enter, p, e and Delete (asked first)', async () => {
    const { page, core } = e
    await openMemories(page)
    await list(page).focus()
    await page.keyboard.press('Home')
    const first = list(page).getByRole('option').first()
    await expect.poll(() => first.getAttribute('aria-selected')).toBe('true')
    // The focus ring shows on the list when reached by keyboard.
    const ring = await list(page).evaluate((el) => el.matches(':focus-visible') || el.matches(':focus'))
    expect(ring).toBe(true)
    await page.keyboard.press('ArrowDown')
    const second = list(page).getByRole('option').nth(1)
    await expect.poll(() => second.getAttribute('aria-selected')).toBe('true')
    const secondText = (await second.innerText()).split('\n')[0]!
    const target = (await allMemories()).find((m) => secondText.includes(m.content.split('\n')[0]!))!
    expect(target).toBeTruthy()

    await page.keyboard.press('Enter')
    await panel(page).getByText(target.content.split('\n')[0]!).first().waitFor()

    await list(page).focus()
    await page.keyboard.press('p')
    await expect.poll(async () => (await core.call('memories:get', { id: target.id })).memory.pinned).toBe(!target.pinned)

    await page.keyboard.press('e')
    await expect.poll(() => isFocused(panel(page).getByRole('textbox', { name: 'Memory text' }))).toBe(true)
    await page.keyboard.press('Escape')

    await list(page).focus()
    await page.keyboard.press('Delete')
    const dialog = page.getByRole('dialog', { name: 'Delete this memory?' })
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect((await allMemories()).some((m) => m.id === target.id)).toBe(true)
  })
})

describe('at scale', () => {
  test('100,000 memories: the count, paging on scroll, and a bounded DOM', async () => {
    const { page, core } = e
    const { ctx } = await core.services()
    const t0 = Date.now()
    await ctx.db.raw(
      `insert into memories (content, content_hash, importance, topics, created_at)
       select 'Seed memory number ' || g || ' about topic ' || (g % 97), md5('seed' || g), (g % 10) / 10.0,
              array['topic-' || (g % 97)], now() - make_interval(secs => g * 60)
         from generate_series(1, ${SEED}) g`
    )
    const seedMs = Date.now() - t0
    const expected = (await core.call('memories:list', { limit: 1 })).total
    expect(expected).toBeGreaterThanOrEqual(SEED)

    await page.reload()
    await openMemories(page)
    const summary = page.getByTestId('memories-summary')
    await expect.poll(() => summary.innerText()).toContain(`${expected.toLocaleString('en-US')} memories`)
    await list(page).getByRole('option').first().waitFor()
    await e.screenshot('memories')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark')
    await e.screenshot('memories-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    // Scroll to the bottom several times: each time the next page of 200 loads, the DOM stays small.
    const options = list(page).getByRole('option')
    expect(await options.first().getAttribute('aria-setsize')).toBe(String(expected))
    const lastIndex = async (): Promise<number> => Number(await options.last().getAttribute('data-index'))
    const toBottom = async (): Promise<number> => {
      await list(page).evaluate((el) => {
        el.scrollTop = el.scrollHeight
      })
      return lastIndex()
    }
    const t1 = Date.now()
    const pages = 6
    for (let i = 1; i <= pages; i++) {
      await expect.poll(toBottom, { timeout: 20_000 }).toBeGreaterThanOrEqual((i + 1) * 200 - 1)
      expect(await options.count()).toBeLessThanOrEqual(100)
    }
    const seen = await lastIndex()
    const scrollMs = Date.now() - t1
    expect(await page.locator('[role="option"]').count()).toBeLessThanOrEqual(100)

    // The keyboard keeps the selection in view deep in the list.
    await list(page).focus()
    await page.keyboard.press('ArrowDown')
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown')
    const selected = list(page).locator('[aria-selected="true"]')
    expect(await selected.count()).toBe(1)
    const inView = await selected.evaluate((el) => {
      const box = el.getBoundingClientRect()
      const outer = el.closest('[role="listbox"]')!.getBoundingClientRect()
      return box.top >= outer.top - 1 && box.bottom <= outer.bottom + 1
    })
    expect(inView).toBe(true)

    // Open one at scale.
    await page.keyboard.press('Enter')
    await panel(page).getByText(/Seed memory number \d+/).first().waitFor()
    console.log(`[memories e2e] seeded ${SEED} in ${seedMs} ms; 6 scrolls to row ${seen} in ${scrollMs} ms`)
    expect(e.pageErrors).toEqual([])
  })
})
