/**
 * Export one profile to a `.engram` archive, through SQL (so PGlite and an external
 * server are the same code): every table read inside one read-only repeatable-read
 * transaction (a consistent snapshot) with a cursor in physical order, written as
 * NDJSON parts of a few MB into a tar, gzip'd, optionally encrypted; then the document
 * files; then the manifest with every part's sha256.
 *
 * The archive is written to `<name>.partial-<pid>-<random>` in the same folder and renamed
 * when complete and fsync'd, so a killed export never leaves a file that looks complete.
 *
 * Rows are read in the table's physical order (a plain sequential scan, no ORDER BY) and
 * loaded back in that order, so the copy's heap and HNSW graph are built in the same
 * order as the original's and rankers that meet equal scores break ties the same way:
 * the imported profile answers searches exactly like the original.
 *
 * Values travel as Postgres text (`col::text`: exact for timestamps, floats, arrays, json),
 * vectors as pgvector's binary form (`vector_send`, base64): formatting 384 floats as text
 * in WASM is the slow part of a naive export, and the binary form is what import binds.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync, fsyncSync, closeSync, openSync, readdirSync, renameSync, rmSync, statSync, type Dirent } from 'node:fs'
import { basename, dirname, join, relative, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import type { Knex } from 'knex'
import * as tar from 'tar-stream'
import { AppError } from '../../../shared/errors'
import type { ArchiveProgress as ArchiveProgressEvent } from '../../../shared/types'

/** Progress without the operation (the caller knows which it is). */
export type PhaseProgress = Omit<ArchiveProgressEvent, 'operation'>
import { appVersion } from '../../core/paths'
import { ARCHIVE_EXTENSION, ARCHIVE_FORMAT_VERSION, EncryptFrames, newHeader } from './archive.format'
import { MANIFEST_NAME, appliedMigrations, describeTables, quoteIdent, type Manifest } from './archive.manifest'

export interface ExportOptions {
  db: Knex
  engine: 'pglite' | 'postgres'
  profile: { id: string; name: string }
  profileDir: string
  /** Where to write; `.engram` is added when the name has no such ending. */
  path: string
  passphrase?: string | undefined
  /** Replace an existing file at `path` (only once the new archive is complete). */
  overwrite?: boolean | undefined
  onProgress?: ((p: PhaseProgress) => void) | undefined
  signal?: AbortSignal | undefined
  /** Rows fetched per round trip (default 2000). */
  fetchRows?: number | undefined
}

export interface ExportResult {
  path: string
  bytes: number
  tookMs: number
  rows: Record<string, number>
  files: number
}

const PART_BYTES = 4 * 1024 * 1024
const SAFE_FILE = /^[A-Za-z0-9._\-/]+$/

export function archivePath(path: string): string {
  return path.toLowerCase().endsWith(ARCHIVE_EXTENSION) ? path : `${path}${ARCHIVE_EXTENSION}`
}

function listFiles(root: string): Array<{ abs: string; rel: string; bytes: number }> {
  const out: Array<{ abs: string; rel: string; bytes: number }> = []
  if (!existsSync(root)) return out
  const walk = (dir: string): void => {
    let entries: Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      // Dot files are temporary copies in progress; `incoming/` holds uploads not yet imported.
      if (e.name.startsWith('.')) continue
      const abs = join(dir, e.name)
      const rel = relative(root, abs).split(sep).join('/')
      if (e.isDirectory()) {
        if (rel !== 'incoming') walk(abs)
      } else if (e.isFile() && SAFE_FILE.test(rel)) {
        out.push({ abs, rel, bytes: statSync(abs).size })
      }
    }
  }
  walk(root)
  return out
}

function fsyncPath(path: string): void {
  let fd: number | null = null
  try {
    fd = openSync(path, 'r')
    fsyncSync(fd)
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== null) closeSync(fd)
  }
}

