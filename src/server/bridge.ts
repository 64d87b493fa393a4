/**
 * The loopback browser bridge: serves the built renderer and a WebSocket that speaks the
 * IPC contract to the real core. It is what `npm start` opens where no Electron runtime
 * exists, and what the end-to-end tests drive with Chromium.
 *
 * Bound to 127.0.0.1 only. Every request needs the random token from the printed URL
 * (the page load sets it as an HttpOnly cookie for the assets that follow), and the
 * socket also checks that the Origin is this server.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { BRIDGE_PATH, type InvokeFrame, type ServerFrame } from '../shared/bridge-protocol'
import { CSP } from '../shared/csp'
import type { AppCore } from '../main/core/app-core'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm'
}

const MAX_FRAME_BYTES = 64 * 1024 * 1024

export interface BridgeServer {
  readonly url: string
  readonly port: number
  readonly token: string
  close(): Promise<void>
}

function tokenFrom(req: IncomingMessage, url: URL): string | null {
  const q = url.searchParams.get('token')
  if (q) return q
  const cookie = req.headers.cookie?.split(';').map((c) => c.trim()).find((c) => c.startsWith('engram_token='))
  return cookie ? decodeURIComponent(cookie.slice('engram_token='.length)) : null
}

function sameToken(a: string | null, b: string): boolean {
  if (!a) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}



export async function startBridge(opts: {
  core: AppCore
  /** The built renderer (electron-vite's `out/renderer`). */
  rendererDir: string
  port?: number
  token?: string
}): Promise<BridgeServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const root = resolve(opts.rendererDir)

  function serveFile(res: ServerResponse, pathname: string): void {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '')
    const file = normalize(join(root, rel))
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
      return
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store'
    })
    createReadStream(file).pipe(res)
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end()
      return
    }
    if (!sameToken(tokenFrom(req, url), token)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Engram: open the link with its token, as printed by `npm start`.')
      return
    }
    if (url.searchParams.has('token')) {
      res.setHeader('set-cookie', `engram_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`)
    }
    serveFile(res, url.pathname)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  const sockets = new Set<WebSocket>()

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const origin = req.headers.origin
    const port = (server.address() as { port: number }).port
    const originOk = origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
    if (url.pathname !== BRIDGE_PATH || !sameToken(tokenFrom(req, url), token) || !originOk) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  const unsubscribe = opts.core.bus.onAny((event, payload) => {
    const frame = JSON.stringify({ t: 'event', event, payload } satisfies ServerFrame)
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame)
  })

  wss.on('connection', (ws) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    ws.on('message', async (data) => {
      let frame: InvokeFrame
      try {
        frame = JSON.parse(data.toString()) as InvokeFrame
      } catch {
        return // not JSON: nothing to answer to
      }
      if (!frame || frame.t !== 'invoke' || typeof frame.id !== 'number') return
      const result = await opts.core.router.dispatch(frame.channel, frame.input)
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'result', id: frame.id, result } satisfies ServerFrame))
    })
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolveListen())
  })
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe()
      for (const ws of sockets) ws.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      await new Promise<void>((r) => server.close(() => r()))
    }
  }
}
