/**
 * Folder watching: the user picks folders to keep in sync, and Engram imports every file
 * under them, imports a file again when it changes (the import pipeline then replaces the
 * earlier version, found by its original path) and archives the document of a file that
 * went away. It never deletes a document: an unplugged drive or a mistaken `rm` must not
 * cost the user their notes.
 *
 * Two ways in, one rule. A reconciliation scan (when a profile opens in the app or the
 * bridge, when a folder is added, on `watch:rescan`) walks the folder and compares each
 * file's size and mtime with the ones recorded when its document was imported
 * (`documents.metadata.watch`). While the app runs, chokidar reports changes; they are
 * collected for a moment (a 1,000-file copy is one batch, not 1,000 imports) and the same
 * comparison runs on just those paths. Either way the file system as it is at that moment
 * decides, not the event: an editor's save-by-rename is one change, not a delete and an add.
 *
 * Everything that touches the database runs one task at a time, in order, on one queue.
 */
import { existsSync, realpathSync, statSync, type Stats } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { watch as chokidarWatch, type FSWatcher } from 'chokidar'
import type { Knex } from 'knex'
import { AppError } from '../../../../shared/errors'
import type { WatchedFolder, WatchScanResult } from '../../../../shared/types'
import type { Logger } from '../../../ipc/router'
import { isTerminal, type WorkflowRunner } from '../../workflows/runner'
import { documentsRepository } from '../documents.repository'
import type { DocumentsService } from '../documents.service'
import { IMPORT_WORKFLOW } from '../import.workflow'
import { watchRepository as repo, type FileStamp, type WatchedDocument, type WatchedFolderRow } from './watch.repository'

export interface FolderWatcherOptions {
  db: Knex
  documents: DocumentsService
  /** To learn when an import turned out to be a file Engram already had. */
  runner: WorkflowRunner
  logger: Logger
  /** The profile's folder: a watched folder may neither hold it nor sit inside it. */
  profileDir: string
  /** Documents were archived or restored. */
  onChanged(ids: string[]): void
  /** Quiet time before a burst of changes is handled (default 400 ms). */
  debounceMs?: number
  /** Longest a change waits while a burst goes on (default 5 s). */
  maxWaitMs?: number
  /** How long a file's size must hold still before it counts as written (default 500 ms). */
  stabilityMs?: number
  /** Levels of subfolders watched and scanned (default 16). */
  depth?: number
  /** Files one scan considers at most (default 50,000). */
  scanCap?: number
}

export interface FolderWatcher {
  list(): Promise<WatchedFolder[]>
  /** Validate and remember a folder; when watching has started, watch it and scan it in the background. */
  add(path: string): Promise<WatchedFolder>
  /** Stop watching a folder. Its documents stay. */
  remove(id: string): Promise<void>
  /** Reconcile one folder (or every enabled one) with its documents now. */
  rescan(id?: string): Promise<WatchScanResult[]>
  /** Watch every enabled folder and scan each once (the app and the bridge, not one-shot processes). */
  start(): Promise<void>
  /** Resolves when everything queued so far is done (tests, the CLI). */
  idle(): Promise<void>
  close(): Promise<void>
}

const IMPORT_BATCH = 200
const READY_TIMEOUT_MS = 60_000
const CLOSE_TIMEOUT_MS = 10_000

/** Names never imported from a watched folder: hidden entries, temporary files, Office lock files. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || name.endsWith('~') || /\.(tmp|temp|swp|swx|part|crdownload)$/i.test(name)
}

/** True when `p` lies under `root` inside a hidden or temporary entry. */
export function isIgnoredPath(root: string, p: string): boolean {
  const rel = relative(root, p)
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return false
  return rel.split(sep).some(isIgnoredName)
}

/** True when `child` is strictly inside `parent`. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

const withSep = (p: string): string => (p.endsWith(sep) ? p : p + sep)
const stampOf = (st: Stats): FileStamp => ({ size: st.size, mtimeMs: st.mtimeMs })
const stampKey = (s: FileStamp): string => `${s.size}:${s.mtimeMs}`

export type FileAction = 'import' | 'reimport' | 'unchanged' | 'adopt' | 'restore'

/**
 * What to do with a file on disk, given the newest document imported from its path.
 * 'adopt': a document imported by hand before the folder was watched, older than the
 * file's last change and the same size, so it is taken as current (its stamp is written).
 */
