/**
 * Profile archives for the app: export the open profile, import an archive as a new
 * profile (works with no profile open: it never touches the open one), and the scheduled
 * backup's settings and status. Progress goes out as `archives:progress` events, at most a
 * few a second. One export or import at a time per process.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { AppError } from '../../../shared/errors'
import type { ArchiveExportResult, ArchiveProgress, BackupStatus, ProfileSummary } from '../../../shared/types'
import type { ProfileContext, EngineConfig } from '../profiles/profiles.service'
import type { ProfileRegistry } from '../profiles/profiles.registry'
import type { WorkflowRunner } from '../workflows/runner'
import { exportProfile } from './archive.export'
import { BACKUP_SCHEDULE_KEY, importArchive } from './archive.import'
import { BACKUP_WORKFLOW, listBackups, type BackupInput, type BackupOutput } from './backup.workflow'

export const DEFAULT_BACKUP_TIME = '03:00'
export const DEFAULT_BACKUP_KEEP = 7

export interface ProfileArchiveService {
  exportActive(input: { path: string; passphrase?: string | undefined; overwrite?: boolean | undefined }): Promise<ArchiveExportResult>
  importArchive(input: { path: string; passphrase?: string | undefined; name?: string | undefined }): Promise<ProfileSummary>
  configureBackup(input: { folder: string | null; dailyAt: string; keep: number }): Promise<BackupStatus>
  backupStatus(): Promise<BackupStatus>
  /** Start a backup now (the folder must be configured); answers the run id. */
  backupNow(): Promise<{ runId: string }>
}

export function createProfileArchiveService(opts: {
  registry: ProfileRegistry
  engine: EngineConfig
  /** The open profile's context and runner (opening the active one when it needs no passphrase). */
  session: () => Promise<{ ctx: ProfileContext; workflows: WorkflowRunner }>
  onProgress: (p: ArchiveProgress) => void
  /** The profile list changed (an import added one). */
  onProfilesChanged: () => void
}): ProfileArchiveService {
  let busy: string | null = null

  const throttled = (operation: ArchiveProgress['operation']) => {
    let last = 0
    return (p: Omit<ArchiveProgress, 'operation'>): void => {
      const now = Date.now()
      if (now - last < 200 && p.phase !== 'finishing' && p.phase !== 'checking') return
      last = now
      opts.onProgress({ operation, ...p })
    }
  }

  async function exclusive<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (busy) throw new AppError('conflict', `An ${busy} is already running. Wait for it to finish.`)
    busy = what
    try {
      return await fn()
    } finally {
      busy = null
    }
  }

  function checkFolder(folder: string): void {
    if (!isAbsolute(folder)) throw new AppError('validation', 'Give the backup folder as a full path (for example /home/me/Backups).')
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new AppError('not_found', `The folder ${folder} does not exist. Create it first, or choose another.`)
    try {
      accessSync(folder, constants.W_OK)
    } catch {
      throw new AppError('unavailable', `Engram may not write to ${folder}. Choose another folder.`)
    }
  }

  async function status(): Promise<BackupStatus> {
    const { ctx, workflows } = await opts.session()
    const schedule = (await workflows.schedules()).find((s) => s.key === BACKUP_SCHEDULE_KEY)
    const input = (schedule?.input ?? null) as Partial<BackupInput> | null
    const folder = schedule?.enabled && input?.folder ? input.folder : null
    const dailyAt = schedule && 'dailyAt' in schedule.spec ? schedule.spec.dailyAt : DEFAULT_BACKUP_TIME
    const page = await workflows.list({ name: BACKUP_WORKFLOW, limit: 1 })
    const run = page.items[0]
    const out = (run?.status === 'succeeded' ? run.output : null) as BackupOutput | null
    return {
      folder,
      dailyAt,
      keep: typeof input?.keep === 'number' ? input.keep : DEFAULT_BACKUP_KEEP,
      lastRun: run
        ? { id: run.id, status: run.status, at: run.finishedAt ?? run.startedAt ?? run.createdAt, path: out?.path ?? null, bytes: out?.bytes ?? null, error: run.error }
        : null,
      backups: input?.folder ? listBackups(input.folder, ctx.profile.id) : []
    }
  }

  return {
    exportActive: (input) =>
      exclusive('export', async () => {
        const { ctx } = await opts.session()
        const r = await exportProfile({
          db: ctx.db,
          engine: ctx.engine.kind,
          profile: ctx.profile,
          profileDir: ctx.profileDir,
          path: input.path,
          passphrase: input.passphrase,
          overwrite: input.overwrite,
          onProgress: throttled('export')
        })
        return { path: r.path, bytes: r.bytes, tookMs: r.tookMs }
      }),

    importArchive: (input) =>
      exclusive('import', async () => {
        if (!isAbsolute(input.path)) throw new AppError('validation', 'Give the archive as a full path (for example /home/me/engram-backup.engram).')
        const r = await importArchive({ registry: opts.registry, engine: opts.engine, path: input.path, passphrase: input.passphrase, name: input.name, onProgress: throttled('import') })
        opts.onProfilesChanged()
        return r.profile
      }),

    async configureBackup(input) {
      if (input.folder !== null) checkFolder(input.folder)
      const { workflows } = await opts.session()
      const previous = (await workflows.schedules()).find((s) => s.key === BACKUP_SCHEDULE_KEY)
      const keptFolder = input.folder ?? ((previous?.input ?? null) as Partial<BackupInput> | null)?.folder ?? ''
      await workflows.schedule(BACKUP_WORKFLOW, { dailyAt: input.dailyAt }, { folder: keptFolder, keep: input.keep } satisfies BackupInput, {
        key: BACKUP_SCHEDULE_KEY,
        enabled: input.folder !== null
      })
      return status()
    },

    backupStatus: status,

    async backupNow() {
      const { workflows } = await opts.session()
      const s = await status()
      if (!s.folder) throw new AppError('validation', 'Choose a backup folder first.')
      checkFolder(s.folder)
      const runId = await workflows.start(BACKUP_WORKFLOW, { folder: s.folder, keep: s.keep } satisfies BackupInput, { source: 'app' })
      return { runId }
    }
  }
}
