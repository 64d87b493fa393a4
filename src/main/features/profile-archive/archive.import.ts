/**
 * Import a `.engram` archive as a new profile. Nothing is registered until everything is
 * in, and a failure at any point removes what was made:
 *
 * 1. Header: not an archive, a newer format, or encrypted without a passphrase, fail here.
 * 2. Unpack into `profiles/.import-<pid>-<id>/` (decrypt, gunzip, untar), hashing every
 *    entry; then check the manifest (format, version, known migrations) and every sha256.
 * 3. A fresh database (PGlite in that folder, or a new schema on the external server) at
 *    the archive's migration level; rows loaded in foreign-key order in one transaction
 *    with `session_replication_role = replica` (references inside one table, such as a
 *    memory superseded by a later one, need no ordering then); identity sequences moved
 *    past the loaded ids; generated columns (tsv) recomputed by Postgres.
 * 4. The remaining migrations of this Engram, counts checked against the manifest.
 * 5. The folder renamed to `profiles/<id>` and the profile added to the registry.
 *
 * Imported runs that were still pending or running are marked cancelled (they belonged to
 * the other profile's life), and the copied profile's scheduled backup starts disabled, so
 * two profiles never rotate backups in the same folder without the user saying so.
 */
import { createHash, randomUUID } from 'node:crypto'
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import type { Knex } from 'knex'
import * as tar from 'tar-stream'
import { migrations as knownMigrations } from '../../../../migrations'
import { AppError } from '../../../shared/errors'
import type { ArchiveProgress as ArchiveProgressEvent, ProfileSummary } from '../../../shared/types'

/** Progress without the operation (the caller knows which it is). */
export type PhaseProgress = Omit<ArchiveProgressEvent, 'operation'>
import { openPgliteEngine, openPostgresEngine, type Engine } from '../../db/engine'
import { cleanGinPending } from '../../db/maintenance'
import { migrateDown, migrateLatest } from '../../db/migrate'
import { preparePgliteDataDir } from '../../db/template'
import type { ProfileRecord, ProfileRegistry } from '../profiles/profiles.registry'
import { schemaForProfile, type EngineConfig } from '../profiles/profiles.service'
import { ARCHIVE_FORMAT_VERSION, DecryptFrames, damaged, deriveKey, newerFormat, parseHeader } from './archive.format'
import { MANIFEST_NAME, appliedMigrations, describeTables, manifestSchema, quoteIdent, type Manifest } from './archive.manifest'

export const BACKUP_SCHEDULE_KEY = 'profile.backup'
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024
const IMPORT_DIR_RE = /^\.import-(\d+)-/

export interface ImportOptions {
  registry: ProfileRegistry
  engine: EngineConfig
  path: string
  passphrase?: string | undefined
  /** The new profile's name; defaults to the archive's, made unique. */
  name?: string | undefined
  onProgress?: ((p: PhaseProgress) => void) | undefined
  signal?: AbortSignal | undefined
}

export interface ImportResult {
  profile: ProfileSummary
  rows: Record<string, number>
  files: number
  tookMs: number
  /** Milliseconds per phase: unpack (read, decrypt, verify), database (fresh, migrated), load (rows and indexes), finish. */
  phases: Record<'unpack' | 'database' | 'load' | 'finish', number>
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Leftovers of an import whose process died (a kill, a power cut): never registered, safe to remove. */
export function removeStaleImports(registry: ProfileRegistry): void {
  const root = join(registry.dataDir, 'profiles')
  if (!existsSync(root)) return
  for (const entry of readdirSync(root)) {
    const m = IMPORT_DIR_RE.exec(entry)
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) rmSync(join(root, entry), { recursive: true, force: true })
  }
}

function uniqueName(registry: ProfileRegistry, wanted: string): string {
  const taken = new Set(registry.read().profiles.map((p) => p.name.toLocaleLowerCase()))
  const base = wanted.trim().slice(0, 50) || 'Imported profile'
  if (!taken.has(base.toLocaleLowerCase())) return base
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? `${base} (imported)` : `${base} (imported ${i})`
    if (!taken.has(candidate.toLocaleLowerCase())) return candidate
  }
}

