/**
 * Memory extraction and the proposals inbox on a real app core (real PGlite, the
 * random-weights model fixture for search) against the loopback OpenAI-protocol server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { testCore, MODEL_FIXTURE, type TestCore } from '../helpers/core'
import { reply, startLlmServer, type LlmServer } from '../helpers/llm-server'
import type { ExtractionService } from '../../src/main/features/extraction/extraction.service'

let core: TestCore
let llm: LlmServer
const changed: string[][] = []

async function db(): Promise<Knex> {
  return (await core.services()).ctx.db
}
async function extraction(): Promise<ExtractionService> {
  return (await core.services()).extraction
}

/** A chat session with its messages, written as the chat service writes them. */
async function session(turns: Array<[role: 'user' | 'assistant', content: string]>, title = 'A chat'): Promise<string> {
  const k = await db()
  const [s] = (await k('sessions').insert({ title, last_message_at: k.fn.now() }).returning('id')) as Array<{ id: string }>
  if (turns.length) await k('messages').insert(turns.map(([role, content], i) => ({ session_id: s!.id, seq: i + 1, role, content })))
  return s!.id
}

async function count(table: string, where: Record<string, unknown> = {}): Promise<number> {
  const r = await (await db())(table).where(where).count({ n: '*' })
  return Number(r[0]?.n)
}

const add = (content: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  action: 'add',
  content,
  type: 'preference',
  topics: ['drinks'],
  importance: 0.7,
  target_memory_id: null,
  reason: 'said so',
  ...extra
})

beforeAll(async () => {
  llm = await startLlmServer()
  core = testCore({ modelDir: MODEL_FIXTURE, llm: { ollamaUrl: null, retryBaseMs: 10 } })
  await core.call('profiles:create', { name: 'Extract' })
  await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model' })
  core.bus.on('proposals:changed', (e) => changed.push(e.ids))
})
afterAll(async () => {
  await core.dispose()
  await llm.close()
})
beforeEach(async () => {
  llm.requireApiKey(null)
  llm.setDefault(reply.json({ memories: [] }))
  await core.call('settings:set', { key: 'chat.extraction_auto_confirm', value: false })
})

