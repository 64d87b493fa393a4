/**
 * Profiles: create, list, rename, delete, switch, lock. Each profile has its own database
 * (its own PGlite data directory, or its own schema on an external server). Exactly one
 * profile is open at a time in a process, and every data service is built for that one
 * profile's database when it opens, so a call can only ever reach the active profile.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import type { ProfileSummary, ProfilesState } from '../../../shared/types'
import { openPgliteEngine, openPostgresEngine, type Engine } from '../../db/engine'
import { acquireDirLock, lockHolder, type DirLock } from '../../db/lock'
import { migrateLatest } from '../../db/migrate'
import { preparePgliteDataDir } from '../../db/template'
import { hashPassphrase, verifyPassphrase } from './passphrase'
import type { ProfileRecord, ProfileRegistry } from './profiles.registry'

export interface EngineConfig {
  /** A `postgres://` URL selects an external server; otherwise PGlite in the profile folder. */
  databaseUrl?: string | undefined
  /** Connections to an external server (default 4); 1 for servers that multiplex one session. */
  poolMax?: number | undefined
}

export interface ProfileContext {
  db: Knex
  engine: Engine
  profile: ProfileRecord
  /** The profile's own folder (documents, backups); exists for both engines. */
  profileDir: string
}

export interface ClosableServices {
  close?(): Promise<void>
}

export interface ProfileSession<S> extends ProfileContext {
  services: S
}

export interface ProfilesService<S> {
  list(): ProfilesState
  create(input: { name: string; passphrase?: string | undefined }): Promise<ProfileSummary>
  rename(id: string, name: string): ProfileSummary
  remove(id: string, confirmName: string): Promise<ProfilesState>
  switchTo(id: string, passphrase?: string): Promise<ProfilesState>
  /** Open a profile for this process without making it the active one (the CLI's --profile). */
  use(id: string, passphrase?: string): Promise<ProfileSession<S>>
  /** Close the active profile's database; a profile with a passphrase then needs it again. */
  lock(): Promise<ProfilesState>
  setPassphrase(id: string, current: string | undefined, next: string | null): Promise<ProfileSummary>
  /** Open the active profile if it needs no passphrase (or the given one is right). */
  openActive(passphrase?: string): Promise<ProfileSession<S> | null>
  /**
   * The open profile (opening the active one if it needs no passphrase), or a
   * `no_profile` / `locked` error that says what to do.
   */
  session(): Promise<ProfileSession<S>>
  /** Find a profile by exact id or by name (case-insensitive). */
  find(idOrName: string): ProfileRecord
  close(): Promise<void>
}

export function schemaForProfile(id: string): string {
  return `engram_p_${id.replace(/-/g, '')}`
}

