/**
 * `npm start` where no Electron runtime exists (as on this machine): it must say so in one
 * line, serve the real renderer over the loopback bridge with a token, answer the contract
 * over the WebSocket, and on SIGTERM close the database and release the profile's lock, so
 * that the next start opens the same data directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { tempDir, testCore } from '../helpers/core'

const ROOT = resolve(__dirname, '../..')
// scripts/ is outside tsconfig.node.json's file list, so load it by URL.
const { findElectronBinary } = (await import(pathToFileURL(join(ROOT, 'scripts', 'start.mjs')).href)) as {
  findElectronBinary(): string | null
}
const URL_LINE = /^Engram is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m
/** start.mjs may rebuild the renderer first when its sources changed: allow for it. */
const START_TIMEOUT_MS = 240_000

interface Started {
  child: ChildProcess
  url: string
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

function startEngram(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: { ...process.env, ENGRAM_DATA_DIR: dataDir, ENGRAM_DATABASE_URL: '', ENGRAM_BROWSER: '' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`no URL line within ${START_TIMEOUT_MS} ms.\nstdout:\n${out}\nstderr:\n${err}`))
    }, START_TIMEOUT_MS)
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
      const m = URL_LINE.exec(out)
      if (m) {
        clearTimeout(timer)
        resolveStart({ child, url: m[1]!, stdout: () => out, stderr: () => err, exited })
      }
    })
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString()
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`start.mjs exited (${code}) before printing its URL.\nstdout:\n${out}\nstderr:\n${err}`))
    })
  })
}

/** Call one contract channel over the bridge's WebSocket. */
function invokeOverSocket(pageUrl: string, channel: string, input: unknown): Promise<unknown> {
  const u = new URL(pageUrl)
  const ws = new WebSocket(`ws://${u.host}/bridge?token=${u.searchParams.get('token')}`, { origin: u.origin })
  return new Promise((resolveCall, reject) => {
    ws.on('error', reject)
    ws.on('open', () => ws.send(JSON.stringify({ t: 'invoke', id: 1, channel, input })))
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { t: string; id?: number; result?: unknown }
      if (frame.t === 'result' && frame.id === 1) {
        ws.close()
        resolveCall(frame.result)
      }
    })
  })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('npm start without an Electron runtime', () => {
  const dataDir = tempDir('engram-start-')
  let lockPath = ''
  const running: ChildProcess[] = []

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
      const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
        cwd: ROOT,
        encoding: 'utf8'
      })
      if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`)
    }
    // A profile with no passphrase, so that the server opens (and locks) it at start.
    const core = testCore({ dataDir })
    const profile = await core.call('profiles:create', { name: 'Start test' })
    await core.dispose()
    lockPath = join(dataDir, 'profiles', profile.id, 'engram.lock')
    expect(existsSync(lockPath)).toBe(false)
  })

  afterAll(() => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  // Where an Electron binary exists, npm start opens the desktop app instead: nothing to test here.
  it.skipIf(findElectronBinary() !== null)('says why in one line, serves the renderer with a token, and releases the profile on SIGTERM', async () => {
    const first = await startEngram(dataDir)
    running.push(first.child)

    const lines = first.stdout().split('\n').filter(Boolean)
    expect(lines[0]).toBe('Engram: no Electron runtime on this machine, so it opens in your browser instead.')
    expect(lines[1]).toMatch(URL_LINE)
    expect(lines).toHaveLength(2)

    const page = await fetch(first.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(await page.text()).toContain('<div id="root">')

    const noToken = await fetch(new URL('/', first.url))
    expect(noToken.status).toBe(403)
    const wrongToken = await fetch(new URL('/?token=not-the-token', first.url))
    expect(wrongToken.status).toBe(403)

    const info = (await invokeOverSocket(first.url, 'app:info', {})) as { ok: boolean; value: { mode: string } }
    expect(info).toMatchObject({ ok: true, value: { mode: 'browser' } })

    // The server holds the active profile's lock while it runs.
    expect(existsSync(lockPath)).toBe(true)
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number; role: string }
    expect(owner.role).toBe('bridge')
    expect(isAlive(owner.pid)).toBe(true)

    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(isAlive(owner.pid)).toBe(false)
    expect(existsSync(lockPath)).toBe(false)

    // The same data directory opens again. Ctrl+C in a terminal signals both processes at once.
    const second = await startEngram(dataDir)
    running.push(second.child)
    expect(second.stderr()).not.toContain('did not open')
    const again = (await invokeOverSocket(second.url, 'profiles:list', {})) as { ok: boolean; value: { profiles: unknown[] } }
    expect(again.ok).toBe(true)
    expect(again.value.profiles).toHaveLength(1)
    const secondServer = (JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number }).pid
    second.child.kill('SIGINT')
    process.kill(secondServer, 'SIGINT')
    expect(await second.exited).toBe(0)
    expect(isAlive(secondServer)).toBe(false)
    expect(existsSync(lockPath)).toBe(false)
  })

  it.skipIf(findElectronBinary() !== null)('does not leave the server running when npm start itself is killed', async () => {
    const started = await startEngram(dataDir)
    running.push(started.child)
    const server = (JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number }).pid
    expect(server).not.toBe(started.child.pid)
    started.child.kill('SIGKILL')
    await started.exited
    const deadline = Date.now() + 30_000
    while (isAlive(server) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(isAlive(server)).toBe(false)
    expect(existsSync(lockPath)).toBe(false)
  })
})
