/**
 * The profile registry: the one small file shared by all profiles (`profiles.json` in the
 * data directory). It names each profile, holds its passphrase hash and which one is
 * active, and the app-wide settings that must be known before any profile is open (the
 * global capture shortcut). Nothing else is shared between profiles.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import { writeFileAtomic } from '../../core/atomic-file'
import { acquireDirLock } from '../../db/lock'

const passphraseSchema = z.object({
  algo: z.literal('scrypt'),
  salt: z.string(),
  hash: z.string(),
  N: z.number(),
  r: z.number(),
  p: z.number()
})

const registrySchema = z.object({
  version: z.literal(1),
  activeId: z.string().nullable(),
  profiles: z.array(
    z.object({ id: z.string(), name: z.string(), createdAt: z.string(), passphrase: passphraseSchema.nullable() })
  ),
  app: z.object({ captureShortcut: z.string().nullable() })
})

export type RegistryData = z.infer<typeof registrySchema>
export type ProfileRecord = RegistryData['profiles'][number]

export const DEFAULT_CAPTURE_SHORTCUT = 'CommandOrControl+Shift+Space'

const emptyRegistry = (): RegistryData => ({
  version: 1,
  activeId: null,
  profiles: [],
  app: { captureShortcut: DEFAULT_CAPTURE_SHORTCUT }
})

export interface ProfileRegistry {
  readonly dataDir: string
  read(): RegistryData
  /** Read, change and write back under a short-lived lock, so the app and the CLI never clobber each other. */
  update<T>(fn: (data: RegistryData) => T): T
  profileDir(id: string): string
}

export function createProfileRegistry(dataDir: string): ProfileRegistry {
  mkdirSync(join(dataDir, 'profiles'), { recursive: true })
  const file = join(dataDir, 'profiles.json')
  const lockFile = join(dataDir, 'profiles.json.lock')

  function read(): RegistryData {
    if (!existsSync(file)) return emptyRegistry()
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'))
    } catch {
      throw new AppError('internal', `The profile list at ${file} is damaged (not JSON). Restore it from a backup, or move it aside to start fresh.`)
    }
    const parsed = registrySchema.safeParse(raw)
    if (!parsed.success) throw new AppError('internal', `The profile list at ${file} is not in a format this version understands.`)
    return parsed.data
  }

  function withLock<T>(fn: () => T): T {
    const deadline = Date.now() + 5000
    for (;;) {
      try {
        const lock = acquireDirLock(lockFile, 'profile list', 'registry')
        try {
          return fn()
        } finally {
          lock.release()
        }
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'profile_in_use') || Date.now() > deadline) throw err
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
      }
    }
  }

  return {
    dataDir,
    read,
    update(fn) {
      return withLock(() => {
        const data = read()
        const result = fn(data)
        writeFileAtomic(file, JSON.stringify(data, null, 2))
        return result
      })
    },
    profileDir: (id) => join(dataDir, 'profiles', id)
  }
}
