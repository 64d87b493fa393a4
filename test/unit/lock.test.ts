import { afterEach, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { acquireDirLock, lockHolder } from '../../src/main/db/lock'

const dirs: string[] = []
const lockPath = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'engram-lock-'))
  dirs.push(d)
  return join(d, 'engram.lock')
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('directory lock', () => {
  it('is exclusive, names its holder, and is released', () => {
    const p = lockPath()
    const lock = acquireDirLock(p, 'Personal', 'app')
    expect(JSON.parse(readFileSync(p, 'utf8'))).toMatchObject({ pid: process.pid, role: 'app' })
    expect(lockHolder(p)?.pid).toBe(process.pid)
    expect(() => acquireDirLock(p, 'Personal', 'cli')).toThrow(/Profile "Personal" is in use/)
    lock.release()
    expect(existsSync(p)).toBe(false)
    expect(lockHolder(p)).toBeNull()
    acquireDirLock(p, 'Personal', 'cli').release()
  })

  it('takes over a lock whose process is gone', () => {
    const p = lockPath()
    // pid 2^22 + 12345 is above Linux's default pid_max, so no such process exists.
    writeFileSync(p, JSON.stringify({ pid: 4_206_649, hostname: hostname(), role: 'app', since: 'then' }))
    expect(lockHolder(p)).toBeNull()
    const lock = acquireDirLock(p, 'Personal', 'cli')
    expect(JSON.parse(readFileSync(p, 'utf8')).pid).toBe(process.pid)
    lock.release()
  })

  it('respects a live holder on this machine, and one on another machine', () => {
    const p = lockPath()
    writeFileSync(p, JSON.stringify({ pid: 1, hostname: hostname(), role: 'app', since: 'then' }))
    expect(() => acquireDirLock(p, 'P', 'cli')).toThrow(/in use by the Engram app \(pid 1\)/)
    writeFileSync(p, JSON.stringify({ pid: 4_206_649, hostname: 'another-host', role: 'cli', since: 'then' }))
    expect(() => acquireDirLock(p, 'P', 'cli')).toThrow(/in use by engram cli/)
  })

  it('a second release is harmless and never removes someone else\'s lock', () => {
    const p = lockPath()
    const lock = acquireDirLock(p, 'P', 'app')
    lock.release()
    const other = acquireDirLock(p, 'P', 'cli')
    lock.release()
    expect(existsSync(p)).toBe(true)
    other.release()
  })
})