describe('extraction', () => {
  it('proposes memories from a conversation, shows the model similar memories, and waits in the inbox', async () => {
    const known = await core.call('memories:capture', { content: 'Anna drinks green tea every morning', topics: ['anna'] })
    await (await core.services()).embeddingQueue.drain()
    const id = await session([
      ['user', 'Remind me: Anna prefers tea over coffee, and her birthday is on March 3.'],
      ['assistant', 'Noted. Anna prefers tea, birthday March 3.'],
      ['user', 'Also, I am flying to Lisbon on 14 June.']
    ])
    changed.length = 0
    const before = llm.chatRequests().length
    llm.script(
      reply.json({
        memories: [
          add("Anna's birthday is on March 3.", { type: 'person', topics: ['anna', 'birthdays'], importance: 0.8 }),
          add('Flying to Lisbon on 14 June.', { type: 'plan', topics: 'travel, lisbon', importance: 'high' }),
          { action: 'none', content: 'Anna drinks green tea every morning', reason: 'already known' }
        ]
      })
    )
    const r = await core.call('chat:extract', { sessionId: id })
    expect(r.autoConfirmed).toBe(0)
    expect(r.skipped).toBe(1)
    expect(r.proposals.map((p) => [p.action, p.content, p.type, p.topics, p.importance, p.status])).toEqual([
      ['add', "Anna's birthday is on March 3.", 'person', ['anna', 'birthdays'], expect.closeTo(0.8, 5), 'pending'],
      ['add', 'Flying to Lisbon on 14 June.', 'plan', ['travel', 'lisbon'], expect.closeTo(0.8, 5), 'pending']
    ])
    expect(r.proposals.every((p) => p.sessionId === id && p.memoryId === null && p.decidedAt === null)).toBe(true)

    // What the model read: the conversation and the similar memory, with its id.
    expect(llm.chatRequests().length - before).toBe(1)
    const sent = llm.chatRequests().at(-1)!.body!
    const prompt = sent.messages!.map((m) => m.content).join('\n')
    expect(prompt).toContain('User: Also, I am flying to Lisbon on 14 June.')
    expect(prompt).toContain('Assistant: Noted. Anna prefers tea, birthday March 3.')
    expect(prompt).toContain(`id ${known.memory.id}: Anna drinks green tea every morning`)
    expect(sent.response_format).toEqual({ type: 'json_object' })

    const inbox = await core.call('proposals:list', {})
    expect(inbox.map((p) => p.id).sort()).toEqual(r.proposals.map((p) => p.id).sort())
    expect(changed).toEqual([r.proposals.map((p) => p.id)])
    const trace = (await core.call('traces:list', { limit: 1, sessionId: id }))[0]
    expect(trace).toMatchObject({ kind: 'extract', status: 'ok', sessionId: id })
    // Nothing became a memory yet.
    expect(await count('memories', { source: 'chat' })).toBe(0)
  })

  it('reads JSON inside code fences and prose (small local models)', async () => {
    const id = await session([['user', 'My bike is a blue Gazelle.']])
    llm.script(reply.text('Sure! Here are the memories:\n```json\n' + JSON.stringify({ memories: [add('My bike is a blue Gazelle.', { type: 'fact' })] }, null, 2) + '\n```\nLet me know!'))
    const r = await core.call('chat:extract', { sessionId: id })
    expect(r.proposals.map((p) => p.content)).toEqual(['My bike is a blue Gazelle.'])
  })

  it('repairs broken JSON with one retry that shows the error', async () => {
    const id = await session([['user', 'I switched to the night shift at the hospital.']])
    const before = llm.chatRequests().length
    llm.script(
      reply.text('{"memories": [{"action": "add", "content": "Works the night shift at the hospital"'),
      reply.json({ memories: [add('Works the night shift at the hospital.', { type: 'fact' })] })
    )
    const r = await core.call('chat:extract', { sessionId: id })
    expect(r.proposals.map((p) => p.content)).toEqual(['Works the night shift at the hospital.'])
    const reqs = llm.chatRequests().slice(before)
    expect(reqs.length).toBe(2)
    const repair = reqs[1]!.body!.messages!
    expect(repair.at(-2)).toMatchObject({ role: 'assistant', content: expect.stringContaining('night shift at the hospital"') })
    expect(repair.at(-1)!.content).toMatch(/could not be used: the reply is not valid JSON/)
    const [second, first] = await core.call('traces:list', { limit: 2, sessionId: id })
    expect(first).toMatchObject({ status: 'error', error: expect.stringMatching(/Unusable reply: the reply is not valid JSON.*Asked again/) })
    expect(second).toMatchObject({ status: 'ok' })
  })

  it('asks again when the JSON has the wrong shape, naming the field', async () => {
    const id = await session([['user', 'The wifi password at the cabin is on the fridge.']])
    const before = llm.chatRequests().length
    llm.script(reply.json({ memories: [{ action: 'remember', content: 'x' }] }), reply.json([add('The cabin wifi password is on the fridge.', { type: 'fact' })]))
    const r = await core.call('chat:extract', { sessionId: id })
    expect(r.proposals.map((p) => p.content)).toEqual(['The cabin wifi password is on the fridge.'])
    expect(llm.chatRequests()[before + 1]!.body!.messages!.at(-1)!.content).toMatch(/memories\.0\.action/)
  })

  it('gives up after a second broken answer: a clear error, traces marked, nothing stored', async () => {
    const id = await session([['user', 'Remember that the car is due for service in May.']])
    const proposals = await count('memory_proposals')
    const before = llm.chatRequests().length
    llm.script(reply.text('I think you should remember the car service!'), reply.text('```json\n{"memories": [ {"action": "add", "content": }\n```'))
    await expect(core.call('chat:extract', { sessionId: id })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/did not answer with a list of memories Engram could read.*Nothing was saved/)
    })
    expect(llm.chatRequests().length - before).toBe(2)
    expect(await count('memory_proposals')).toBe(proposals)
    const t = await core.call('traces:list', { limit: 2, sessionId: id })
    expect(t.map((x) => x.status)).toEqual(['error', 'error'])
    expect(t[0]!.error).toMatch(/Gave up; nothing was saved/)
  })

  it('skips what is known: exact text of a memory, a proposal already waiting, "none"; a made-up target becomes an add', async () => {
    await core.call('memories:capture', { content: 'Tom is allergic to peanuts' })
    const id = await session([['user', 'Tom is allergic to peanuts, and he plays the cello.']])
    const items = {
      memories: [
        add('  tom is ALLERGIC to peanuts '),
        add('Tom plays the cello.'),
        add('Tom plays the cello.'),
        { action: 'update', content: 'Tom plays the cello in an orchestra.', target_memory_id: '00000000-0000-4000-8000-000000000001', type: 'person' },
        { action: 'none' }
      ]
    }
    llm.script(reply.json(items))
    const r = await core.call('chat:extract', { sessionId: id })
    expect(r.proposals.map((p) => [p.action, p.content, p.targetMemoryId])).toEqual([
      ['add', 'Tom plays the cello.', null],
      ['add', 'Tom plays the cello in an orchestra.', null]
    ])
    expect(r.skipped).toBe(3)
    // The same answer again: everything is already waiting.
    llm.script(reply.json(items))
    const again = await core.call('chat:extract', { sessionId: id })
    expect(again.proposals).toEqual([])
    expect(again.skipped).toBe(5)
  })
})

