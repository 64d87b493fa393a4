/** `engram export` and `engram import-archive`, run as real processes on the same data directory. */
import { afterAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { MODEL_FIXTURE, tempDir } from '../helpers/core'

const cli = join(import.meta.dirname, '..', '..', 'bin', 'engram.mjs')
const dataDir = tempDir()
const outDir = tempDir('engram-archive-cli-')
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(outDir, { recursive: true, force: true })
})

function engram(args: string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, ENGRAM_DATA_DIR: dataDir, ENGRAM_MODEL_DIR: MODEL_FIXTURE, ENGRAM_PASSPHRASE: '', ENGRAM_ARCHIVE_PASSPHRASE: '', ...env }
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

/** The header's flags byte (after the 8-byte magic and the u16 version): bit 0 says encrypted. */
function encryptedFlag(path: string): boolean {
  const head = readFileSync(path).subarray(0, 11)
  expect(head.subarray(0, 8).toString('latin1')).toBe('ENGRAMAR')
  return ((head[10] ?? 0) & 1) === 1
}

describe('engram export / import-archive', () => {
  it('exports encrypted, refuses a missing or wrong passphrase with words and exit codes, imports with the right one', () => {
    expect(engram(['profile', 'create', 'Laptop']).code).toBe(0)
    expect(engram(['capture', 'the spare key is under the blue pot']).code).toBe(0)

    // `engram export <file> --passphrase P` encrypts the archive with P.
    const ex = engram(['export', join(outDir, 'laptop'), '--passphrase', 'blue pot key', '--json'])
    expect(ex.code, ex.err).toBe(0)
    const r = JSON.parse(ex.out) as { path: string; bytes: number; encrypted: boolean }
    expect(r).toMatchObject({ path: join(outDir, 'laptop.engram'), encrypted: true })
    expect(r.bytes).toBeGreaterThan(0)
    expect(encryptedFlag(r.path)).toBe(true)

    const noPass = engram(['import-archive', r.path])
    expect(noPass.code).toBe(3)
    expect(noPass.err).toMatch(/encrypted\. Enter its passphrase/)
    const wrong = engram(['import-archive', r.path, '--passphrase', 'red pot key'])
    expect(wrong.code).toBe(3)
    expect(wrong.err).toMatch(/The passphrase is wrong, or the archive is damaged\./)

    const ok = engram(['import-archive', r.path, '--name', 'Restored'], { ENGRAM_ARCHIVE_PASSPHRASE: 'blue pot key' })
    expect(ok.code, ok.err).toBe(0)
    expect(ok.out).toMatch(/Imported as profile "Restored"/)
    const found = engram(['search', 'blue pot', '--profile', 'Restored', '--json'])
    expect(found.code, found.err).toBe(0)
    expect((JSON.parse(found.out) as { hits: Array<{ text: string }> }).hits.map((h) => h.text)).toContain('the spare key is under the blue pot')

    // A locked profile: its own passphrase from ENGRAM_PASSPHRASE (or --profile-passphrase), the archive's from --passphrase.
    expect(engram(['profile', 'lock', 'Restored', '--passphrase', 'house key']).code).toBe(0)
    const locked = engram(['export', join(outDir, 'restored'), '--profile', 'Restored', '--passphrase', 'second key'])
    expect(locked.code).toBe(3)
    expect(locked.err).toMatch(/passphrase/i)
    const both = engram(['export', join(outDir, 'restored'), '--profile', 'Restored', '--passphrase', 'second key', '--json'], { ENGRAM_PASSPHRASE: 'house key' })
    expect(both.code, both.err).toBe(0)
    expect(JSON.parse(both.out)).toMatchObject({ encrypted: true, profile: 'Restored' })
    const plain = engram(['export', join(outDir, 'restored-plain'), '--profile', 'Restored', '--profile-passphrase', 'house key', '--json'])
    expect(plain.code, plain.err).toBe(0)
    expect(JSON.parse(plain.out)).toMatchObject({ encrypted: false })
    expect(encryptedFlag(join(outDir, 'restored-plain.engram'))).toBe(false)
  }, 900_000)
})
