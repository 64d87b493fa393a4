/**
 * Scheduled backup through the contract: configured with a folder, a time and how many to
 * keep (a daily schedule in the durable runner), run as the `profile.backup` workflow,
 * trimmed to the newest `keep` backups of this profile (another profile's files and stale
 * partial files of dead writers are handled right), and a backup imports like an export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MODEL_FIXTURE, tempDir, testCore, type TestCore } from '../helpers/core'

let core: TestCore
let folder: string

beforeAll(async () => {
  folder = tempDir('engram-backups-')
  core = testCore({ modelDir: MODEL_FIXTURE })
  await core.call('profiles:create', { name: 'Backed up' })
  for (let i = 0; i < 5; i++) await core.call('memories:capture', { content: `backup test memory ${i}` })
}, 300_000)

afterAll(async () => {
  await core?.dispose()
  rmSync(folder, { recursive: true, force: true })
})

async function backupNow(): Promise<void> {
  const { runId } = await core.call('backup:run', {})
  const run = await (await core.services()).workflows.waitFor(runId, 240_000)
  expect(run.status, run.error ?? '').toBe('succeeded')
}

describe('scheduled backup', () => {
  it('starts off, and refuses a folder that does not exist', async () => {
    expect(await core.call('backup:status', {})).toMatchObject({ folder: null, dailyAt: '03:00', keep: 7, lastRun: null, backups: [] })
    await expect(core.call('backup:configure', { folder: join(folder, 'nope'), dailyAt: '02:15', keep: 2 })).rejects.toThrow(/does not exist/)
    await expect(core.call('backup:run', {})).rejects.toThrow(/Choose a backup folder first/)
  })

  it('schedules a daily run, backs up, and keeps the newest N of this profile only', async () => {
    const status = await core.call('backup:configure', { folder, dailyAt: '02:15', keep: 2 })
    expect(status).toMatchObject({ folder, dailyAt: '02:15', keep: 2 })
    const schedule = (await core.call('workflows:schedules', {})).find((s) => s.key === 'profile.backup')
    expect(schedule).toMatchObject({ name: 'profile.backup', spec: { dailyAt: '02:15' }, enabled: true, input: { folder, keep: 2 } })

    // Someone else's backup, and a partial file left by a writer that died, share the folder.
    const other = 'other-profile-12345678-20260101-000000.engram'
    writeFileSync(join(folder, other), 'not ours')
    const { ctx } = await core.services()
    const deadPartial = `backed-up-${ctx.profile.id.slice(0, 8)}-20260101-000000.engram.partial-999999-abcd`
    writeFileSync(join(folder, deadPartial), 'half')

    for (let i = 0; i < 3; i++) {
      await backupNow()
      await new Promise((r) => setTimeout(r, 1100)) // names carry the second
    }
    const after = await core.call('backup:status', {})
    expect(after.backups).toHaveLength(2)
    expect(after.backups.every((b) => b.name.startsWith(`backed-up-${ctx.profile.id.slice(0, 8)}-`) && b.name.endsWith('.engram'))).toBe(true)
    expect(after.lastRun).toMatchObject({ status: 'succeeded', path: after.backups[0]?.path, error: null })
    expect(readdirSync(folder).sort()).toEqual([...after.backups.map((b) => b.name), other].sort())
    expect(readFileSync(after.backups[0]?.path as string).subarray(0, 8).toString('latin1')).toBe('ENGRAMAR')

    const copy = await core.call('profiles:importArchive', { path: after.backups[0]?.path as string, name: 'Restored' })
    await core.call('profiles:switch', { id: copy.id })
    expect((await core.call('memories:list', { limit: 100 })).items).toHaveLength(5)
    // The copy's backup schedule starts off: two profiles never rotate the same folder unasked.
    expect((await core.call('backup:status', {})).folder).toBeNull()
  }, 600_000)

  it('turns off', async () => {
    const first = (await core.call('profiles:list', {})).profiles.find((p) => p.name === 'Backed up')
    await core.call('profiles:switch', { id: first?.id as string })
    const off = await core.call('backup:configure', { folder: null, dailyAt: '02:15', keep: 2 })
    expect(off.folder).toBeNull()
    expect((await core.call('workflows:schedules', {})).find((s) => s.key === 'profile.backup')?.enabled).toBe(false)
  }, 120_000)
})
