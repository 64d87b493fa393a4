/**
 * An exclusive lock on a profile's data directory.
 *
 * PGlite does not lock its data directory: measured here, two processes opened the same
 * one and rows were silently lost. So every opener (the app, the CLI, the browser bridge)
 * takes this lock first. The lock is a file created with O_EXCL holding the owner's pid;
 * a lock whose process is gone (kill -9, power loss) is stale and is taken over at once,
 * so a crash never leaves a profile unopenable. (proper-lockfile judges staleness by
 * mtime, which would make a restart after a crash wait for the stale period.)
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { AppError } from '../../shared/errors'

export interface LockOwner {
  pid: number
  hostname: string
  /** What holds it: 'app', 'cli', 'bridge', 'test'. */
  role: string
  since: string
}

export interface DirLock {
  readonly path: string
  readonly owner: LockOwner
  release(): void
}

/** Locks held by this process, so a second open inside one process is refused too. */
const heldHere = new Set<string>()

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readOwner(lockPath: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner
  } catch {
    return null
  }
}

function inUseError(label: string, owner: LockOwner | null): AppError {
  const who = owner ? `${owner.role === 'app' ? 'the Engram app' : `engram ${owner.role}`} (pid ${owner.pid})` : 'another Engram process'
  return new AppError(
    'profile_in_use',
    `Profile "${label}" is in use by ${who}. Close it first, or use that window instead.`,
    owner ?? undefined
  )
}

/**
 * Take the lock at `lockPath` or throw `profile_in_use`.
 * `label` names the profile in the error message.
 */
export function acquireDirLock(lockPath: string, label: string, role: string): DirLock {
  if (heldHere.has(lockPath)) throw inUseError(label, { pid: process.pid, hostname: hostname(), role, since: '' })
  const owner: LockOwner = { pid: process.pid, hostname: hostname(), role, since: new Date().toISOString() }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600)
      try {
        writeSync(fd, JSON.stringify(owner))
      } finally {
        closeSync(fd)
      }
      heldHere.add(lockPath)
      let released = false
      return {
        path: lockPath,
        owner,
        release() {
          if (released) return
          released = true
          heldHere.delete(lockPath)
          const current = readOwner(lockPath)
          if (current && current.pid === owner.pid && current.since === owner.since) rmSync(lockPath, { force: true })
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const current = readOwner(lockPath)
      // A lock file still being written has no JSON yet: treat it as held, briefly.
      const stale = current !== null && current.hostname === hostname() && current.pid !== process.pid && !isAlive(current.pid)
      const ours = current !== null && current.hostname === hostname() && current.pid === process.pid
      if (stale || ours) {
        rmSync(lockPath, { force: true })
        continue
      }
      throw inUseError(label, current)
    }
  }
  throw inUseError(label, readOwner(lockPath))
}

/** Who holds the lock at `lockPath`, if a live process does. */
export function lockHolder(lockPath: string): LockOwner | null {
  const owner = readOwner(lockPath)
  if (!owner) return null
  if (owner.hostname === hostname() && !isAlive(owner.pid)) return null
  return owner
}
