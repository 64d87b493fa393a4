/**
 * Chat-export import end to end: ChatGPT and Claude `conversations.json` exports (built
 * here, in the shapes the services really write) through `chats:importExport` and the
 * durable `chat.import` run on a real PGlite with the real embedding pipeline
 * (RANDOM-WEIGHTS fixture: plumbing, not meaning), then found by search. Only the current
 * branch of a ChatGPT tree is kept; a second import of the same export adds nothing;
 * anything that is not a chat export is refused in words and leaves no trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { testCore, tempDir, MODEL_FIXTURE, type TestCore } from '../helpers/core'
import { AppError } from '../../src/shared/errors'
import type { ChatImportSummary } from '../../src/shared/types'
import { detectChatExport, readConversations } from '../../src/main/features/chat-import/chat-export'
import { runCli } from '../../src/cli/main'

let core: TestCore
let dataDir: string

const T0 = Date.UTC(2024, 2, 14, 9, 30, 0) / 1000 // seconds, as ChatGPT writes them

/** A ChatGPT mapping node. */
function node(id: string, parent: string | null, children: string[], message: Record<string, unknown> | null) {
  return { id, parent, children, message: message && { id, ...message } }
}
const gptMsg = (role: string, parts: unknown[], t: number | null, extra: Record<string, unknown> = {}) => ({
  author: { role, name: null, metadata: {} },
  create_time: t,
  content: { content_type: 'text', parts },
  status: 'finished_successfully',
  recipient: 'all',
  metadata: {},
  ...extra
})

/** Two conversations; the first has a regenerated answer (two branches), tool calls, a system prompt and an image. */
function chatgptExport(): unknown[] {
  return [
    {
      title: 'Lighthouse keeping',
      create_time: T0,
      update_time: T0 + 600,
      conversation_id: 'gpt-conv-1',
      id: 'gpt-conv-1',
      current_node: 'a2b',
      mapping: {
        root: node('root', null, ['sys'], null),
        sys: node('sys', 'root', ['ctx'], gptMsg('system', [''], null, { metadata: { is_visually_hidden_from_conversation: true } })),
        ctx: node('ctx', 'sys', ['u1'], {
          ...gptMsg('user', [], T0, { metadata: { is_visually_hidden_from_conversation: true } }),
          content: { content_type: 'user_editable_context', user_profile: 'I live by the sea.' }
        }),
        u1: node('u1', 'ctx', ['a1old', 'a1new'], gptMsg('user', ['What did a lighthouse keeper do all night?'], T0 + 10)),
        a1old: node('a1old', 'u1', [], gptMsg('assistant', ['The abandoned draft answer mentions zeppelins.'], T0 + 20)),
        a1new: node('a1new', 'u1', ['u2'], gptMsg('assistant', ['A lighthouse keeper trimmed the wick and wound the clockwork every few hours.'], T0 + 30, { metadata: { model_slug: 'gpt-4o' } })),
        u2: node('u2', 'a1new', ['call'], {
          ...gptMsg('user', [{ content_type: 'image_asset_pointer', asset_pointer: 'file-service://x' }, 'Here is a photo of the lamp room.'], T0 + 40),
          content: { content_type: 'multimodal_text', parts: [{ content_type: 'image_asset_pointer', asset_pointer: 'file-service://x' }, 'Here is a photo of the lamp room.'] }
        }),
        call: node('call', 'u2', ['tool'], { ...gptMsg('assistant', [], T0 + 41, { recipient: 'python' }), content: { content_type: 'code', language: 'python', text: 'print(1)' } }),
        tool: node('tool', 'call', ['a2b'], { ...gptMsg('tool', [], T0 + 42), content: { content_type: 'execution_output', text: '1' } }),
        a2b: node('a2b', 'tool', [], gptMsg('assistant', ['That Fresnel lens focused the beam twenty miles out to sea.'], T0 + 50))
      }
    },
    {
      title: 'Empty chat',
      create_time: T0 + 1000,
      id: 'gpt-conv-empty',
      current_node: 'r',
      mapping: { r: node('r', null, [], null) }
    },
    {
      title: '',
      create_time: T0 + 2000,
      id: 'gpt-conv-2',
      // no current_node: the newest leaf is the current branch
      mapping: {
        r: node('r', null, ['q'], null),
        q: node('q', 'r', ['x', 'y'], gptMsg('user', ['Suggest a name for my sailing dinghy'], T0 + 2010)),
        x: node('x', 'q', [], gptMsg('assistant', ['Old suggestion: Seagull.'], T0 + 2020)),
        y: node('y', 'q', [], gptMsg('assistant', ['How about Petrel, after the seabird?'], T0 + 2030))
      }
    }
  ]
}

