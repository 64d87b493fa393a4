/**
 * Every section, reached from the navigation and from Ctrl+1…6: its heading and its empty
 * state, with a screenshot of each (test-results/screenshots/<section>.png). Also: the
 * keyboard focus ring is visible, and the quick-capture route renders.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createFirstProfile, startE2E, type E2E } from '../helpers/e2e'

const SECTIONS = [
  { name: 'Chat', key: '1', empty: 'No conversations yet', text: "Ask anything about what you've saved." },
  { name: 'Memories', key: '2', empty: 'No memories yet', text: 'Capture one with Ctrl+Shift+Space or from chat.' },
  { name: 'Documents', key: '3', empty: 'No documents yet', text: 'Drop files here to import them.' },
  { name: 'Archive', key: '4', empty: 'Nothing archived', text: 'What you archive is kept here, out of the way.' },
  { name: 'Workflows', key: '5', empty: 'No background work yet', text: 'Long-running jobs, such as imports, show their progress here.' },
  { name: 'Settings', key: '6', empty: null, text: null }
] as const

describe('sections', () => {
  let e: E2E
  beforeAll(async () => {
    e = await startE2E()
    await createFirstProfile(e.page, 'Personal')
  })
  afterAll(async () => {
    await e?.close()
  })

  test('each section from the navigation shows its heading and empty state', async () => {
    const { page } = e
    const nav = page.getByRole('navigation', { name: 'Sections' })
    for (const s of SECTIONS) {
      await nav.getByRole('link', { name: s.name }).click()
      await page.getByRole('heading', { name: s.name, level: 1 }).waitFor()
      expect(await nav.getByRole('link', { name: s.name }).getAttribute('aria-current')).toBe('page')
      expect(page.url()).toContain(`#/${s.name.toLowerCase()}`)
      if (s.empty) {
        expect(await page.getByRole('heading', { name: s.empty, level: 2 }).isVisible()).toBe(true)
        expect(await page.getByText(s.text, { exact: true }).isVisible()).toBe(true)
      } else {
        for (const h of ['Profile', 'Quick capture shortcut', 'About']) expect(await page.getByRole('heading', { name: h, level: 2 }).isVisible()).toBe(true)
        // The doctor report is real: the engine answers with its Postgres and pgvector versions.
        const about = page.getByRole('table', { name: 'System information' })
        await about.getByRole('rowheader', { name: 'PostgreSQL' }).waitFor()
        await expect.poll(() => about.getByRole('row', { name: /pgvector/ }).innerText()).toMatch(/\d+\.\d+/)
        expect(await about.getByRole('row', { name: /PostgreSQL/ }).innerText()).toMatch(/PostgreSQL \d+/)
        expect(await about.getByRole('row', { name: /Migrations/ }).innerText()).toMatch(/(\d+) of \1 applied/)
      }
      await e.screenshot(s.name.toLowerCase())
    }
    // No section pretends: no disabled "coming soon" buttons anywhere.
    expect(await page.locator('button[disabled]', { hasText: /coming/i }).count()).toBe(0)
  })

  test('Ctrl+1…6 jump to each section', async () => {
    const { page } = e
    for (const s of [...SECTIONS].reverse()) {
      await page.keyboard.press(`Control+${s.key}`)
      await page.getByRole('heading', { name: s.name, level: 1 }).waitFor()
      expect(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: s.name }).getAttribute('aria-current')).toBe('page')
    }
  })

  test('keyboard focus shows a visible ring, and Enter follows a navigation link', async () => {
    const { page } = e
    await page.getByRole('heading', { name: 'Chat', level: 1 }).click()
    let found = false
    for (let i = 0; i < 20 && !found; i++) {
      await page.keyboard.press('Tab')
      found = await page.evaluate(() => document.activeElement?.textContent?.startsWith('Archive') ?? false)
    }
    expect(found).toBe(true)
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement
      const cs = getComputedStyle(el)
      return { visible: el.matches(':focus-visible'), style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) }
    })
    expect(ring.visible).toBe(true)
    expect(ring.style).not.toBe('none')
    expect(ring.width).toBeGreaterThanOrEqual(2)
    await e.screenshot('focus-ring')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Archive', level: 1 }).waitFor()
  })

  test('dark mode follows the OS preference', async () => {
    const { page } = e
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme'))).toBe('dark')
    await page.keyboard.press('Control+1')
    await page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor()
    await e.screenshot('chat-dark')
    await page.keyboard.press('Control+6')
    await page.getByRole('table', { name: 'System information' }).waitFor()
    await e.screenshot('settings-dark')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  test('the quick-capture route shows its box and says what it still needs', async () => {
    const { page } = e
    await page.goto(`http://127.0.0.1:${e.bridge.port}/#/capture`)
    const box = page.getByRole('textbox', { name: 'Quick capture' })
    await box.waitFor()
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await page.getByText('Capture needs the memories feature.').isVisible()).toBe(true)
    expect(await page.getByText('Press Enter to save').count()).toBe(0)
    await e.screenshot('capture')
    expect(e.pageErrors).toEqual([])
  })
})
