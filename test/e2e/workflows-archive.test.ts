/**
 * The Workflows and Archive screens in Chromium over the loopback bridge, one real core for
 * the file (keyword mode: no embedding model), real files from ../shared/documents:
 * - Empty states for a new profile.
 * - Workflows: an import of a 352-page PDF appears live, its progress bar advances with
 *   `workflows:run` events, Cancel ends it 'cancelled', Retry runs it again to success;
 *   the step timeline, the log, the durations chart and the schedules show; a step waiting
 *   out a retry backoff says when it tries next; filters and the list's keys work.
 * - Archive: archived memories and documents in tabs, search within a tab, Restore (the
 *   memory is active again), and Delete forever through a dialog that says it cannot be
 *   undone (the document is gone).
 * Screenshots: test-results/screenshots/workflows.png, workflows-detail.png, archive.png.
 */
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Locator } from 'playwright-core'
import { defineWorkflow } from '../../src/main/features/workflows/runner'
import type { E2E } from '../helpers/e2e'
import { openSection, panel, progressOf, runs, startWithProfile } from '../helpers/e2e-workflows'

const DOCS = resolve('..', 'shared', 'documents')

let e: E2E
beforeAll(async () => {
  e = await startWithProfile()
})
afterAll(async () => {
  await e?.close()
})

const chartSummary = async (chart: Locator): Promise<string> => (await chart.locator('div[role="img"]').getAttribute('aria-label')) ?? ''

/** A step that always fails, with a long backoff: the run waits to try again. */
const flaky = defineWorkflow<{ mirror: string }>({
  name: 'test.flaky',
  steps: [
    { name: 'prepare', run: () => ({ ready: true }) },
    {
      name: 'fetch',
      maxAttempts: 3,
      backoff: { baseMs: 120_000, capMs: 120_000 },
      run: (ctx) => {
        throw new Error(`The mirror ${ctx.input.mirror} did not answer (connection refused).`)
      }
    },
    { name: 'store', run: () => null }
  ]
})

describe('empty states', () => {
  test('a new profile: nothing archived, no background work yet', async () => {
    const { page } = e
    await openSection(page, '4', 'Archive')
    await page.getByRole('heading', { name: 'Nothing archived', level: 2 }).waitFor()
    await page.getByText('What you archive is kept here, out of the way.', { exact: true }).waitFor()
    expect(await page.getByRole('tablist').count()).toBe(0)
    await openSection(page, '5', 'Workflows')
    await page.getByRole('heading', { name: 'No background work yet', level: 2 }).waitFor()
    await page.getByText('Long-running jobs, such as imports, show their progress here.', { exact: true }).waitFor()
    await page.getByText('Document and chat imports, and nightly maintenance, appear here as they run.', { exact: true }).waitFor()
  })
})