describe('the inbox', () => {
  it('confirming an add captures a chat memory whose provenance is the session; edited text wins', async () => {
    const id = await session([['user', 'My dentist is Dr. Okafor on Elm Street.']], 'Dentist')
    llm.script(reply.json({ memories: [add('Dentist: Dr. Okafor, Elm Street.', { type: 'person', topics: ['health'] })] }))
    const [p] = (await core.call('chat:extract', { sessionId: id })).proposals
    changed.length = 0
    const done = await core.call('proposals:confirm', { id: p!.id, content: 'My dentist is Dr. Okafor (Elm Street).' })
    expect(done).toMatchObject({ status: 'confirmed', memoryId: expect.any(String), decidedAt: expect.any(String) })
    expect(changed).toEqual([[p!.id]])
    const m = await core.call('memories:get', { id: done.memoryId!, recordAccess: false })
    expect(m.memory).toMatchObject({ content: 'My dentist is Dr. Okafor (Elm Street).', type: 'person', topics: ['health'], source: 'chat' })
    expect(m.provenance).toMatchObject({ kind: 'message', sessionId: id, sessionTitle: 'Dentist' })
    await expect(core.call('proposals:confirm', { id: p!.id })).rejects.toMatchObject({ code: 'conflict' })
    await expect(core.call('proposals:reject', { id: p!.id })).rejects.toMatchObject({ code: 'conflict' })
    expect((await core.call('proposals:list', { status: 'confirmed' })).some((x) => x.id === p!.id)).toBe(true)
  })

  it('confirming an update supersedes the target memory and keeps its history', async () => {
    const old = await core.call('memories:capture', { content: 'Anna lives in Berlin', topics: ['anna'] })
    await (await core.services()).embeddingQueue.drain()
    const id = await session([['user', 'Anna moved to Munich last month.']])
    llm.script(
      reply.json({
        memories: [{ action: 'update', content: 'Anna lives in Munich (moved in 2026).', target_memory_id: old.memory.id, type: 'person', topics: ['anna'], importance: 0.6, reason: 'she moved' }]
      })
    )
    const [p] = (await core.call('chat:extract', { sessionId: id })).proposals
    expect(p).toMatchObject({ action: 'update', targetMemoryId: old.memory.id, targetContent: 'Anna lives in Berlin', reason: 'she moved' })
    const done = await core.call('proposals:confirm', { id: p!.id })
    const now = await core.call('memories:get', { id: done.memoryId!, recordAccess: false })
    expect(now.memory.content).toBe('Anna lives in Munich (moved in 2026).')
    expect(now.history.map((h) => h.content)).toContain('Anna lives in Berlin')
    expect((await (await db())('memories').where({ id: old.memory.id }).first('status', 'superseded_by'))).toEqual({ status: 'superseded', superseded_by: done.memoryId })
  })

  it('an update whose target changed meanwhile is refused in words, and stays pending', async () => {
    const old = await core.call('memories:capture', { content: 'The gym opens at 6' })
    const id = await session([['user', 'The gym opens at 7 now.']])
    llm.script(reply.json({ memories: [{ action: 'update', content: 'The gym opens at 7.', target_memory_id: old.memory.id }] }))
    const [p] = (await core.call('chat:extract', { sessionId: id })).proposals
    await core.call('memories:archive', { id: old.memory.id })
    await expect(core.call('proposals:confirm', { id: p!.id })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/Reject the proposal/) })
    expect((await core.call('proposals:list', {})).some((x) => x.id === p!.id)).toBe(true)
  })

  it('reject keeps the proposal as rejected and makes no memory', async () => {
    const id = await session([['user', 'I might learn Portuguese some day.']])
    llm.script(reply.json({ memories: [add('Might learn Portuguese some day.')] }))
    const [p] = (await core.call('chat:extract', { sessionId: id })).proposals
    const memories = await count('memories')
    const r = await core.call('proposals:reject', { id: p!.id })
    expect(r).toMatchObject({ status: 'rejected', memoryId: null, decidedAt: expect.any(String) })
    expect(await count('memories')).toBe(memories)
    expect((await core.call('proposals:list', { status: 'rejected' })).map((x) => x.id)).toContain(p!.id)
    expect((await core.call('proposals:list', {})).map((x) => x.id)).not.toContain(p!.id)
    await expect(core.call('proposals:confirm', { id: p!.id })).rejects.toMatchObject({ code: 'conflict' })
  })

  it('auto-confirm turns proposals into memories at once', async () => {
    await core.call('settings:set', { key: 'chat.extraction_auto_confirm', value: true })
    const id = await session([['user', 'Our anniversary is on 9 September.']])
    llm.script(reply.json({ memories: [add('Anniversary on 9 September.', { type: 'event' }), add('Married since 2019.', { type: 'fact' })] }))
    const r = await core.call('chat:extract', { sessionId: id })
    expect(r.autoConfirmed).toBe(2)
    expect(r.proposals.map((p) => p.status)).toEqual(['confirmed', 'confirmed'])
    for (const p of r.proposals) expect((await core.call('memories:get', { id: p.memoryId!, recordAccess: false })).memory.source).toBe('chat')
  })
})

