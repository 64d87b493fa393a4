/**
 * End-to-end harness: the real core and the loopback bridge in this process, the built
 * renderer (out/renderer) served by the bridge, and Debian's Chromium driven by
 * playwright-core. Nothing is faked: every click reaches real profiles on real PGlite.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { startBridge, type BridgeServer } from '../../src/server/bridge'
import type { AppCoreOptions } from '../../src/main/core/app-core'
import { testCore, type TestCore } from './core'

export const RENDERER_DIR = resolve('out/renderer')
export const SCREENSHOT_DIR = resolve('test-results/screenshots')
const CHROMIUM = '/usr/bin/chromium'

export function assertRendererBuilt(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html')))
    throw new Error(`The renderer is not built (${RENDERER_DIR}/index.html is missing). Run \`npx electron-vite build\` first.`)
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}

export interface E2E {
  core: TestCore
  /** Replaceable: a test may restart the bridge (same port and token) to exercise reconnects. */
  bridge: BridgeServer
  browser: Browser
  context: BrowserContext
  page: Page
  /** Browser-side errors seen so far (uncaught exceptions and console errors). */
  pageErrors: string[]
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

export async function startE2E(opts: { colorScheme?: 'light' | 'dark'; core?: Partial<AppCoreOptions> } = {}): Promise<E2E> {
  assertRendererBuilt()
  const core = testCore(opts.core)
  const bridge = await startBridge({ core, rendererDir: RENDERER_DIR })
  const browser = await launchBrowser()
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: opts.colorScheme ?? 'light' })
  context.setDefaultTimeout(30_000)
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()} (${msg.location().url})`)
  })
  await page.goto(bridge.url)
  const e2e: E2E = {
    core,
    bridge,
    browser,
    context,
    page,
    pageErrors,
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true })
      const path = join(SCREENSHOT_DIR, `${name}.png`)
      // Grow the viewport to the whole page first: a "full page" capture would otherwise cut
      // fixed elements (navigation, modal overlay) at the old viewport height.
      const size = page.viewportSize() ?? { width: 1280, height: 800 }
      const height = await page.locator('html').evaluate((el) => el.scrollHeight)
      if (height > size.height) await page.setViewportSize({ width: size.width, height })
      try {
        await page.screenshot({ path, animations: 'disabled' })
      } finally {
        if (height > size.height) await page.setViewportSize(size)
      }
      return path
    },
    async close() {
      await browser.close().catch(() => undefined)
      await e2e.bridge.close().catch(() => undefined)
      await core.dispose()
    }
  }
  return e2e
}

/** Creates a profile through the welcome screen and waits for the app frame. */
/** The welcome screen's first profile. Its first open (a new database) can take long on a busy machine: up to 2 minutes. */
export async function createFirstProfile(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { name: 'Welcome to Engram' }).waitFor()
  await page.getByLabel('Profile name').fill(name)
  await page.getByRole('button', { name: 'Create profile' }).click()
  await page.getByRole('navigation', { name: 'Sections' }).waitFor({ timeout: 120_000 })
}
