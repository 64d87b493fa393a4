/**
 * The LLM provider layer: one OpenAI-compatible endpoint per profile (Ollama, LM Studio,
 * llama.cpp, OpenAI, …) reached with the official `openai` SDK, which brings streaming,
 * AbortSignal, timeouts and retries with backoff for 429/5xx. Around it: settings
 * resolution (session → profile → none, i.e. recall mode), the API key decrypted only in
 * memory, errors turned into AppError codes with words a person can act on, local token
 * counts when the endpoint reports no usage, and one `traces` row per call.
 */
import { performance } from 'node:perf_hooks'
import type { Knex } from 'knex'
import OpenAI, { APIError, APIUserAbortError } from 'openai'
import { countTokens as bpeCount } from 'gpt-tokenizer'
import { AppError, fail, ok, type Result, type TransferableError } from '../../../shared/errors'
import type { LlmStatus, LlmTestResult } from '../../../shared/chat'
import type { Logger } from '../../ipc/router'
import type { SettingsService } from '../settings/settings.service'
import type { SecretsStore } from './secrets'
import type { Completion, CompleteOptions, LlmMessage, LlmService } from './llm.types'
import { tracesRepository } from './traces.repository'

/** `apiKeyOrigin`: the server the stored key belongs to (not secret); the key goes to no other. */
export const LLM_KEYS = { baseUrl: 'llm.base_url', model: 'llm.model', temperature: 'llm.temperature', apiKeyOrigin: 'llm.api_key_origin' } as const
export const API_KEY_SECRET = 'llm.api_key'
export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434/v1'
const SETTINGS_HINT = 'Settings → Chat model'

export interface LlmServiceOptions {
  db: Knex
  settings: SettingsService
  secrets: SecretsStore
  logger?: Logger
  /** Where to look for a local Ollama when nothing is configured; null turns detection off. */
  ollamaUrl?: string | null
  /** Retries for 429/5xx/connection failures (the SDK's maxRetries). Default 2. */
  maxRetries?: number
  /** First wait before a retry when the server names none; doubles each time. Default 500 ms. */
  retryBaseMs?: number
  /** The longest Retry-After honoured; a longer one fails at once, naming the wait. Default 20 s. */
  maxRetryWaitMs?: number
  /** The longest wait for an answer to start (local models can be slow to load). Default 5 minutes. */
  timeoutMs?: number
  /** The longest silence once a stream has started (a server that hangs mid-answer). Default 2 minutes. */
  idleTimeoutMs?: number
}

/** Internal: everything we learned about a call's HTTP exchanges, for the error message. */
interface CallFacts {
  retryAfterSeconds: number | null
  attempts: number
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** The host an endpoint lives on, for traces and messages (never with credentials). */
export function providerOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host
  } catch {
    return baseUrl.slice(0, 100)
  }
}

function originOf(baseUrl: string | null): string | null {
  if (!baseUrl) return null
  try {
    return new URL(baseUrl).origin
  } catch {
    return baseUrl
  }
}

function causeCodes(err: unknown): string[] {
  const codes: string[] = []
  let e: unknown = err
  for (let i = 0; i < 6 && e && typeof e === 'object'; i++) {
    const o = e as { code?: unknown; errno?: unknown; cause?: unknown; message?: unknown; errors?: unknown }
    if (typeof o.code === 'string') codes.push(o.code)
    if (typeof o.message === 'string') codes.push(o.message)
    if (Array.isArray(o.errors)) for (const x of o.errors as Array<{ code?: unknown }>) if (typeof x?.code === 'string') codes.push(x.code)
    e = o.cause
  }
  return codes
}

function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined
  const m = typeof body?.message === 'string' ? body.message : ''
  return m.replace(/\s+/g, ' ').trim().slice(0, 200)
}