describe('failures', () => {
  it('a wrong API key, HTTP 500 and 429 come back in words with nothing stored', async () => {
    const id = await session([['user', 'My locker code is 1234.']])
    const proposals = await count('memory_proposals')
    llm.requireApiKey('sk-needed')
    await expect(core.call('chat:extract', { sessionId: id })).rejects.toMatchObject({
      code: 'unauthorized',
      message: "The chat model's API key was refused (401). Check it in Settings → Chat model."
    })
    llm.requireApiKey(null)
    llm.script(reply.error(500, 'out of memory'), reply.error(500, 'out of memory'), reply.error(500, 'out of memory'))
    await expect(core.call('chat:extract', { sessionId: id })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/HTTP 500: out of memory/) })
    llm.script(reply.rateLimited(0), reply.rateLimited(0), reply.rateLimited(0))
    await expect(core.call('chat:extract', { sessionId: id })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/rate limit/) })
    expect(await count('memory_proposals')).toBe(proposals)
  })

  it('says what to do without a model, for an unknown chat, and for a chat with nothing said', async () => {
    const id = await session([['user', 'hello']])
    await core.call('llm:configure', { baseUrl: null, model: null })
    await expect(core.call('chat:extract', { sessionId: id })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/needs a chat model.*Settings → Chat model/) })
    await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model' })
    await expect(core.call('chat:extract', { sessionId: '00000000-0000-4000-8000-000000000009' })).rejects.toMatchObject({ code: 'not_found' })
    const empty = await session([])
    const before = llm.chatRequests().length
    expect(await core.call('chat:extract', { sessionId: empty })).toEqual({ proposals: [], autoConfirmed: 0, skipped: 0 })
    expect(llm.chatRequests().length).toBe(before)
  })
})

