/**
 * The database engine seam. Both engines hand back a Knex instance on the standard `pg`
 * client, so the migrations and every query are the same SQL whichever runs beneath:
 *
 * - `pglite` (default): PGlite in its own worker thread, serving the Postgres wire protocol
 *   on a Unix socket in the profile's folder. No query ever runs on the calling thread.
 * - `postgres`: an external server from a `postgres://` URL; each profile is a schema.
 */
import { Worker } from 'node:worker_threads'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import knexFactory, { type Knex } from 'knex'
import { AppError } from '../../shared/errors'
import { resolveWorker, workerExecArgv } from '../core/paths'

export interface Engine {
  readonly kind: 'pglite' | 'postgres'
  readonly knex: Knex
  /** The schema holding this profile's tables. */
  readonly schema: string
  /** Where the data lives: a directory, or the server URL without its password. */
  readonly location: string
  close(): Promise<void>
}

const UNIX_PATH_MAX = 100
const START_TIMEOUT_MS = 120_000


/** Open a PGlite data directory in a worker thread and connect Knex to it over a Unix socket. */
export async function openPgliteEngine(opts: { dataDir: string; runDir: string }): Promise<Engine> {
  mkdirSync(opts.runDir, { recursive: true })
  let socketDir = opts.runDir
  let tempSocketDir: string | null = null
  if (join(socketDir, '.s.PGSQL.5432').length > UNIX_PATH_MAX) {
    tempSocketDir = mkdtempSync(join(tmpdir(), 'engram-'))
    socketDir = tempSocketDir
  }
  const socketPath = join(socketDir, '.s.PGSQL.5432')
  const worker = new Worker(resolveWorker('pglite.worker.mjs'), {
    workerData: { dataDir: opts.dataDir, socketPath },
    execArgv: workerExecArgv(),
    // The WASM heap lives outside these limits; this only bounds the worker's JS heap.
    resourceLimits: { maxOldGenerationSizeMb: 512 }
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the database did not start within 2 minutes')), START_TIMEOUT_MS)
      worker.once('message', (msg: { type: string; message?: string }) => {
        clearTimeout(timer)
        if (msg.type === 'ready') resolve()
        else reject(new Error(msg.message ?? 'the database worker failed'))
      })
      worker.once('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
      worker.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`the database worker exited with code ${code}`))
      })
    })
  } catch (err) {
    await worker.terminate()
    if (tempSocketDir) rmSync(tempSocketDir, { recursive: true, force: true })
    throw new AppError('unavailable', `The database could not start: ${(err as Error).message}`)
  }
  worker.removeAllListeners('exit')
  worker.removeAllListeners('error')
  worker.on('error', (err) => console.error('[engram] database worker error', err))

  const knex = knexFactory({
    client: 'pg',
    connection: { host: socketDir, port: 5432, user: 'postgres', database: 'postgres' },
    // PGlite has a single connection: queries serialize. Inside a transaction use `trx`.
    pool: { min: 1, max: 1 },
    acquireConnectionTimeout: 120_000
  })

  let closed = false
  return {
    kind: 'pglite',
    knex,
    schema: 'public',
    location: opts.dataDir,
    async close() {
      if (closed) return
      closed = true
      await knex.destroy()
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 15_000)
        worker.on('message', (msg: { type: string }) => {
          if (msg.type === 'stopped') {
            clearTimeout(timer)
            resolve()
          }
        })
        worker.postMessage({ type: 'stop' })
      })
      await worker.terminate()
      if (tempSocketDir) rmSync(tempSocketDir, { recursive: true, force: true })
    }
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://(unparseable url)'
  }
}

/** Connect to an external Postgres (with pgvector) and use `schema` for this profile. */
export async function openPostgresEngine(opts: { url: string; schema: string; poolMax?: number | undefined }): Promise<Engine> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(opts.schema)) throw new AppError('validation', `Bad schema name ${opts.schema}`)
  const knex = knexFactory({
    client: 'pg',
    connection: opts.url,
    searchPath: [opts.schema, 'public'],
    pool: { min: 0, max: opts.poolMax ?? 4 }
  })
  // A server at its connection limit (or still tearing down our previous session) drops
  // new connections at once: retry those briefly. A refused or unknown host fails fast.
  for (let attempt = 1; ; attempt++) {
    try {
      await knex.raw(`create schema if not exists "${opts.schema}"`)
      break
    } catch (err) {
      const message = (err as Error).message
      if (attempt < 15 && /terminated unexpectedly|ECONNRESET/.test(message)) {
        await new Promise((r) => setTimeout(r, 100 * attempt))
        continue
      }
      await knex.destroy()
      throw new AppError('unavailable', `Could not reach the Postgres server at ${redactUrl(opts.url)}: ${message}`)
    }
  }
  return {
    kind: 'postgres',
    knex,
    schema: opts.schema,
    location: redactUrl(opts.url),
    async close() {
      await knex.destroy()
    }
  }
}
