/**
 * A second profile with a passphrase: create it from the profile menu, lock it, unlock it
 * (a wrong passphrase is refused), and switch between profiles; after leaving it, the
 * passphrase profile needs its passphrase again.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createFirstProfile, startE2E, type E2E } from '../helpers/e2e'

describe('profiles and the lock screen', () => {
  let e: E2E
  beforeAll(async () => {
    e = await startE2E()
    await createFirstProfile(e.page, 'Personal')
  })
  afterAll(async () => {
    await e?.close()
  })

  test('create "Work" with a passphrase, lock, unlock, switch away and back', async () => {
    const { page, core } = e

    // Create "Work" with a passphrase from the profile menu.
    await page.getByRole('button', { name: 'Profile: Personal' }).click()
    await page.getByRole('menuitem', { name: 'New profile…' }).click()
    const dialog = page.getByRole('dialog', { name: 'New profile' })
    await dialog.getByLabel('Profile name').fill('Work')
    await dialog.getByLabel('Passphrase', { exact: true }).fill('correct horse')
    await dialog.getByLabel('Confirm passphrase').fill('correct horse')
    await dialog.getByRole('button', { name: 'Create profile' }).click()
    await page.getByRole('button', { name: 'Profile: Work' }).waitFor()
    await expect.poll(() => dialog.isVisible()).toBe(false)

    let state = await core.call('profiles:list', {})
    const work = state.profiles.find((p) => p.name === 'Work')
    const personal = state.profiles.find((p) => p.name === 'Personal')
    expect(work?.hasPassphrase).toBe(true)
    expect(state.activeId).toBe(work?.id)

    // The menu lists both, the active one checked, a lock on the passphrase profile.
    await page.getByRole('button', { name: 'Profile: Work' }).click()
    expect(await page.getByRole('menuitem', { name: 'Work (current, passphrase)', exact: true }).isVisible()).toBe(true)
    expect(await page.getByRole('menuitem', { name: 'Personal', exact: true }).isVisible()).toBe(true)
    await e.screenshot('profile-menu')

    // Lock now: the full-screen lock form replaces the app.
    await page.getByRole('menuitem', { name: 'Lock now' }).click()
    await page.getByRole('heading', { name: 'Work is locked' }).waitFor()
    expect(await page.getByRole('navigation', { name: 'Sections' }).count()).toBe(0)
    state = await core.call('profiles:list', {})
    expect(state.profiles.find((p) => p.name === 'Work')?.locked).toBe(true)
    await e.screenshot('lock-screen')

    // A wrong passphrase says so, next to the field.
    await page.getByLabel('Passphrase').fill('wrong horse')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByText('That is not the passphrase of "Work".').waitFor()
    expect(await page.getByLabel('Passphrase').getAttribute('aria-invalid')).toBe('true')
    await e.screenshot('lock-screen-wrong-passphrase')

    // The right one opens the profile.
    await page.getByLabel('Passphrase').fill('correct horse')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByRole('button', { name: 'Profile: Work' }).waitFor()
    expect((await core.call('profiles:list', {})).profiles.find((p) => p.name === 'Work')?.locked).toBe(false)

    // Switch to Personal (no passphrase) from the menu.
    await page.getByRole('button', { name: 'Profile: Work' }).click()
    await page.getByRole('menuitem', { name: 'Personal', exact: true }).click()
    await page.getByRole('button', { name: 'Profile: Personal' }).waitFor()
    state = await core.call('profiles:list', {})
    expect(state.activeId).toBe(personal?.id)
    expect(state.profiles.find((p) => p.name === 'Work')?.locked).toBe(true)

    // Back to Work: its passphrase is asked again, and a wrong one is refused.
    await page.getByRole('button', { name: 'Profile: Personal' }).click()
    await page.getByRole('menuitem', { name: 'Work (passphrase)', exact: true }).click()
    const unlock = page.getByRole('dialog', { name: 'Open “Work”' })
    await unlock.getByLabel('Passphrase').fill('nope')
    await unlock.getByRole('button', { name: 'Unlock' }).click()
    await unlock.getByText('That is not the passphrase of "Work".').waitFor()
    expect((await core.call('profiles:list', {})).activeId).toBe(personal?.id)
    await unlock.getByLabel('Passphrase').fill('correct horse')
    await unlock.getByRole('button', { name: 'Unlock' }).click()
    await page.getByRole('button', { name: 'Profile: Work' }).waitFor()
    expect((await core.call('profiles:list', {})).activeId).toBe(work?.id)

    // A lock from elsewhere (here: the core itself) reaches the page through profiles:changed,
    // and the lock screen can open another profile instead.
    await core.call('profiles:lock', {})
    await page.getByRole('heading', { name: 'Work is locked' }).waitFor()
    await page.getByRole('button', { name: 'Open Personal' }).click()
    await page.getByRole('button', { name: 'Profile: Personal' }).waitFor()
    expect((await core.call('profiles:list', {})).activeId).toBe(personal?.id)
    expect(e.pageErrors).toEqual([])
  })
})
