/**
 * The daily digest on a real PGlite: yesterday's new memories and chat sessions summarised
 * extractively (no LLM configured) and by an LLM (the loopback OpenAI-protocol server),
 * stored one row per day in `digests` and shown as the run's output. A failing LLM falls
 * back to the extractive digest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { testCore, type TestCore } from '../helpers/core'
import { reply, startLlmServer, type LlmServer } from '../helpers/llm-server'
import { localDay } from '../../src/main/features/digest/digest.workflow'
import type { DigestOutput } from '../../src/main/features/digest/digest.workflow'

let core: TestCore
let llm: LlmServer

/** Noon, `days` ago, local time. */
function daysAgo(days: number): Date {
  const d = new Date()
  d.setDate(d.getDate() - days)
  d.setHours(12, 0, 0, 0)
  return d
}

async function memoryOn(db: Knex, content: string, importance: number, at: Date): Promise<string> {
  const m = (await core.call('memories:capture', { content, importance })).memory
  await db('memories').where({ id: m.id }).update({ created_at: at })
  return m.id
}

async function sessionOn(db: Knex, title: string, at: Date, messages: number): Promise<string> {
  const [s] = (await db('sessions').insert({ title, created_at: at, updated_at: at, last_message_at: at }).returning('id')) as Array<{ id: string }>
  for (let i = 0; i < messages; i++) await db('messages').insert({ session_id: s?.id, seq: i, role: i % 2 ? 'assistant' : 'user', content: `${title} message ${i}`, created_at: at })
  return s?.id as string
}

beforeAll(async () => {
  llm = await startLlmServer({ models: ['digest-model'] })
  core = testCore({ llm: { ollamaUrl: null, retryBaseMs: 10, maxRetries: 0 } })
  await core.call('profiles:create', { name: 'Digest' })
  const db = (await core.services()).ctx.db
  const y = daysAgo(1)
  await memoryOn(db, 'Decided to plant tomatoes along the south fence. They need stakes.', 0.9, y)
  await memoryOn(db, 'The plumber comes on Thursday at 9.', 0.6, y)
  await memoryOn(db, 'Bought a new watering can.', 0.2, y)
  await memoryOn(db, 'An older note from two days ago.', 1, daysAgo(2))
  await memoryOn(db, 'A note from today.', 1, daysAgo(0))
  await sessionOn(db, 'Garden planning', y, 4)
  await sessionOn(db, 'Plumbing questions', y, 1)
  await sessionOn(db, 'An older chat', daysAgo(3), 2)
})
afterAll(async () => {
  await core.dispose()
  await llm.close()
})

async function runDigest(input?: { day?: string }): Promise<{ output: DigestOutput; runId: string }> {
  const s = await core.services()
  const started = await core.call('workflows:start', input ? { name: 'digest.daily', input } : { name: 'digest.daily' })
  const run = await s.workflows.waitFor(started.id, 60_000)
  expect(run.status, run.error ?? '').toBe('succeeded')
  return { output: run.output as DigestOutput, runId: run.id }
}

describe('digest.daily', () => {
  it('writes an extractive digest of yesterday when no LLM is configured', async () => {
    const { output, runId } = await runDigest()
    const day = localDay(daysAgo(1))
    expect(output).toMatchObject({ day, method: 'extractive', memories: 3, sessions: 2 })
    const lines = output.text.split('\n')
    expect(lines[0]).toMatch(/: 3 new memories, 2 chat sessions\.$/)
    expect(lines).toEqual([
      lines[0],
      '',
      'Memories:',
      '- Decided to plant tomatoes along the south fence.',
      '- The plumber comes on Thursday at 9.',
      '- Bought a new watering can.',
      '',
      'Chats:',
      '- Garden planning (4 messages)',
      '- Plumbing questions (1 message)'
    ])
    expect(output.text).not.toMatch(/older|today/)
    const db = (await core.services()).ctx.db
    const rows = (await db('digests').select('day', 'content', 'method', 'run_id', 'memory_count', 'session_count')) as Array<{ content: string; run_id: string; method: string }>
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ content: output.text, method: 'extractive', run_id: runId, memory_count: 3, session_count: 2 })
  })

  it('says so for a day with nothing new, and explains a day that is not on the calendar', async () => {
    const { output } = await runDigest({ day: '2020-01-01' })
    expect(output).toMatchObject({ day: '2020-01-01', method: 'extractive', memories: 0, sessions: 0 })
    expect(output.text).toBe('Wednesday 1 January 2020: nothing new. No memories were captured and no chats were held.')
    const s = await core.services()
    const bad = await s.workflows.waitFor((await core.call('workflows:start', { name: 'digest.daily', input: { day: '2026-02-30' } })).id, 60_000)
    expect(bad).toMatchObject({ status: 'failed', errorCode: 'validation' })
    expect(bad.error).toMatch(/2026-02-30 is not a date on the calendar/)
    await expect(core.call('workflows:start', { name: 'digest.daily', input: { day: 'yesterday' } })).rejects.toMatchObject({ code: 'validation', message: 'Give the day as YYYY-MM-DD.' })
  })

  it('uses the LLM when one is configured (a digest trace), and replaces the day’s digest', async () => {
    await core.call('llm:configure', { baseUrl: llm.baseUrl, model: 'digest-model' })
    const summary = 'A garden day: tomatoes go along the south fence, and the plumber comes Thursday.'
    llm.script(reply.text(summary))
    const before = llm.requests.length
    const { output } = await runDigest()
    expect(output).toMatchObject({ method: 'llm', text: summary, memories: 3, sessions: 2 })
    const sent = llm.requests.slice(before).find((r) => r.path.endsWith('/chat/completions'))
    const prompt = sent?.body?.messages?.map((m) => m.content).join('\n') ?? ''
    expect(prompt).toContain('Decided to plant tomatoes along the south fence. They need stakes.')
    expect(prompt).toContain('Garden planning (4 messages)')
    expect(prompt).not.toContain('A note from today.')
    const db = (await core.services()).ctx.db
    expect((await db('traces').where({ kind: 'digest' }).count({ n: '*' }))[0]?.n).toBe('1')
    const rows = (await db('digests').where({ day: localDay(daysAgo(1)) }).select('content', 'method')) as Array<{ content: string; method: string }>
    expect(rows).toEqual([{ content: summary, method: 'llm' }])
  })

  it('falls back to the extractive digest when the LLM fails', async () => {
    llm.script(reply.error(500))
    const { output } = await runDigest()
    expect(output.method).toBe('extractive')
    expect(output.text).toContain('- Decided to plant tomatoes along the south fence.')
  })
})
