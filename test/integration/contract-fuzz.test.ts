/**
 * The IPC contract under fire: every channel gets malformed payloads (wrong shapes, wrong
 * types in each field, extra fields, garbage) and answers with a `validation` error value,
 * never a crash and never an `internal` error. Unknown channels are refused the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHANNELS, type Channel } from '../../src/shared/contract'
import { testCore, type TestCore } from '../helpers/core'

const UUID = '00000000-0000-4000-8000-000000000000'

/** A valid payload per channel, to mutate field by field. `Record<Channel, …>` makes a new channel add one. */
const VALID: Record<Channel, Record<string, unknown>> = {
  'app:info': {},
  'app:setCaptureShortcut': { accelerator: 'CommandOrControl+Shift+K' },
  'profiles:list': {},
  'profiles:create': { name: 'Fuzz' },
  'profiles:rename': { id: UUID, name: 'Renamed' },
  'profiles:delete': { id: UUID, confirmName: 'x' },
  'profiles:switch': { id: UUID },
  'profiles:lock': {},
  'profiles:setPassphrase': { id: UUID, next: 'long-enough' },
  'settings:list': {},
  'settings:get': { key: 'ui.theme' },
  'settings:set': { key: 'ui.theme', value: 'dark' },
  'settings:history': { limit: 10 },
  'system:doctor': {},
  'memories:capture': { content: 'Fuzz memory' },
  'memories:list': { limit: 10 },
  'memories:get': { id: UUID },
  'memories:update': { id: UUID, importance: 0.5 },
  'memories:archive': { id: UUID },
  'memories:restore': { id: UUID },
  'memories:delete': { id: UUID },
  'memories:undoDelete': { undoToken: 'token-x' },
  'memories:merge': { ids: [UUID, '00000000-0000-4000-8000-000000000001'] },
  'memories:dismissDuplicate': { id: UUID, candidateId: UUID },
  'memories:timeline': { days: 30 },
  'search:query': { query: 'fuzz', k: 5 },
  'embeddings:status': {},
  'embeddings:download': {},
  'documents:importBytes': { files: [{ name: 'x.txt', data: 'aGVsbG8=' }] },
  'documents:list': { limit: 10 },
  'documents:get': { id: UUID },
  'documents:cancel': { id: UUID },
  'documents:retry': { id: UUID },
  'documents:archive': { id: UUID },
  'documents:restore': { id: UUID },
  'documents:delete': { id: UUID },
  'workflows:list': { limit: 10 },
  'workflows:get': { id: UUID },
  'workflows:cancel': { id: UUID },
  'workflows:retry': { id: UUID },
  'workflows:durations': { limit: 10 },
  'workflows:schedules': {},
  // Folder watching and chat-export import.
  'watch:list': {},
  'watch:add': { path: '/nonexistent/engram-fuzz' },
  'watch:remove': { id: UUID },
  'watch:rescan': { id: UUID },
  'chats:importExport': { name: 'conversations.json', data: 'W10=' },
  'sessions:list': { query: 'plans', archived: false, limit: 20 },
  'sessions:create': { title: 'Trip planning' },
  'sessions:get': { id: UUID },
  'sessions:rename': { id: UUID, title: 'Renamed' },
  'sessions:configure': { id: UUID, settings: { model: 'llama3', temperature: 0.2, documents: { mode: 'only', documentIds: [UUID] } } },
  'sessions:archive': { id: UUID },
  'sessions:restore': { id: UUID },
  'sessions:delete': { id: UUID },
  'chat:send': { content: 'What did I decide about the trip?', clientId: 'client-0001' },
  'chat:stop': { messageId: UUID },
  'chat:regenerate': { messageId: UUID },
  'chat:edit': { messageId: UUID, content: 'Edited question' },
  'chat:feedback': { messageId: UUID, value: 1, comment: 'good' },
  'chat:extract': { sessionId: UUID },
  'proposals:list': { status: 'pending', limit: 10 },
  'proposals:confirm': { id: UUID, content: 'Edited memory' },
  'proposals:reject': { id: UUID },
  'llm:status': {},
  'llm:configure': { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3', apiKey: 'sk-test' },
  'llm:models': { baseUrl: 'http://127.0.0.1:11434/v1' },
  'llm:test': {},
  'traces:list': { limit: 10 },
  'traces:usage': { days: 30 },
  // Workflows: start, undo.
  'workflows:start': { name: 'digest.daily', input: { day: '2026-11-21' } },
  'workflows:undo': { id: UUID },
  // Profile archives (paths in a folder that does not exist: a call that gets through answers not_found).
  'profiles:export': { path: '/nonexistent-engram-fuzz/out.engram', passphrase: 'four words here', overwrite: false },
  'profiles:importArchive': { path: '/nonexistent-engram-fuzz/in.engram', passphrase: 'pw', name: 'Fuzz import' },
  'backup:configure': { folder: '/nonexistent-engram-fuzz', dailyAt: '03:00', keep: 7 },
  'backup:status': {},
  'backup:run': {}
}

const NOT_OBJECTS: unknown[] = [null, 0, -1, 3.14, '', 'payload', true, false, [], [1, 2], [{}]]
const BAD_VALUES: unknown[] = [null, 123, -0.5, true, [], {}, { nested: { deep: [1] } }, 'x'.repeat(100_001)]

/** A small seeded generator of arbitrary JSON values. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}
function arbitrary(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 2 ? 6 : 8))
  switch (k) {
    case 0: return null
    case 1: return Math.floor(r() * 2e9) - 1e9
    case 2: return r() < 0.5
    case 3: return String.fromCharCode(...Array.from({ length: Math.floor(r() * 20) }, () => Math.floor(r() * 0xd7ff)))
    case 4: return r() * 1e6
    case 5: return ['__proto__', 'constructor', 'toString', '../../etc/passwd', "'; drop table events; --"][Math.floor(r() * 5)]
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => arbitrary(r, depth + 1))
    default: {
      const o: Record<string, unknown> = {}
      for (let i = 0; i < Math.floor(r() * 4); i++) o[['id', 'name', 'key', 'value', 'limit', 'passphrase', 'x'][Math.floor(r() * 7)] as string] = arbitrary(r, depth + 1)
      return o
    }
  }
}

let core: TestCore
beforeAll(async () => {
  core = testCore()
  await core.call('profiles:create', { name: 'Target' })
})
afterAll(async () => core.dispose())

async function expectValidation(channel: unknown, payload: unknown): Promise<void> {
  const r = await core.router.dispatch(channel, payload)
  expect(r.ok, `${String(channel)} accepted ${JSON.stringify(payload)?.slice(0, 80)}`).toBe(false)
  if (!r.ok) expect(r.error.code).toBe('validation')
}

describe('contract fuzz', () => {
  it('covers every channel', () => {
    expect(Object.keys(VALID).sort()).toEqual([...CHANNELS].sort())
  })

  it.each(CHANNELS)('%s: non-object payloads and extra fields are validation errors', async (channel) => {
    for (const p of NOT_OBJECTS) await expectValidation(channel, p)
    await expectValidation(channel, { ...VALID[channel], profileId: UUID })
    await expectValidation(channel, { ...VALID[channel], __proto__: { polluted: true }, constructor: 'x' })
  })

  it.each(CHANNELS.filter((c) => Object.keys(VALID[c]).length > 0))('%s: a wrong type in any field is a validation error', async (channel) => {
    for (const field of Object.keys(VALID[channel])) {
      for (const bad of BAD_VALUES) {
        const payload = { ...VALID[channel], [field]: bad }
        const r = await core.router.dispatch(channel, payload)
        // A few fields legitimately accept some of these (a setting's value, a null accelerator);
        // what must never happen is a crash or an internal error.
        if (r.ok) continue
        expect(r.error.code, `${channel}.${field} = ${JSON.stringify(bad)?.slice(0, 40)}`).not.toBe('internal')
        if (!['settings:set', 'app:setCaptureShortcut'].includes(channel) || field !== Object.keys(VALID[channel]).at(-1))
          expect(['validation', 'not_found']).toContain(r.error.code)
      }
      if (field !== 'value') {
        const { [field]: _dropped, ...missing } = VALID[channel]
        const r = await core.router.dispatch(channel, missing)
        // Optional fields may be left out; then the call reaches its handler (not_found for a made-up id;
        // llm:models without a baseUrl asks the configured endpoint, where nothing listens: unavailable).
        if (!r.ok) expect(['validation', 'not_found', ...(channel === 'llm:models' ? ['unavailable'] : [])]).toContain(r.error.code)
      }
    }
  })

  it('random payloads never crash a channel or leak an internal error', async () => {
    const r = rng(20261122)
    for (let i = 0; i < 1500; i++) {
      const channel = CHANNELS[Math.floor(r() * CHANNELS.length)] as Channel
      // Channels whose valid call changes profiles or reaches the network (the model hub) are fuzzed above only.
      if (['profiles:create', 'profiles:delete', 'profiles:switch', 'profiles:lock', 'embeddings:download'].includes(channel)) continue
      const result = await core.router.dispatch(channel, arbitrary(r))
      if (!result.ok) expect(result.error.code).not.toBe('internal')
    }
    // The profile is still open and answering.
    expect((await core.call('profiles:list', {})).profiles.length).toBe(1)
  })

  it('refuses unknown and hostile channel names', async () => {
    for (const ch of ['', 'nope', 'settings:drop', '__proto__', 'constructor', 'toString', 42, null, undefined, {}, ['settings:get']])
      await expectValidation(ch, {})
  })
})