/** An SDK or network error in words a person can act on. */
export function describeLlmError(err: unknown, config: { baseUrl: string; model?: string | null }, facts?: CallFacts): TransferableError {
  const host = providerOf(config.baseUrl)
  const tries = facts && facts.attempts > 1 ? ` after ${facts.attempts} tries` : ''
  if (err instanceof AppError) return err.toTransferable()
  if (err instanceof APIUserAbortError) return { code: 'cancelled', message: 'Stopped before the model answered.' }
  if (err instanceof APIError && typeof err.status === 'number') {
    const s = err.status
    if (s === 401 || s === 403)
      return { code: 'unauthorized', message: `The chat model's API key was refused (${s}). Check it in ${SETTINGS_HINT}.` }
    if (s === 429) {
      const wait = facts?.retryAfterSeconds
      const waitWords = wait ? ` It asks to wait ${Math.ceil(wait)} s before trying again.` : ' Wait a minute and try again.'
      return { code: 'unavailable', message: `The chat model's rate limit was reached at ${host} (429)${tries}.${waitWords}` }
    }
    if (s === 404)
      return {
        code: 'unavailable',
        message: `${host} has no model "${config.model ?? ''}" or no chat endpoint (404). Choose a model the endpoint offers in ${SETTINGS_HINT}.`
      }
    if (s >= 500) {
      const m = serverMessage(err)
      return { code: 'unavailable', message: `The chat model at ${host} failed (HTTP ${s}${m ? `: ${m}` : ''})${tries}. Try again later, or check the server's log.` }
    }
    const m = serverMessage(err)
    return { code: 'unavailable', message: `The chat model at ${host} refused the request (HTTP ${s}${m ? `: ${m}` : ''}).` }
  }
  const codes = causeCodes(err)
  const has = (c: string): boolean => codes.some((x) => x.includes(c))
  if (has('ECONNREFUSED') || has('ECONNRESET') || has('EHOSTUNREACH') || has('ENETUNREACH'))
    return { code: 'unavailable', message: `Could not reach ${config.baseUrl}. Is Ollama / LM Studio running?` }
  if (has('ENOTFOUND') || has('EAI_AGAIN'))
    return { code: 'unavailable', message: `Could not find the host ${host}. Check the address in ${SETTINGS_HINT}.` }
  if (err instanceof Error && (err.name === 'APIConnectionTimeoutError' || has('timed out') || has('Timeout')))
    return { code: 'unavailable', message: `The chat model at ${host} did not answer in time. Is it still loading? Try again in a moment.` }
  if (err instanceof Error && err.name === 'APIConnectionError')
    return { code: 'unavailable', message: `Could not reach ${config.baseUrl}. Is Ollama / LM Studio running?` }
  return { code: 'unavailable', message: `The chat model at ${host} failed: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}` }
}

const withoutKey = (text: string | null, key: string | null): string | null => (text && key ? text.split(key).join('***') : text)