function assertNameFree(registry: ProfileRegistry, name: string): void {
  const clash = registry.read().profiles.find((p) => p.name.toLocaleLowerCase() === name.trim().toLocaleLowerCase())
  if (clash) throw new AppError('conflict', `A profile named "${clash.name}" already exists. Choose another name for the imported profile.`)
}

function readHead(path: string): Buffer {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new AppError('not_found', `There is no file at ${path}. Check the path and try again.`)
    if (code === 'EISDIR') throw new AppError('validation', `${path} is a folder. Choose an .engram file.`)
    throw new AppError('unavailable', `Engram could not read ${path}: ${(err as Error).message}`)
  }
  try {
    const buf = Buffer.alloc(64 * 1024 + 16)
    const n = readSync(fd, buf, 0, buf.length, 0)
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

async function writeEntry(entry: AsyncIterable<Buffer>, dest: string): Promise<{ sha256: string; bytes: number }> {
  mkdirSync(dirname(dest), { recursive: true })
  const hash = createHash('sha256')
  const out = createWriteStream(dest, { flags: 'wx', mode: 0o600 })
  let bytes = 0
  try {
    for await (const chunk of entry) {
      hash.update(chunk)
      bytes += chunk.length
      if (!out.write(chunk)) await once(out, 'drain')
    }
    out.end()
    await once(out, 'finish')
  } catch (err) {
    out.on('error', () => undefined) // a write still in flight reports into a destroyed stream
    out.destroy()
    throw err
  }
  return { sha256: hash.digest('hex'), bytes }
}

interface Unpacked {
  manifest: Manifest
  staging: string
}

/** Unpack and verify; throws before any database exists. */
async function unpack(opts: ImportOptions, work: string, progress: (p: PhaseProgress) => void): Promise<Unpacked> {
  const head = readHead(opts.path)
  const { header, raw, payloadOffset } = parseHeader(head)
  const stages: NodeJS.ReadWriteStream[] = []
  if (header.encryption) {
    if (opts.passphrase === undefined) throw new AppError('locked', 'This archive is encrypted. Enter its passphrase to import it.')
    const key = await deriveKey(opts.passphrase, Buffer.from(header.encryption.salt, 'base64'), header.encryption.params)
    stages.push(new DecryptFrames(key, raw, header))
  }
  stages.push(createGunzip())
  const total = statSync(opts.path).size
  const source = createReadStream(opts.path, { start: payloadOffset })
  let read = payloadOffset
  source.on('data', (c: string | Buffer) => {
    read += c.length
  })

  const staging = join(work, 'staging')
  const filesDir = join(work, 'files')
  const seen = new Map<string, { sha256: string; bytes: number }>()
  let manifestBytes: Buffer | null = null
  const extract = tar.extract()
  const feeding = (pipeline as (...streams: unknown[]) => Promise<void>)(source, ...stages, extract)
  feeding.catch(() => undefined)
  try {
    for await (const entry of extract) {
      if (opts.signal?.aborted) throw new AppError('cancelled', 'The import was cancelled; no profile was created.')
      const name = entry.header.name
      if (entry.header.type !== 'file' || seen.has(name) || (name === MANIFEST_NAME && manifestBytes)) throw damaged(`unexpected entry ${name.slice(0, 80)}`)
      if (name === MANIFEST_NAME) {
        const chunks: Buffer[] = []
        let n = 0
        for await (const c of entry as AsyncIterable<Buffer>) {
          n += c.length
          if (n > MAX_MANIFEST_BYTES) throw damaged('the manifest is too large')
          chunks.push(c)
        }
        manifestBytes = Buffer.concat(chunks)
        continue
      }
      const safe = /^(tables|files)\/[A-Za-z0-9._\-/]+$/.test(name) && !name.split('/').some((s) => s === '' || s === '.' || s === '..')
      if (!safe) throw damaged(`unexpected entry ${name.slice(0, 80)}`)
      const dest = name.startsWith('files/') ? join(filesDir, name.slice('files/'.length)) : join(staging, name)
      seen.set(name, await writeEntry(entry as AsyncIterable<Buffer>, dest))
      progress({ phase: 'reading', done: read, total, detail: name })
    }
    await feeding
  } catch (err) {
    if (err instanceof AppError) throw err
    const msg = (err as Error).message ?? ''
    if (/unexpected end|incorrect header check|invalid|unexpected eof|truncated|Z_BUF_ERROR|Z_DATA_ERROR/i.test(msg) || (err as NodeJS.ErrnoException).code?.startsWith('Z_'))
      throw damaged(/end|eof|truncat|BUF/i.test(msg) ? 'it ends too early' : 'the compressed data is corrupt')
    throw damaged(msg.split('\n')[0]?.slice(0, 120) || 'unreadable')
  }

  progress({ phase: 'checking', done: 0, total: 1, detail: 'Checking the manifest and checksums' })
  if (!manifestBytes) throw damaged('the manifest is missing')
  let parsed: unknown
  try {
    parsed = JSON.parse(manifestBytes.toString('utf8'))
  } catch {
    throw damaged('the manifest is not readable')
  }
  const rough = parsed as { format?: unknown; version?: unknown }
  if (rough?.format !== 'engram-archive') throw damaged('the manifest is not an Engram manifest')
  if (typeof rough.version === 'number' && rough.version > ARCHIVE_FORMAT_VERSION) throw newerFormat(rough.version)
  const m = manifestSchema.safeParse(parsed)
  if (!m.success) throw damaged('the manifest is not readable')
  const manifest = m.data

  const expected = new Map<string, { sha256: string; bytes: number }>()
  for (const t of Object.values(manifest.tables)) for (const p of t.parts) expected.set(p.path, p)
  for (const [path, f] of Object.entries(manifest.files)) expected.set(path, f)
  for (const [path, want] of expected) {
    const got = seen.get(path)
    if (!got) throw damaged(`${path} is missing`)
    if (got.sha256 !== want.sha256 || got.bytes !== want.bytes) throw damaged(`${path} does not match its checksum`)
  }
  for (const path of seen.keys()) if (!expected.has(path)) throw damaged(`${path} is not in the manifest`)
  for (const [name, t] of Object.entries(manifest.tables))
    if (t.parts.reduce((a, p) => a + p.rows, 0) !== t.rows) throw damaged(`the row count of ${name} does not add up`)

  const ours = knownMigrations.map(([n]) => n)
  const unknown = manifest.migrations.filter((n) => !ours.includes(n))
  if (unknown.length) throw newerFormat(`${manifest.version}, with database changes this version does not know: ${unknown.slice(0, 3).join(', ')}`)
  if (manifest.migrations.some((n, i) => ours[i] !== n)) throw damaged('its list of database changes is out of order')
  return { manifest, staging }
}

function parseLine(line: string, width: number, where: string): Array<string | null> {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch {
    throw damaged(`${where} has an unreadable row`)
  }
  if (!Array.isArray(v) || v.length !== width || !v.every((x) => x === null || typeof x === 'string')) throw damaged(`${where} has a malformed row`)
  return v as Array<string | null>
}

async function load(db: Knex, manifest: Manifest, staging: string, newFilesDir: string, progress: (p: PhaseProgress) => void, signal?: AbortSignal): Promise<void> {
  const target = await describeTables(db)
  const targetByName = new Map(target.map((t) => [t.name, t]))
  for (const name of Object.keys(manifest.tables)) {
    const t = targetByName.get(name)
    if (!t) throw damaged(`table ${name} does not exist at the archive's database version`)
    for (const c of manifest.tables[name]?.columns ?? [])
      if (!t.columns.some((x) => x.name === c.name)) throw damaged(`column ${name}.${c.name} does not exist at the archive's database version`)
  }
  const superuser = (await db.raw(`select current_setting('is_superuser') = 'on' as s`)).rows[0].s as boolean
  if (!superuser)
    throw new AppError(
      'unavailable',
      'Importing an archive into a Postgres server needs a superuser role (rows that refer to rows of the same table are loaded with reference checks deferred). Connect as a superuser for the import, or import into the built-in database.'
    )
  const total = Object.values(manifest.tables).reduce((a, t) => a + t.rows, 0)
  let done = 0
  progress({ phase: 'loading', done, total, detail: 'Loading rows' })

  await db.transaction(async (trx) => {
    await trx.raw('set local session_replication_role = replica')
    // Bulk load: indexes that back no constraint are dropped and built again after the rows
    // are in. One CREATE INDEX sorts (btree), batches (GIN) or builds the graph in memory
    // (HNSW) instead of inserting row by row.
    const loaded = target.filter((t) => (manifest.tables[t.name]?.rows ?? 0) > 0).map((t) => t.name)
    const rebuild = loaded.length
      ? ((
          await trx.raw(
            `select i.relname as name, pg_get_indexdef(x.indexrelid) as def from pg_index x
               join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
              where t.relnamespace = current_schema()::regnamespace and t.relname = any(?)
                and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`,
            [loaded]
          )
        ).rows as Array<{ name: string; def: string }>)
      : []
    for (const ix of rebuild) await trx.raw(`drop index ${quoteIdent(ix.name)}`)
    for (const t of target) {
      const entry = manifest.tables[t.name]
      if (!entry || entry.rows === 0) continue
      const cols = entry.columns
      const info = new Map(t.columns.map((c) => [c.name, c]))
      const identity = cols.some((c) => info.get(c.name)?.identity)
      const casts = cols.map((c) => `cast(? as ${c.vector ? 'public.vector' : (info.get(c.name)?.type ?? c.type)})`)
      const rowSql = `(${casts.join(', ')})`
      const perBatch = Math.max(1, Math.min(1000, Math.floor(30_000 / cols.length)))
      const head = `insert into ${quoteIdent(t.name)} (${cols.map((c) => quoteIdent(c.name)).join(', ')})${identity ? ' overriding system value' : ''} values `
      let batch: Knex.Value[][] = []
      const flush = async (): Promise<void> => {
        if (!batch.length) return
        await trx.raw(head + batch.map(() => rowSql).join(', '), batch.flat())
        done += batch.length
        batch = []
        progress({ phase: 'loading', done, total, detail: t.name })
      }
      for (const part of entry.parts) {
        if (signal?.aborted) throw new AppError('cancelled', 'The import was cancelled; no profile was created.')
        const text = readFileSync(join(staging, part.path), 'utf8')
        for (const line of text.split('\n')) {
          if (!line) continue
          const values = parseLine(line, cols.length, part.path)
          batch.push(values.map((v, i) => (v !== null && cols[i]?.vector ? Buffer.from(v, 'base64') : v)))
          if (batch.length >= perBatch) await flush()
        }
      }
      await flush()
    }
    progress({ phase: 'finishing', done: 0, total: rebuild.length, detail: 'Building indexes' })
    // An HNSW graph that outgrows maintenance_work_mem is built on disk, several times slower;
    // 100k 384-dim vectors need ~180 MB. Only allocated as the build needs it.
    await trx.raw(`set local maintenance_work_mem = '512MB'`)
    for (const [i, ix] of rebuild.entries()) {
      await trx.raw(ix.def)
      progress({ phase: 'finishing', done: i + 1, total: rebuild.length, detail: `Building indexes (${ix.name})` })
    }
    // Identity columns continue after the loaded ids.
    for (const t of target)
      for (const c of t.columns.filter((x) => x.identity))
        await trx.raw(`select setval(pg_get_serial_sequence(?, ?), coalesce(max(${quoteIdent(c.name)}), 0) + 1, false) from ${quoteIdent(t.name)}`, [quoteIdent(t.name), c.name])

    // Stored document paths point into the old profile's folder.
    if (targetByName.get('documents')?.columns.some((c) => c.name === 'stored_path'))
      await trx.raw('update documents set stored_path = ? || substr(stored_path, length(?) + 1) where left(stored_path, length(?)) = ?', [newFilesDir, manifest.filesDir, manifest.filesDir, manifest.filesDir])
    if (targetByName.has('workflow_runs')) {
      const note = 'Not resumed: this profile was imported from an archive while the run was unfinished.'
      await trx.raw(`update workflow_steps set status = 'cancelled', finished_at = now() where status in ('pending', 'running')`)
      await trx.raw(`update workflow_runs set status = 'cancelled', error = ?, error_code = 'cancelled', finished_at = now() where status in ('pending', 'running')`, [note])
    }
    if (targetByName.has('workflow_schedules')) await trx.raw('update workflow_schedules set enabled = false where key = ?', [BACKUP_SCHEDULE_KEY])
  })
}

export async function importArchive(opts: ImportOptions): Promise<ImportResult> {
  const started = Date.now()
  const { registry } = opts
  const progress = (p: PhaseProgress): void => opts.onProgress?.(p)
  if (opts.name !== undefined) assertNameFree(registry, opts.name)
  removeStaleImports(registry)

  const id = randomUUID()
  const work = join(registry.dataDir, 'profiles', `.import-${process.pid}-${id}`)
  mkdirSync(work, { recursive: true })
  let engine: Engine | null = null
  let schemaMade = false
  const phases = { unpack: 0, database: 0, load: 0, finish: 0 }
  let mark = Date.now()
  const lap = (k: keyof typeof phases): void => {
    const now = Date.now()
    phases[k] = now - mark
    mark = now
  }
  try {
    const { manifest, staging } = await unpack(opts, work, progress)
    lap('unpack')
    const name = opts.name?.trim() ?? uniqueName(registry, manifest.profileName)
    if (opts.name !== undefined) assertNameFree(registry, name)

    if (opts.engine.databaseUrl) {
      const schema = schemaForProfile(id)
      engine = await openPostgresEngine({ url: opts.engine.databaseUrl, schema, poolMax: opts.engine.poolMax })
      schemaMade = true
    } else {
      await preparePgliteDataDir(join(work, 'pgdata'), join(registry.dataDir, 'templates'))
      engine = await openPgliteEngine({ dataDir: join(work, 'pgdata'), runDir: join(work, 'run') })
    }
    const db = engine.knex
    await migrateLatest(db, engine.schema)
    // Step back to the archive's database version; the newer migrations run on its data after the load.
    while ((await appliedMigrations(db)).length > manifest.migrations.length) await migrateDown(db, engine.schema)
    lap('database')
    await load(db, manifest, staging, join(registry.profileDir(id), 'files'), progress, opts.signal)
    lap('load')
    progress({ phase: 'finishing', done: 0, total: 1, detail: 'Updating the database and indexes' })
    await migrateLatest(db, engine.schema)

    const rows: Record<string, number> = {}
    for (const [table, t] of Object.entries(manifest.tables)) {
      const n = Number((await db.raw(`select count(*)::bigint as n from ${quoteIdent(table)}`)).rows[0].n)
      if (n !== t.rows) throw damaged(`${table} has ${n} rows after loading, the archive says ${t.rows}`)
      rows[table] = n
    }
    for (const table of Object.keys(manifest.tables)) await cleanGinPending(db, table)
    await db.raw('analyze')
    await engine.close()
    engine = null

    rmSync(staging, { recursive: true, force: true })
    rmSync(join(work, 'run'), { recursive: true, force: true })
    if (opts.signal?.aborted) throw new AppError('cancelled', 'The import was cancelled; no profile was created.')
    renameSync(work, registry.profileDir(id))
    const record: ProfileRecord = { id, name, createdAt: new Date().toISOString(), passphrase: null }
    registry.update((d) => {
      if (d.profiles.some((p) => p.name.toLocaleLowerCase() === name.toLocaleLowerCase()))
        throw new AppError('conflict', `A profile named "${name}" was created meanwhile. Import again with another name.`)
      d.profiles.push(record)
    })
    progress({ phase: 'finishing', done: 1, total: 1, detail: 'Done' })
    lap('finish')
    return {
      profile: { id, name, createdAt: record.createdAt, hasPassphrase: false, locked: false, active: false },
      rows,
      files: Object.keys(manifest.files).length,
      tookMs: Date.now() - started,
      phases
    }
  } catch (err) {
    if (schemaMade && opts.engine.databaseUrl) {
      const schema = schemaForProfile(id)
      const e = engine ?? (await openPostgresEngine({ url: opts.engine.databaseUrl, schema, poolMax: opts.engine.poolMax }).catch(() => null))
      await e?.knex.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).catch(() => undefined)
      await e?.close().catch(() => undefined)
    } else if (engine) await engine.close().catch(() => undefined)
    rmSync(work, { recursive: true, force: true })
    // Renamed into place but not registered (the name was taken meanwhile).
    if (!registry.read().profiles.some((p) => p.id === id)) rmSync(registry.profileDir(id), { recursive: true, force: true })
    throw err
  }
}
