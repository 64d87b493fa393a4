/**
 * A loopback stand-in for a remote LLM: a node:http server on 127.0.0.1 speaking the
 * OpenAI chat-completions protocol (the only fake the tests allow besides Electron).
 * Each request takes the next scripted reply from a queue (or the default reply when
 * the queue is empty), and every request is recorded so a test can check what was sent.
 *
 *   const llm = await startLlmServer()
 *   llm.script(reply.text('Hello there'), reply.error(500), reply.rateLimited(1))
 *   ... llm.requests[0].body.messages ...
 *   await llm.close()
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { performance } from 'node:perf_hooks'

export interface RecordedRequest {
  method: string
  /** The path without the query, e.g. /v1/chat/completions. */
  path: string
  headers: IncomingHttpHeaders
  /** The parsed JSON body (null for GET or a body that is not JSON). */
  body: ChatRequestBody | null
  /** The raw body text. */
  raw: string
  /** Date.now() when the request arrived. */
  at: number
  /** performance.now() when the request arrived (same clock as the code under test in this process). */
  atMs: number
  /** The bearer token sent, if any. */
  apiKey: string | null
}

export interface ChatRequestBody {
  model?: string
  messages?: Array<{ role: string; content: string }>
  stream?: boolean
  stream_options?: { include_usage?: boolean }
  temperature?: number
  max_tokens?: number
  max_completion_tokens?: number
  response_format?: { type: string }
  [k: string]: unknown
}

export type LlmReply =
  /** A normal answer. Streamed as `chunks` (default: the text split into words). */
  | {
      kind: 'text'
      text: string
      chunks?: string[]
      /** Delay before the first token (stream: after the headers; non-stream: before the response). */
      firstTokenDelayMs?: number
      /** Delay between stream chunks. */
      chunkDelayMs?: number
      /** Usage to report; false reports none even when asked (the client must count itself). */
      usage?: { prompt_tokens: number; completion_tokens: number } | false
      model?: string
    }
  /** An HTTP error with OpenAI's error body. */
  | { kind: 'error'; status: number; message?: string; type?: string; code?: string | null; retryAfterSeconds?: number; retryAfterMs?: number }
  /** A stream that starts and then dies: the socket is destroyed after `afterChunks` content chunks. */
  | { kind: 'cut'; text: string; afterChunks: number; chunks?: string[] }

export type Responder = LlmReply | ((req: RecordedRequest) => LlmReply | Promise<LlmReply>)

/** Builders for the common replies. */
export const reply = {
  text: (text: string, extra: Omit<Extract<LlmReply, { kind: 'text' }>, 'kind' | 'text'> = {}): LlmReply => ({ kind: 'text', text, ...extra }),
  /** Text that arrives only after `delayMs` (for abort and first-token timing). */
  slow: (text: string, delayMs: number): LlmReply => ({ kind: 'text', text, firstTokenDelayMs: delayMs }),
  error: (status: number, message = `Upstream failure ${status}`): LlmReply => ({ kind: 'error', status, message, type: status >= 500 ? 'server_error' : 'invalid_request_error' }),
  rateLimited: (retryAfterSeconds = 1): LlmReply => ({
    kind: 'error',
    status: 429,
    message: 'Rate limit reached for requests. Please try again later.',
    type: 'requests',
    code: 'rate_limit_exceeded',
    retryAfterSeconds
  }),
  cut: (text: string, afterChunks: number): LlmReply => ({ kind: 'cut', text, afterChunks }),
  /** Any JSON value as the assistant's text (for extraction). */
  json: (value: unknown): LlmReply => ({ kind: 'text', text: JSON.stringify(value) })
}

export interface LlmServer {
  /** e.g. http://127.0.0.1:41234/v1 */
  readonly baseUrl: string
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[]
  /** Only the chat-completion requests. */
  chatRequests(): RecordedRequest[]
  /** Queue replies for the next chat-completion requests, in order. */
  script(...replies: Responder[]): void
  /** The reply when the queue is empty (default: text "OK"). */
  setDefault(r: Responder): void
  /** Replies still queued. */
  pending(): number
  /** Require this bearer token (null: accept any). A wrong one gets OpenAI's 401 body. */
  requireApiKey(key: string | null): void
  /** The model ids GET /v1/models lists. */
  setModels(ids: string[]): void
  close(): Promise<void>
}

const words = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? [text]

