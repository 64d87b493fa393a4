/**
 * The app shell in Chromium over the loopback bridge, one real core for the whole file
 * (PGlite's first start in a process is the slow part, so the file shares it):
 * - first run: the welcome screen creates the first profile and the app opens on Chat;
 * - every section from the navigation and from Ctrl+1…6, with a screenshot of each
 *   (test-results/screenshots/<section>.png), visible focus, dark mode, keyboard menus;
 * - the bridge's guard (no token: 403 for the page and the socket) and the reconnect banner;
 * - the quick-capture route.
 * Later blocks need a profile; if the first-run test failed, they make one through the core.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { startBridge } from '../../src/server/bridge'
import { isChannel } from '../../src/shared/contract'
import { CSP } from '../../src/shared/csp'
import { RENDERER_DIR, startE2E, type E2E } from '../helpers/e2e'

const SECTIONS = [
  { name: 'Chat', key: '1', empty: 'No conversations yet', text: "Ask anything about what you've saved." },
  { name: 'Memories', key: '2', empty: 'No memories yet', text: 'Capture one with Ctrl+Shift+Space or from chat.' },
  { name: 'Documents', key: '3', empty: 'No documents yet', text: 'Drop files here to import them.' },
  { name: 'Archive', key: '4', empty: 'Nothing archived', text: 'What you archive is kept here, out of the way.' },
  { name: 'Workflows', key: '5', empty: 'No background work yet', text: 'Long-running jobs, such as imports, show their progress here.' },
  { name: 'Settings', key: '6', empty: null, text: null }
] as const

/** Opens a WebSocket from Node and says whether the server accepted it (and the HTTP status if not). */
function tryOpen(url: string): Promise<{ open: boolean; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url)
    ws.on('open', () => {
      ws.close()
      resolve({ open: true })
    })
    ws.on('unexpected-response', (_req, res) => resolve({ open: false, status: res.statusCode ?? 0 }))
    ws.on('error', () => resolve({ open: false }))
  })
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** The bridge tests make the page's sockets fail on purpose; those console errors are expected. */
function takeSocketErrors(): string[] {
  const mine = e.pageErrors.filter((m) => /WebSocket connection to .* failed/.test(m))
  const others = e.pageErrors.filter((m) => !mine.includes(m))
  e.pageErrors.splice(0, e.pageErrors.length, ...others)
  return mine
}

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.close()
})

/** Later blocks need an open profile: make one through the core if the first-run test did not. */
async function ensureProfile(): Promise<void> {
  if ((await e.core.call('profiles:list', {})).profiles.length === 0) await e.core.call('profiles:create', { name: 'Personal' })
  await e.page.getByRole('navigation', { name: 'Sections' }).waitFor({ timeout: 120_000 })
}

describe('first run', () => {
  test('the welcome screen creates the first profile and opens the app on Chat', async () => {
    const { page, core } = e
    await page.getByRole('heading', { name: 'Welcome to Engram' }).waitFor()
    expect((await core.call('profiles:list', {})).profiles).toHaveLength(0)
    await e.screenshot('welcome')

    // Mismatched passphrases are caught next to the field, before anything is created.
    await page.getByLabel('Profile name').fill('Personal')
    await page.getByLabel('Passphrase', { exact: true }).fill('abcd')
    await page.getByLabel('Confirm passphrase').fill('abce')
    await page.getByRole('button', { name: 'Create profile' }).click()
    await page.getByText('The two passphrases are not the same.').waitFor()
    expect((await core.call('profiles:list', {})).profiles).toHaveLength(0)

    // Without a passphrase.
    await page.getByLabel('Passphrase', { exact: true }).fill('')
    await page.getByLabel('Confirm passphrase').fill('')
    await page.getByRole('button', { name: 'Create profile' }).click()

    // A new profile's first open can take a while on a busy machine.
    await page.getByRole('navigation', { name: 'Sections' }).waitFor({ timeout: 120_000 })
    await page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor()
    // The Chat screen loads its (empty) session list first, then shows the empty state.
    await page.getByRole('heading', { name: 'No conversations yet' }).waitFor()
    await page.getByText("Ask anything about what you've saved.").waitFor()
    await page.getByRole('button', { name: 'Profile: Personal' }).waitFor()

    const state = await core.call('profiles:list', {})
    expect(state.profiles.map((p) => p.name)).toEqual(['Personal'])
    expect(state.activeId).toBe(state.profiles[0]?.id)
    expect(state.profiles[0]?.hasPassphrase).toBe(false)

    // The token moved out of the address bar; a reload still works (cookie + sessionStorage).
    expect(page.url()).not.toContain('token=')
    await page.reload()
    await page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor()
    expect(e.pageErrors).toEqual([])
  })
})