function claudeExport(): unknown[] {
  return [
    {
      uuid: 'claude-conv-1',
      name: 'Sourdough over the holidays',
      created_at: '2024-05-01T08:00:00.000000Z',
      updated_at: '2024-05-01T08:05:00.000000Z',
      account: { uuid: 'acct' },
      chat_messages: [
        {
          uuid: 'm1',
          sender: 'human',
          text: 'How do I keep a sourdough starter alive for two weeks away?',
          content: [{ type: 'text', text: 'How do I keep a sourdough starter alive for two weeks away?' }],
          created_at: '2024-05-01T08:00:00.000000Z',
          attachments: [],
          files: []
        },
        {
          uuid: 'm2',
          sender: 'assistant',
          text: 'ignored when content has text',
          content: [
            { type: 'thinking', thinking: 'hmm' },
            { type: 'text', text: 'Feed it a stiff dough, then keep the jar in the fridge until you return.' },
            { type: 'tool_use', name: 'x', input: {} }
          ],
          created_at: '2024-05-01T08:01:00.000000Z'
        },
        { uuid: 'm3', sender: 'human', text: '   ', content: [], created_at: '2024-05-01T08:02:00.000000Z' },
        { uuid: 'm4', sender: 'human', text: 'Thanks, the rye one too?', created_at: '2024-05-01T08:03:00.000000Z' }
      ]
    },
    {
      uuid: 'claude-conv-2',
      name: 'Bike gears',
      created_at: '2024-06-02T10:00:00Z',
      updated_at: '2024-06-02T10:00:30Z',
      chat_messages: [
        { uuid: 'n1', sender: 'human', text: 'My derailleur skips on the smallest cog.', created_at: '2024-06-02T10:00:00Z' },
        { uuid: 'n2', sender: 'assistant', text: 'Turn the barrel adjuster a quarter turn anticlockwise.', created_at: '2024-06-02T10:00:30Z' }
      ]
    }
  ]
}

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64')

async function importExport(name: string, data: unknown): Promise<{ started: Awaited<ReturnType<TestCore['call']>>; summary: ChatImportSummary }> {
  const started = await core.call('chats:importExport', { name, data: b64(data) })
  const s = await core.services()
  const run = await s.workflows.waitFor(started.runId, 120_000)
  expect(run.status, run.error ?? '').toBe('succeeded')
  return { started, summary: run.output as ChatImportSummary }
}

async function sessionsFrom(format: string) {
  const { ctx } = await core.services()
  return (await ctx.db('sessions').whereRaw(`settings->>'imported_from' = ?`, [format]).orderBy('created_at')) as Array<{
    id: string
    title: string
    title_source: string
    settings: Record<string, string>
    created_at: Date
    last_message_at: Date | null
  }>
}
async function messagesOf(sessionId: string) {
  const { ctx } = await core.services()
  return (await ctx.db('messages').where({ session_id: sessionId }).orderBy('seq').select('seq', 'role', 'content', 'created_at', 'model', 'embedding_dim', 'parent_id', 'id', 'source_event_id')) as Array<{
    seq: number
    role: string
    content: string
    created_at: Date
    model: string | null
    embedding_dim: number | null
    parent_id: string | null
    id: string
    source_event_id: string | null
  }>
}