describe('when a chat goes quiet', () => {
  it('extracts by itself after the quiet time, once per new message', async () => {
    await core.call('settings:set', { key: 'chat.extraction_quiet_minutes', value: 0.01 })
    const id = await session([['user', 'I keep the spare key under the blue pot.']])
    const ex = await extraction()
    const before = llm.chatRequests().length
    llm.script(reply.json({ memories: [add('The spare key is under the blue pot.', { type: 'fact' })] }))
    ex.scheduleQuiet(id)
    ex.scheduleQuiet(id) // a second answer restarts the wait; still one run
    await expect.poll(async () => (await core.call('proposals:list', {})).filter((p) => p.sessionId === id).length, { timeout: 60_000, interval: 200 }).toBe(1)
    expect(llm.chatRequests().length - before).toBe(1)
    // Nothing new said since: the next quiet run does not ask again.
    ex.scheduleQuiet(id)
    await expect.poll(() => ex.scheduled().includes(id), { timeout: 30_000, interval: 100 }).toBe(true)
    await expect.poll(() => ex.scheduled().includes(id), { timeout: 30_000, interval: 100 }).toBe(false)
    await new Promise((r) => setTimeout(r, 300))
    expect(llm.chatRequests().length - before).toBe(1)
  })

  it('after a restart, picks up chats that got messages since their last extraction', async () => {
    await core.call('settings:set', { key: 'chat.extraction_quiet_minutes', value: 0.01 })
    const id = await session([['user', 'The boiler service is booked for 12 March.']])
    const ex = await extraction()
    // Earlier chats of this file that never got an extraction are picked up too: answer by content.
    llm.setDefault((req) =>
      JSON.stringify(req.body?.messages).includes('boiler service is booked')
        ? reply.json({ memories: [add('Boiler service booked for 12 March.', { type: 'event' })] })
        : reply.json({ memories: [] })
    )
    expect(await ex.resumeQuiet()).toBeGreaterThanOrEqual(1)
    expect(ex.scheduled()).toContain(id)
    await expect.poll(async () => (await core.call('proposals:list', {})).filter((p) => p.sessionId === id).length, { timeout: 60_000, interval: 200 }).toBe(1)
    // Its extraction is on record (the 'extract' trace): nothing to resume any more.
    await expect.poll(() => ex.scheduled().length, { timeout: 60_000, interval: 200 }).toBe(0)
    await expect.poll(() => ex.resumeQuiet(), { timeout: 60_000, interval: 500 }).toBe(0)
  })

  it('0 minutes turns it off, and closing the profile cancels a waiting run', async () => {
    const id = await session([['user', 'My passport expires in 2031.']])
    await core.call('settings:set', { key: 'chat.extraction_quiet_minutes', value: 0 })
    const ex = await extraction()
    ex.scheduleQuiet(id)
    await new Promise((r) => setTimeout(r, 300))
    expect(ex.scheduled()).not.toContain(id)

    await core.call('settings:set', { key: 'chat.extraction_quiet_minutes', value: 0.05 })
    ex.scheduleQuiet(id)
    await expect.poll(() => ex.scheduled().includes(id), { timeout: 30_000, interval: 50 }).toBe(true)
    const before = llm.chatRequests().length
    const { ctx } = await core.services()
    await core.profiles.close()
    expect(ex.scheduled()).toEqual([])
    await new Promise((r) => setTimeout(r, 4000))
    expect(llm.chatRequests().length).toBe(before)
    await core.call('profiles:switch', { id: ctx.profile.id })
  })
})
