/**
 * Profiles and Settings in Chromium over the loopback bridge, one real core for the file:
 * - a second profile "Work" with a passphrase: lock it, unlock it (a wrong passphrase is
 *   refused), switch to "Personal" and back (the passphrase is asked again);
 * - Settings, for real: the capture shortcut is recorded from key presses and lands in the
 *   registry (a shortcut another app holds is refused inline), and turns off (null); the
 *   profile is renamed, given a passphrase, locked, unlocked, and deleted through the
 *   typed-name confirmation.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ProfileSummary } from '../../src/shared/types'
import { createFirstProfile, startE2E, type E2E } from '../helpers/e2e'

/** Plays "another app holds Ctrl+Alt+L" for the core's shortcut registration. */
const TAKEN = 'CommandOrControl+Alt+L'

let e: E2E
beforeAll(async () => {
  e = await startE2E({ core: { registerShortcut: (acc) => acc !== TAKEN } })
  await createFirstProfile(e.page, 'Personal')
})
afterAll(async () => {
  await e?.close()
})

describe('profiles and the lock screen', () => {
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
    await page.getByRole('menuitem', { name: 'Work (current, passphrase)', exact: true }).waitFor()
    await page.getByRole('menuitem', { name: 'Personal', exact: true }).waitFor()
    await e.screenshot('profile-menu')

    // Lock now: the full-screen lock form replaces the app.
    await page.getByRole('menuitem', { name: 'Lock now' }).click()
    await page.getByRole('heading', { name: 'Work is locked' }).waitFor()
    expect(await page.getByRole('navigation', { name: 'Sections' }).count()).toBe(0)
    state = await core.call('profiles:list', {})
    expect(state.profiles.find((p) => p.name === 'Work')?.locked).toBe(true)
    await e.screenshot('lock-screen')

    // A wrong passphrase says so, next to the field.
    await page.getByLabel('Passphrase', { exact: true }).fill('wrong horse')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByText('That is not the passphrase of "Work".').waitFor()
    expect(await page.getByLabel('Passphrase', { exact: true }).getAttribute('aria-invalid')).toBe('true')
    await e.screenshot('lock-screen-wrong-passphrase')

    // The right one opens the profile.
    await page.getByLabel('Passphrase', { exact: true }).fill('correct horse')
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
    await unlock.getByLabel('Passphrase', { exact: true }).fill('nope')
    await unlock.getByRole('button', { name: 'Unlock' }).click()
    await unlock.getByText('That is not the passphrase of "Work".').waitFor()
    expect((await core.call('profiles:list', {})).activeId).toBe(personal?.id)
    await unlock.getByLabel('Passphrase', { exact: true }).fill('correct horse')
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

describe('settings', () => {
  let personalId = ''
  const home = async (): Promise<ProfileSummary> => (await e.core.call('profiles:list', {})).profiles.find((p) => p.id === personalId)!

  beforeAll(async () => {
    // Start from "Personal" open, whatever the block above left behind.
    const state = await e.core.call('profiles:list', {})
    personalId = state.profiles.find((p) => p.name === 'Personal')!.id
    if (state.activeId !== personalId) await e.core.call('profiles:switch', { id: personalId })
    if (!state.profiles.some((p) => p.name === 'Work')) await e.core.call('profiles:create', { name: 'Work', passphrase: 'correct horse' })
    if ((await e.core.call('profiles:list', {})).activeId !== personalId) await e.core.call('profiles:switch', { id: personalId })
    await e.page.getByRole('button', { name: 'Profile: Personal' }).waitFor()
    await e.page.keyboard.press('Control+6')
    await e.page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
  })

  const shortcutNow = async (): Promise<string | null> => (await e.core.call('app:info', {})).captureShortcut

  test('record a new capture shortcut, see a conflict inline, turn it off and on', async () => {
    const { page } = e
    expect(await shortcutNow()).toBe('CommandOrControl+Shift+Space')
    const field = page.getByRole('textbox', { name: 'Shortcut' })
    expect(await field.inputValue()).toBe('Ctrl+Shift+Space')

    // A key without a modifier is refused before anything is sent.
    await field.focus()
    await page.keyboard.press('KeyJ')
    await page.getByText('Hold Ctrl, Alt or Shift').waitFor()
    expect(await shortcutNow()).toBe('CommandOrControl+Shift+Space')

    // Ctrl+Alt+K becomes CommandOrControl+Alt+K in the registry.
    await page.keyboard.press('Control+Alt+KeyK')
    await expect.poll(shortcutNow).toBe('CommandOrControl+Alt+K')
    await expect.poll(() => field.inputValue()).toBe('Ctrl+Alt+K')

    // A shortcut another app holds: the conflict shows under the field, the old one stays.
    await page.keyboard.press('Control+Alt+KeyL')
    await page.getByText(`${TAKEN} is already used by another app`).waitFor()
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    expect(await shortcutNow()).toBe('CommandOrControl+Alt+K')
    await e.screenshot('settings-shortcut-conflict')

    // Off: the registry holds null, and Memories no longer names a shortcut.
    const toggle = page.getByRole('switch', { name: 'Use a quick capture shortcut' })
    await toggle.click({ force: true })
    await expect.poll(shortcutNow).toBe(null)
    await expect.poll(() => field.count()).toBe(0)
    await page.keyboard.press('Control+2')
    await page.getByText('Capture one from chat.').waitFor()
    await page.getByRole('button', { name: 'Set up a capture shortcut' }).click()
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()

    // On again: the last shortcut comes back.
    await toggle.click({ force: true })
    await expect.poll(shortcutNow).toBe('CommandOrControl+Alt+K')

    // A change made elsewhere reaches the page through app:changed.
    await e.core.call('app:setCaptureShortcut', { accelerator: 'CommandOrControl+Shift+Space' })
    await expect.poll(() => field.inputValue()).toBe('Ctrl+Shift+Space')
  })

  test('rename the profile (a name another profile has is refused next to the field)', async () => {
    const { page, core } = e
    const name = page.getByRole('textbox', { name: 'Profile name' })
    await name.fill('work')
    await page.getByRole('button', { name: 'Save name' }).click()
    await page.getByText('A profile named "Work" already exists.').waitFor()
    expect(await name.getAttribute('aria-invalid')).toBe('true')
    await name.fill('Home')
    await page.getByRole('button', { name: 'Save name' }).click()
    await page.getByRole('button', { name: 'Profile: Home' }).waitFor()
    expect((await core.call('profiles:list', {})).profiles.map((p) => p.name).sort()).toEqual(['Home', 'Work'])
    expect(await page.getByRole('button', { name: 'Save name' }).isDisabled()).toBe(true)
  })

  test('set a passphrase, lock now, unlock, remove the passphrase', async () => {
    const { page } = e
    await page.getByRole('button', { name: 'Set a passphrase' }).click()
    const dialog = page.getByRole('dialog', { name: 'Set a passphrase for “Home”' })
    await dialog.getByLabel('Passphrase', { exact: true }).fill('open sesame')
    await dialog.getByLabel('Confirm passphrase').fill('open sesam')
    await dialog.getByRole('button', { name: 'Set a passphrase' }).click()
    await dialog.getByText('The two passphrases are not the same.').waitFor()
    expect((await home()).hasPassphrase).toBe(false)
    await dialog.getByLabel('Confirm passphrase').fill('open sesame')
    await dialog.getByRole('button', { name: 'Set a passphrase' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect((await home()).hasPassphrase).toBe(true)

    await page.getByRole('button', { name: 'Lock now' }).click()
    await page.getByRole('heading', { name: 'Home is locked' }).waitFor()
    await page.getByLabel('Passphrase', { exact: true }).fill('open sesame')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()

    await page.getByRole('button', { name: 'Remove passphrase' }).click()
    const remove = page.getByRole('dialog', { name: 'Remove passphrase for “Home”' })
    await remove.getByLabel('Current passphrase').fill('wrong')
    await remove.getByRole('button', { name: 'Remove passphrase' }).click()
    await remove.getByText('That is not the current passphrase of "Home".').waitFor()
    await remove.getByLabel('Current passphrase').fill('open sesame')
    await remove.getByRole('button', { name: 'Remove passphrase' }).click()
    await expect.poll(() => remove.count()).toBe(0)
    expect((await home()).hasPassphrase).toBe(false)
  })

  test('delete the profile by typing its name', async () => {
    const { page, core } = e
    await page.getByRole('button', { name: 'Delete profile' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete “Home”?' })
    await dialog.getByText('all of its data').waitFor()
    const confirm = dialog.getByRole('button', { name: 'Delete profile and all its data' })
    expect(await confirm.isDisabled()).toBe(true)
    await dialog.getByRole('textbox', { name: 'Type Home to confirm' }).fill('home')
    expect(await confirm.isDisabled()).toBe(true)
    await e.screenshot('delete-profile')

    // Escape closes the dialog and deletes nothing.
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    expect((await core.call('profiles:list', {})).profiles).toHaveLength(2)

    await page.getByRole('button', { name: 'Delete profile' }).click()
    await dialog.getByRole('textbox', { name: 'Type Home to confirm' }).fill('Home')
    await confirm.click()
    // No profile is active any more: the app asks which one to open, and Home is gone.
    await page.getByRole('heading', { name: 'Choose a profile' }).waitFor()
    const state = await core.call('profiles:list', {})
    expect(state.profiles.map((p) => p.name)).toEqual(['Work'])
    expect(state.activeId).toBe(null)
    await page.getByRole('button', { name: 'Open Work (passphrase)' }).waitFor()
    await e.screenshot('choose-profile')
    expect(e.pageErrors).toEqual([])
  })
})