function roughTokens(body: ChatRequestBody | null): number {
  const text = (body?.messages ?? []).map((m) => m.content).join(' ')
  return Math.max(1, Math.ceil(text.length / 4))
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export async function startLlmServer(opts: { models?: string[]; apiKey?: string | null } = {}): Promise<LlmServer> {
  const requests: RecordedRequest[] = []
  const queue: Responder[] = []
  let fallback: Responder = reply.text('OK')
  let requiredKey: string | null = opts.apiKey ?? null
  let models = opts.models ?? ['test-model', 'test-model-large']
  const sockets = new Set<Socket>()
  let seq = 0

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text).toString(), ...headers })
    res.end(text)
  }

  const server = createServer((req, res) => {
    const atMs = performance.now()
    const at = Date.now()
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (raw += c))
    req.on('end', () => {
      void (async () => {
        let body: ChatRequestBody | null = null
        try {
          body = raw ? (JSON.parse(raw) as ChatRequestBody) : null
        } catch {
          body = null
        }
        const auth = req.headers.authorization ?? ''
        const apiKey = auth.startsWith('Bearer ') ? auth.slice(7) : null
        const path = (req.url ?? '/').split('?')[0] ?? '/'
        const rec: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, raw, at, atMs, apiKey }
        requests.push(rec)

        if (requiredKey !== null && apiKey !== requiredKey) {
          sendJson(res, 401, {
            error: {
              message: `Incorrect API key provided: ${(apiKey ?? '').slice(0, 3)}***. You can find your API key at https://platform.openai.com/account/api-keys.`,
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key'
            }
          })
          return
        }
        if (req.method === 'GET' && path === '/v1/models') {
          sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'engram-test' })) })
          return
        }
        if (req.method !== 'POST' || path !== '/v1/chat/completions') {
          sendJson(res, 404, { error: { message: `Unknown path ${path}`, type: 'invalid_request_error', param: null, code: null } })
          return
        }
        if (!body || !Array.isArray(body.messages)) {
          sendJson(res, 400, { error: { message: 'messages is required', type: 'invalid_request_error', param: 'messages', code: null } })
          return
        }
        const next = queue.shift() ?? fallback
        const r = typeof next === 'function' ? await next(rec) : next
        await respond(res, rec, r)
      })().catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error', param: null, code: null } })
        else res.destroy()
      })
    })
  })

  async function respond(res: ServerResponse, rec: RecordedRequest, r: LlmReply): Promise<void> {
    const body = rec.body as ChatRequestBody
    const model = (r.kind === 'text' && r.model) || body.model || 'test-model'
    const id = `chatcmpl-test-${++seq}`
    const created = Math.floor(Date.now() / 1000)
    let closed = false
    res.on('close', () => (closed = true))

    if (r.kind === 'error') {
      const headers: Record<string, string> = {}
      if (r.retryAfterSeconds !== undefined) headers['retry-after'] = String(r.retryAfterSeconds)
      if (r.retryAfterMs !== undefined) headers['retry-after-ms'] = String(r.retryAfterMs)
      sendJson(res, r.status, { error: { message: r.message ?? `Error ${r.status}`, type: r.type ?? 'server_error', param: null, code: r.code ?? null } }, headers)
      return
    }

    const chunks = r.chunks ?? words(r.text)
    const usage =
      r.kind === 'text' && r.usage === false ? null : r.kind === 'text' && r.usage ? r.usage : { prompt_tokens: roughTokens(body), completion_tokens: chunks.length }

    if (!body.stream) {
      if (r.kind === 'cut') {
        res.destroy()
        return
      }
      if (r.firstTokenDelayMs) await sleep(r.firstTokenDelayMs)
      if (closed) return
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: r.text }, finish_reason: 'stop', logprobs: null }],
        ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {})
      })
      return
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    res.flushHeaders()
    const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`
    if (r.kind === 'text' && r.firstTokenDelayMs) await sleep(r.firstTokenDelayMs)
    if (closed) return
    res.write(chunk({ role: 'assistant', content: '' }, null))
    for (let i = 0; i < chunks.length; i++) {
      if (closed) return
      if (r.kind === 'cut' && i >= r.afterChunks) {
        // Let the written chunks leave before the connection dies mid-stream.
        await sleep(20)
        res.socket?.destroy()
        return
      }
      res.write(chunk({ content: chunks[i] }, null))
      if (r.kind === 'text' && r.chunkDelayMs) await sleep(r.chunkDelayMs)
    }
    if (closed) return
    res.write(chunk({}, 'stop'))
    if (usage && body.stream_options?.include_usage)
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })}\n\n`)
    res.end('data: [DONE]\n\n')
  }

  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.path === '/v1/chat/completions'),
    script: (...replies) => void queue.push(...replies),
    setDefault: (r) => void (fallback = r),
    pending: () => queue.length,
    requireApiKey: (key) => void (requiredKey = key),
    setModels: (ids) => void (models = [...ids]),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