export async function exportProfile(opts: ExportOptions): Promise<ExportResult> {
  const started = Date.now()
  const target = archivePath(opts.path)
  const folder = dirname(target)
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new AppError('not_found', `The folder ${folder} does not exist. Choose an existing folder for the export.`)
  if (existsSync(target) && !opts.overwrite) throw new AppError('conflict', `${target} already exists. Choose another name, or allow replacing it.`)
  const progress = (p: PhaseProgress): void => opts.onProgress?.(p)
  const checkAbort = (): void => {
    if (opts.signal?.aborted) throw new AppError('cancelled', 'The export was cancelled; no archive was written.')
  }

  const createdAt = new Date()
  const { raw, header, key } = await newHeader(opts.passphrase)
  const tmp = join(folder, `${basename(target)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`)
  const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600 })
  out.write(raw)
  const pack = tar.pack()
  const stages: NodeJS.ReadWriteStream[] = [createGzip({ level: 6 })]
  if (key) stages.push(new EncryptFrames(key, raw, header))
  const written = (pipeline as (...streams: unknown[]) => Promise<void>)(pack, ...stages, out)
  // The pipeline's own failure (disk full, ...) surfaces when awaited below; don't let it go unhandled meanwhile.
  written.catch(() => undefined)

  // If the output fails (disk full, a drive gone), every wait below ends with that error instead of hanging.
  const outputFailed = written.then(
    () => new Promise<never>(() => undefined),
    (err: unknown) => Promise.reject(err instanceof Error ? err : new Error(String(err)))
  )
  outputFailed.catch(() => undefined)
  const orFail = <T>(p: Promise<T>): Promise<T> => Promise.race([p, outputFailed])
  const mtime = createdAt
  const addBuffer = (name: string, data: Buffer): Promise<void> =>
    orFail(new Promise((resolve, reject) => pack.entry({ name, size: data.length, mtime, mode: 0o600 }, data, (err) => (err ? reject(err) : resolve()))))

  try {
    const manifest: Manifest = {
      format: 'engram-archive',
      version: ARCHIVE_FORMAT_VERSION,
      appVersion: appVersion(),
      createdAt: createdAt.toISOString(),
      profileName: opts.profile.name,
      profileId: opts.profile.id,
      engine: opts.engine,
      migrations: [],
      filesDir: join(opts.profileDir, 'files'),
      tables: {},
      files: {},
      embeddingModels: []
    }
    const fetchRows = opts.fetchRows ?? 2000

    await opts.db.transaction(
      async (trx) => {
        manifest.migrations = await appliedMigrations(trx)
        const tables = await describeTables(trx)
        const counts = new Map<string, number>()
        for (const t of tables) counts.set(t.name, Number((await trx.raw(`select count(*)::bigint as n from ${quoteIdent(t.name)}`)).rows[0].n))
        const totalRows = [...counts.values()].reduce((a, b) => a + b, 0)
        for (const t of tables) {
          const names = new Set(t.columns.map((c) => c.name))
          if (names.has('embedding_model') && names.has('embedding_dim')) {
            const r = await trx.raw(`select embedding_model as model, embedding_dim as dim, count(*)::int as rows from ${quoteIdent(t.name)} where embedding is not null group by 1, 2 order by 1, 2`)
            for (const m of r.rows as Array<{ model: string | null; dim: number | null; rows: number }>) manifest.embeddingModels.push({ table: t.name, ...m })
          }
        }

        let done = 0
        progress({ phase: 'tables', done, total: totalRows, detail: 'Reading tables' })
        for (const t of tables) {
          const select = t.columns.map((c, i) => (c.vector ? `public.vector_send(${quoteIdent(c.name)}) as c${i}` : `${quoteIdent(c.name)}::text as c${i}`)).join(', ')
          const parts: Manifest['tables'][string]['parts'] = []
          let lines: string[] = []
          let lineBytes = 0
          let partRows = 0
          let rows = 0
          const flush = async (): Promise<void> => {
            if (partRows === 0 && parts.length > 0) return
            const data = Buffer.from(lines.join(''), 'utf8')
            const path = `tables/${t.name}/${String(parts.length + 1).padStart(5, '0')}.ndjson`
            parts.push({ path, rows: partRows, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') })
            await addBuffer(path, data)
            lines = []
            lineBytes = 0
            partRows = 0
          }
          await trx.raw(`declare engram_export no scroll cursor for select ${select} from ${quoteIdent(t.name)}`)
          for (;;) {
            checkAbort()
            const batch = (await trx.raw(`fetch ${fetchRows} from engram_export`)).rows as Array<Record<string, string | Buffer | null>>
            if (batch.length === 0) break
            for (const row of batch) {
              const values = t.columns.map((_, i) => {
                const v = row[`c${i}`] ?? null
                return Buffer.isBuffer(v) ? v.toString('base64') : v
              })
              const line = JSON.stringify(values) + '\n'
              lines.push(line)
              lineBytes += line.length
              partRows++
              if (lineBytes >= PART_BYTES) await flush()
            }
            rows += batch.length
            done += batch.length
            progress({ phase: 'tables', done, total: totalRows, detail: t.name })
          }
          await trx.raw('close engram_export')
          await flush()
          manifest.tables[t.name] = { rows, columns: t.columns.map((c) => ({ name: c.name, type: c.type, vector: c.vector })), parts }
        }
      },
      { isolationLevel: 'repeatable read', readOnly: true }
    )

    const files = listFiles(join(opts.profileDir, 'files'))
    const totalBytes = files.reduce((a, f) => a + f.bytes, 0)
    let doneBytes = 0
    for (const f of files) {
      checkAbort()
      const hash = createHash('sha256')
      const name = `files/${f.rel}`
      let entry!: ReturnType<typeof pack.entry>
      const finished = new Promise<void>((resolve, reject) => {
        entry = pack.entry({ name, size: f.bytes, mtime, mode: 0o600 }, (err) => (err ? reject(err) : resolve()))
      })
      for await (const chunk of createReadStream(f.abs) as AsyncIterable<Buffer>) {
        hash.update(chunk)
        if (!entry.write(chunk)) await orFail(new Promise<void>((resolve) => entry.once('drain', () => resolve())))
      }
      ;(entry as unknown as { end(): void }).end()
      await orFail(finished)
      manifest.files[name] = { bytes: f.bytes, sha256: hash.digest('hex') }
      doneBytes += f.bytes
      progress({ phase: 'files', done: doneBytes, total: totalBytes, detail: f.rel })
    }

    progress({ phase: 'finishing', done: 0, total: 1, detail: 'Writing the manifest' })
    await addBuffer(MANIFEST_NAME, Buffer.from(JSON.stringify(manifest, null, 1), 'utf8'))
    pack.finalize()
    await written
    fsyncPath(tmp)
    checkAbort()
    renameSync(tmp, target)
    fsyncPath(folder)
    const bytes = statSync(target).size
    progress({ phase: 'finishing', done: 1, total: 1, detail: 'Done' })
    const rows = Object.fromEntries(Object.entries(manifest.tables).map(([k, v]) => [k, v.rows]))
    return { path: target, bytes, tookMs: Date.now() - started, rows, files: files.length }
  } catch (err) {
    pack.destroy()
    out.destroy()
    await written.catch(() => undefined)
    rmSync(tmp, { force: true })
    if (err instanceof AppError) throw err
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOSPC') throw new AppError('unavailable', `The disk holding ${folder} is full. Free some space or choose another folder; no archive was written.`)
    if (code === 'EACCES' || code === 'EPERM') throw new AppError('unavailable', `Engram may not write to ${folder}. Choose another folder; no archive was written.`)
    throw err
  }
}
