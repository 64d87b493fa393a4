/**
 * What the Workflows and Archive e2e files share: a core whose one profile is made through
 * IPC (the welcome screen has its own tests, and PGlite's first start can take longer than
 * a click's timeout on a busy machine), moving between sections by their shortcut, and the
 * Workflows screen's parts found by role.
 */
import type { Locator, Page } from 'playwright-core'
import { startE2E, type E2E } from './e2e'

/** Starts the harness with a profile named "Personal" open and the app frame shown. */
export async function startWithProfile(): Promise<E2E> {
  const e = await startE2E()
  await e.core.call('profiles:create', { name: 'Personal' })
  await e.page.getByRole('navigation', { name: 'Sections' }).waitFor({ timeout: 120_000 })
  return e
}

/** Presses Ctrl+`key` and waits for the section's heading. */
export async function openSection(page: Page, key: string, name: string): Promise<void> {
  await page.keyboard.press(`Control+${key}`)
  await page.getByRole('heading', { name, level: 1 }).waitFor()
}

export const runs = (page: Page): Locator => page.getByRole('listbox', { name: 'Workflow runs' })
export const panel = (page: Page): Locator => page.getByRole('complementary', { name: 'Run details' })
/** A progress bar's value (0 when it has none yet). */
export const progressOf = async (bar: Locator): Promise<number> => Number((await bar.getAttribute('aria-valuenow')) ?? '0')