describe('the Workflows screen', () => {
  test('a live import: the bar advances, Cancel ends it cancelled, Retry runs it to success', async () => {
    const { page, core } = e
    await openSection(page, '5', 'Workflows')

    // The app's own timetable (the bridge declares it when a profile opens; the test core does not).
    const s = await core.services()
    await s.workflows.schedule('memories.tiering', { everyMinutes: 360 }, {})
    await s.workflows.schedule('maintenance', { dailyAt: '03:30' }, {})

    const started = await s.documents.importFiles([{ path: join(DOCS, 'freeculture.pdf') }], { source: 'test' })
    const runId = started.files[0]?.runId as string
    expect(runId).toBeTruthy()

    // The run appears by itself (a workflows:run event), and its bar moves as pages are read.
    const row = runs(page).getByRole('option', { name: /^Document import: freeculture\.pdf/ })
    await row.waitFor({ timeout: 30_000 })
    const bar = row.getByRole('progressbar')
    await expect.poll(() => progressOf(bar), { timeout: 30_000, interval: 100 }).toBeGreaterThan(8)
    const early = await progressOf(bar)
    await expect.poll(() => progressOf(bar), { timeout: 30_000, interval: 100 }).toBeGreaterThan(early)
    expect(await row.getByTestId('run-progress-note').innerText()).toMatch(/Parse · page \d+ of 352/)

    // Open it, Cancel: it ends 'cancelled' on screen and in the core.
    await row.click()
    await panel(page).getByRole('heading', { name: 'Document import', level: 2 }).waitFor()
    await panel(page).getByText(join(DOCS, 'freeculture.pdf')).waitFor()
    await panel(page).getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => panel(page).getByTestId('run-detail-status').textContent(), { timeout: 30_000 }).toBe('Cancelled')
    await expect.poll(() => row.getByTestId('run-status').textContent()).toBe('Cancelled')
    expect((await core.call('workflows:get', { id: runId })).run.status).toBe('cancelled')
    expect(await panel(page).getByRole('button', { name: 'Cancel' }).count()).toBe(0)

    // Retry: it runs again from its first unfinished step, and succeeds.
    await panel(page).getByRole('button', { name: 'Retry' }).click()
    await page.getByRole('status').filter({ hasText: 'Document import is running again' }).waitFor()
    await expect.poll(() => panel(page).getByTestId('run-detail-status').textContent(), { timeout: 90_000, interval: 250 }).toBe('Succeeded')
    const done = await core.call('workflows:get', { id: runId })
    expect(done.run).toMatchObject({ status: 'succeeded', attempts: 2 })

    // The step timeline: every step succeeded; the log says what happened, the retry included.
    const steps = panel(page).getByRole('list', { name: 'Steps' }).getByRole('listitem')
    await expect.poll(() => steps.count()).toBe(done.steps.length)
    // The panel's steps follow within about a second of the run's last event.
    await expect
      .poll(async () => Promise.all(done.steps.map((_, i) => steps.nth(i).getAttribute('aria-label'))))
      .toEqual(['Step 1: Detect, Succeeded', 'Step 2: Parse, Succeeded', 'Step 3: Chunk, Succeeded', 'Step 4: Embed, Succeeded', 'Step 5: Index, Succeeded'])
    expect(done.steps.map((x) => x.name)).toEqual(['detect', 'parse', 'chunk', 'embed', 'index'])
    const log = panel(page).getByRole('log', { name: 'Run log' })
    await expect.poll(() => log.innerText()).toContain('Retry requested')
    expect(await bar.getAttribute('aria-valuenow')).toBe('100')

    // The durations chart has the run, and the schedules list the app's timetable.
    const chart = page.getByTestId('durations-chart')
    await chart.waitFor()
    await expect.poll(() => chartSummary(chart)).toMatch(/Document import: 1 run, median/)
    expect(await chart.locator('.recharts-scatter-symbol').count()).toBeGreaterThanOrEqual(1)
    const schedules = page.getByRole('table', { name: 'Schedules' })
    await expect.poll(() => schedules.getByRole('row').count()).toBe(3)
    expect(await schedules.getByRole('row', { name: /Database maintenance/ }).innerText()).toContain('Every day at 03:30')
    expect(await schedules.getByRole('row', { name: /Memory tiering/ }).innerText()).toContain('Every 6 hours')

    // A tall window first: the open run's panel fits the window, so a short one would cut it.
    await page.setViewportSize({ width: 1280, height: 1800 })
    await e.screenshot('workflows-detail')
    await page.setViewportSize({ width: 1280, height: 800 })
    expect(e.pageErrors).toEqual([])
  })

  test('a step waiting out its backoff says when it tries next; filters; keys; the chart by workflow', async () => {
    const { page, core } = e
    const s = await core.services()
    s.workflows.register(flaky as never)
    const flakyId = await s.workflows.start(flaky, { mirror: 'mirror.example.org' })
    const maintenanceId = await s.workflows.start('maintenance', {})
    await s.workflows.waitFor(maintenanceId, 60_000)

    const row = runs(page).getByRole('option', { name: /^Test flaky/ })
    await row.waitFor()
    await row.click()
    await panel(page).getByRole('heading', { name: 'Test flaky', level: 2 }).waitFor()
    const fetch = panel(page).getByRole('listitem', { name: /^Step 2: Fetch/ })
    await expect.poll(() => fetch.getAttribute('aria-label'), { timeout: 30_000 }).toBe('Step 2: Fetch, Waiting to retry')
    expect(await fetch.innerText()).toContain('attempt 1 of 3')
    expect(await fetch.getByTestId('step-next-attempt').innerText()).toMatch(/^Next attempt at .+ \(in \d+ (seconds?|minutes?)\)$/)
    expect(await fetch.innerText()).toContain('Last attempt: The mirror mirror.example.org did not answer (connection refused).')
    const detail = await core.call('workflows:get', { id: flakyId })
    expect(detail.steps[1]).toMatchObject({ status: 'pending', attempts: 1, maxAttempts: 3 })
    expect(detail.steps[1]?.nextAttemptAt).not.toBeNull()
    await expect.poll(() => panel(page).getByRole('log', { name: 'Run log' }).innerText()).toMatch(/warn\s+Fetch: Attempt 1 of 3 failed: The mirror mirror\.example\.org did not answer/i)

    // A run waiting out a backoff cancels at once.
    await panel(page).getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => panel(page).getByTestId('run-detail-status').textContent(), { timeout: 15_000 }).toBe('Cancelled')
    expect((await core.call('workflows:get', { id: flakyId })).run.status).toBe('cancelled')

    // Filters: status, then workflow name; the core agrees on the counts.
    await page.getByRole('radiogroup', { name: 'Status' }).getByText('Succeeded', { exact: true }).click()
    await expect.poll(() => runs(page).getByRole('option').count()).toBe(2)
    expect(await page.getByTestId('runs-summary').innerText()).toBe('2 runs')
    await page.getByRole('combobox', { name: 'Workflow' }).click()
    await page.getByRole('option', { name: 'Database maintenance', exact: true }).click()
    await expect.poll(() => runs(page).getByRole('option').count()).toBe(1)
    expect(await runs(page).getByRole('option').first().getAttribute('aria-label')).toBe('Database maintenance, Succeeded')
    expect((await core.call('workflows:list', { status: 'succeeded', name: 'maintenance' })).total).toBe(1)
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await expect.poll(() => runs(page).getByRole('option').count()).toBe(3)

    // Keys: Escape closes the open run; arrows and Enter open another.
    await runs(page).focus()
    await page.keyboard.press('Escape')
    await panel(page).waitFor({ state: 'detached' })
    await page.keyboard.press('Home')
    await page.keyboard.press('Enter')
    await panel(page).waitFor()
    const newest = (await core.call('workflows:list', {})).items[0]
    expect(newest?.name).toBe('maintenance')
    await panel(page).getByRole('heading', { name: 'Database maintenance', level: 2 }).waitFor()
    await page.keyboard.press('ArrowDown')
    await panel(page).getByRole('heading', { name: 'Test flaky', level: 2 }).waitFor()
    await page.keyboard.press('Escape')
    await panel(page).waitFor({ state: 'detached' })

    // The chart: one colour per workflow, the cancelled run drawn as a cross.
    const chart = page.getByTestId('durations-chart')
    await expect.poll(() => chartSummary(chart)).toMatch(/Database maintenance: 1 run, median/)
    const summary = await chartSummary(chart)
    expect(summary).toMatch(/Document import: 1 run, median/)
    expect(summary).toMatch(/Test flaky: 1 run, median/)
    expect(summary).toMatch(/^Durations of 3 finished runs\./)
    await e.screenshot('workflows')
    expect(e.pageErrors).toEqual([])
  })
})

