/** The `engram` CLI: the headless face of the app over the same core, run as a real process. */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { migrations } from '../../migrations'
import { tempDir } from '../helpers/core'

const cli = join(import.meta.dirname, '..', '..', 'bin', 'engram.mjs')
const dataDir = tempDir()

function engram(args: string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ENGRAM_DATA_DIR: dataDir, ENGRAM_PASSPHRASE: '', ...env }
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

describe('engram CLI', () => {
  it('doctor works before any profile exists', () => {
    const r = engram(['doctor', '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.out)
    expect(report.dataDir).toBe(dataDir)
    expect(report.profile).toBeNull()
    expect(report.embedding.status).toMatch(/missing|not_loaded/)
  })

  it('creates a profile and reports pgvector and every migration applied', () => {
    expect(engram(['profile', 'create', 'Personal']).code).toBe(0)
    const r = engram(['doctor', '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.out)
    expect(report.profile.name).toBe('Personal')
    expect(report.engine.kind).toBe('pglite')
    expect(report.postgres.version).toMatch(/^PostgreSQL 1\d\.\d+/)
    expect(report.pgvector.version).toMatch(/^0\.8\.\d+$/)
    expect(report.pgTrgm.version).toMatch(/^\d+\.\d+$/)
    expect(report.migrations).toMatchObject({ applied: migrations.length, total: migrations.length, pending: [] })
    expect(engram(['doctor']).out).toMatch(/migrations: +\d+\/\d+ applied/)
  })

  it('manages profiles: list, passphrase, --profile, rename, delete', () => {
    expect(engram(['profile', 'create', 'Work'], { ENGRAM_PASSPHRASE: 'work-pass' }).code).toBe(0)
    const list = JSON.parse(engram(['profile', 'list', '--json']).out)
    expect(list.profiles.map((p: { name: string; active: boolean; hasPassphrase: boolean }) => [p.name, p.active, p.hasPassphrase])).toEqual([
      ['Personal', false, false],
      ['Work', true, true]
    ])

    // The active profile is locked: data commands need its passphrase.
    const locked = engram(['settings', 'get', 'chat.model'])
    expect(locked.code).toBe(3)
    expect(locked.err).toMatch(/"Work" is locked: pass --passphrase/)
    const wrong = engram(['--passphrase', 'nope', 'settings', 'set', 'chat.model', '"x"'])
    expect(wrong.code).toBe(3)
    expect(wrong.err).toMatch(/not the passphrase/)
    expect(engram(['settings', 'set', 'chat.model', '"llama3"'], { ENGRAM_PASSPHRASE: 'work-pass' }).code).toBe(0)

    // --profile acts on another profile without changing the active one.
    expect(engram(['--profile', 'Personal', 'settings', 'set', 'chat.model', '"gpt"']).code).toBe(0)
    expect(engram(['--profile', 'personal', 'settings', 'get', 'chat.model']).out.trim()).toBe('"gpt"')
    expect(engram(['settings', 'get', 'chat.model'], { ENGRAM_PASSPHRASE: 'work-pass' }).out.trim()).toBe('"llama3"')
    expect(JSON.parse(engram(['profile', 'list', '--json']).out).activeId).toBe(list.activeId)

    expect(engram(['profile', 'rename', 'Personal', 'Home']).code).toBe(0)
    expect(engram(['profile', 'rename', 'Home', 'work']).code).toBe(6) // names are unique, case-insensitively
    expect(engram(['profile', 'switch', 'Home']).code).toBe(0)
    expect(JSON.parse(engram(['profile', 'list', '--json']).out).profiles.find((p: { name: string }) => p.name === 'Home').active).toBe(true)

    const noYes = engram(['profile', 'delete', 'Work'])
    expect(noYes.code).toBe(2)
    expect(noYes.err).toMatch(/--yes/)
    expect(engram(['profile', 'delete', 'Work', '--yes']).code).toBe(0)
    expect(JSON.parse(engram(['profile', 'list', '--json']).out).profiles.map((p: { name: string }) => p.name)).toEqual(['Home'])
  }, 360_000) // 17 CLI processes, each opening a database: 42 s on a quiet machine, 122+ s seen on a busy one

  it('locks and unlocks a profile with a passphrase', () => {
    expect(engram(['profile', 'lock', 'Home', '--passphrase', 'home-pass']).code).toBe(0)
    expect(engram(['settings', 'get', 'chat.model']).code).toBe(3)
    expect(engram(['profile', 'unlock', 'Home', '--passphrase', 'wrong']).code).toBe(3)
    expect(engram(['profile', 'unlock', 'Home', '--passphrase', 'home-pass']).code).toBe(0)
    expect(engram(['settings', 'get', 'chat.model']).out.trim()).toBe('"gpt"')
  })

  it('says what went wrong for unknown profiles and commands', () => {
    const r = engram(['--profile', 'Nobody', 'settings', 'list'])
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/no profile "Nobody"/)
    const bad = engram(['frobnicate'])
    expect(bad.code).not.toBe(0)
    expect(bad.err).toMatch(/unknown command/)
  })
})
