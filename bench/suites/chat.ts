/**
 * Chat: what Engram adds before the model sees a question.
 *
 * - chat.retrieval_overhead_p95_ms@N: from `chat:send` (the router call, as the app makes
 *   it) until the answer request's first byte leaves for the model (`onRequestSent`),
 *   i.e. storing the question, creating the answer row, hybrid retrieval over N memories
 *   (query embedding + one SQL), the context budget and the prompt. First questions of new
 *   sessions (a follow-up adds one rewrite round trip to the model, which is the model's
 *   time, not Engram's). The model is the loopback OpenAI-compatible test server.
 * - chat.context_tokens_avg@N: tokens of the answer prompt (system prompt with sources,
 *   history, question) with the default budget of 4,096.
 *
 * N = 10k by default; BENCH_CHAT_SIZES=10000,100000 adds 100k. Memories are Cranfield
 * sentences embedded by the random-weights MiniLM fixture, bulk-inserted with their
 * vectors (as the search suite does; at 100k composed from 4,000 embedded sentences, see
 * composedFill in bench/seed.ts), then the HNSW index is built once and the profile is
 * reopened, so the in-process search index is built as at app start.
 */
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createAppCore } from '../../src/main/core/app-core'
import type { RequestSentInfo } from '../../src/main/features/chat/chat.service'
import type { ChatTurn } from '../../src/shared/chat'
import { reply, startLlmServer } from '../../test/helpers/llm-server'
import { memoryTexts, queryTexts } from '../corpus'
import { median, percentile, round, type BenchSuite, type Metric } from '../lib'
import { bulkFillEmbedded, composedFill, quiet } from '../seed'
import { cleanGinPending } from '../../src/main/db/maintenance'

const FIXTURE = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'fixtures', 'minilm-l6-random-weights')
const SIZES = (process.env['BENCH_CHAT_SIZES'] ?? '10000').split(',').map(Number)
const SENDS = 60
const WARMUP = 5


export const suite: BenchSuite = {
  name: 'chat',
  async run() {
    const out: Record<string, Metric> = {}
    const llm = await startLlmServer()
    llm.setDefault(reply.text('Noted [1].'))
    const dataDir = join(import.meta.dirname, '..', 'tmp', `chat-${Date.now()}`)
    const core = createAppCore({ dataDir, role: 'bench', mode: 'browser', logger: quiet, modelDir: FIXTURE, llm: { ollamaUrl: null } })
    const call = async <T>(channel: string, input: unknown): Promise<T> => {
      const r = await core.router.dispatch(channel, input)
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`)
      return r.value as T
    }
    try {
      await core.embedder.load()
      const questions = queryTexts()
      for (const n of SIZES) {
        process.stdout.write(`  chat at ${n}\n`)
        await core.profiles.create({ name: `chat${n}` })
        const s = await core.services()
        await s.embeddingQueue.close()
        await s.ctx.db.raw('drop index memories_embedding_384')
        if (n > 10_000) await composedFill(core, n)
        else await bulkFillEmbedded(core, memoryTexts(n))
        await s.ctx.db.raw("set maintenance_work_mem = '512MB'")
        await s.ctx.db.raw('create index memories_embedding_384 on memories using hnsw ((embedding::vector(384)) vector_cosine_ops) where embedding_dim = 384')
        await s.ctx.db.raw('reset maintenance_work_mem')
        await cleanGinPending(s.ctx.db, 'memories')
        await s.ctx.db.raw('analyze memories')
        await call('llm:configure', { baseUrl: llm.baseUrl, model: 'bench-model', apiKey: 'sk-bench' })
        // Reopened, as at app start: the in-process search index is built from the tables.
        await core.profiles.close()
        const reopened = await core.services()
        if ((await reopened.searchIndex?.whenBuilt()) !== 'ready') throw new Error('search index not ready')
        await reopened.embeddingQueue.close()

        const sent = new Map<string, { at: number; info: RequestSentInfo }>()
        const waiters = new Map<string, () => void>()
        const off = reopened.chat.onRequestSent((info) => {
          sent.set(info.messageId, { at: performance.now(), info })
          waiters.get(info.messageId)?.()
        })
        const overhead: number[] = []
        const tokens: number[] = []
        const retrieval: number[] = []
        for (let i = 0; i < WARMUP + SENDS; i++) {
          const q = questions[i % questions.length] as string
          const t0 = performance.now()
          const turn = await call<ChatTurn>('chat:send', { content: q, clientId: `bench-${n}-${i}-${Date.now()}` })
          const id = turn.assistantMessage.id
          if (!sent.has(id)) await new Promise<void>((r) => waiters.set(id, r))
          const hit = sent.get(id) as { at: number; info: RequestSentInfo }
          if (i >= WARMUP) {
            overhead.push(hit.at - t0)
            tokens.push(hit.info.promptTokens)
            retrieval.push(hit.info.retrievalMs)
          }
          await reopened.chat.settled(id)
        }
        off()
        out[`chat.retrieval_overhead_p95_ms@${n}`] = {
          value: round(percentile(overhead, 95), 1),
          unit: 'ms',
          target: '<= 100',
          note: `p50 ${round(median(overhead), 1)} ms; chat:send until the answer request leaves (store, retrieve over ${n} memories, budget, prompt); ${SENDS} first questions`
        }
        out[`chat.retrieval_p50_ms@${n}`] = {
          value: round(median(retrieval), 1),
          unit: 'ms',
          note: `p95 ${round(percentile(retrieval, 95), 1)} ms; the hybrid search (query embedding, index candidates, one SQL) and its filters, part of the overhead above`
        }
        out[`chat.context_tokens_avg@${n}`] = {
          value: round(tokens.reduce((a, b) => a + b, 0) / tokens.length, 0),
          unit: 'tokens',
          note: `answer prompt (system + numbered sources + question), budget 4096, max 8 sources; Cranfield sentences as memories`
        }
      }
    } finally {
      await core.close()
      await llm.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
    return out
  }
}
