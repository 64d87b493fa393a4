/**
 * The profile lock holds: measured, PGlite lets two processes open one directory and
 * silently loses rows, so a second opener (another app instance, the CLI) must be refused
 * with a clear "profile in use" error, and a crashed holder must not block a restart.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { acquireDirLock } from '../../src/main/db/lock'
import { testCore, tempDir, type TestCore } from '../helpers/core'
import { spawnScript } from '../helpers/kill-child'

const root = join(import.meta.dirname, '..', '..')
const cli = join(root, 'bin', 'engram.mjs')

function runCli(dataDir: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

let core: TestCore | null = null
afterEach(async () => {
  await core?.dispose()
  core = null
})

describe('profile directory lock', () => {
  it('refuses the CLI while the app holds the profile, with a clear message', async () => {
    core = testCore()
    const p = await core.call('profiles:create', { name: 'Personal' })
    await core.call('settings:set', { key: 'ui.theme', value: 'dark' })
    const lockFile = join(core.registry.profileDir(p.id), 'engram.lock')
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid)

    const r = runCli(core.dataDir, ['settings', 'get', 'ui.theme'])
    expect(r.code).toBe(5)
    expect(r.stderr).toMatch(/Profile "Personal" is in use by engram test \(pid \d+\)/)

    // Same process, second open: refused too.
    expect(() => acquireDirLock(lockFile, 'Personal', 'test')).toThrow(/in use/)

    // Once the app lets go, the CLI gets in and sees the data.
    await core.profiles.close()
    expect(existsSync(lockFile)).toBe(false)
    const ok = runCli(core.dataDir, ['settings', 'get', 'ui.theme'])
    expect(ok.stderr).toBe('')
    expect(ok.stdout.trim()).toBe('"dark"')
  })

  it('a holder killed with SIGKILL leaves a stale lock that the next opener takes over', async () => {
    const dataDir = tempDir()
    expect(runCli(dataDir, ['profile', 'create', 'Personal']).code).toBe(0)
    // A child process opens the profile and then hangs, holding the lock.
    const child = spawnScript(
      `import { createAppCore } from ${JSON.stringify(join(root, 'src/main/core/app-core.ts'))};
       const core = createAppCore({ dataDir: ${JSON.stringify(dataDir)}, role: 'app', mode: 'browser' });
       await core.services();
       console.log('OPEN');
       setInterval(() => {}, 1000);`
    )
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('OPEN') && resolve())
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)))
    })
    const busy = runCli(dataDir, ['doctor'])
    expect(busy.code).toBe(5)
    expect(busy.stderr).toMatch(/in use by the Engram app/)

    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const after = runCli(dataDir, ['doctor', '--json'])
    expect(after.code).toBe(0)
    expect(JSON.parse(after.stdout).migrations.applied).toBeGreaterThan(0)
  })
})
