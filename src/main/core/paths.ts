/**
 * Where Engram's files are. Worker threads are plain `.mjs` files under
 * `src/main/workers`, found from the package root, so that the same files serve the CLI,
 * the tests, the browser bridge and the built Electron app (which sets the root itself).
 */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let appRootOverride: string | null = null

/** Electron's composition root calls this with `app.getAppPath()`. */
export function setAppRoot(root: string): void {
  appRootOverride = root
}

function findPackageRoot(from: string): string {
  let dir = from
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'engram') return dir
      } catch {
        // keep looking
      }
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`Could not find the engram package root above ${from}`)
    dir = parent
  }
}

export function appRoot(): string {
  return appRootOverride ?? findPackageRoot(dirname(fileURLToPath(import.meta.url)))
}

export function resolveWorker(file: string): string {
  return join(appRoot(), 'src', 'main', 'workers', file)
}

/**
 * A worker that electron-vite bundles into out/main (TypeScript workers, which need tsx when
 * run from source): its path when this code runs from that build, else null (running from
 * source: use the source worker). The build is recognised by this module itself being
 * JavaScript under out/main, so `npm run build` output lying around does not change what the
 * CLI and the tests run.
 */
export function builtWorker(file: string): string | null {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.ts')) return null
  const candidates = [join(dirname(here), file), join(dirname(here), '..', file), join(appRoot(), 'out', 'main', file)]
  return candidates.find((c) => existsSync(c)) ?? null
}

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version
}

/** Where profiles live unless told otherwise: the same folder as Electron's userData for "Engram". */
export function defaultDataDir(): string {
  const env = process.env['ENGRAM_DATA_DIR']
  if (env) return env
  const home = homedir()
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Engram')
  if (process.platform === 'win32') return join(process.env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Engram')
  return join(process.env['XDG_CONFIG_HOME'] ?? join(home, '.config'), 'Engram')
}

/**
 * Node flags for worker threads: the parent's, less those that only make sense for a
 * main script (`--input-type` from `node -e`, `--eval`), which make a worker fail to start.
 */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((a) => !/^--(input-type|eval|print)\b/.test(a))
}