describe('the Archive screen', () => {
  test('tabs by kind, search within a tab, Restore, and Delete forever behind a dialog', async () => {
    const { page, core } = e
    const locker = (await core.call('memories:capture', { content: 'The old gym locker code was 4711', topics: ['gym'] })).memory
    const tyres = (await core.call('memories:capture', { content: 'Winter tyres are stored at the garage on Elm Street', topics: ['car'], type: 'fact' })).memory
    await core.call('memories:archive', { id: locker.id })
    await core.call('memories:archive', { id: tyres.id })

    const s = await core.services()
    const imported = await s.documents.importFiles([{ path: join(DOCS, 'fake-memo.pdf') }], { source: 'test' })
    const file = imported.files[0]
    expect(file?.error).toBeNull()
    expect((await s.workflows.waitFor(file?.runId as string, 60_000)).status).toBe('succeeded')
    const docId = file?.documentId as string
    await core.call('documents:archive', { id: docId })

    await openSection(page, '4', 'Archive')
    const tabs = page.getByRole('tablist')
    await expect.poll(() => tabs.getByRole('tab', { name: /Memories/ }).innerText()).toMatch(/Memories\s*2/)
    // Each tab counts on its own: one can arrive after the other.
    await expect.poll(() => tabs.getByRole('tab', { name: /Documents/ }).innerText()).toMatch(/Documents\s*1/)
    const memories = page.getByRole('list', { name: 'archived memories' })
    await expect.poll(() => memories.getByRole('listitem').count()).toBe(2)
    await e.screenshot('archive')

    // Search within the tab.
    const search = page.getByRole('searchbox', { name: 'Search archived memories' })
    await search.fill('LOCKER 4711')
    await expect.poll(() => memories.getByRole('listitem').count()).toBe(1)
    expect(await page.getByTestId('archive-memories-summary').innerText()).toBe('1 match for “LOCKER 4711” in 2 loaded')
    await search.fill('submarine')
    await page.getByText('Nothing here matches “submarine”.').waitFor()
    await search.press('Escape')
    await expect.poll(() => memories.getByRole('listitem').count()).toBe(2)

    // Restore: the memory is active again, and leaves the archive.
    await search.fill('locker')
    await memories.getByRole('button', { name: /^Restore “The old gym locker/ }).click()
    await page.getByRole('status').filter({ hasText: 'Memory restored' }).waitFor()
    await expect.poll(async () => (await core.call('memories:get', { id: locker.id, recordAccess: false })).memory.status).toBe('active')
    await expect.poll(() => tabs.getByRole('tab', { name: /Memories/ }).innerText()).toMatch(/Memories\s*1/)
    await search.fill('')
    await expect.poll(() => memories.getByRole('listitem').count()).toBe(1)

    // Delete forever: the dialog says it cannot be undone; keeping it changes nothing.
    await tabs.getByRole('tab', { name: /Documents/ }).click()
    const documents = page.getByRole('list', { name: 'archived documents' })
    await documents.getByRole('listitem').filter({ hasText: 'fake-memo.pdf' }).waitFor()
    await documents.getByRole('button', { name: 'Delete fake-memo.pdf forever' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete this document forever?' })
    await dialog.waitFor()
    await dialog.getByText('This cannot be undone.').waitFor()
    await dialog.getByRole('button', { name: 'Keep it' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect((await core.call('documents:list', { archived: true })).items.map((d) => d.id)).toEqual([docId])

    await documents.getByRole('button', { name: 'Delete fake-memo.pdf forever' }).click()
    await dialog.getByRole('button', { name: 'Delete forever' }).click()
    await page.getByRole('status').filter({ hasText: 'Document deleted for good' }).waitFor()
    await page.getByRole('heading', { name: 'No archived documents', level: 2 }).waitFor()
    expect((await core.call('documents:list', { archived: true })).total).toBe(0)
    expect((await core.call('documents:list', {})).items.some((d) => d.id === docId)).toBe(false)

    // The other tab still has the tyres; an archive made elsewhere shows up live.
    await tabs.getByRole('tab', { name: /Memories/ }).click()
    await memories.getByRole('listitem').filter({ hasText: 'Winter tyres' }).waitFor()
    await core.call('memories:archive', { id: locker.id })
    await expect.poll(() => memories.getByRole('listitem').count()).toBe(2)
    expect(e.pageErrors).toEqual([])
  })
})