async function counts() {
  const { ctx } = await core.services()
  const n = async (q: Promise<Array<{ n: string | number }>>) => Number((await q)[0]?.n ?? 0)
  return {
    sessions: await n(ctx.db('sessions').count({ n: '*' })),
    messages: await n(ctx.db('messages').count({ n: '*' })),
    runs: await n(ctx.db('workflow_runs').where({ name: 'chat.import' }).count({ n: '*' }))
  }
}

beforeAll(async () => {
  dataDir = tempDir()
  core = testCore({ modelDir: MODEL_FIXTURE, dataDir })
  await core.call('profiles:create', { name: 'Chats' })
})
afterAll(async () => core.dispose())

describe('chat-export import', () => {
  it('reads the shapes: current ChatGPT branch only, text parts only, Claude content parts', () => {
    expect(detectChatExport(chatgptExport())).toBe('chatgpt')
    expect(detectChatExport(claudeExport())).toBe('claude')
    expect(detectChatExport([{ foo: 1 }])).toBeNull()
    expect(detectChatExport({ mapping: {} })).toBeNull()
    const [c1, c2] = readConversations(chatgptExport(), 'chatgpt')
    expect(c1?.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'What did a lighthouse keeper do all night?'],
      ['assistant', 'A lighthouse keeper trimmed the wick and wound the clockwork every few hours.'],
      ['user', 'Here is a photo of the lamp room.'],
      ['assistant', 'That Fresnel lens focused the beam twenty miles out to sea.']
    ])
    expect(c2?.messages.map((m) => m.content)).toEqual(['Suggest a name for my sailing dinghy', 'How about Petrel, after the seabird?'])
    const [k1] = readConversations(claudeExport(), 'claude')
    expect(k1?.messages.map((m) => m.content)).toEqual([
      'How do I keep a sourdough starter alive for two weeks away?',
      'Feed it a stiff dough, then keep the jar in the fridge until you return.',
      'Thanks, the rye one too?'
    ])
  })

  it('imports a ChatGPT export as sessions with ordered, dated, embedded messages', async () => {
    const { started, summary } = await importExport('conversations.json', chatgptExport())
    expect(started).toMatchObject({ format: 'chatgpt', conversations: 2 })
    expect(summary).toMatchObject({ format: 'chatgpt', conversations: 3, imported: 2, skipped: 1, messages: 6, embedded: 6 })

    const sessions = await sessionsFrom('chatgpt')
    expect(sessions.map((s) => [s.title, s.title_source, s.settings['import_id']])).toEqual([
      ['Lighthouse keeping', 'user', 'gpt-conv-1'],
      ['Suggest a name for my sailing dinghy', 'auto', 'gpt-conv-2']
    ])
    const [light] = sessions
    expect(light?.created_at.getTime()).toBe(T0 * 1000)
    expect(light?.last_message_at?.getTime()).toBe((T0 + 50) * 1000)

    const msgs = await messagesOf(light?.id as string)
    expect(msgs.map((m) => [m.seq, m.role])).toEqual([[0, 'user'], [1, 'assistant'], [2, 'user'], [3, 'assistant']])
    expect(msgs.map((m) => m.created_at.getTime())).toEqual([10, 30, 40, 50].map((d) => (T0 + d) * 1000))
    expect(msgs[1]?.model).toBe('gpt-4o')
    expect(msgs.every((m) => m.embedding_dim === 384)).toBe(true)
    expect(msgs.every((m) => m.source_event_id !== null)).toBe(true)
    // Each message follows the one before it.
    expect(msgs.map((m) => m.parent_id)).toEqual([null, msgs[0]?.id, msgs[1]?.id, msgs[2]?.id])
    // The abandoned branch, the tool call and the hidden context were not imported.
    const all = (await messagesOf(light?.id as string)).map((m) => m.content).join('\n')
    expect(all).not.toMatch(/zeppelins|print\(1\)|I live by the sea/)
  })

  it('finds an imported message by its words, with its session in the hit', async () => {
    const r = await core.call('search:query', { query: 'Fresnel lens beam', sources: ['message'] })
    const [light] = await sessionsFrom('chatgpt')
    expect(r.hits[0]).toMatchObject({
      source: 'message',
      text: 'That Fresnel lens focused the beam twenty miles out to sea.',
      meta: expect.objectContaining({ sessionId: light?.id, sessionTitle: 'Lighthouse keeping', role: 'assistant' })
    })
    const none = await core.call('search:query', { query: 'zeppelins', sources: ['message'] })
    expect(none.hits.filter((h) => /zeppelin/i.test(h.text))).toEqual([])
  })

  it('imports a Claude export, keeping order, roles and times', async () => {
    const { started, summary } = await importExport('conversations.json', claudeExport())
    expect(started).toMatchObject({ format: 'claude', conversations: 2 })
    expect(summary).toMatchObject({ imported: 2, skipped: 0, messages: 5 })
    const sessions = await sessionsFrom('claude')
    expect(sessions.map((s) => s.title)).toEqual(['Sourdough over the holidays', 'Bike gears'])
    expect(sessions[0]?.created_at.toISOString()).toBe('2024-05-01T08:00:00.000Z')
    const msgs = await messagesOf(sessions[0]?.id as string)
    expect(msgs.map((m) => [m.role, m.created_at.toISOString()])).toEqual([
      ['user', '2024-05-01T08:00:00.000Z'],
      ['assistant', '2024-05-01T08:01:00.000Z'],
      ['user', '2024-05-01T08:03:00.000Z']
    ])
    expect(msgs[1]?.content).toBe('Feed it a stiff dough, then keep the jar in the fridge until you return.')
    const r = await core.call('search:query', { query: 'barrel adjuster', sources: ['message'] })
    expect(r.hits[0]?.meta).toMatchObject({ sessionId: sessions[1]?.id, sessionTitle: 'Bike gears' })
  })

  it('importing the same exports again adds nothing; a deleted session comes back', async () => {
    const before = await counts()
    const again = await importExport('conversations.json', chatgptExport())
    expect(again.summary).toMatchObject({ imported: 0, skipped: 3, messages: 0 })
    const claude = await importExport('conversations (1).json', claudeExport())
    expect(claude.summary).toMatchObject({ imported: 0, skipped: 2 })
    const after = await counts()
    expect({ sessions: after.sessions, messages: after.messages }).toEqual({ sessions: before.sessions, messages: before.messages })

    const { ctx } = await core.services()
    const [bike] = (await sessionsFrom('claude')).filter((s) => s.title === 'Bike gears')
    await ctx.db('sessions').where({ id: bike?.id }).del()
    const back = await importExport('conversations.json', claudeExport())
    expect(back.summary).toMatchObject({ imported: 1, skipped: 1, messages: 2 })
    expect((await sessionsFrom('claude')).map((s) => s.title)).toEqual(['Sourdough over the holidays', 'Bike gears'])
  })

  it('refuses malformed JSON, other JSON, zips and non-JSON in words, and creates nothing', async () => {
    const before = await counts()
    const incoming = join(dataDir, 'profiles')
    const stagedBefore = listStaged(incoming)
    const refuse = async (data: string, code: string, message: RegExp) => {
      const err = await core.call('chats:importExport', { name: 'conversations.json', data: b64(data) }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).code).toBe(code)
      expect((err as AppError).message).toMatch(message)
    }
    await refuse('[{"title": "cut off", "mapping": {', 'unsupported_file', /not valid JSON/)
    await refuse(JSON.stringify([{ id: 1, text: 'a list of notes' }]), 'unsupported_file', /not a chat export/)
    await refuse(JSON.stringify({ conversations: 'nope' }), 'unsupported_file', /not a chat export/)
    await refuse('[]', 'unsupported_file', /no conversations/)
    await refuse('just some words', 'validation', /conversations\.json/)
    const zip = await core.router.dispatch('chats:importExport', { name: 'export.zip', data: Buffer.from('PK\u0003\u0004rest').toString('base64') })
    expect(zip.ok).toBe(false)
    if (!zip.ok) expect(zip.error.code).toBe('validation')
    expect(await counts()).toEqual(before)
    expect(listStaged(incoming)).toEqual(stagedBefore)
  })

  it('engram import-chats, and engram import routing a conversations.json to it', async () => {
    const dir = tempDir()
    const file = join(dir, 'conversations.json')
    writeFileSync(file, JSON.stringify(claudeExport()))
    const lines: string[] = []
    // The CLI opens the profile itself: this core lets go of it first.
    await core.profiles.close()
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) }
    expect(await runCli(['--data-dir', dataDir, 'import-chats', file], io)).toBe(0)
    expect(lines.join('\n')).toMatch(/imported .*0 conversations .* 2 skipped/)
    lines.length = 0
    const gpt = join(dir, 'chatgpt.json')
    writeFileSync(gpt, JSON.stringify(chatgptExport()))
    expect(await runCli(['--data-dir', dataDir, 'import', gpt, '--json'], io)).toBe(0)
    expect(JSON.parse(lines.join('\n')).chats[0]).toMatchObject({ format: 'chatgpt', status: 'succeeded', imported: 0, skipped: 3 })
    lines.length = 0
    const bad = join(dir, 'notes.json')
    writeFileSync(bad, '{"not": "a chat export"}')
    const exitCode = process.exitCode
    try {
      expect(await runCli(['--data-dir', dataDir, 'import-chats', bad], io)).toBe(0)
      expect(process.exitCode).toBe(1)
    } finally {
      process.exitCode = exitCode
    }
    expect(lines.join('\n')).toMatch(/failed +.*notes\.json: .*not a chat export/)
    expect(existsSync(file)).toBe(true)
  })

  it('a big export shows progress and, interrupted by a quit, continues on the next open without copies', async () => {
    // Another profile in the same data folder (its migrated template is already built).
    const dir = dataDir
    const big = Array.from({ length: 150 }, (_, i) => ({
      uuid: `bulk-${i}`,
      name: `Bulk chat ${i}`,
      created_at: new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString(),
      chat_messages: [
        { sender: 'human', text: `Question number ${i} about tide tables`, created_at: new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString() },
        { sender: 'assistant', text: `Answer number ${i}: high water comes about fifty minutes later each day.`, created_at: new Date(Date.UTC(2023, 0, 1) + i * 60_000 + 1000).toISOString() }
      ]
    }))
    const first = testCore({ dataDir: dir, role: 'app', embedder: core.embedder })
    await core.profiles.close()
    await first.call('profiles:create', { name: 'Bulk' })
    const s1 = await first.services()
    const progressed = new Promise<void>((resolve) => {
      const off = s1.workflows.onEvent((e) => {
        if (e.name === 'chat.import' && e.status === 'running' && e.progress > 0.05 && e.progress < 0.8) {
          off()
          resolve()
        }
      })
    })
    const started = await first.call('chats:importExport', { name: 'conversations.json', data: b64(big) })
    await progressed
    await first.close() // a quit mid-import

    const second = testCore({ dataDir: dir, role: 'app', embedder: core.embedder })
    try {
      const s2 = await second.services()
      const run = await s2.workflows.waitFor(started.runId, 120_000)
      expect(run.status, run.error ?? '').toBe('succeeded')
      const summary = run.output as ChatImportSummary
      expect(summary.imported + summary.skipped).toBe(150)
      expect(await s2.ctx.db('sessions').count({ n: '*' })).toEqual([{ n: '150' }])
      expect(await s2.ctx.db('messages').count({ n: '*' })).toEqual([{ n: '300' }])
      const detail = await s2.workflows.get(started.runId)
      expect(detail.logs.map((l) => l.message).join('\n')).toMatch(/paused: Engram is closing/)
    } finally {
      await second.dispose()
    }
  })
})

function listStaged(profilesDir: string): string[] {
  const out: string[] = []
  for (const p of existsSync(profilesDir) ? readdirSync(profilesDir) : []) {
    const inc = join(profilesDir, p, 'files', 'incoming')
    if (existsSync(inc)) out.push(...readdirSync(inc).map((f) => join(inc, f)))
  }
  return out.sort()
}
