// @ts-check
/**
 * The embedded Postgres thread. PGlite (Postgres compiled to WASM) blocks the thread it
 * runs on for the length of every query, so it lives here, never on the main thread.
 * It serves the Postgres wire protocol on a Unix socket, and the main thread talks to it
 * with Knex's ordinary `pg` client: the same client and SQL as an external server.
 *
 * Plain JavaScript on purpose: the same file runs under Node (CLI, tests, browser
 * bridge) and inside the built Electron app, with no transpile step in between.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { mkdirSync, rmSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

/** @type {{ dataDir: string, socketPath: string }} */
const { dataDir, socketPath } = workerData
if (!parentPort) throw new Error('pglite.worker must run as a worker thread')
const port = parentPort

/** @type {PGlite | undefined} */
let db
/** @type {PGLiteSocketServer | undefined} */
let server

async function start() {
  mkdirSync(dataDir, { recursive: true })
  rmSync(socketPath, { force: true })
  db = await PGlite.create({
    dataDir,
    extensions: { vector, pg_trgm },
    // Measured: the default shared_buffers costs ~160 MB RSS per instance, and WAL was
    // half of a 100k-row data directory. Keep both small.
    postgresqlconf: [
      "shared_buffers = '16MB'",
      "max_wal_size = '64MB'",
      "min_wal_size = '32MB'",
      "wal_buffers = '1MB'"
    ]
  })
  server = new PGLiteSocketServer({ db, path: socketPath })
  await server.start()
  const version = await db.query('select version() as v')
  port.postMessage({ type: 'ready', version: /** @type {any} */ (version.rows[0]).v })
}

async function stop() {
  try {
    await server?.stop()
  } finally {
    if (db && !db.closed) await db.close()
    rmSync(socketPath, { force: true })
  }
}

port.on('message', async (msg) => {
  if (msg?.type === 'stop') {
    try {
      await stop()
      port.postMessage({ type: 'stopped' })
    } catch (err) {
      port.postMessage({ type: 'stopped', error: String(err) })
    }
  }
})

start().catch((err) => {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err), stack: err?.stack })
})