export function decideFile(doc: WatchedDocument | undefined, stamp: FileStamp, knownDuplicate: boolean): FileAction {
  if (!doc) return knownDuplicate ? 'unchanged' : 'import'
  const w = doc.watch
  if (w && typeof w.size === 'number' && typeof w.mtimeMs === 'number') {
    if (w.size === stamp.size && w.mtimeMs === stamp.mtimeMs) return doc.archived_at && w.missing ? 'restore' : 'unchanged'
    return knownDuplicate ? 'unchanged' : 'reimport'
  }
  const at = (doc.imported_at ?? doc.created_at).getTime()
  if (Number(doc.size_bytes) === stamp.size && stamp.mtimeMs <= at) return 'adopt'
  return knownDuplicate ? 'unchanged' : 'reimport'
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** Check a folder the user asked to watch, and answer its real path. */
function resolveFolder(input: string, profileDir: string): string {
  if (!isAbsolute(input)) throw new AppError('validation', 'Give the folder as a full path (for example /home/me/Notes).')
  let real: string
  try {
    real = realpathSync(resolve(input))
  } catch {
    throw new AppError('not_found', `There is no folder at ${input}.`)
  }
  let st: Stats
  try {
    st = statSync(real)
  } catch {
    throw new AppError('not_found', `Engram cannot open ${input}.`)
  }
  if (!st.isDirectory()) throw new AppError('validation', `${input} is a file, not a folder. Watch the folder that holds it, or import the file itself.`)
  if (dirname(real) === real) throw new AppError('validation', 'Watching a whole drive is too broad: choose the folder that holds your documents.')
  let profile = profileDir
  try {
    profile = realpathSync(profileDir)
  } catch {
    // not created yet: compare as given
  }
  if (real === profile || isInside(real, profile) || isInside(profile, real))
    throw new AppError('validation', `${input} holds Engram's own data for this profile; choose another folder.`)
  return real
}

export function createFolderWatcher(opts: FolderWatcherOptions): FolderWatcher {
  const { db, documents, runner, logger } = opts
  const debounceMs = opts.debounceMs ?? 400
  const maxWaitMs = opts.maxWaitMs ?? 5_000
  const stabilityMs = opts.stabilityMs ?? 500
  const depth = opts.depth ?? 16
  const scanCap = opts.scanCap ?? 50_000

  let started = false
  let closed = false
  /** Live chokidar watchers by folder id, with a promise that settles once each has read its tree. */
  const watchers = new Map<string, { row: WatchedFolderRow; fsw: FSWatcher; ready: Promise<void> }>()
  /** Paths chokidar reported since the last flush: 'dir' only for a removed folder. */
  let dirty = new Map<string, { folderId: string; kind: 'file' | 'dir' }>()
  let flushTimer: NodeJS.Timeout | null = null
  let firstDirtyAt = 0
  /** Import runs this watcher started, until they end: the file's path and stamp. */
  const tracked = new Map<string, { path: string; stamp: FileStamp }>()
  /** Paths whose current bytes turned out to be another document's (path → stamp key), for this session. */
  const knownDuplicates = new Map<string, string>()
  /** Duplicate lookups in progress. */
  const lookups = new Set<Promise<void>>()

  // ---- one task at a time ---------------------------------------------------------

  let chain: Promise<unknown> = Promise.resolve()
  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const p = chain.then(() => {
      if (closed) throw new AppError('unavailable', 'Folder watching has stopped for this profile.')
      return task()
    })
    chain = p.catch(() => undefined)
    return p
  }

  // ---- learning about duplicates ----------------------------------------------------

  const offRuns = runner.onEvent((e) => {
    if (e.name !== IMPORT_WORKFLOW || !isTerminal(e.status)) return
    const t = tracked.get(e.runId)
    if (!t) return
    tracked.delete(e.runId)
    if (e.status !== 'succeeded') return
    const job = (async () => {
      const out = (await runner.get(e.runId, { logLimit: 1 })).run.output as { duplicate?: boolean; documentId?: string } | null
      if (!out?.duplicate || !out.documentId) return
      // The same bytes were already imported: from this very path (a touch), or from elsewhere.
      const same = await documentsRepository.get(db, out.documentId)
      if (same?.original_path === t.path) await repo.setStamp(db, same.id, t.stamp)
      else knownDuplicates.set(t.path, stampKey(t.stamp))
    })().catch((err: unknown) => {
      if (!closed) logger.warn('[engram] folder watch: could not record a duplicate import', err)
    })
    // close() waits for these: the database must not close under them.
    lookups.add(job)
    void job.finally(() => lookups.delete(job))
  })

  // ---- reconciliation -------------------------------------------------------------

  /** Files under `dir` (not hidden, no links), `levels` of subfolders deep, into `out`. */
  async function walk(dir: string, levels: number, out: Map<string, FileStamp>): Promise<boolean> {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return true
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      if (closed) return false
      if (isIgnoredName(e.name)) continue
      const p = join(dir, e.name)
      if (e.isFile()) {
        if (out.size >= scanCap) return false
        try {
          out.set(p, stampOf(await lstat(p)))
        } catch {
          // gone between the listing and the stat: the next event or scan sees it
        }
      } else if (e.isDirectory() && levels > 0) {
        if (!(await walk(p, levels - 1, out))) return false
      }
    }
    return true
  }

  const levelsBelow = (root: string, dir: string): number => depth - (dir === root ? 0 : relative(root, dir).split(sep).length)

  /**
   * Bring the documents of `targets` (paths under `root`: the root itself for a full scan)
   * in line with the disk. Files as they are now decide; events only say where to look.
   */
  async function reconcile(folder: WatchedFolderRow, targets: Array<{ path: string; kind: 'file' | 'dir' }>): Promise<WatchScanResult> {
    const root = folder.path
    const result: WatchScanResult = { folderId: folder.id, path: root, imported: 0, reimported: 0, archived: 0, restored: 0, unchanged: 0, runIds: [], missing: false }
    if (!isDirectory(root)) {
      // An unplugged drive or a renamed folder: archive nothing, import nothing.
      result.missing = true
      return result
    }
    const files = new Map<string, FileStamp>()
    const exact: string[] = []
    const subtrees: string[] = []
    for (const t of targets) {
      if (t.path !== root && (isIgnoredPath(root, t.path) || !isInside(root, t.path))) continue
      let st: Stats | null = null
      try {
        st = await lstat(t.path)
      } catch {
        st = null
      }
      if (st?.isFile()) {
        files.set(t.path, stampOf(st))
        exact.push(t.path)
      } else if (st?.isDirectory()) {
        if (levelsBelow(root, t.path) >= 0 && !(await walk(t.path, levelsBelow(root, t.path), files)) && !closed)
          logger.warn(`[engram] folder watch: ${root} holds more than ${scanCap} files; only the first ${scanCap} are kept in sync.`)
        subtrees.push(t.path)
      } else {
        exact.push(t.path)
        if (t.kind === 'dir') subtrees.push(t.path)
      }
    }
    if (closed) return result

    // The documents concerned, newest first, and the newest one per path.
    const docs = new Map<string, WatchedDocument>()
    const add = (list: WatchedDocument[]): void => list.forEach((d) => docs.set(d.id, d))
    if (subtrees.includes(root)) add(await repo.documentsUnder(db, withSep(root)))
    else {
      for (const s of subtrees) add(await repo.documentsUnder(db, withSep(s)))
      add(await repo.documentsAt(db, [...new Set([...exact, ...files.keys()])]))
    }
    const ordered = [...docs.values()].sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
    const newest = new Map<string, WatchedDocument>()
    for (const d of ordered) if (!newest.has(d.original_path)) newest.set(d.original_path, d)

    const toImport: Array<{ path: string; stamp: FileStamp; replacesInFlight: string | null; again: boolean }> = []
    const restore: string[] = []
    for (const [path, stamp] of files) {
      const doc = newest.get(path)
      const action = decideFile(doc, stamp, knownDuplicates.get(path) === stampKey(stamp))
      if (action === 'import' || action === 'reimport') {
        const inFlight = doc && (doc.status === 'pending' || doc.status === 'processing') ? doc.id : null
        toImport.push({ path, stamp, replacesInFlight: inFlight, again: action === 'reimport' })
      } else if (action === 'restore' && doc) restore.push(doc.id)
      else {
        if (action === 'adopt' && doc) await repo.setStamp(db, doc.id, stamp)
        result.unchanged++
      }
    }
    // Documents whose file is gone (checked on disk: hidden or deep files were never walked).
    const gone = ordered.filter((d) => !d.archived_at && !files.has(d.original_path) && !existsSync(d.original_path)).map((d) => d.id)

    await repo.archiveMissing(db, gone)
    await repo.restoreReturned(db, restore)
    result.archived = gone.length
    result.restored = restore.length
    if (gone.length || restore.length) opts.onChanged([...gone, ...restore])

    for (const f of toImport) {
      // A file changed again while its previous version was still importing: that import is moot.
      if (f.replacesInFlight) await documents.remove(f.replacesInFlight).catch((err: unknown) => logger.warn('[engram] folder watch: could not drop a stale import', err))
    }
    for (let i = 0; i < toImport.length && !closed; i += IMPORT_BATCH) {
      const batch = toImport.slice(i, i + IMPORT_BATCH)
      const r = await documents.importFiles(batch.map((f) => ({ path: f.path })), { source: 'watch' })
      // One result per file given (a path that became a folder meanwhile would expand; then skip the stamps).
      const aligned = r.files.length === batch.length
      for (const [j, f] of r.files.entries()) {
        if (f.runId) result.runIds.push(f.runId)
        const item = aligned ? batch[j] : undefined
        if (!item) continue
        if (f.documentId) await repo.setStamp(db, f.documentId, item.stamp)
        if (f.runId) tracked.set(f.runId, { path: item.path, stamp: item.stamp })
        if (item.again) result.reimported++
        else result.imported++
      }
    }
    return result
  }

  async function scanFolder(row: WatchedFolderRow): Promise<WatchScanResult> {
    const result = await reconcile(row, [{ path: row.path, kind: 'dir' }])
    if (!result.missing && !closed) await repo.touchScan(db, row.id)
    return result
  }

  // ---- watching -------------------------------------------------------------------

  function flushSoon(): void {
    const now = Date.now()
    if (!flushTimer) firstDirtyAt = now
    else clearTimeout(flushTimer)
    const wait = Math.max(0, Math.min(debounceMs, firstDirtyAt + maxWaitMs - now))
    flushTimer = setTimeout(flush, wait)
    flushTimer.unref()
  }

  function flush(): void {
    flushTimer = null
    if (closed || dirty.size === 0) return
    const batch = dirty
    dirty = new Map()
    void enqueue(async () => {
      const byFolder = new Map<string, Array<{ path: string; kind: 'file' | 'dir' }>>()
      for (const [path, { folderId, kind }] of batch) {
        const list = byFolder.get(folderId) ?? []
        list.push({ path, kind })
        byFolder.set(folderId, list)
      }
      for (const [folderId, targets] of byFolder) {
        const w = watchers.get(folderId)
        if (w) await reconcile(w.row, targets)
      }
    }).catch((err: unknown) => {
      if (!closed) logger.warn('[engram] folder watch: could not apply changes; the next scan will', err)
    })
  }

  function watchFolder(row: WatchedFolderRow): void {
    if (watchers.has(row.id) || closed) return
    const fsw = chokidarWatch(row.path, {
      ignoreInitial: true,
      followSymlinks: false,
      depth,
      ignorePermissionErrors: true,
      awaitWriteFinish: { stabilityThreshold: stabilityMs, pollInterval: 100 },
      ignored: (p: string) => isIgnoredPath(row.path, p)
    })
    const mark = (kind: 'file' | 'dir') => (p: string) => {
      if (closed) return
      dirty.set(p, { folderId: row.id, kind })
      flushSoon()
    }
    fsw.on('add', mark('file')).on('change', mark('file')).on('unlink', mark('file')).on('unlinkDir', mark('dir'))
    fsw.on('error', (err) => logger.warn(`[engram] folder watch: ${row.path}`, err))
    const ready = new Promise<void>((resolveReady) => {
      const t = setTimeout(resolveReady, READY_TIMEOUT_MS)
      t.unref()
      fsw.once('ready', () => {
        clearTimeout(t)
        resolveReady()
      })
    })
    watchers.set(row.id, { row, fsw, ready })
  }

  async function unwatchFolder(id: string): Promise<void> {
    const w = watchers.get(id)
    watchers.delete(id)
    for (const [p, d] of dirty) if (d.folderId === id) dirty.delete(p)
    await w?.fsw.close().catch(() => undefined)
  }

  /** Watch a folder and scan it once chokidar has read it: anything created meanwhile is seen by one or the other. */
  function watchAndScan(row: WatchedFolderRow): void {
    watchFolder(row)
    const ready = watchers.get(row.id)?.ready ?? Promise.resolve()
    void ready
      .then(() => enqueue(async () => (watchers.has(row.id) ? scanFolder(row) : null)))
      .catch((err: unknown) => {
        if (!closed) logger.warn(`[engram] folder watch: the scan of ${row.path} failed`, err)
      })
  }

  async function toFolder(r: WatchedFolderRow): Promise<WatchedFolder> {
    return {
      id: r.id,
      path: r.path,
      addedAt: r.added_at.toISOString(),
      lastScanAt: r.last_scan_at ? r.last_scan_at.toISOString() : null,
      enabled: r.enabled,
      present: isDirectory(r.path),
      documents: await repo.countUnder(db, withSep(r.path))
    }
  }

  async function mustGet(id: string): Promise<WatchedFolderRow> {
    const row = await repo.get(db, id)
    if (!row) throw new AppError('not_found', 'That folder is not watched (it may have been removed).')
    return row
  }

  return {
    async list() {
      const rows = await repo.list(db)
      const out: WatchedFolder[] = []
      for (const r of rows) out.push(await toFolder(r))
      return out
    },

    async add(input) {
      const path = resolveFolder(input, opts.profileDir)
      const rows = await repo.list(db)
      const same = rows.find((r) => r.path === path)
      if (same) throw new AppError('conflict', `${path} is already watched.`)
      const outer = rows.find((r) => isInside(r.path, path))
      if (outer) throw new AppError('conflict', `${path} is already watched as part of ${outer.path}.`)
      // Watching a parent of watched folders takes them over.
      const inner = rows.filter((r) => isInside(path, r.path))
      let row: WatchedFolderRow
      try {
        row = await db.transaction(async (trx) => {
          await repo.remove(trx, inner.map((r) => r.id))
          return repo.insert(trx, path)
        })
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new AppError('conflict', `${path} is already watched.`)
        throw err
      }
      for (const r of inner) await unwatchFolder(r.id)
      if (started && !closed) watchAndScan(row)
      return toFolder(row)
    },

    async remove(id) {
      await mustGet(id)
      await unwatchFolder(id)
      await repo.remove(db, [id])
    },

    async rescan(id) {
      const rows = id ? [await mustGet(id)] : (await repo.list(db)).filter((r) => r.enabled)
      const out: WatchScanResult[] = []
      for (const r of rows) out.push(await enqueue(() => scanFolder(r)))
      return out
    },

    async start() {
      if (started || closed) return
      started = true
      for (const r of await repo.list(db)) if (r.enabled) watchAndScan(r)
    },

    async idle() {
      await chain
    },

    async close() {
      if (closed) return
      closed = true
      if (flushTimer) clearTimeout(flushTimer)
      flushTimer = null
      offRuns()
      const all = [...watchers.keys()]
      await Promise.all(all.map((id) => unwatchFolder(id)))
      let timer: NodeJS.Timeout | undefined
      await Promise.race([Promise.allSettled([chain, ...lookups]), new Promise<void>((r) => (timer = setTimeout(r, CLOSE_TIMEOUT_MS)))])
      clearTimeout(timer)
    }
  }
}