export function createLlmService(o: LlmServiceOptions): LlmService {
  const maxRetries = o.maxRetries ?? 2
  const retryBaseMs = o.retryBaseMs ?? 500
  const maxRetryWaitMs = o.maxRetryWaitMs ?? 20_000
  const timeoutMs = o.timeoutMs ?? 5 * 60_000
  const idleTimeoutMs = o.idleTimeoutMs ?? 2 * 60_000
  const ollamaUrl = o.ollamaUrl === undefined ? DEFAULT_OLLAMA_URL : o.ollamaUrl

  const countTokens = (text: string): number => (text ? bpeCount(text, { disallowedSpecial: new Set() }) : 0)
  const countMessages = (messages: LlmMessage[]): number => messages.reduce((n, m) => n + 4 + countTokens(m.content), 3)

  /**
   * A client for one call. Its fetch records facts, fires `onRequestSent` when the first
   * attempt leaves, and sets the retry wait (the SDK honours `retry-after-ms`): our
   * backoff when the server names no wait, and no retry when it names a long one.
   */
  function client(
    config: { baseUrl: string; apiKey: string | null },
    opts: { onRequestSent?: (() => void) | undefined; maxRetries?: number; timeoutMs?: number } = {},
    facts: CallFacts = { retryAfterSeconds: null, attempts: 0 }
  ): OpenAI {
    let sent = false
    const wrapped = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
      facts.attempts++
      if (!sent) {
        sent = true
        opts.onRequestSent?.()
      }
      const res = await fetch(url, init)
      if (res.status !== 429 && res.status < 500) return res
      const retryCount = Number(new Headers(init?.headers).get('x-stainless-retry-count') ?? '0') || 0
      const headers = new Headers(res.headers)
      const ra = Number.parseFloat(res.headers.get('retry-after') ?? '')
      if (Number.isFinite(ra)) facts.retryAfterSeconds = ra
      if (Number.isFinite(ra) && ra * 1000 > maxRetryWaitMs) headers.set('x-should-retry', 'false')
      else if (!res.headers.get('retry-after-ms')) headers.set('retry-after-ms', String(Number.isFinite(ra) ? ra * 1000 : retryBaseMs * 2 ** retryCount))
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers })
    }
    return new OpenAI({
      baseURL: config.baseUrl,
      apiKey: config.apiKey ?? 'no-key',
      adminAPIKey: null,
      organization: null,
      project: null,
      webhookSecret: null,
      // No key: send no Authorization header at all (local servers need none).
      ...(config.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
      maxRetries: opts.maxRetries ?? maxRetries,
      timeout: opts.timeoutMs ?? timeoutMs,
      fetch: wrapped
    })
  }

  /** The endpoint settings and the origin the stored key belongs to: one settings read. */
  async function profileSettings(): Promise<{ baseUrl: string | null; model: string | null; temperature: number | null; keyOrigin: string | null }> {
    const m = await o.settings.getMany([LLM_KEYS.baseUrl, LLM_KEYS.model, LLM_KEYS.temperature, LLM_KEYS.apiKeyOrigin])
    const baseUrl = str(m.get(LLM_KEYS.baseUrl)?.value)
    return { baseUrl, model: str(m.get(LLM_KEYS.model)?.value), temperature: num(m.get(LLM_KEYS.temperature)?.value), keyOrigin: str(m.get(LLM_KEYS.apiKeyOrigin)?.value) ?? originOf(baseUrl) }
  }

  /** The origin the stored key was saved for (the configured endpoint's, for a key saved without one). */
  async function keyOrigin(): Promise<string | null> {
    return (await profileSettings()).keyOrigin
  }

  /** The stored key, only when it belongs to this endpoint's server. */
  async function keyFor(baseUrl: string, origin?: string | null): Promise<string | null> {
    return (origin !== undefined ? origin : await keyOrigin()) === originOf(baseUrl) ? o.secrets.get(API_KEY_SECRET) : null
  }

  async function detectOllama(): Promise<LlmStatus['ollama']> {
    if (!ollamaUrl) return null
    try {
      const res = await fetch(`${ollamaUrl.replace(/\/$/, '')}/models`, { signal: AbortSignal.timeout(800) })
      if (!res.ok) return null
      const body = (await res.json()) as { data?: Array<{ id?: unknown }> }
      const models = (body.data ?? []).flatMap((m) => (typeof m.id === 'string' ? [m.id] : []))
      return { baseUrl: ollamaUrl, models }
    } catch {
      return null
    }
  }

  async function listModels(config: { baseUrl: string; apiKey: string | null }): Promise<string[]> {
    try {
      const page = await client(config, { maxRetries: 0, timeoutMs: 15_000 }).models.list()
      return page.data.map((m) => m.id).sort((a, b) => a.localeCompare(b))
    } catch (err) {
      const e = describeLlmError(err, { baseUrl: config.baseUrl })
      throw new AppError(e.code, e.message)
    }
  }

  const service: LlmService = {
    async resolve(session) {
      const p = await profileSettings()
      const model = str(session?.model) ?? p.model
      if (!p.baseUrl || !model) return null
      return {
        baseUrl: p.baseUrl,
        model,
        apiKey: await keyFor(p.baseUrl, p.keyOrigin),
        temperature: num(session?.temperature) ?? p.temperature
      }
    },

    async complete(opts: CompleteOptions): Promise<Result<Completion>> {
      const { config } = opts
      const started = performance.now()
      const facts: CallFacts = { retryAfterSeconds: null, attempts: 0 }
      let content = ''
      let model = config.model
      let firstTokenMs: number | null = null
      let usage: { prompt_tokens?: number; completion_tokens?: number } | null = null
      const elapsed = (): number => Math.round(performance.now() - started)
      // The SDK's timeout ends when the headers arrive; a body that stalls is watched here.
      const internal = new AbortController()
      const onOuterAbort = (): void => internal.abort()
      if (opts.signal?.aborted) internal.abort()
      opts.signal?.addEventListener('abort', onOuterAbort, { once: true })
      let stalledAfterMs: number | null = null
      let watchdog: NodeJS.Timeout | null = null
      const watch = (ms: number): void => {
        if (watchdog) clearTimeout(watchdog)
        watchdog = setTimeout(() => {
          stalledAfterMs = ms
          internal.abort()
        }, ms)
        watchdog.unref()
      }
      const unwatch = (): void => {
        if (watchdog) clearTimeout(watchdog)
        opts.signal?.removeEventListener('abort', onOuterAbort)
      }

      const finish = async (status: 'ok' | 'error' | 'cancelled', error: string | null, incomplete: boolean): Promise<Completion & { traceId: string | null }> => {
        const durationMs = elapsed()
        const inputTokens = usage?.prompt_tokens ?? countMessages(opts.messages)
        const outputTokens = usage?.completion_tokens ?? countTokens(content)
        const traceId = await tracesRepository
          .insert(o.db, {
            kind: opts.kind,
            provider: providerOf(config.baseUrl),
            model,
            inputTokens,
            outputTokens: status === 'ok' || content ? outputTokens : 0,
            durationMs,
            firstTokenMs,
            status,
            error: withoutKey(error, config.apiKey),
            sessionId: opts.sessionId ?? null,
            messageId: opts.messageId ?? null
          })
          .catch((err: unknown) => {
            o.logger?.warn('[engram] could not write an LLM trace', err)
            return null
          })
        return { content, model, inputTokens, outputTokens, durationMs, firstTokenMs, incomplete, error, traceId }
      }

      const base = {
        model: config.model,
        messages: opts.messages,
        ...(config.temperature !== null ? { temperature: config.temperature } : {}),
        ...(opts.maxTokens ? { max_tokens: opts.maxTokens } : {})
      }
      const run = async (json: boolean): Promise<void> => {
        const c = client(config, { onRequestSent: opts.onRequestSent }, facts)
        const extra = json ? { response_format: { type: 'json_object' as const } } : {}
        const reqOpts = { signal: internal.signal }
        watch(timeoutMs)
        if (opts.onToken) {
          const stream = await c.chat.completions.create({ ...base, ...extra, stream: true, stream_options: { include_usage: true } }, reqOpts)
          for await (const chunk of stream) {
            if (chunk.model) model = chunk.model
            if (chunk.usage) usage = chunk.usage
            watch(idleTimeoutMs)
            const delta = chunk.choices[0]?.delta?.content
            if (delta) {
              if (firstTokenMs === null) firstTokenMs = elapsed()
              content += delta
              opts.onToken(delta)
            }
          }
        } else {
          const r = await c.chat.completions.create({ ...base, ...extra }, reqOpts)
          firstTokenMs = elapsed()
          if (r.model) model = r.model
          usage = r.usage ?? null
          content = r.choices[0]?.message?.content ?? ''
        }
      }

      try {
        try {
          await run(opts.json === true)
        } catch (err) {
          // Some servers (LM Studio) accept only json_schema: ask again without the format.
          if (opts.json && err instanceof APIError && err.status === 400 && /response_format/i.test(serverMessage(err)) && !content) await run(false)
          else throw err
        }
        // The SDK ends a stream quietly when its signal aborts: that is a stop or a stall, not an answer.
        if (internal.signal.aborted) throw new APIUserAbortError()
        return ok(await finish('ok', null, false))
      } catch (err) {
        const host = providerOf(config.baseUrl)
        if (stalledAfterMs !== null && opts.signal?.aborted !== true) {
          const secs = Math.round(stalledAfterMs / 1000)
          if (content) return ok(await finish('error', `${host} stopped sending text for ${secs} s; the text so far is kept.`, true))
          const message = `The chat model at ${host} did not answer within ${secs} s. Is it still loading? Try again in a moment.`
          await finish('error', message, false)
          return fail({ code: 'unavailable', message })
        }
        const aborted = opts.signal?.aborted === true || err instanceof APIUserAbortError
        if (aborted) {
          if (content) return ok(await finish('cancelled', 'Stopped before the answer finished.', true))
          await finish('cancelled', 'Stopped before the model answered.', false)
          return fail({ code: 'cancelled', message: 'Stopped before the model answered.' })
        }
        if (content) {
          // The stream broke after some text arrived: keep what came.
          const note = `The connection to ${host} closed before the answer finished; the text so far is kept.`
          return ok(await finish('error', note, true))
        }
        const e = describeLlmError(err, config, facts)
        if (!(err instanceof APIError) && !(err instanceof Error && /ECONN|fetch failed|terminated/i.test(causeCodes(err).join(' '))))
          o.logger?.warn('[engram] LLM call failed', err)
        await finish(e.code === 'cancelled' ? 'cancelled' : 'error', e.message, false)
        return fail(e)
      } finally {
        unwatch()
      }
    },

    countTokens,

    async status() {
      const p = await profileSettings()
      // With an endpoint: is there a key for it? Turned off: is a key kept at all?
      const stored = p.baseUrl === null || p.keyOrigin === originOf(p.baseUrl) ? await o.secrets.storedKind(API_KEY_SECRET) : null
      const configured = p.baseUrl !== null && p.model !== null
      return {
        configured,
        baseUrl: p.baseUrl,
        model: p.model,
        hasApiKey: stored !== null,
        keyStorage: stored ?? 'none',
        ollama: configured ? null : await detectOllama()
      }
    },

    async configure(input) {
      await o.settings.set(LLM_KEYS.baseUrl, input.baseUrl)
      await o.settings.set(LLM_KEYS.model, input.model)
      if (typeof input.apiKey === 'string') {
        await o.secrets.set(API_KEY_SECRET, input.apiKey)
        await o.settings.set(LLM_KEYS.apiKeyOrigin, originOf(input.baseUrl))
      } else if (input.apiKey === null) {
        await o.secrets.remove(API_KEY_SECRET)
        await o.settings.set(LLM_KEYS.apiKeyOrigin, null)
      }
      // Absent keeps the key, for its own server only (see keyFor).
      return service.status()
    },

    async models(input) {
      const p = await profileSettings()
      const baseUrl = input?.baseUrl ?? p.baseUrl
      if (!baseUrl) throw new AppError('validation', `No chat endpoint is set. Enter one in ${SETTINGS_HINT}, for example http://localhost:11434/v1.`)
      // The stored key goes only to the server it was saved for.
      const apiKey = input?.apiKey ?? (await keyFor(baseUrl))
      return listModels({ baseUrl, apiKey })
    },

    async test(): Promise<LlmTestResult> {
      const config = await service.resolve(null)
      if (!config) return { ok: false, message: `No chat model is set. Choose an endpoint and a model in ${SETTINGS_HINT}.`, models: [], latencyMs: null }
      let models: string[] = []
      try {
        models = await listModels(config)
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError('unavailable', String(err))
        // Some endpoints have no /models; the completion below still tells.
        if (e.code === 'unauthorized') return { ok: false, message: e.message, models: [], latencyMs: null }
      }
      const r = await service.complete({ config, kind: 'test', messages: [{ role: 'user', content: 'Reply with the word OK.' }], maxTokens: 1 })
      if (!r.ok) return { ok: false, message: r.error.message, models, latencyMs: null }
      const missing = models.length > 0 && !models.includes(config.model) ? ` (the endpoint does not list "${config.model}", but it answered)` : ''
      return { ok: true, message: `${config.model} at ${providerOf(config.baseUrl)} answered in ${r.value.durationMs} ms${missing}.`, models, latencyMs: r.value.durationMs }
    }
  }
  return service
}
