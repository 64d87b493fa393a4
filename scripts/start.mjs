/**
 * `npm start`: run Engram. Where an Electron runtime exists this is the desktop app
 * (`electron-vite preview`). Where none does (no Electron binary can be downloaded on some
 * machines), it serves the same interface to the browser over the loopback bridge: it says
 * so in one line, builds the renderer if it is missing or stale, and runs
 * `src/server/main.ts`, which prints the URL to open. Signals and the exit code pass through.
 *
 * Set ENGRAM_BROWSER=1 to choose the browser even where Electron exists.
 *
 * It never `require`s the `electron` package to find the binary: where the binary is
 * missing, that require tries to download it.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { constants } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

/**
 * The Electron executable, if it is installed, else null. Same lookup as the `electron`
 * package's index.js (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH), minus its download.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | null}
 */
export function findElectronBinary(env = process.env) {
  let pkgDir
  try {
    pkgDir = dirname(require.resolve('electron/package.json', { paths: [ROOT] }))
  } catch {
    return null
  }
  const pathFile = join(pkgDir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
  const override = env['ELECTRON_OVERRIDE_DIST_PATH']
  const candidate = override ? join(override, relative || 'electron') : relative ? join(pkgDir, 'dist', relative) : null
  return candidate && existsSync(candidate) ? candidate : null
}

/**
 * The newest modification time of any file under `dir` (0 if it does not exist).
 * @param {string} dir
 * @returns {number}
 */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path))
    else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/**
 * True when `out/renderer/index.html` is missing or older than a source the renderer bundles
 * (src/renderer and src/shared).
 * @param {string} [root]
 * @returns {boolean}
 */
export function rendererIsStale(root = ROOT) {
  const built = join(root, 'out', 'renderer', 'index.html')
  if (!existsSync(built)) return true
  const builtAt = statSync(built).mtimeMs
  return ['src/renderer', 'src/shared'].some((dir) => newestMtime(join(root, dir)) > builtAt)
}

/**
 * Run a child with inherited output, forwarding termination signals to it. Resolves with
 * the exit code (128 + signal number when it was killed by a signal).
 * @param {string[]} args arguments to this Node binary
 * @param {{ quiet?: boolean, ipc?: boolean }} [opts] quiet: keep the child's output unless it
 *   fails; ipc: open an IPC channel, whose disconnect tells the child that we are gone (even
 *   after a SIGKILL, which cannot be forwarded)
 * @returns {Promise<number>}
 */
function run(args, opts = {}) {
  return new Promise((resolveRun, reject) => {
    /** @type {import('node:child_process').StdioOptions} */
    const stdio = opts.quiet ? ['ignore', 'pipe', 'pipe'] : opts.ipc ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit'
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio, env: process.env })
    /** @type {Buffer[]} */
    const captured = []
    child.stdout?.on('data', (b) => captured.push(b))
    child.stderr?.on('data', (b) => captured.push(b))
    /** @type {NodeJS.Signals[]} */
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP']
    /** @param {NodeJS.Signals} signal */
    const forward = (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    }
    for (const s of signals) process.on(s, forward)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, forward)
      const status = code ?? (signal ? 128 + (constants.signals[signal] ?? 1) : 1)
      if (opts.quiet && status !== 0) process.stderr.write(Buffer.concat(captured))
      resolveRun(status)
    })
  })
}

/** The electron-vite CLI script (its package exports do not expose the bin path). */
function electronViteBin() {
  const pkg = require.resolve('electron-vite/package.json', { paths: [ROOT] })
  return join(dirname(pkg), 'bin', 'electron-vite.js')
}

/** @returns {Promise<number>} */
async function startElectron() {
  return run([electronViteBin(), 'preview', ...process.argv.slice(2)])
}

/** @returns {Promise<number>} */
async function startBrowser() {
  if (rendererIsStale()) {
    process.stderr.write('Engram: building the interface first (this takes a moment)...\n')
    const built = await run([electronViteBin(), 'build'], { quiet: true })
    if (built !== 0) {
      process.stderr.write('Engram: building the interface failed (the output is above).\n')
      return built
    }
  }
  return run(['--import', 'tsx', join(ROOT, 'src', 'server', 'main.ts'), ...process.argv.slice(2)], { ipc: true })
}

async function main() {
  const forced = process.env['ENGRAM_BROWSER'] === '1'
  const electron = forced ? null : findElectronBinary()
  if (electron) return startElectron()
  process.stdout.write(
    forced
      ? 'Engram: ENGRAM_BROWSER=1, so it opens in your browser instead of its own window.\n'
      : 'Engram: no Electron runtime on this machine, so it opens in your browser instead.\n'
  )
  return startBrowser()
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`Engram could not start: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    }
  )
}
