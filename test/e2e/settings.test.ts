/**
 * Settings, for real: the capture shortcut is recorded from key presses and lands in the
 * registry (and a shortcut another app holds is refused inline); turning it off stores
 * null; the profile is renamed, given a passphrase, locked, unlocked, and finally deleted
 * through the typed-name confirmation.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createFirstProfile, startE2E, type E2E } from '../helpers/e2e'

/** Plays "another app holds Ctrl+Alt+L" for the core's shortcut registration. */
const TAKEN = 'CommandOrControl+Alt+L'

describe('settings', () => {
  let e: E2E
  beforeAll(async () => {
    e = await startE2E({ core: { registerShortcut: (acc) => acc !== TAKEN } })
    await createFirstProfile(e.page, 'Personal')
    await e.page.keyboard.press('Control+6')
    await e.page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
  })
  afterAll(async () => {
    await e?.close()
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

  test('rename the profile', async () => {
    const { page, core } = e
    const name = page.getByRole('textbox', { name: 'Profile name' })
    await name.fill('Home')
    await page.getByRole('button', { name: 'Save name' }).click()
    await page.getByRole('button', { name: 'Profile: Home' }).waitFor()
    expect((await core.call('profiles:list', {})).profiles.map((p) => p.name)).toEqual(['Home'])
    expect(await page.getByRole('button', { name: 'Save name' }).isDisabled()).toBe(true)
  })

  test('set a passphrase, lock now, unlock, remove the passphrase', async () => {
    const { page, core } = e
    await page.getByRole('button', { name: 'Set a passphrase' }).click()
    const dialog = page.getByRole('dialog', { name: 'Set a passphrase for “Home”' })
    await dialog.getByLabel('Passphrase', { exact: true }).fill('open sesame')
    await dialog.getByLabel('Confirm passphrase').fill('open sesam')
    await dialog.getByRole('button', { name: 'Set a passphrase' }).click()
    await dialog.getByText('The two passphrases are not the same.').waitFor()
    expect((await core.call('profiles:list', {})).profiles[0]?.hasPassphrase).toBe(false)
    await dialog.getByLabel('Confirm passphrase').fill('open sesame')
    await dialog.getByRole('button', { name: 'Set a passphrase' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect((await core.call('profiles:list', {})).profiles[0]?.hasPassphrase).toBe(true)

    await page.getByRole('button', { name: 'Lock now' }).click()
    await page.getByRole('heading', { name: 'Home is locked' }).waitFor()
    await page.getByLabel('Passphrase').fill('open sesame')
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
    expect((await core.call('profiles:list', {})).profiles[0]?.hasPassphrase).toBe(false)
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
    expect((await core.call('profiles:list', {})).profiles).toHaveLength(1)

    await page.getByRole('button', { name: 'Delete profile' }).click()
    await dialog.getByRole('textbox', { name: 'Type Home to confirm' }).fill('Home')
    await confirm.click()
    await page.getByRole('heading', { name: 'Welcome to Engram' }).waitFor()
    expect((await core.call('profiles:list', {})).profiles).toEqual([])
    expect(e.pageErrors).toEqual([])
  })
})
