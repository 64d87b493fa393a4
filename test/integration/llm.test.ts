/**
 * The LLM provider layer against a loopback server speaking the OpenAI protocol (the one
 * allowed fake: a remote model), through the real `openai` SDK, a real app core and a
 * real PGlite for settings, secrets and traces.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import { testCore, type TestCore } from '../helpers/core'
import { reply, startLlmServer, type LlmServer } from '../helpers/llm-server'
import type { LlmConfig, LlmService } from '../../src/main/features/llm/llm.types'
import { AppError } from '../../src/shared/errors'
import { createLlmService } from '../../src/main/features/llm/llm.service'
import { createSecretsStore, localKeyBox } from '../../src/main/features/llm/secrets'

let core: TestCore
let llm: LlmServer
let svc: LlmService

const API_KEY = 'sk-engram-test-7f3a9c51e2d84b06'

async function traces(): Promise<Array<Record<string, unknown>>> {
  const { ctx } = await core.services()
  return ctx.db('traces').orderBy('created_at', 'desc').select('*')
}
const lastTrace = async (): Promise<Record<string, unknown>> => (await traces())[0] as Record<string, unknown>

async function config(): Promise<LlmConfig> {
  const c = await svc.resolve(null)
  if (!c) throw new Error('not configured')
  return c
}

/** A port that nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

beforeAll(async () => {
  llm = await startLlmServer({ models: ['test-model', 'llama3.2:3b'] })
  core = testCore({ llm: { ollamaUrl: llm.baseUrl, retryBaseMs: 10 } })
  await core.call('profiles:create', { name: 'Chat' })
  svc = (await core.services()).llm
})
afterAll(async () => {
  await core.dispose()
  await llm.close()
})
beforeEach(() => {
  llm.requireApiKey(null)
  llm.setDefault(reply.text('OK'))
})

describe('settings, status and Ollama detection', () => {
  it('is unconfigured at first (recall mode) and offers the Ollama it finds', async () => {
    expect(await svc.resolve(null)).toBeNull()
    const status = await core.call('llm:status', {})
    expect(status).toMatchObject({ configured: false, baseUrl: null, model: null, hasApiKey: false, keyStorage: 'none' })
    expect(status.ollama).toEqual({ baseUrl: llm.baseUrl, models: ['test-model', 'llama3.2:3b'] })
    const t = await core.call('llm:test', {})
    expect(t.ok).toBe(false)
    expect(t.message).toMatch(/Settings → Chat model/)
  })

  it('resolves session override → profile setting, and nothing without an endpoint', async () => {
    // A session model alone is not enough: there is no endpoint.
    expect(await svc.resolve({ model: 'x', temperature: 0.3 })).toBeNull()
    const status = await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model' })
    expect(status).toMatchObject({ configured: true, baseUrl: llm.baseUrl, model: 'test-model', hasApiKey: false, ollama: null })
    expect(await svc.resolve(null)).toEqual({ baseUrl: llm.baseUrl, model: 'test-model', apiKey: null, temperature: null })
    await core.call('settings:set', { key: 'llm.temperature', value: 0.2 })
    expect(await svc.resolve({})).toMatchObject({ model: 'test-model', temperature: 0.2 })
    expect(await svc.resolve({ model: 'llama3.2:3b', temperature: 1.1 })).toMatchObject({ model: 'llama3.2:3b', temperature: 1.1 })
    expect(await svc.resolve({ model: null, temperature: null })).toMatchObject({ model: 'test-model', temperature: 0.2 })
    await core.call('settings:set', { key: 'llm.temperature', value: null })
  })

  it('lists the models of the configured endpoint, or of one being tried', async () => {
    expect(await core.call('llm:models', {})).toEqual(['llama3.2:3b', 'test-model'])
    const other = await startLlmServer({ models: ['other-1'] })
    try {
      expect(await core.call('llm:models', { baseUrl: other.baseUrl })).toEqual(['other-1'])
    } finally {
      await other.close()
    }
  })

  it('llm:test lists models and sends a one-token request', async () => {
    const before = llm.chatRequests().length
    const t = await core.call('llm:test', {})
    expect(t).toMatchObject({ ok: true, models: ['llama3.2:3b', 'test-model'] })
    expect(t.message).toMatch(/test-model .* answered in \d+ ms/)
    const req = llm.chatRequests()[before]
    expect(req?.body?.max_tokens).toBe(1)
    expect((await lastTrace())['kind']).toBe('test')
  })
})

describe('completions', () => {
  it('streams tokens, reports usage and first-token time, and writes a trace', async () => {
    llm.script(reply.text('Paris is the capital of France.', { usage: { prompt_tokens: 21, completion_tokens: 8 } }))
    const deltas: string[] = []
    let sentAt = 0
    const r = await svc.complete({
      config: await config(),
      kind: 'answer',
      messages: [
        { role: 'system', content: 'Answer from the notes.' },
        { role: 'user', content: 'What is the capital of France? [1] My note: Paris trip in May.' }
      ],
      onToken: (d) => deltas.push(d),
      onRequestSent: () => (sentAt = performance.now())
    })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value).toMatchObject({ content: 'Paris is the capital of France.', model: 'test-model', inputTokens: 21, outputTokens: 8, incomplete: false, error: null })
    expect(deltas.join('')).toBe('Paris is the capital of France.')
    expect(deltas.length).toBeGreaterThan(3)
    expect(r.value.firstTokenMs).not.toBeNull()
    expect(r.value.firstTokenMs as number).toBeLessThanOrEqual(r.value.durationMs)

    const req = llm.chatRequests().at(-1)
    expect(req?.body).toMatchObject({ model: 'test-model', stream: true, stream_options: { include_usage: true } })
    expect(req?.body?.messages?.[1]?.content).toContain('My note: Paris trip in May.')
    expect(req?.headers.authorization).toBeUndefined()
    // onRequestSent fired before the server saw the request.
    expect(sentAt).toBeGreaterThan(0)
    expect(sentAt).toBeLessThanOrEqual(req?.atMs as number)

    const t = await lastTrace()
    expect(t).toMatchObject({ kind: 'answer', provider: new URL(llm.baseUrl).host, model: 'test-model', input_tokens: 21, output_tokens: 8, status: 'ok', error: null })
    expect(t['duration_ms']).toBeGreaterThanOrEqual(0)
    expect(t['first_token_ms']).not.toBeNull()
  })

  it('answers without streaming and counts tokens itself when the endpoint reports no usage', async () => {
    llm.script(reply.text('A short title about gardening', { usage: false }))
    const messages = [{ role: 'user' as const, content: 'Give this chat a title: we talked about tomatoes and basil.' }]
    const r = await svc.complete({ config: await config(), kind: 'title', messages, json: false })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.content).toBe('A short title about gardening')
    expect(r.value.outputTokens).toBe(svc.countTokens('A short title about gardening'))
    expect(r.value.inputTokens).toBeGreaterThanOrEqual(svc.countTokens(messages[0]!.content))
    expect(llm.chatRequests().at(-1)?.body?.stream).toBeFalsy()
    expect(await lastTrace()).toMatchObject({ kind: 'title', status: 'ok', output_tokens: r.value.outputTokens })
  })

  it('counts tokens with a BPE tokenizer', () => {
    expect(svc.countTokens('')).toBe(0)
    expect(svc.countTokens('hello world')).toBe(2)
    // Special-token text in a user's note is just text.
    expect(svc.countTokens('a <|endoftext|> b')).toBeGreaterThan(3)
  })

  it('retries HTTP 500 and then fails with a message naming the failure, traced as error', async () => {
    const before = llm.chatRequests().length
    llm.script(reply.error(500, 'model crashed'), reply.error(500, 'model crashed'), reply.error(500, 'model crashed'))
    const r = await svc.complete({ config: await config(), kind: 'answer', messages: [{ role: 'user', content: 'hi' }] })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('unavailable')
    expect(r.error.message).toMatch(/failed \(HTTP 500: model crashed\) after 3 tries/)
    expect(llm.chatRequests().length - before).toBe(3)
    expect(await lastTrace()).toMatchObject({ status: 'error', error: r.error.message })
  })

  it('retries a 429 after the wait it asks for, then succeeds', async () => {
    const before = llm.chatRequests().length
    llm.script(reply.rateLimited(1), reply.text('after the wait'))
    const r = await svc.complete({ config: await config(), kind: 'answer', messages: [{ role: 'user', content: 'hi' }], onToken: () => undefined })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.content).toBe('after the wait')
    const reqs = llm.chatRequests().slice(before)
    expect(reqs.length).toBe(2)
    // Retry-After: 1 was honoured (a lower bound only: the machine may be slow, never fast).
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(900)
  })

  it('gives up on 429 after the retries, naming the rate limit', async () => {
    const before = llm.chatRequests().length
    llm.script(reply.rateLimited(0), reply.rateLimited(0), reply.rateLimited(0))
    const r = await svc.complete({ config: await config(), kind: 'answer', messages: [{ role: 'user', content: 'hi' }] })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('unavailable')
    expect(r.error.message).toMatch(/rate limit was reached .*\(429\) after 3 tries/)
    expect(llm.chatRequests().length - before).toBe(3)
    expect(await lastTrace()).toMatchObject({ status: 'error' })
  })

  it('does not sit through a long Retry-After: fails at once and names the wait', async () => {
    const before = llm.chatRequests().length
    llm.script(reply.rateLimited(120))
    const r = await svc.complete({ config: await config(), kind: 'answer', messages: [{ role: 'user', content: 'hi' }] })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.message).toMatch(/wait 120 s/)
    expect(llm.chatRequests().length - before).toBe(1)
  })

  it('keeps the partial text of a stream cut halfway, marked incomplete', async () => {
    llm.script(reply.cut('one two three four five six seven eight', 3))
    const deltas: string[] = []
    const r = await svc.complete({ config: await config(), kind: 'answer', messages: [{ role: 'user', content: 'count' }], onToken: (d) => deltas.push(d) })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.content).toBe('one two three ')
    expect(deltas.join('')).toBe('one two three ')
    expect(r.value.incomplete).toBe(true)
    expect(r.value.error).toMatch(/closed before the answer finished/)
    expect(await lastTrace()).toMatchObject({ status: 'error', error: r.value.error })
  })

  it('a stop before the first token is cancelled, and traced as cancelled', async () => {
    llm.script(reply.slow('too late', 30_000))
    const ac = new AbortController()
    const started = Date.now()
    const r = await svc.complete({
      config: await config(),
      kind: 'answer',
      messages: [{ role: 'user', content: 'slow' }],
      signal: ac.signal,
      onToken: () => undefined,
      onRequestSent: () => setTimeout(() => ac.abort(), 200)
    })
    expect(Date.now() - started).toBeLessThan(25_000)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('cancelled')
    expect(await lastTrace()).toMatchObject({ status: 'cancelled' })
  })

  it('a stop mid-answer keeps what arrived, incomplete, traced as cancelled', async () => {
    llm.script(reply.text('a b c d e f g h i j k l m n o p', { chunkDelayMs: 300 }))
    const ac = new AbortController()
    const deltas: string[] = []
    const r = await svc.complete({
      config: await config(),
      kind: 'answer',
      messages: [{ role: 'user', content: 'letters' }],
      signal: ac.signal,
      onToken: (d) => {
        deltas.push(d)
        if (deltas.length === 2) ac.abort()
      }
    })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.incomplete).toBe(true)
    expect(r.value.content).toBe(deltas.join(''))
    expect(r.value.content.startsWith('a b ')).toBe(true)
    expect(r.value.content.length).toBeLessThan('a b c d e f g h i j k l m n o p'.length)
    expect(await lastTrace()).toMatchObject({ status: 'cancelled' })
  })

  it('says plainly when the endpoint cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`
    const r = await svc.complete({ config: { baseUrl: url, model: 'm', apiKey: null, temperature: null }, kind: 'answer', messages: [{ role: 'user', content: 'hi' }] })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error).toEqual({ code: 'unavailable', message: `Could not reach ${url}. Is Ollama / LM Studio running?` })
    expect(await lastTrace()).toMatchObject({ status: 'error', provider: new URL(url).host })
    await expect(core.call('llm:models', { baseUrl: url })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/Could not reach/) })
  })

  it('passes the temperature and asks for JSON when told to', async () => {
    llm.script(reply.json({ ok: true }))
    const r = await svc.complete({ config: { ...(await config()), temperature: 0.4 }, kind: 'extract', messages: [{ role: 'user', content: 'json please' }], json: true, maxTokens: 50 })
    expect(r.ok).toBe(true)
    expect(llm.chatRequests().at(-1)?.body).toMatchObject({ temperature: 0.4, response_format: { type: 'json_object' }, max_tokens: 50 })
  })
})

describe('a server that stalls', () => {
  async function impatient(): Promise<LlmService> {
    const s = await core.services()
    const secrets = createSecretsStore({ db: s.ctx.db, box: () => localKeyBox(core.dataDir) })
    return createLlmService({ db: s.ctx.db, settings: s.settings, secrets, maxRetries: 0, timeoutMs: 1000, idleTimeoutMs: 1000, ollamaUrl: null })
  }

  it('mid-answer: keeps the text so far, incomplete, and says the server stopped sending', async () => {
    llm.script(reply.text('one two three four', { chunkDelayMs: 20_000 }))
    const started = Date.now()
    const r = await (await impatient()).complete({ config: await config(), kind: 'answer', messages: [{ role: 'user', content: 'x' }], onToken: () => undefined })
    if (!r.ok) throw new Error(r.error.message)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(r.value).toMatchObject({ content: 'one ', incomplete: true, error: expect.stringMatching(/stopped sending text for 1 s; the text so far is kept/) })
    expect(await lastTrace()).toMatchObject({ status: 'error' })
  })

  it('before the first token: unavailable, naming the wait', async () => {
    llm.script(reply.slow('late', 20_000))
    const r = await (await impatient()).complete({ config: await config(), kind: 'answer', messages: [{ role: 'user', content: 'x' }], onToken: () => undefined })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/did not answer within 1 s/) })
  })
})

describe('JSON mode', () => {
  it('asks again without response_format when the server accepts only json_schema (LM Studio)', async () => {
    const before = llm.chatRequests().length
    llm.script(reply.error(400, "'response_format.type' must be 'json_schema'"), reply.json({ memories: [] }))
    const r = await svc.complete({ config: await config(), kind: 'extract', messages: [{ role: 'user', content: 'json please' }], json: true })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.content).toBe('{"memories":[]}')
    const reqs = llm.chatRequests().slice(before)
    expect(reqs.map((q) => q.body?.response_format ?? null)).toEqual([{ type: 'json_object' }, null])
  })
})

describe('API key', () => {
  it('is sent as the bearer token, and a wrong one gets words that point to Settings', async () => {
    llm.requireApiKey(API_KEY)
    const status = await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model', apiKey: API_KEY })
    expect(status).toMatchObject({ hasApiKey: true, keyStorage: 'local-key' })
    const r = await svc.complete({ config: await config(), kind: 'answer', messages: [{ role: 'user', content: 'hi' }] })
    expect(r.ok).toBe(true)
    expect(llm.chatRequests().at(-1)?.headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(await core.call('llm:models', {})).toEqual(['llama3.2:3b', 'test-model'])

    // Another endpoint being tried never receives the stored key.
    const other = await startLlmServer()
    try {
      await core.call('llm:models', { baseUrl: other.baseUrl })
      expect(other.requests.at(-1)?.apiKey).toBeNull()
    } finally {
      await other.close()
    }

    llm.requireApiKey('sk-the-right-one')
    const before = llm.chatRequests().length
    const bad = await svc.complete({ config: await config(), kind: 'answer', messages: [{ role: 'user', content: 'hi' }] })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.error).toEqual({ code: 'unauthorized', message: "The chat model's API key was refused (401). Check it in Settings → Chat model." })
    // A refused key is not retried.
    expect(llm.chatRequests().length - before).toBe(1)
    expect(await lastTrace()).toMatchObject({ status: 'error', error: bad.error.message })
    const t = await core.call('llm:test', {})
    expect(t).toMatchObject({ ok: false, message: bad.error.message })
    await expect(core.call('llm:models', {})).rejects.toMatchObject({ code: 'unauthorized' })
  })

  it('appears in plain text nowhere in the database, the settings history or the traces', async () => {
    const { ctx } = await core.services()
    const cols = (
      await ctx.db.raw(
        `select table_name, column_name, data_type from information_schema.columns
          where table_schema = current_schema() and data_type in ('text', 'character varying', 'jsonb', 'json', 'bytea', 'ARRAY')`
      )
    ).rows as Array<{ table_name: string; column_name: string; data_type: string }>
    expect(cols.some((c) => c.table_name === 'secrets' && c.column_name === 'ciphertext')).toBe(true)
    let cells = 0
    for (const c of cols) {
      const rows = (await ctx.db.raw(`select ??::text as v, ?? as raw from ??`, [c.column_name, c.column_name, c.table_name])).rows as Array<{ v: string | null; raw: unknown }>
      for (const r of rows) {
        cells++
        expect(r.v ?? '', `${c.table_name}.${c.column_name}`).not.toContain(API_KEY)
        if (Buffer.isBuffer(r.raw)) {
          expect(r.raw.includes(Buffer.from(API_KEY))).toBe(false)
          expect(r.raw.toString('base64')).not.toContain(Buffer.from(API_KEY).toString('base64').slice(0, 16))
        }
      }
    }
    expect(cells).toBeGreaterThan(10)
    const history = await core.call('settings:history', { limit: 500 })
    expect(JSON.stringify(history)).not.toContain(API_KEY)
    expect(JSON.stringify(await core.call('traces:list', { limit: 500 }))).not.toContain(API_KEY)
    const secret = await ctx.db('secrets').first()
    expect(secret).toMatchObject({ name: 'llm.api_key', kind: 'local-key' })
    // The key file is readable by its owner only.
    expect(statSync(join(core.dataDir, 'secrets.key')).mode & 0o777).toBe(0o600)
  })

  it('goes only to the server it was saved for', async () => {
    llm.requireApiKey(null)
    await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model', apiKey: API_KEY })
    // Same server, another model: the key applies.
    expect(await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'llama3.2:3b' })).toMatchObject({ hasApiKey: true })
    const other = await startLlmServer()
    try {
      const s = await core.call('llm:configure', { baseUrl: other.baseUrl, model: 'test-model' })
      expect(s).toMatchObject({ hasApiKey: false, keyStorage: 'none' })
      expect((await config()).apiKey).toBeNull()
      await svc.complete({ config: await config(), kind: 'answer', messages: [{ role: 'user', content: 'hi' }] })
      await core.call('llm:models', {})
      expect(other.requests.length).toBe(2)
      expect(other.requests.map((r) => r.apiKey)).toEqual([null, null])
    } finally {
      await other.close()
    }
    // Turned off and on again at its server: the key is still there.
    expect(await core.call('llm:configure', { baseUrl: null, model: null })).toMatchObject({ hasApiKey: true })
    expect(await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model' })).toMatchObject({ hasApiKey: true, keyStorage: 'local-key' })
    expect((await config()).apiKey).toBe(API_KEY)
  })

  it('survives a restart (same key file) and is removed with null', async () => {
    const { ctx } = await core.services()
    const profileId = ctx.profile.id
    await core.profiles.close()
    await core.call('profiles:switch', { id: profileId })
    svc = (await core.services()).llm
    expect((await config()).apiKey).toBe(API_KEY)
    llm.requireApiKey(null)
    const status = await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model', apiKey: null })
    expect(status).toMatchObject({ hasApiKey: false, keyStorage: 'none' })
    expect((await config()).apiKey).toBeNull()
    // Absent keeps it as it is (here: none).
    await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model' })
    expect((await config()).apiKey).toBeNull()
  })

  it('uses the box the app gives (Electron safeStorage) when there is one', async () => {
    const box = {
      kind: 'safeStorage' as const,
      encrypt: (s: string) => Buffer.from(s, 'utf8').reverse(),
      decrypt: (b: Buffer) => Buffer.from(b).reverse().toString('utf8')
    }
    const other = testCore({ secrets: () => box, llm: { ollamaUrl: null } })
    try {
      await other.call('profiles:create', { name: 'Keychain' })
      const s = await other.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model', apiKey: API_KEY })
      expect(s.keyStorage).toBe('safeStorage')
      const { ctx, llm: l } = await other.services()
      expect(((await ctx.db('secrets').first()) as { ciphertext: Buffer }).ciphertext.equals(box.encrypt(API_KEY))).toBe(true)
      expect((await l.resolve(null))?.apiKey).toBe(API_KEY)
    } finally {
      await other.dispose()
    }
  })
})

describe('traces', () => {
  it('lists traces newest first, per session too, and sums tokens per day per model in SQL', async () => {
    const list = await core.call('traces:list', { limit: 500 })
    expect(list.length).toBeGreaterThan(8)
    expect(new Set(list.map((t) => t.status))).toEqual(new Set(['ok', 'error', 'cancelled']))
    for (let i = 1; i < list.length; i++) expect(list[i - 1]!.createdAt >= list[i]!.createdAt).toBe(true)

    const { ctx } = await core.services()
    const [session] = (await ctx.db('sessions').insert({ title: 'Traced' }).returning('id')) as Array<{ id: string }>
    llm.script(reply.text('in a session', { usage: { prompt_tokens: 5, completion_tokens: 3 } }))
    await svc.complete({ config: await config(), kind: 'answer', sessionId: session!.id, messages: [{ role: 'user', content: 'x' }] })
    // An unknown session id does not lose the trace.
    await svc.complete({ config: await config(), kind: 'answer', sessionId: '00000000-0000-4000-8000-000000000000', messages: [{ role: 'user', content: 'x' }] })
    expect((await core.call('traces:list', { limit: 10, sessionId: session!.id })).map((t) => t.sessionId)).toEqual([session!.id])
    expect((await lastTrace())['session_id']).toBeNull()

    // Yesterday's calls with another model.
    await ctx.db('traces').insert([
      { kind: 'answer', model: 'older-model', input_tokens: 100, output_tokens: 40, status: 'ok', created_at: ctx.db.raw("now() - interval '1 day'") },
      { kind: 'title', model: 'older-model', input_tokens: 10, output_tokens: 4, status: 'ok', created_at: ctx.db.raw("now() - interval '1 day'") },
      { kind: 'answer', model: 'older-model', input_tokens: 999, output_tokens: 999, status: 'ok', created_at: ctx.db.raw("now() - interval '40 days'") }
    ])
    const usage = await core.call('traces:usage', { days: 30 })
    const older = usage.filter((u) => u.model === 'older-model')
    expect(older).toEqual([{ day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), model: 'older-model', calls: 2, inputTokens: 110, outputTokens: 44 }])
    const expected = await ctx.db('traces').where({ model: 'test-model' }).where('created_at', '>', ctx.db.raw("now() - interval '30 days'")).count({ n: '*' }).sum({ i: 'input_tokens' })
    const today = usage.filter((u) => u.model === 'test-model')
    expect(today.reduce((n, u) => n + u.calls, 0)).toBe(Number(expected[0]?.n))
    expect(today.reduce((n, u) => n + u.inputTokens, 0)).toBe(Number(expected[0]?.i))
  })

  it('rejects bad input in words', async () => {
    await expect(core.call('llm:configure', { baseUrl: 'localhost:11434', model: 'x' })).rejects.toBeInstanceOf(AppError)
    await expect(core.call('llm:configure', { baseUrl: 'ftp://example.com/v1', model: 'x' })).rejects.toMatchObject({ code: 'validation' })
  })
})
