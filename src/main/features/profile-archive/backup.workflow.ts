/**
 * Scheduled backup: the export, written to a folder the user chose, as a durable workflow
 * (visible on the Workflows screen, retried, scheduled by the runner: "daily at HH:MM"),
 * then the folder is trimmed to the newest `keep` backups of this profile. Backups are
 * named `<profile>-<id8>-<UTC yyyymmdd-hhmmss>.engram`, so rotation only ever touches this
 * profile's own backups, and a name sorts by time.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import type { BackupFile } from '../../../shared/types'
import { defineWorkflow, type WorkflowDefinition } from '../workflows/runner'
import { exportProfile, type ExportResult } from './archive.export'

export const BACKUP_WORKFLOW = 'profile.backup'

export interface BackupInput {
  folder: string
  keep: number
}

export interface BackupOutput {
  path: string
  bytes: number
  tookMs: number
  removed: string[]
}

export interface BackupDeps {
  db: Knex
  engine: 'pglite' | 'postgres'
  profile: () => { id: string; name: string }
  profileDir: string
}

const slug = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 40) || 'profile'

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)

export function backupFileName(profile: { id: string; name: string }, at: Date): string {
  return `${slug(profile.name)}-${profile.id.slice(0, 8)}-${stamp(at)}.engram`
}

/** This profile's backups in `folder`, newest first. */
export function listBackups(folder: string, profileId: string): BackupFile[] {
  if (!existsSync(folder)) return []
  const re = new RegExp(`-${profileId.slice(0, 8)}-(\\d{8}-\\d{6})\\.engram$`)
  const found: Array<BackupFile & { key: string }> = []
  for (const name of readdirSync(folder)) {
    const m = re.exec(name)
    if (!m) continue
    try {
      const st = statSync(join(folder, name))
      if (st.isFile()) found.push({ name, path: join(folder, name), bytes: st.size, modifiedAt: st.mtime.toISOString(), key: m[1] as string })
    } catch {
      // removed meanwhile
    }
  }
  return found.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0)).map(({ key: _key, ...f }) => f)
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function backupWorkflow(deps: BackupDeps): WorkflowDefinition<BackupInput> {
  return defineWorkflow<BackupInput>({
    name: BACKUP_WORKFLOW,
    heavy: true,
    steps: [
      {
        name: 'export',
        weight: 9,
        maxAttempts: 2,
        async run(ctx): Promise<ExportResult> {
          if (!existsSync(ctx.input.folder)) throw new AppError('not_found', `The backup folder ${ctx.input.folder} does not exist (a disconnected drive?). Reconnect it or choose another folder in Settings.`)
          const profile = deps.profile()
          return exportProfile({
            db: deps.db,
            engine: deps.engine,
            profile,
            profileDir: deps.profileDir,
            path: join(ctx.input.folder, backupFileName(profile, new Date())),
            signal: ctx.signal,
            onProgress: (p) => ctx.progress(p.total > 0 ? Math.min(1, p.done / p.total) * (p.phase === 'tables' ? 0.8 : 1) : 0, p.detail)
          })
        }
      },
      {
        name: 'rotate',
        run(ctx): BackupOutput {
          const made = ctx.outputs['export'] as ExportResult
          const removed: string[] = []
          for (const old of listBackups(ctx.input.folder, deps.profile().id).slice(Math.max(1, ctx.input.keep))) {
            if (old.path === made.path) continue
            rmSync(old.path, { force: true })
            removed.push(old.name)
          }
          // Partial files of this profile's backups whose writer died (a kill, a power cut).
          const partial = new RegExp(`-${deps.profile().id.slice(0, 8)}-\\d{8}-\\d{6}\\.engram\\.partial-(\\d+)-[0-9a-f]+$`)
          for (const name of existsSync(ctx.input.folder) ? readdirSync(ctx.input.folder) : []) {
            const m = partial.exec(name)
            if (m && !pidAlive(Number(m[1]))) {
              rmSync(join(ctx.input.folder, name), { force: true })
              removed.push(name)
            }
          }
          if (removed.length) ctx.log('info', `Removed ${removed.length} older backup${removed.length === 1 ? '' : 's'}: ${removed.join(', ')}`)
          return { path: made.path, bytes: made.bytes, tookMs: made.tookMs, removed }
        }
      }
    ]
  })
}
