/**
 * `engram chat` as a real process (recall mode with no model; streamed answers from the
 * loopback OpenAI-compatible server), and crash recovery: a CLI killed mid-answer leaves
 * the partial text, and the next open marks it incomplete with a note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { MODEL_FIXTURE, tempDir, testCore } from '../helpers/core'
import { reply, startLlmServer, type LlmServer, type RecordedRequest } from '../helpers/llm-server'
import type { ChatMessage, ChatSession } from '../../src/shared/chat'

const cli = join(import.meta.dirname, '..', '..', 'bin', 'engram.mjs')
const dataDir = tempDir()
let llm: LlmServer

interface Run {
  code: number | null
  out: string
  err: string
}

/** Run the CLI without blocking this process (the loopback server lives here). */
function engram(args: string[], opts: { onOut?: (soFar: string, kill: () => void) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ENGRAM_DATA_DIR: dataDir, ENGRAM_PASSPHRASE: '', ENGRAM_MODEL_DIR: MODEL_FIXTURE },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d
      opts.onOut?.(out, () => child.kill('SIGKILL'))
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out, err })
    })
  })
}

const kindOf = (r: RecordedRequest): string => {
  const sys = r.body?.messages?.[0]?.content ?? ''
  return sys.startsWith('Rewrite') ? 'rewrite' : sys.startsWith('Give this conversation') ? 'title' : 'answer'
}

/** Configure the provider through the same core (the key is kept encrypted in the profile). */
async function configureLlm(): Promise<void> {
  const c = testCore({ dataDir, llm: { ollamaUrl: null } })
  try {
    await c.call('llm:configure', { baseUrl: llm.baseUrl, model: 'test-model', apiKey: 'sk-cli' })
  } finally {
    await c.close()
  }
}

beforeAll(async () => {
  llm = await startLlmServer()
  expect((await engram(['profile', 'create', 'Personal'])).code).toBe(0)
  const cap = await engram(['capture', 'The spare house key is hidden under the blue flowerpot by the back door.'])
  expect(cap.code).toBe(0)
})

afterAll(async () => {
  await llm?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('engram chat', () => {
  it('answers in recall mode with no chat model, with numbered sources', async () => {
    const r = await engram(['chat', 'Where is the spare house key hidden?'])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^\*\*Recall mode\*\*/)
    expect(r.out).toMatch(/\[1\] Memory: The spare house key is hidden under the blue flowerpot/)
    expect(r.out).toMatch(/Sources:\n\[1\] memory: The spare house key is hidden/)
    expect(r.out).toMatch(/session [0-9a-f-]{36} {2}"Where is the spare house key hidden\?"/)
    const j = await engram(['chat', 'flowerpot', '--json'])
    expect(j.code).toBe(0)
    const turn = JSON.parse(j.out) as { session: ChatSession; assistantMessage: ChatMessage }
    expect(turn.assistantMessage).toMatchObject({ mode: 'recall', status: 'complete' })
    expect(turn.assistantMessage.citations[0]).toMatchObject({ n: 1, source: 'memory' })
    expect(llm.chatRequests()).toHaveLength(0)
  })

  it('streams an answer from the configured model, and continues a session with --session', async () => {
    await configureLlm()
    llm.setDefault((req) => (kindOf(req) === 'title' ? reply.text('Spare key') : kindOf(req) === 'rewrite' ? reply.text('spare key flowerpot') : reply.text('It is under the blue flowerpot [1].')))
    const r = await engram(['chat', 'Where is the spare house key hidden?'])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^It is under the blue flowerpot \[1\]\.\n/)
    expect(r.out).toMatch(/\[1\] memory: The spare house key is hidden/)
    const answerReq = llm.chatRequests().find((x) => kindOf(x) === 'answer')
    expect(answerReq?.apiKey).toBe('sk-cli')
    expect(answerReq?.body?.messages?.[0]?.content).toContain('The spare house key is hidden under the blue flowerpot')
    const sessionId = /session ([0-9a-f-]{36}) {2}"Spare key"/.exec(r.out)?.[1]
    expect(sessionId).toBeDefined()

    const j = await engram(['chat', 'and which door?', '--session', sessionId as string, '--json'])
    expect(j.code).toBe(0)
    const turn = JSON.parse(j.out) as { session: ChatSession; assistantMessage: ChatMessage }
    expect(turn.session).toMatchObject({ id: sessionId, messageCount: 4 })
    expect(turn.assistantMessage).toMatchObject({ mode: 'llm', status: 'complete', content: 'It is under the blue flowerpot [1].' })
    expect(llm.chatRequests().some((x) => kindOf(x) === 'rewrite')).toBe(true)

    const bad = await engram(['chat', 'hello', '--session', '00000000-0000-4000-8000-000000000000'])
    expect(bad.code).toBe(4)
    expect(bad.err).toMatch(/That chat does not exist/)
  })

  it('a process killed mid-answer leaves the partial text; the next open marks it incomplete', async () => {
    await configureLlm()
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ')
    llm.setDefault((req) => (kindOf(req) === 'answer' ? reply.text(words, { chunkDelayMs: 150 }) : reply.text('Title')))
    let killedAt = ''
    let timer: NodeJS.Timeout | null = null
    const r = await engram(['chat', 'Tell me a long story'], {
      onOut: (soFar, kill) => {
        // Once text is streaming, give the periodic save (every 500 ms) time to run, then kill.
        if (timer || !soFar.includes('word3')) return
        timer = setTimeout(() => {
          killedAt = soFar
          kill()
        }, 1500)
      }
    })
    expect(r.code).toBeNull() // killed
    expect(killedAt).toContain('word3')
    const c = testCore({ dataDir, modelDir: MODEL_FIXTURE, llm: { ollamaUrl: null }, logger: { error: (m, e) => console.error(m, e), warn: (m, e) => console.error(m, e), info: () => undefined } })
    try {
      const sessions = await c.call('sessions:list', { query: 'long story' })
      const s = sessions.items[0] as ChatSession
      const d = await c.call('sessions:get', { id: s.id })
      const answer = d.messages.find((m) => m.role === 'assistant') as ChatMessage
      expect(answer.status).toBe('incomplete')
      expect(answer.error).toMatch(/closed before this answer finished/)
      expect(answer.content.length).toBeGreaterThan(0)
      expect(words.startsWith(answer.content)).toBe(true)
      expect(answer.content.length).toBeLessThan(words.length)
      // It can be retried.
      llm.setDefault(reply.text('A short story [1].'))
      const re = await c.call('chat:regenerate', { messageId: answer.id })
      const done = await (await c.services()).chat.settled(re.assistantMessage.id)
      expect(done).toMatchObject({ status: 'complete', content: 'A short story [1].' })
    } finally {
      await c.close()
    }
  })
})
