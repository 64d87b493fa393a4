/**
 * The loopback bridge's guard and the renderer's reconnect: no token, no page and no
 * socket; and when the socket drops, the page shows "Reconnecting" and recovers by itself.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { startBridge } from '../../src/server/bridge'
import { RENDERER_DIR, startE2E, type E2E } from '../helpers/e2e'

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

describe('bridge security and reconnects', () => {
  let e: E2E
  beforeAll(async () => {
    e = await startE2E()
    await e.page.getByRole('heading', { name: 'Welcome to Engram' }).waitFor()
  })
  afterAll(async () => {
    await e?.close()
  })

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
    // The new socket carries events again: a profile made elsewhere opens the app.
    await core.call('profiles:create', { name: 'Personal' })
    await page.getByRole('button', { name: 'Profile: Personal' }).waitFor()
  })
})
