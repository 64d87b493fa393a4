/**
 * The browser-bridge entry: Engram without Electron. It builds the same core as the app,
 * opens the active profile, serves the built renderer on 127.0.0.1 with a random token,
 * and prints one line with the URL to open. `npm start` runs it where no Electron runtime
 * exists; SIGINT/SIGTERM close the database and release the profile's lock.
 *
 *   node --import tsx src/server/main.ts [--port N] [--data-dir DIR]
 *   env: ENGRAM_DATA_DIR, ENGRAM_DATABASE_URL
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createAppCore, type AppCore } from '../main/core/app-core'
import { appRoot, defaultDataDir } from '../main/core/paths'
import { AppError } from '../shared/errors'
import { startBridge, type BridgeServer } from './bridge'

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 15_000

interface ServerArgs {
  port: number
  dataDir: string
  databaseUrl: string | undefined
}

function parseServerArgs(argv: string[], env: NodeJS.ProcessEnv): ServerArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' }
    },
    strict: true,
    allowPositionals: false
  })
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppError('validation', `--port must be a port number, not "${values.port}".`)
  return {
    port,
    dataDir: values['data-dir'] ?? (env['ENGRAM_DATA_DIR'] || defaultDataDir()),
    databaseUrl: values['database-url'] ?? (env['ENGRAM_DATABASE_URL'] || undefined)
  }
}

async function main(): Promise<void> {
  const args = parseServerArgs(process.argv.slice(2), process.env)
  const core: AppCore = createAppCore({ dataDir: args.dataDir, databaseUrl: args.databaseUrl, role: 'bridge', mode: 'browser' })
  let bridge: BridgeServer | null = null
  let stopping = false

  const stop = async (code: number): Promise<void> => {
    if (stopping) return
    stopping = true
    const force = setTimeout(() => {
      process.stderr.write('Engram: shutting down took too long; exiting anyway.\n')
      process.exit(code || 1)
    }, SHUTDOWN_TIMEOUT_MS)
    force.unref()
    try {
      await bridge?.close()
    } finally {
      await core.close()
    }
    clearTimeout(force)
    process.exit(code)
  }
  // A terminal's Ctrl+C reaches both `npm start` and this process, and `npm start` forwards
  // it too: later signals are ignored while the first one closes the database.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      stop(0).catch((err: unknown) => {
        console.error('Engram: closing failed', err)
        process.exit(1)
      })
    })
  }

  // Started by `npm start` with an IPC channel: when that parent dies, even by SIGKILL, the
  // channel closes, and the server must not linger holding the profile's lock.
  if (process.connected) {
    process.once('disconnect', () => {
      stop(0).catch(() => process.exit(1))
    })
  }

  try {
    await core.profiles.openActive()
  } catch (err) {
    // A busy or broken profile does not stop the server: the page explains it and offers the others.
    const message = err instanceof AppError ? err.message : String(err)
    process.stderr.write(`Engram: the active profile did not open: ${message}\n`)
  }
  if (stopping) return

  bridge = await startBridge({ core, rendererDir: join(appRoot(), 'out', 'renderer'), port: args.port })
  process.stdout.write(`Engram is running at ${bridge.url}\n`)
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`Engram could not start: ${message}\n`)
  process.exit(1)
})