describe('sections', () => {
  beforeAll(ensureProfile)

  test('each section from the navigation shows its heading and empty state', async () => {
    const { page } = e
    const nav = page.getByRole('navigation', { name: 'Sections' })
    for (const s of SECTIONS) {
      await nav.getByRole('link', { name: s.name }).click()
      await page.getByRole('heading', { name: s.name, level: 1 }).waitFor()
      expect(await nav.getByRole('link', { name: s.name }).getAttribute('aria-current')).toBe('page')
      expect(page.url()).toContain(`#/${s.name.toLowerCase()}`)
      if (s.empty) {
        // Sections load their data first (a brief spinner): wait for the empty state to appear.
        await page.getByRole('heading', { name: s.empty, level: 2 }).waitFor()
        await page.getByText(s.text, { exact: true }).waitFor()
      } else {
        for (const h of ['Profile', 'Quick capture shortcut', 'About']) await page.getByRole('heading', { name: h, level: 2 }).waitFor()
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
    // Tabbing on from the heading passes the Chat screen's controls and the page's end
    // (where nothing is focused for one step), then wraps to the navigation.
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab')
      found = (await page.evaluate("(document.activeElement?.textContent ?? '').startsWith('Archive')")) === true
    }
    expect(found).toBe(true)
    const ring = await page.locator(':focus').evaluate((el) => {
      const cs = el.ownerDocument.defaultView!.getComputedStyle(el)
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
    await expect.poll(() => page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark')
    await page.keyboard.press('Control+1')
    await page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor()
    await e.screenshot('chat-dark')
    await page.keyboard.press('Control+6')
    await page.getByRole('table', { name: 'System information' }).waitFor()
    await e.screenshot('settings-dark')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  test('the profile menu and its dialogs work from the keyboard', async () => {
    const { page } = e
    const trigger = page.getByRole('button', { name: 'Profile: Personal' })
    await trigger.focus()
    await page.keyboard.press('Enter')
    const menu = page.getByRole('menu')
    await menu.waitFor()
    // Arrow keys walk the items; Enter on "New profile…" opens its dialog with the name field focused.
    for (let i = 0; i < 8; i++) {
      if (await menu.getByRole('menuitem', { name: 'New profile…' }).evaluate((el) => el === el.ownerDocument.activeElement)) break
      await page.keyboard.press('ArrowDown')
    }
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'New profile' })
    await dialog.waitFor()
    await expect.poll(() => dialog.getByLabel('Profile name').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true)
    // Focus stays inside the dialog while tabbing.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab')
      expect(await dialog.locator(':focus').count()).toBe(1)
    }
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    expect((await e.core.call('profiles:list', {})).profiles).toHaveLength(1)
  })

})

describe('bridge security and reconnects', () => {
  beforeAll(ensureProfile)

  test('the page and its assets need the token', async () => {
    const base = `http://127.0.0.1:${e.bridge.port}`
    expect((await fetch(`${base}/`)).status).toBe(403)
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(403)
    expect((await fetch(`${base}/favicon.svg`)).status).toBe(403)
    expect((await fetch(`${base}/?token=${e.bridge.token}`)).status).toBe(200)
    // The page itself, opened without a token in a fresh browser context, is refused.
    const ctx = await e.browser.newContext()
    const res = await (await ctx.newPage()).goto(`${base}/`)
    expect(res?.status()).toBe(403)
    await ctx.close()
  })

  test("the page's CSP meta tag is the served policy, less what a meta tag cannot carry", async () => {
    const html = await (await fetch(`http://127.0.0.1:${e.bridge.port}/?token=${e.bridge.token}`)).text()
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    const expected = CSP.split('; ').filter((d) => !d.startsWith('frame-ancestors') && !d.startsWith('form-action'))
    expect(meta?.split('; ')).toEqual(expected)
  })

  test('a WebSocket with a wrong token is refused', async () => {
    const ws = `ws://127.0.0.1:${e.bridge.port}/bridge`
    expect(await tryOpen(`${ws}?token=wrong`)).toEqual({ open: false, status: 403 })
    expect(await tryOpen(ws)).toEqual({ open: false, status: 403 })
    expect(await tryOpen(`${ws}?token=${e.bridge.token}`)).toEqual({ open: true })
    // From the page too (same origin, cookie present): a wrong token in the URL is not accepted.
    // (A string, so the test's own `WebSocket` import is not compiled into the page script.)
    const opened = await e.page.evaluate<boolean>(`new Promise((resolve) => {
      const s = new window.WebSocket(${JSON.stringify(`${ws}?token=wrong`)})
      s.onopen = () => resolve(true)
      s.onerror = () => resolve(false)
    })`)
    expect(opened).toBe(false)
    expect(takeSocketErrors()).toHaveLength(1)
  })

  test('when the socket drops the page says it is reconnecting, and recovers', async () => {
    const { page, core } = e
    const { port, token } = e.bridge
    await withTimeout(e.bridge.close(), 20_000, 'closing the bridge')
    const banner = page.getByRole('status').filter({ hasText: 'Reconnecting to Engram' })
    await banner.waitFor()
    await e.screenshot('reconnecting')

    e.bridge = await startBridge({ core, rendererDir: RENDERER_DIR, port, token })
    await banner.waitFor({ state: 'detached' })
    // The new socket carries events again: a rename made elsewhere reaches the header.
    const personal = (await core.call('profiles:list', {})).profiles[0]!
    await core.call('profiles:rename', { id: personal.id, name: 'Everyday' })
    await page.getByRole('button', { name: 'Profile: Everyday' }).waitFor()
    // Refused reconnect attempts are expected while the bridge is down (how many depends on timing).
    takeSocketErrors()
    expect(e.pageErrors).toEqual([])
  })
})

describe('quick capture', () => {
  test('the quick-capture route shows its box and says what it still needs', async () => {
    const { page } = e
    await page.setViewportSize({ width: 560, height: 160 }) // the capture window's size
    await page.goto(`http://127.0.0.1:${e.bridge.port}/#/capture`)
    const box = page.getByRole('textbox', { name: 'Quick capture' })
    await box.waitFor()
    await expect.poll(() => box.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true)
    // The note depends on whether the contract has the memories channel yet.
    const note = isChannel('memories:capture') ? 'Press Enter to save' : 'Capture needs the memories feature.'
    const other = isChannel('memories:capture') ? 'Capture needs the memories feature.' : 'Press Enter to save'
    await page.getByText(note).waitFor()
    expect(await page.getByText(other).count()).toBe(0)
    await e.screenshot('capture')
    expect(e.pageErrors).toEqual([])
  })
})
