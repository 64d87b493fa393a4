/**
 * Chat against the real core (real PGlite, the embedding model fixture) and a loopback
 * OpenAI-compatible server: grounded streamed answers with citations, follow-up rewrite,
 * recall mode, failures, stop / cut / regenerate / edit, feedback, sessions, document
 * scope, the context budget and "remember that …". (Crash recovery and the CLI: chat-cli.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { testCore, MODEL_FIXTURE, type TestCore } from '../helpers/core'
import { reply, startLlmServer, type LlmReply, type LlmServer, type RecordedRequest } from '../helpers/llm-server'
import type { ChatMessage, ChatStreamEvent } from '../../src/shared/chat'

let core: TestCore
let llm: LlmServer
const events: ChatStreamEvent[] = []

/** What kind of request the chat sent, from its system prompt. */
function kindOf(req: RecordedRequest): 'rewrite' | 'title' | 'answer' | 'other' {
  const sys = req.body?.messages?.[0]?.content ?? ''
  if (sys.startsWith('Rewrite the follow-up')) return 'rewrite'
  if (sys.startsWith('Give this conversation a short title')) return 'title'
  if (sys.startsWith('You are Engram')) return 'answer'
  return 'other'
}

/** Scripted replies per kind; titles and rewrites get sensible defaults, answers cite every source. */
const queues: Record<'rewrite' | 'title' | 'answer', LlmReply[]> = { rewrite: [], title: [], answer: [] }
const sourceNumbers = (req: RecordedRequest): number[] => [...(req.body?.messages?.[0]?.content ?? '').matchAll(/^\[(\d+)\] \(/gm)].map((m) => Number(m[1]))
const citeAll = (req: RecordedRequest): LlmReply => reply.text(`Here is what your sources say ${sourceNumbers(req).map((n) => `[${n}]`).join('')}.`)

function requestsOf(kind: 'rewrite' | 'title' | 'answer', since = 0): RecordedRequest[] {
  return llm.chatRequests().slice(since).filter((r) => kindOf(r) === kind)
}

async function settled(id: string): Promise<ChatMessage> {
  return (await core.services()).chat.settled(id)
}

const cid = (): string => `client-${randomUUID()}`

async function ask(content: string, sessionId?: string): Promise<{ sessionId: string; user: ChatMessage; answer: ChatMessage }> {
  const t = await core.call('chat:send', { content, clientId: cid(), ...(sessionId ? { sessionId } : {}) })
  expect(t.assistantMessage.status).toBe('streaming')
  return { sessionId: t.session.id, user: t.userMessage as ChatMessage, answer: await settled(t.assistantMessage.id) }
}

async function configureLlm(apiKey = 'sk-test'): Promise<void> {
  await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model', apiKey })
}

beforeAll(async () => {
  llm = await startLlmServer()
  llm.setDefault((req) => {
    const k = kindOf(req)
    if (k === 'rewrite') return queues.rewrite.shift() ?? reply.text(req.body?.messages?.[1]?.content.split('Follow-up question: ')[1]?.split('\n')[0] ?? 'query')
    if (k === 'title') return queues.title.shift() ?? reply.text('A short title')
    if (k === 'answer') return queues.answer.shift() ?? citeAll(req)
    return reply.text('OK')
  })
  core = testCore({ modelDir: MODEL_FIXTURE, llm: { ollamaUrl: null, retryBaseMs: 20, maxRetries: 2 } })
  await core.call('profiles:create', { name: 'Chat' })
  core.bus.on('chat:stream', (e) => events.push(e))
})

afterAll(async () => {
  await core?.dispose()
  await llm?.close()
})

describe('recall mode (no chat model)', () => {
  it('answers with a labelled list of what was found, citing it, and sends no LLM request', async () => {
    const m = await core.call('memories:capture', { content: 'My passport expires on 12 May 2031 and its number ends in 4417.', source: 'app' })
    const before = llm.requests.length
    const { sessionId, answer } = await ask('When does my passport expire?')
    expect(llm.requests.length).toBe(before)
    expect(answer.mode).toBe('recall')
    expect(answer.status).toBe('complete')
    expect(answer.error).toBeNull()
    expect(answer.content).toMatch(/^\*\*Recall mode\*\*/)
    expect(answer.content).toMatch(/no chat model is set up \(Settings → Chat model\)/)
    const c = answer.citations.find((x) => x.id === m.memory.id)
    expect(c).toMatchObject({ source: 'memory' })
    expect(answer.content).toContain(`[${c?.n}] Memory: My passport expires on 12 May 2031`)
    // The title falls back to the question's first words.
    const detail = await core.call('sessions:get', { id: sessionId })
    expect(detail.session.title).toBe('When does my passport expire?')
    expect(detail.messages.map((x) => x.role)).toEqual(['user', 'assistant'])
  })
})

describe('grounded answers', () => {
  beforeAll(async () => {
    await configureLlm()
  })

  it('streams an answer whose prompt holds the memory as a numbered source and cites it', async () => {
    const m = await core.call('memories:capture', { content: 'The spare house key is hidden under the blue flowerpot by the back door.', source: 'app' })
    queues.answer.push(reply.text('It is under the blue flowerpot by the back door [1].', { chunkDelayMs: 5 }))
    queues.title.push(reply.text('"Spare key location."'))
    const since = llm.chatRequests().length
    const t = await core.call('chat:send', { content: 'Where is the spare house key hidden?', clientId: cid() })
    const answer = await settled(t.assistantMessage.id)
    const [req] = requestsOf('answer', since)
    const system = req?.body?.messages?.[0]?.content ?? ''
    expect(system).toMatch(/Cite every source you use by its number/)
    expect(system).toMatch(/If the sources don't contain the answer, say so/)
    expect(system).toMatch(/\[1\] \(memory, saved \d{4}-\d\d-\d\d\)\nThe spare house key is hidden under the blue flowerpot/)
    expect(req?.body?.stream).toBe(true)
    expect(req?.body?.messages?.at(-1)).toEqual({ role: 'user', content: 'Where is the spare house key hidden?' })
    expect(requestsOf('rewrite', since)).toHaveLength(0) // a first message is not rewritten

    expect(answer).toMatchObject({ status: 'complete', mode: 'llm', model: 'test-model', content: 'It is under the blue flowerpot by the back door [1].', error: null })
    expect(answer.citations).toEqual([expect.objectContaining({ n: 1, source: 'memory', id: m.memory.id })])
    expect(answer.inputTokens).toBeGreaterThan(0)
    expect(answer.outputTokens).toBeGreaterThan(0)
    expect(answer.latencyMs).toBeGreaterThan(0)

    const mine = events.filter((e) => e.messageId === answer.id)
    const phases = mine.map((e) => e.phase)
    expect(phases.indexOf('retrieving')).toBeLessThan(phases.indexOf('waiting'))
    expect(phases.indexOf('waiting')).toBeLessThan(phases.indexOf('streaming'))
    expect(phases.at(-1)).toBe('done')
    expect(mine.filter((e) => e.phase === 'streaming').map((e) => e.delta).join('')).toBe(answer.content)
    expect(mine.at(-1)?.message?.citations[0]?.id).toBe(m.memory.id)

    // Titled by the model from the first exchange; the trace rows name the session.
    const s = await core.call('sessions:get', { id: t.session.id })
    expect(s.session.title).toBe('Spare key location')
    const traces = await core.call('traces:list', { sessionId: t.session.id })
    expect(traces.map((x) => x.kind).sort()).toEqual(['answer', 'title'])
    // New messages are found by keyword at once.
    const hits = await core.call('search:query', { query: 'flowerpot back door', sources: ['message'], recordAccess: false })
    expect(hits.hits.some((h) => h.id === answer.id)).toBe(true)
  })

  it('rewrites a follow-up into a standalone query with the conversation, and retrieves with it', async () => {
    const dentist = await core.call('memories:capture', { content: 'Dentist appointment with Dr Okafor on 14 March at 9:30.', source: 'app' })
    const first = await ask('Do I have any appointments coming up?')
    queues.rewrite.push(reply.text('Dr Okafor dentist appointment time'))
    const since = llm.chatRequests().length
    const { answer } = await ask('what time is that one?', first.sessionId)
    const [rw] = requestsOf('rewrite', since)
    expect(rw).toBeDefined()
    const rwText = rw?.body?.messages?.[1]?.content ?? ''
    expect(rwText).toContain('User: Do I have any appointments coming up?')
    expect(rwText).toContain('Follow-up question: what time is that one?')
    // The rewritten query found the memory by its words: it is source [1].
    const [ans] = requestsOf('answer', since)
    expect(ans?.body?.messages?.[0]?.content).toMatch(/\[1\] \(memory[^)]*\)\nDentist appointment with Dr Okafor/)
    expect(answer.citations.find((c) => c.n === 1)?.id).toBe(dentist.memory.id)
    // History went in whole, before the question.
    expect((ans?.body?.messages ?? []).map((x) => x.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(ans?.body?.messages?.[1]?.content).toBe('Do I have any appointments coming up?')
  })

  it('uses the raw question when the rewrite fails', async () => {
    const first = await ask('Tell me about my keys')
    queues.rewrite.push(reply.error(400, 'bad request'))
    const since = llm.chatRequests().length
    const { answer } = await ask('where is the flowerpot?', first.sessionId)
    expect(requestsOf('rewrite', since)).toHaveLength(1)
    expect(answer).toMatchObject({ status: 'complete', mode: 'llm' })
    const [ans] = requestsOf('answer', since)
    expect(ans?.body?.messages?.[0]?.content).toMatch(/blue flowerpot/)
  })

  it('keeps only the sources the answer cites by number (none when it cites none)', async () => {
    queues.answer.push(reply.text('Only the second one matters [2], and nothing else (see [99]).'))
    const { answer } = await ask('spare key flowerpot passport dentist')
    expect(answer.citations.map((c) => c.n)).toEqual([2])
    queues.answer.push(reply.text('Your sources do not say.'))
    const none = await ask('spare key flowerpot')
    expect(none.answer.citations).toEqual([])
  })

  it('is idempotent: a double submit is one question and one answer', async () => {
    const clientId = cid()
    const [a, b] = await Promise.all([
      core.call('chat:send', { content: 'Where is the spare key?', clientId }),
      core.call('chat:send', { content: 'Where is the spare key?', clientId })
    ])
    expect(b.userMessage?.id).toBe(a.userMessage?.id)
    expect(b.assistantMessage.id).toBe(a.assistantMessage.id)
    expect(b.session.id).toBe(a.session.id)
    await settled(a.assistantMessage.id)
    const again = await core.call('chat:send', { content: 'Where is the spare key?', clientId })
    expect(again.assistantMessage.id).toBe(a.assistantMessage.id)
    expect(again.assistantMessage.status).toBe('complete')
    expect((await core.call('sessions:get', { id: a.session.id })).messages).toHaveLength(2)
  })
})

describe('failures', () => {
  beforeAll(async () => {
    await configureLlm()
  })

  it('falls back to recall on a 500, saying why', async () => {
    queues.answer.push(reply.error(500), reply.error(500), reply.error(500))
    const { answer } = await ask('Where is the spare house key?')
    expect(answer).toMatchObject({ mode: 'recall', status: 'complete' })
    expect(answer.error).toBeTruthy()
    expect(answer.content).toMatch(/^\*\*Recall mode\*\*.*the chat model could not answer/)
    expect(answer.citations.length).toBeGreaterThan(0)
    expect(answer.content).toMatch(/\n\[1\] /)
  })

  it('falls back to recall on a wrong key, pointing to Settings', async () => {
    llm.requireApiKey('sk-right')
    try {
      const { answer } = await ask('Where is the spare house key?')
      expect(answer.mode).toBe('recall')
      expect(answer.error).toMatch(/Settings/)
      expect(answer.content).toMatch(/Settings/)
      expect(answer.citations.some((c) => c.source === 'memory')).toBe(true)
    } finally {
      llm.requireApiKey(null)
    }
  })

  it('retries a 429 and answers', async () => {
    queues.answer.push({ kind: 'error', status: 429, message: 'Rate limit reached for requests.', type: 'requests', code: 'rate_limit_exceeded', retryAfterMs: 50 })
    const since = llm.chatRequests().length
    const { answer } = await ask('Where is the spare house key?')
    expect(requestsOf('answer', since).length).toBe(2)
    expect(answer).toMatchObject({ mode: 'llm', status: 'complete' })
  })

  it('keeps the partial text of a stream cut halfway (incomplete), and regenerate answers anew', async () => {
    queues.answer.push(reply.cut('The key is under the blue flowerpot by the back door [1].', 4))
    const first = await ask('Where is the spare house key kept?')
    expect(first.answer.status).toBe('incomplete')
    expect(first.answer.content).toBe('The key is under ')
    expect(first.answer.error).toBeTruthy()
    queues.answer.push(reply.text('Under the blue flowerpot [1].'))
    const re = await core.call('chat:regenerate', { messageId: first.answer.id })
    expect(re.userMessage).toBeNull()
    expect(re.assistantMessage.parentId).toBe(first.answer.id)
    const next = await settled(re.assistantMessage.id)
    expect(next).toMatchObject({ status: 'complete', content: 'Under the blue flowerpot [1].', superseded: false })
    const thread = await core.call('sessions:get', { id: first.sessionId })
    expect(thread.messages.map((m) => m.id)).toEqual([first.user.id, next.id])
    const all = await core.call('sessions:get', { id: first.sessionId, includeSuperseded: true })
    expect(all.messages.find((m) => m.id === first.answer.id)).toMatchObject({ superseded: true, status: 'incomplete', content: 'The key is under ' })
  })

  it('shows the waiting phase for a slow first token, and stop makes it incomplete', async () => {
    queues.answer.push(reply.slow('This arrives far too late [1].', 60_000))
    const t = await core.call('chat:send', { content: 'Where is the spare house key?', clientId: cid() })
    await expect.poll(() => events.some((e) => e.messageId === t.assistantMessage.id && e.phase === 'waiting'), { timeout: 60_000, interval: 50 }).toBe(true)
    const stopped = await core.call('chat:stop', { messageId: t.assistantMessage.id })
    expect(stopped.status).toBe('incomplete')
    expect(stopped.error).toMatch(/stopped/)
    expect(events.some((e) => e.messageId === t.assistantMessage.id && e.phase === 'streaming')).toBe(false)
    expect(events.filter((e) => e.messageId === t.assistantMessage.id).at(-1)?.phase).toBe('done')
  })

  it('stop mid-stream keeps what arrived', async () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve'
    queues.answer.push(reply.text(text, { chunkDelayMs: 300 }))
    const t = await core.call('chat:send', { content: 'Count for me', clientId: cid() })
    await expect.poll(() => events.filter((e) => e.messageId === t.assistantMessage.id && e.phase === 'streaming').length, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(2)
    const stopped = await core.call('chat:stop', { messageId: t.assistantMessage.id })
    expect(stopped.status).toBe('incomplete')
    expect(stopped.content).toMatch(/^one two/)
    expect(stopped.content.length).toBeLessThan(text.length)
  })
})

describe('edit, regenerate, feedback', () => {
  beforeAll(async () => {
    await configureLlm()
  })

  it('edit supersedes the message and what followed (kept), and answers the edit', async () => {
    const a = await ask('Where is the key?')
    const b = await ask('And the passport?', a.sessionId)
    const e = await core.call('chat:edit', { messageId: a.user.id, content: 'Where is the spare house key?' })
    expect(e.userMessage?.parentId).toBe(a.user.id)
    expect(e.userMessage?.editedAt).not.toBeNull()
    const answer = await settled(e.assistantMessage.id)
    expect(answer.status).toBe('complete')
    const active = await core.call('sessions:get', { id: a.sessionId })
    expect(active.messages.map((m) => m.id)).toEqual([e.userMessage?.id, answer.id])
    const all = await core.call('sessions:get', { id: a.sessionId, includeSuperseded: true })
    expect(all.messages.filter((m) => m.superseded).map((m) => m.id).sort()).toEqual([a.user.id, a.answer.id, b.user.id, b.answer.id].sort())
    // The edited question was answered without the superseded history.
    const req = llm.chatRequests().filter((r) => kindOf(r) === 'answer' && r.body?.messages?.at(-1)?.content === 'Where is the spare house key?').at(-1)
    expect(req?.body?.messages?.map((m) => m.role)).toEqual(['system', 'user'])
    await expect(core.call('chat:edit', { messageId: a.user.id, content: 'again' })).rejects.toMatchObject({ code: 'conflict' })
    // Superseded messages are kept, but normal search no longer finds them.
    const found = await core.call('search:query', { query: 'passport', sources: ['message'], k: 50, recordAccess: false })
    const superseded = new Set([a.user.id, a.answer.id, b.user.id, b.answer.id])
    expect(found.hits.filter((h) => superseded.has(h.id))).toEqual([])
  })

  it('regenerate keeps the old answer superseded; the session counts active messages', async () => {
    const a = await ask('Where is the spare house key?')
    const r = await core.call('chat:regenerate', { messageId: a.answer.id })
    await settled(r.assistantMessage.id)
    const all = await core.call('sessions:get', { id: a.sessionId, includeSuperseded: true })
    expect(all.messages.map((m) => [m.role, m.superseded])).toEqual([
      ['user', false],
      ['assistant', true],
      ['assistant', false]
    ])
    expect(all.session.messageCount).toBe(2)
    await expect(core.call('chat:regenerate', { messageId: a.answer.id })).rejects.toMatchObject({ code: 'conflict' })
  })

  it('stores feedback and its comment, and clears it', async () => {
    const a = await ask('Where is the spare house key?')
    const down = await core.call('chat:feedback', { messageId: a.answer.id, value: -1, comment: 'Wrong door.' })
    expect(down).toMatchObject({ feedback: -1, feedbackComment: 'Wrong door.' })
    expect((await core.call('sessions:get', { id: a.sessionId })).messages[1]).toMatchObject({ feedback: -1, feedbackComment: 'Wrong door.' })
    const cleared = await core.call('chat:feedback', { messageId: a.answer.id, value: null })
    expect(cleared).toMatchObject({ feedback: null, feedbackComment: null })
    await expect(core.call('chat:feedback', { messageId: a.user.id, value: 1 })).rejects.toMatchObject({ code: 'validation' })
  })
})

describe('sessions', () => {
  it('search by title and content, rename stops auto-title, archive hides from list and search, restore, delete', async () => {
    const s = await core.call('sessions:create', {})
    expect(s).toMatchObject({ title: 'New chat', titleSource: 'auto', messageCount: 0, archivedAt: null })
    await core.call('sessions:rename', { id: s.id, title: 'Garden planning' })
    await configureLlm()
    const a = await ask('Which tomatoes grow best on a shaded balcony next to the zucchini?', s.id)
    const after = await core.call('sessions:get', { id: s.id })
    expect(after.session).toMatchObject({ title: 'Garden planning', titleSource: 'user', messageCount: 2 })

    expect((await core.call('sessions:list', { query: 'garden' })).items.map((x) => x.id)).toContain(s.id)
    expect((await core.call('sessions:list', { query: 'gardn' })).items.map((x) => x.id)).toContain(s.id) // a typo still finds the title
    expect((await core.call('sessions:list', { query: 'zucchini' })).items.map((x) => x.id)).toEqual([s.id]) // message content
    expect((await core.call('sessions:list', { query: 'nothing-like-this-anywhere' })).items).toEqual([])

    const page = await core.call('sessions:list', { limit: 2 })
    expect(page.items).toHaveLength(2)
    expect(page.nextCursor).toBe('2')
    expect(page.total).toBeGreaterThan(2)
    const page2 = await core.call('sessions:list', { limit: 2, cursor: page.nextCursor as string })
    expect(page2.items.map((x) => x.id)).not.toContain(page.items[0]?.id)

    await core.call('sessions:archive', { id: s.id })
    expect((await core.call('sessions:list', {})).items.map((x) => x.id)).not.toContain(s.id)
    expect((await core.call('sessions:list', { archived: true })).items.map((x) => x.id)).toEqual([s.id])
    const hidden = await core.call('search:query', { query: 'zucchini balcony', sources: ['message'], recordAccess: false })
    expect(hidden.hits.some((h) => h.id === a.user.id)).toBe(false)
    await expect(core.call('chat:send', { sessionId: s.id, content: 'more?', clientId: cid() })).rejects.toMatchObject({ code: 'conflict' })

    await core.call('sessions:restore', { id: s.id })
    expect((await core.call('sessions:list', {})).items.map((x) => x.id)).toContain(s.id)
    const back = await core.call('search:query', { query: 'zucchini balcony', sources: ['message'], recordAccess: false })
    expect(back.hits.some((h) => h.id === a.user.id)).toBe(true)

    await core.call('sessions:delete', { id: s.id })
    await expect(core.call('sessions:get', { id: s.id })).rejects.toMatchObject({ code: 'not_found' })
    const { ctx } = await core.services()
    expect(Number((await ctx.db('messages').where({ session_id: s.id }).count({ n: '*' }))[0]?.n)).toBe(0)
  })

  it('configure sets and clears overrides; the session model override reaches the request', async () => {
    const s = await core.call('sessions:create', { title: 'Overrides' })
    expect(s.titleSource).toBe('user')
    const c = await core.call('sessions:configure', { id: s.id, settings: { model: 'test-model-large', temperature: 0.2 } })
    expect(c.settings).toEqual({ model: 'test-model-large', temperature: 0.2 })
    const since = llm.chatRequests().length
    await ask('Where is the spare key?', s.id)
    expect(requestsOf('answer', since)[0]?.body?.model).toBe('test-model-large')
    const cleared = await core.call('sessions:configure', { id: s.id, settings: { model: null } })
    expect(cleared.settings).toEqual({ temperature: 0.2 })
  })
})

describe('document scope', () => {
  let hiking = ''
  let baking = ''
  beforeAll(async () => {
    await configureLlm()
    const b64 = (s: string): string => Buffer.from(s).toString('base64')
    const r = await core.call('documents:importBytes', {
      files: [
        { name: 'hiking.txt', data: b64('Weekend plans: hiking the ridge trail above the lake, starting at the north car park at dawn. Bring two litres of water for the weekend hike.') },
        { name: 'baking.txt', data: b64('Weekend plans: baking sourdough bread, feeding the starter on Friday night and shaping the loaf on Saturday for the weekend.') }
      ]
    })
    const s = await core.services()
    for (const f of r.files) await s.workflows.waitFor(f.runId as string, 240_000)
    hiking = r.files.find((f) => f.name === 'hiking.txt')?.documentId as string
    baking = r.files.find((f) => f.name === 'baking.txt')?.documentId as string
    expect(hiking).toBeTruthy()
    expect(baking).toBeTruthy()
  })

  const docIds = (m: ChatMessage): string[] => [...new Set(m.citations.filter((c) => c.source === 'document').map((c) => c.documentId as string))].sort()

  it("'all' draws on both, 'only' and 'exclude' change which chunks are cited, and the profile exclusion list applies", async () => {
    const all = await ask('What are my weekend plans?')
    expect(docIds(all.answer)).toEqual([hiking, baking].sort())
    const chunk = all.answer.citations.find((c) => c.source === 'document')
    expect(chunk).toMatchObject({ start: expect.any(Number), end: expect.any(Number) })
    expect(chunk?.title).toMatch(/^(hiking|baking)\.txt/)

    const only = await core.call('sessions:create', {})
    await core.call('sessions:configure', { id: only.id, settings: { documents: { mode: 'only', documentIds: [hiking] } } })
    expect(docIds((await ask('What are my weekend plans?', only.id)).answer)).toEqual([hiking])

    const ex = await core.call('sessions:create', {})
    await core.call('sessions:configure', { id: ex.id, settings: { documents: { mode: 'exclude', documentIds: [hiking] } } })
    expect(docIds((await ask('What are my weekend plans?', ex.id)).answer)).toEqual([baking])

    await core.call('settings:set', { key: 'chat.excluded_document_ids', value: [baking] })
    try {
      expect(docIds((await ask('What are my weekend plans?')).answer)).toEqual([hiking])
    } finally {
      await core.call('settings:set', { key: 'chat.excluded_document_ids', value: [] })
    }
  })
})

describe('context budget', () => {
  it('drops whole history messages and sources, never cutting one', async () => {
    await configureLlm()
    const long = (w: string): string => Array.from({ length: 200 }, (_, i) => `${w}${i}`).join(' ')
    const first = await ask(`First question about budgets: ${long('alpha')}`)
    await ask(`Second question about budgets: ${long('beta')}`, first.sessionId)
    await core.call('settings:set', { key: 'chat.context_tokens', value: 900 })
    try {
      const since = llm.chatRequests().length
      queues.rewrite.push(reply.text('budgets'))
      await ask('Third question about budgets?', first.sessionId)
      const [req] = requestsOf('answer', since)
      const msgs = req?.body?.messages ?? []
      const { llm: svc } = await core.services()
      expect(msgs.reduce((n, m) => n + svc.countTokens(m.content) + 4, 0)).toBeLessThanOrEqual(900)
      // Every history message sent is whole: exactly one of the stored messages; the oldest went first.
      const stored = (await core.call('sessions:get', { id: first.sessionId })).messages.map((m) => m.content).slice(0, 4)
      const history = msgs.slice(1, -1).map((m) => m.content)
      expect(history.length).toBeGreaterThan(0)
      expect(history.length).toBeLessThan(stored.length)
      expect(history).toEqual(stored.slice(stored.length - history.length))
      expect(msgs.at(-1)?.content).toBe('Third question about budgets?')
      // Sources in the system prompt are whole memories.
      const sys = msgs[0]?.content ?? ''
      const memoryTexts = (await core.call('memories:list', { limit: 500 })).items.map((m) => m.content)
      for (const block of sys.split('\n\n').filter((b) => /^\[\d+\] \(memory/.test(b))) expect(memoryTexts).toContain(block.split('\n').slice(1).join('\n'))
    } finally {
      await core.call('settings:set', { key: 'chat.context_tokens', value: 4096 })
    }
  })
})

describe('remember that …', () => {
  it('captures once on a double submit, cites the memory, and says when it was already known', async () => {
    const clientId = cid()
    const since = llm.chatRequests().length
    const [a, b] = await Promise.all([
      core.call('chat:send', { content: 'Remember that my bike lock code is 2719', clientId }),
      core.call('chat:send', { content: 'Remember that my bike lock code is 2719', clientId })
    ])
    expect(b.assistantMessage.id).toBe(a.assistantMessage.id)
    const done = await settled(a.assistantMessage.id)
    expect(done.content).toMatch(/^Remembered: "my bike lock code is 2719" \[1\]/)
    expect(done.citations).toEqual([expect.objectContaining({ n: 1, source: 'memory' })])
    const memoryId = done.citations[0]?.id as string
    const detail = await core.call('memories:get', { id: memoryId, recordAccess: false })
    expect(detail.memory).toMatchObject({ content: 'my bike lock code is 2719', source: 'chat' })
    expect(detail.provenance).toMatchObject({ messageId: a.userMessage?.id, sessionId: a.session.id })
    const list = await core.call('memories:list', { limit: 500 })
    expect(list.items.filter((m) => m.content === 'my bike lock code is 2719')).toHaveLength(1)
    expect(requestsOf('answer', since)).toHaveLength(0)

    const again = await ask('remember: My bike lock code is 2719')
    expect(again.answer.content).toMatch(/^I already knew that/)
    expect(again.answer.citations[0]?.id).toBe(memoryId)
  })
})
