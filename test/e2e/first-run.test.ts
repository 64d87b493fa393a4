/** First run: no profile yet, the welcome screen creates one and the app opens on Chat. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startE2E, type E2E } from '../helpers/e2e'

describe('first run', () => {
  let e: E2E
  beforeAll(async () => {
    e = await startE2E()
  })
  afterAll(async () => {
    await e?.close()
  })

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
    await expect.poll(() => page.getByText('The two passphrases are not the same.').isVisible()).toBe(true)
    expect((await core.call('profiles:list', {})).profiles).toHaveLength(0)

    // Without a passphrase.
    await page.getByLabel('Passphrase', { exact: true }).fill('')
    await page.getByLabel('Confirm passphrase').fill('')
    await page.getByRole('button', { name: 'Create profile' }).click()

    await page.getByRole('navigation', { name: 'Sections' }).waitFor()
    await expect.poll(() => page.getByRole('heading', { name: 'Chat', level: 1 }).isVisible()).toBe(true)
    expect(await page.getByRole('heading', { name: 'No conversations yet' }).isVisible()).toBe(true)
    expect(await page.getByText("Ask anything about what you've saved.").isVisible()).toBe(true)
    expect(await page.getByRole('button', { name: 'Profile: Personal' }).isVisible()).toBe(true)

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