export function createProfilesService<S extends ClosableServices>(opts: {
  registry: ProfileRegistry
  engine: EngineConfig
  /** Who is opening profiles, named in "profile in use" errors: 'app', 'cli', 'bridge'. */
  role: string
  createServices: (ctx: ProfileContext) => S | Promise<S>
  onChange?: (state: ProfilesState) => void
}): ProfilesService<S> {
  const { registry } = opts
  let active: (ProfileSession<S> & { lock: DirLock | null }) | null = null
  // Profile operations run one at a time: a switch must never interleave with another.
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn)
    queue = next.catch(() => undefined)
    return next
  }

  const summary = (p: ProfileRecord, activeId: string | null): ProfileSummary => ({
    id: p.id,
    name: p.name,
    createdAt: p.createdAt,
    hasPassphrase: p.passphrase !== null,
    locked: p.passphrase !== null && active?.profile.id !== p.id,
    active: p.id === activeId
  })

  const state = (): ProfilesState => {
    const data = registry.read()
    return { profiles: data.profiles.map((p) => summary(p, data.activeId)), activeId: data.activeId }
  }

  const changed = (): ProfilesState => {
    const s = state()
    opts.onChange?.(s)
    return s
  }

  function find(idOrName: string): ProfileRecord {
    const data = registry.read()
    const p =
      data.profiles.find((x) => x.id === idOrName) ??
      data.profiles.find((x) => x.name.toLocaleLowerCase() === idOrName.toLocaleLowerCase())
    if (!p) throw new AppError('not_found', `There is no profile "${idOrName}".`)
    return p
  }

  function assertUniqueName(name: string, exceptId?: string): void {
    const clash = registry
      .read()
      .profiles.find((p) => p.id !== exceptId && p.name.toLocaleLowerCase() === name.toLocaleLowerCase())
    if (clash) throw new AppError('conflict', `A profile named "${clash.name}" already exists.`)
  }

  async function openEngine(profile: ProfileRecord): Promise<{ engine: Engine; lock: DirLock | null }> {
    const dir = registry.profileDir(profile.id)
    if (opts.engine.databaseUrl) {
      const engine = await openPostgresEngine({ url: opts.engine.databaseUrl, schema: schemaForProfile(profile.id), poolMax: opts.engine.poolMax })
      return { engine, lock: null }
    }
    const lock = acquireDirLock(join(dir, 'engram.lock'), profile.name, opts.role)
    try {
      await preparePgliteDataDir(join(dir, 'pgdata'), join(registry.dataDir, 'templates'))
      const engine = await openPgliteEngine({ dataDir: join(dir, 'pgdata'), runDir: join(dir, 'run') })
      return { engine, lock }
    } catch (err) {
      lock.release()
      throw err
    }
  }

  async function closeActive(): Promise<void> {
    const current = active
    if (!current) return
    active = null
    try {
      await current.services.close?.()
    } finally {
      try {
        await current.engine.close()
      } finally {
        current.lock?.release()
      }
    }
  }

  async function open(profile: ProfileRecord, passphrase: string | undefined): Promise<ProfileSession<S>> {
    if (active?.profile.id === profile.id) return active
    if (profile.passphrase) {
      if (passphrase === undefined) throw new AppError('locked', `Profile "${profile.name}" is locked. Enter its passphrase to open it.`)
      if (!(await verifyPassphrase(passphrase, profile.passphrase)))
        throw new AppError('unauthorized', `That is not the passphrase of "${profile.name}".`)
    }
    await closeActive()
    const profileDir = registry.profileDir(profile.id)
    mkdirSync(profileDir, { recursive: true })
    const { engine, lock } = await openEngine(profile)
    try {
      await migrateLatest(engine.knex, engine.schema)
      const ctx: ProfileContext = { db: engine.knex, engine, profile, profileDir }
      const services = await opts.createServices(ctx)
      active = { ...ctx, services, lock }
      return active
    } catch (err) {
      await engine.close().catch(() => undefined)
      lock?.release()
      throw err
    }
  }

  return {
    list: state,
    find,

    create: ({ name, passphrase }) =>
      serial(async () => {
        assertUniqueName(name)
        const record: ProfileRecord = {
          id: randomUUID(),
          name: name.trim(),
          createdAt: new Date().toISOString(),
          passphrase: passphrase ? await hashPassphrase(passphrase) : null
        }
        registry.update((d) => {
          d.profiles.push(record)
        })
        try {
          await open(record, passphrase)
        } catch (err) {
          registry.update((d) => {
            d.profiles = d.profiles.filter((p) => p.id !== record.id)
          })
          rmSync(registry.profileDir(record.id), { recursive: true, force: true })
          throw err
        }
        registry.update((d) => {
          d.activeId = record.id
        })
        changed()
        return summary(record, record.id)
      }),

    rename(id, name) {
      assertUniqueName(name, id)
      find(id)
      const updated = registry.update((d) => {
        const p = d.profiles.find((x) => x.id === id)
        if (!p) throw new AppError('not_found', 'That profile no longer exists.')
        p.name = name.trim()
        return { ...p }
      })
      if (active?.profile.id === id) active.profile = updated
      changed()
      return summary(updated, registry.read().activeId)
    },

    remove: (id, confirmName) =>
      serial(async () => {
        const profile = find(id)
        if (confirmName !== profile.name)
          throw new AppError('validation', `Type the profile's name, "${profile.name}", to confirm that all of its data will be deleted.`)
        if (active?.profile.id === id) await closeActive()
        const dir = registry.profileDir(id)
        if (opts.engine.databaseUrl) {
          // Reuse the open profile's connection to the same server when there is one.
          const drop = `drop schema if exists "${schemaForProfile(id)}" cascade`
          if (active) await active.db.raw(drop)
          else {
            const engine = await openPostgresEngine({ url: opts.engine.databaseUrl, schema: schemaForProfile(id), poolMax: opts.engine.poolMax })
            try {
              await engine.knex.raw(drop)
            } finally {
              await engine.close()
            }
          }
        } else {
          // Holding the lock while deleting proves nobody else has the database open.
          const lock = acquireDirLock(join(dir, 'engram.lock'), profile.name, opts.role)
          try {
            rmSync(join(dir, 'pgdata'), { recursive: true, force: true })
          } finally {
            lock.release()
          }
        }
        rmSync(dir, { recursive: true, force: true })
        registry.update((d) => {
          d.profiles = d.profiles.filter((p) => p.id !== id)
          if (d.activeId === id) d.activeId = null
        })
        return changed()
      }),

    switchTo: (id, passphrase) =>
      serial(async () => {
        const profile = find(id)
        await open(profile, passphrase)
        registry.update((d) => {
          d.activeId = profile.id
        })
        return changed()
      }),

    use: (id, passphrase) => serial(() => open(find(id), passphrase)),

    lock: () =>
      serial(async () => {
        if (!active) throw new AppError('no_profile', 'No profile is open.')
        if (!active.profile.passphrase)
          throw new AppError('validation', `Profile "${active.profile.name}" has no passphrase, so it cannot be locked. Set one in Settings first.`)
        await closeActive()
        return changed()
      }),

    setPassphrase: (id, current, next) =>
      serial(async () => {
        const profile = find(id)
        if (profile.passphrase) {
          if (current === undefined || !(await verifyPassphrase(current, profile.passphrase)))
            throw new AppError('unauthorized', `That is not the current passphrase of "${profile.name}".`)
        }
        const hashed = next === null ? null : await hashPassphrase(next)
        const updated = registry.update((d) => {
          const p = d.profiles.find((x) => x.id === id)
          if (!p) throw new AppError('not_found', 'That profile no longer exists.')
          p.passphrase = hashed
          return { ...p }
        })
        if (active?.profile.id === id) active.profile = updated
        changed()
        return summary(updated, registry.read().activeId)
      }),

    openActive: (passphrase) =>
      serial(async () => {
        const data = registry.read()
        const profile = data.profiles.find((p) => p.id === data.activeId)
        if (!profile) return null
        if (profile.passphrase && passphrase === undefined) return null
        return open(profile, passphrase)
      }),

    async session() {
      if (active) return active
      const data = registry.read()
      if (data.profiles.length === 0) throw new AppError('no_profile', 'There is no profile yet. Create one to start.')
      const profile = data.profiles.find((p) => p.id === data.activeId)
      if (!profile) throw new AppError('no_profile', 'No profile is selected. Choose or create one.')
      if (profile.passphrase) throw new AppError('locked', `Profile "${profile.name}" is locked. Enter its passphrase to open it.`)
      return serial(() => open(profile, undefined))
    },

    close: () => serial(closeActive)
  }
}

export function profileDataExists(registry: ProfileRegistry, id: string): boolean {
  return existsSync(join(registry.profileDir(id), 'pgdata'))
}

export { lockHolder }
