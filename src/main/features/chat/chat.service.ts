/**
 * Chat: sessions and grounded answers. A send stores the question durably, creates the
 * answer as 'streaming' and returns at once; the answer is produced in the background
 * (rewrite a follow-up into a standalone query → hybrid search → prompt with numbered
 * sources within the context budget → streamed completion) and pushed as `chat:stream`
 * events, its text saved every ~500 ms so a crash leaves the partial answer. With no
 * model, or when the model fails, the answer is a labelled recall answer: what was found,
 * with citations, never made-up text. "remember that …" captures a memory instead.
 */
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import type { ChatMessage, ChatSession, ChatStreamEvent, ChatTurn, Citation, DocumentScope, SessionDetail, SessionSettings } from '../../../shared/chat'
import type { SearchHit } from '../../../shared/types'
import type { Logger } from '../../ipc/router'
import type { LlmConfig, LlmService } from '../llm/llm.types'
import type { MemoriesService } from '../memories/memories.service'
import type { SearchService } from '../search/search.service'
import type { SettingsService } from '../settings/settings.service'
import { chatRepository as repo, toMessage, toSession, type MessageRow, type SessionRow } from './chat.repository'
import {
  DEFAULT_CONTEXT_TOKENS,
  MAX_RECALL,
  MAX_SOURCES,
  buildPrompt,
  citedNumbers,
  cleanRewrite,
  cleanTitle,
  fallbackTitle,
  hitLabel,
  recallAnswer,
  rememberCommand,
  rewriteMessages,
  titleMessages,
  toCitation,
  type HistoryMessage,
  type Source
} from './grounding'

export const CONTEXT_TOKENS_SETTING = 'chat.context_tokens'
export const EXCLUDED_DOCUMENTS_SETTING = 'chat.excluded_document_ids'
/** How often streamed text is written to the database. */
export const FLUSH_MS = 500
export const CRASH_NOTE = 'Engram closed before this answer finished; what had arrived is kept. Regenerate to try again.'
const STOPPED_NOTE = 'You stopped this answer; what had arrived is kept. Regenerate to try again.'
const CLOSED_NOTE = 'The profile closed before this answer finished; what had arrived is kept. Regenerate to try again.'
const NO_MODEL_WHY = 'no chat model is set up (Settings → Chat model), so nothing is generated.'

export interface ListSessionsInput {
  query?: string | undefined
  archived: boolean
  limit: number
  cursor?: string | undefined
}

export interface RequestSentInfo {
  messageId: string
  sessionId: string
  /** Tokens of the answer prompt (system prompt with sources, history, question). */
  promptTokens: number
  sources: number
  /** Of the overhead, the time spent in retrieval (the hybrid search and its filters). */
  retrievalMs: number
}

export interface ChatService {
  listSessions(input: ListSessionsInput): Promise<{ items: ChatSession[]; total: number; nextCursor: string | null }>
  createSession(title?: string): Promise<ChatSession>
  getSession(id: string, includeSuperseded?: boolean): Promise<SessionDetail>
  /** A user title: auto-titling stops for this session. */
  rename(id: string, title: string): Promise<ChatSession>
  configure(id: string, settings: SessionSettings): Promise<ChatSession>
  archive(id: string): Promise<ChatSession>
  restore(id: string): Promise<ChatSession>
  remove(id: string): Promise<{ deleted: true }>
  send(input: { sessionId?: string | undefined; content: string; clientId: string }): Promise<ChatTurn>
  stop(messageId: string): Promise<ChatMessage>
  regenerate(messageId: string): Promise<ChatTurn>
  edit(messageId: string, content: string): Promise<ChatTurn>
  feedback(messageId: string, value: 1 | -1 | null, comment?: string | undefined): Promise<ChatMessage>
  /** The final message once its answer (and the session's auto-title) is done. */
  settled(messageId: string): Promise<ChatMessage>
  /** In-process probe: the answer request left for the model (benchmarks). */
  onRequestSent(listener: (info: RequestSentInfo) => void): () => void
  close(): Promise<void>
}

export interface ChatServiceDeps {
  db: Knex
  search: SearchService
  memories: MemoriesService
  settings: SettingsService
  /** The LLM layer, or null when none is built (every answer is then a recall answer). */
  llm: LlmService | null
  emit: {
    stream(e: ChatStreamEvent): void
    sessionsChanged(ids: string[]): void
  }
  /** New messages to embed in the background (the embedding queue). */
  kickEmbeddings(): void
  /** After each answer: e.g. schedule memory extraction once the session goes quiet. */
  onAnswered?: ((sessionId: string) => void) | undefined
  logger: Logger
  /** Mark answers left 'streaming' incomplete (only this process can be writing them). */
  recoverOnStart: boolean
}

interface Job {
  sessionId: string
  messageId: string
  controller: AbortController
  /** Why it was aborted, in words for the message. */
  abortNote: string
  /** Resolves when the answer row is final. */
  done: Promise<void>
  /** Resolves when the answer and the title are done. */
  settled: Promise<void>
}

const roughTokens = (s: string): number => Math.ceil(s.length / 4)

const notFound = (what: 'chat' | 'message'): AppError =>
  new AppError('not_found', what === 'chat' ? 'That chat does not exist (it may have been deleted).' : 'That message does not exist (its chat may have been deleted).')

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505'
}

export function createChatService(deps: ChatServiceDeps): ChatService {
  const { db, llm, logger } = deps
  const jobs = new Map<string, Job>()
  const requestListeners = new Set<(info: RequestSentInfo) => void>()
  let closing = false
  /** Aborts background calls that belong to no answer (titles) when the profile closes. */
  const closer = new AbortController()

  const ready: Promise<void> = deps.recoverOnStart
    ? repo.recoverStreaming(db, CRASH_NOTE).then(
        (ids) => {
          if (ids.length) deps.emit.sessionsChanged(ids)
        },
        (err: unknown) => logger.warn('[engram] could not recover interrupted answers', err)
      )
    : Promise.resolve()

  const countTokens = (s: string): number => {
    if (!llm) return roughTokens(s)
    try {
      return llm.countTokens(s)
    } catch {
      return roughTokens(s)
    }
  }

  async function mustSession(id: string, trx: Knex | Knex.Transaction = db): Promise<SessionRow> {
    const s = await repo.getSession(trx, id)
    if (!s) throw notFound('chat')
    return s
  }

  async function mustMessage(id: string): Promise<MessageRow> {
    const m = await repo.getMessage(db, id)
    if (!m) throw notFound('message')
    return m
  }

  async function sessionOut(id: string): Promise<ChatSession> {
    return toSession(await mustSession(id))
  }

  async function settingNumber(key: string, fallback: number): Promise<number> {
    const v = (await deps.settings.get(key))?.value
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback
  }

  async function excludedDocuments(): Promise<string[]> {
    const v = (await deps.settings.get(EXCLUDED_DOCUMENTS_SETTING))?.value
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  }

  // ---- retrieval ----

  /**
   * Memories, document passages and earlier chats for a query: the hybrid search, minus
   * this session's own messages, within the session's document scope and the profile's
   * excluded documents ('all' honours the exclusions; 'only' is the session's explicit choice).
   */
  async function retrieve(query: string, sessionId: string, scope: DocumentScope | null | undefined): Promise<SearchHit[]> {
    const excluded = new Set(await excludedDocuments())
    const only = scope?.mode === 'only' ? new Set(scope.documentIds) : null
    if (scope?.mode === 'exclude') for (const d of scope.documentIds) excluded.add(d)
    const keep = (h: SearchHit): boolean => {
      const m = h.meta as Record<string, unknown>
      if (h.source === 'message') return m['sessionId'] !== sessionId
      if (h.source === 'document') {
        const doc = String(m['documentId'])
        return only ? only.has(doc) : !excluded.has(doc)
      }
      return true
    }
    const q = query.slice(0, 1000)
    const filtering = only !== null || excluded.size > 0
    const run = async (k: number, sources: Array<'memory' | 'document' | 'message'>): Promise<SearchHit[]> =>
      (await deps.search.search({ query: q, k, sources, includeArchived: false, recordAccess: true })).hits.filter(keep)
    // A few more than the sources given, to make up for this session's own messages (the
    // search's candidate depth, and so its cost, grows with k).
    let hits = await run(filtering ? 30 : MAX_SOURCES + 4, ['memory', 'document', 'message'])
    if (only && only.size > 0 && !hits.some((h) => h.source === 'document')) {
      // The chosen documents did not rank among all sources: look in documents alone, deeper.
      const docs = await run(100, ['document'])
      hits = [...hits, ...docs.slice(0, 4)]
    }
    return hits.slice(0, MAX_SOURCES * 2)
  }

  // ---- answering ----

  function emit(e: ChatStreamEvent): void {
    try {
      deps.emit.stream(e)
    } catch (err) {
      logger.warn('[engram] a chat:stream listener failed', err)
    }
  }

  /** The active thread before a question, as conversation history. */
  async function historyBefore(sessionId: string, seq: number): Promise<HistoryMessage[]> {
    const rows = await repo.thread(db, sessionId)
    return rows
      .filter((r) => r.seq < seq && (r.role === 'user' || r.role === 'assistant') && r.content.trim() !== '' && r.status !== 'streaming' && r.status !== 'error')
      .map((r) => ({ role: r.role as 'user' | 'assistant', content: r.content }))
  }

  /** The answer's row, made final, and the `done` event. */
  async function finish(messageId: string, patch: Record<string, unknown>): Promise<ChatMessage | null> {
    const row = await repo.updateMessage(db, messageId, patch)
    if (!row) return null
    await db('sessions').where({ id: row.session_id }).update({ last_message_at: db.fn.now(), updated_at: db.fn.now() })
    const message = toMessage(row)
    emit({ sessionId: row.session_id, messageId, phase: 'done', message })
    deps.emit.sessionsChanged([row.session_id])
    return message
  }

  async function produce(job: Job, question: MessageRow): Promise<void> {
    const t0 = performance.now()
    const { signal } = job.controller
    const sessionId = question.session_id
    const session = await mustSession(sessionId)
    const settings = toSession(session).settings
    const history = await historyBefore(sessionId, question.seq)

    let config: LlmConfig | null = null
    if (llm) {
      try {
        config = await llm.resolve(settings)
      } catch (err) {
        logger.warn('[engram] could not resolve the chat model', err)
      }
    }

    // A follow-up becomes a standalone query first (the raw question if that fails).
    let query = question.content
    if (config && history.some((h) => h.role === 'user') && !signal.aborted) {
      emit({ sessionId, messageId: job.messageId, phase: 'rewriting' })
      const r = await (llm as LlmService).complete({
        config,
        messages: rewriteMessages(history, question.content, countTokens),
        kind: 'rewrite',
        sessionId,
        messageId: job.messageId,
        signal,
        maxTokens: 100
      })
      const cleaned = r.ok && !r.value.incomplete ? cleanRewrite(r.value.content) : null
      if (cleaned) query = cleaned
    }

    emit({ sessionId, messageId: job.messageId, phase: 'retrieving' })
    let hits: SearchHit[] = []
    const tRetrieve = performance.now()
    try {
      hits = await retrieve(query, sessionId, settings.documents)
    } catch (err) {
      logger.warn('[engram] chat retrieval failed; answering without sources', err)
    }
    const retrievalMs = performance.now() - tRetrieve
    const latency = (): number => Math.round(performance.now() - t0)

    const recall = async (why: string, error: string | null): Promise<void> => {
      const sources: Source[] = hits.slice(0, MAX_RECALL).map((h, i) => ({ n: i + 1, hit: h, text: h.text, label: hitLabel(h) }))
      await finish(job.messageId, {
        content: recallAnswer(sources, why),
        status: 'complete',
        mode: 'recall',
        model: null,
        error,
        citations: sources.map(toCitation),
        latency_ms: latency()
      })
    }

    if (signal.aborted) {
      await finish(job.messageId, { status: 'incomplete', error: job.abortNote, latency_ms: latency() })
      return
    }
    if (!config) {
      await recall(NO_MODEL_WHY, null)
      return
    }

    const budget = await settingNumber(CONTEXT_TOKENS_SETTING, DEFAULT_CONTEXT_TOKENS)
    const prompt = buildPrompt({ question: question.content, hits, history, budget, countTokens, today: new Date().toISOString().slice(0, 10) })
    const given = prompt.sources.map(toCitation)
    emit({ sessionId, messageId: job.messageId, phase: 'waiting', message: { ...toMessage((await repo.getMessage(db, job.messageId)) as MessageRow), citations: given } })

    let text = ''
    let saved = ''
    const flush = setInterval(() => {
      if (text === saved) return
      const now = text
      void repo.saveStreaming(db, job.messageId, now).then(
        () => (saved = now),
        (err: unknown) => logger.warn('[engram] could not save a streaming answer', err)
      )
    }, FLUSH_MS)
    let result
    try {
      result = await llm!.complete({
        config,
        messages: prompt.messages,
        kind: 'answer',
        sessionId,
        messageId: job.messageId,
        signal,
        onRequestSent: () => {
          deps.kickEmbeddings()
          for (const l of requestListeners) l({ messageId: job.messageId, sessionId, promptTokens: prompt.promptTokens, sources: prompt.sources.length, retrievalMs })
        },
        onToken: (delta) => {
          if (!delta) return
          text += delta
          emit({ sessionId, messageId: job.messageId, phase: 'streaming', delta })
        }
      })
    } finally {
      clearInterval(flush)
    }

    const citeFrom = (content: string): Citation[] => {
      const cited = new Set(citedNumbers(content, prompt.sources.length))
      return given.filter((c) => cited.has(c.n))
    }
    if (result.ok) {
      const c = result.value
      const content = c.content || text
      const stopped = signal.aborted
      await finish(job.messageId, {
        content,
        status: c.incomplete || stopped ? 'incomplete' : 'complete',
        mode: 'llm',
        model: c.model,
        error: c.incomplete || stopped ? (stopped ? job.abortNote : (c.error ?? 'The answer was cut off before it finished. Regenerate to try again.')) : null,
        input_tokens: c.inputTokens,
        output_tokens: c.outputTokens,
        first_token_ms: c.firstTokenMs === null ? null : Math.round(c.firstTokenMs),
        latency_ms: latency(),
        citations: citeFrom(content)
      })
      return
    }
    if (result.error.code === 'cancelled' || signal.aborted) {
      await finish(job.messageId, { content: text, status: 'incomplete', mode: 'llm', model: config.model, error: job.abortNote, latency_ms: latency(), citations: citeFrom(text) })
      return
    }
    // The model failed (unreachable, refused key, 5xx, rate limited after retries): recall instead.
    await recall(`the chat model could not answer (${result.error.message.replace(/\.$/, '')}).`, result.error.message)
  }

  /** The session's title from its first exchange, unless the user named it. */
  async function autoTitle(sessionId: string, messageId: string): Promise<void> {
    const s = await repo.getSession(db, sessionId)
    if (!s || s.title_source !== 'auto' || s.title !== 'New chat') return
    const answer = await repo.getMessage(db, messageId)
    const question = answer?.reply_to ? await repo.getMessage(db, answer.reply_to) : undefined
    if (!answer || !question) return
    let title: string | null = null
    if (answer.mode === 'llm' && llm && answer.status === 'complete') {
      const config = await llm.resolve(toSession(s).settings).catch(() => null)
      if (config) {
        const r = await llm.complete({ config, messages: titleMessages(question.content, answer.content), kind: 'title', sessionId, messageId, maxTokens: 24, signal: closer.signal })
        if (r.ok && !r.value.incomplete) title = cleanTitle(r.value.content)
      }
    }
    title ??= fallbackTitle(question.content)
    const n = await db('sessions').where({ id: sessionId, title_source: 'auto', title: 'New chat' }).update({ title, updated_at: db.fn.now() })
    if (n > 0) deps.emit.sessionsChanged([sessionId])
  }

  /** "remember that …": capture the memory, answer with a confirmation citing it. */
  async function remember(question: MessageRow, answerId: string, content: string): Promise<void> {
    if (!content) {
      await finish(answerId, { content: 'Tell me what to remember after "remember that", for example: remember that my passport expires in May.', status: 'complete' })
      return
    }
    try {
      const r = await deps.memories.capture({
        content,
        source: 'chat',
        idempotencyKey: `chat:${question.client_id ?? question.id}`,
        sourceMessageId: question.id
      })
      const citation: Citation = { n: 1, source: 'memory', id: r.memory.id, title: r.memory.content.length > 60 ? `${r.memory.content.slice(0, 59)}…` : r.memory.content, snippet: r.memory.content.slice(0, 280) }
      const text = r.outcome === 'created' ? `Remembered: "${r.memory.content}" [1]` : `I already knew that: "${r.memory.content}" [1]. Nothing new was saved.`
      await finish(answerId, { content: text, status: 'complete', citations: [citation] })
    } catch (err) {
      const msg = err instanceof AppError ? err.message : 'Engram could not save that memory.'
      if (!(err instanceof AppError)) logger.error('[engram] remember failed', err)
      await finish(answerId, { content: `That was not saved: ${msg}`, status: 'error', error: msg })
    }
  }

  /** Start the background answer to `question` in the row `answer` (status 'streaming'). */
  function start(question: MessageRow, answer: MessageRow): void {
    const controller = new AbortController()
    const job: Job = { sessionId: question.session_id, messageId: answer.id, controller, abortNote: STOPPED_NOTE, done: Promise.resolve(), settled: Promise.resolve() }
    jobs.set(answer.id, job)
    const cmd = rememberCommand(question.content)
    job.done = (async () => {
      try {
        if (cmd) await remember(question, answer.id, cmd.content)
        else await produce(job, question)
      } catch (err) {
        logger.error('[engram] an answer failed', err)
        const msg = err instanceof AppError ? err.message : 'Something went wrong inside Engram while answering. Regenerate to try again.'
        await finish(answer.id, { status: 'error', error: msg }).catch(() => undefined)
      }
    })()
    job.settled = job.done.then(async () => {
      deps.kickEmbeddings()
      try {
        if (!closing) await autoTitle(question.session_id, answer.id)
      } catch (err) {
        logger.warn('[engram] could not title a chat', err)
      }
      jobs.delete(answer.id)
      if (!closing && !cmd) {
        try {
          deps.onAnswered?.(question.session_id)
        } catch (err) {
          logger.warn('[engram] onAnswered failed', err)
        }
      }
    })
  }

  /** Create the answer row to a question and start producing it. */
  async function answer(question: MessageRow, parentId: string | null): Promise<MessageRow> {
    const row = await db.transaction(async (trx) => {
      await repo.lockSession(trx, question.session_id)
      return repo.insertMessage(trx, { sessionId: question.session_id, role: 'assistant', content: '', status: 'streaming', replyTo: question.id, parentId })
    })
    start(question, row)
    deps.emit.sessionsChanged([question.session_id])
    return row
  }

  async function turn(sessionId: string, user: MessageRow | null, assistant: MessageRow): Promise<ChatTurn> {
    return { session: await sessionOut(sessionId), userMessage: user ? toMessage(user) : null, assistantMessage: toMessage(assistant) }
  }

  /** A send seen before (same clientId): the same turn; an answer is started if it never was. */
  async function replay(user: MessageRow): Promise<ChatTurn> {
    const reply = (await repo.replyTo(db, user.id)) ?? (await answer(user, null))
    return turn(user.session_id, user, reply)
  }

  function abortJobs(ids: Iterable<string>, note: string): Array<Promise<void>> {
    const waits: Array<Promise<void>> = []
    for (const id of ids) {
      const j = jobs.get(id)
      if (!j) continue
      j.abortNote = note
      j.controller.abort()
      waits.push(j.done)
    }
    return waits
  }

  const mustBeOpen = (s: SessionRow): void => {
    if (s.archived_at) throw new AppError('conflict', 'This chat is archived. Restore it to continue it.')
  }

  return {
    async listSessions(input) {
      await ready
      const offset = input.cursor ? Number.parseInt(input.cursor, 10) : 0
      if (!Number.isInteger(offset) || offset < 0) throw new AppError('validation', 'That page cursor is not valid.')
      const { rows, total } = await repo.listSessions(db, { query: input.query, archived: input.archived }, offset, input.limit + 1)
      const more = rows.length > input.limit
      return { items: rows.slice(0, input.limit).map(toSession), total, nextCursor: more ? String(offset + input.limit) : null }
    },

    async createSession(title) {
      await ready
      const row = title ? await db('sessions').insert({ title, title_source: 'user' }).returning('id') : [await repo.insertSession(db, 'New chat')]
      const id = (row[0] as { id: string }).id
      deps.emit.sessionsChanged([id])
      return sessionOut(id)
    },

    async getSession(id, includeSuperseded = false) {
      await ready
      const s = await mustSession(id)
      const rows = await repo.thread(db, id, includeSuperseded)
      return { session: toSession(s), messages: rows.map(toMessage) }
    },

    async rename(id, title) {
      await mustSession(id)
      await repo.updateSession(db, id, { title, title_source: 'user' })
      deps.emit.sessionsChanged([id])
      return sessionOut(id)
    },

    async configure(id, patch) {
      await db.transaction(async (trx) => {
        const s = await repo.lockSession(trx, id)
        if (!s) throw notFound('chat')
        const next: Record<string, unknown> = { ...s.settings }
        for (const [k, v] of Object.entries(patch)) {
          if (v === undefined) continue
          if (v === null) delete next[k]
          else next[k] = v
        }
        await repo.updateSession(trx, id, { settings: JSON.stringify(next) })
      })
      deps.emit.sessionsChanged([id])
      return sessionOut(id)
    },

    async archive(id) {
      const s = await mustSession(id)
      if (!s.archived_at) await repo.updateSession(db, id, { archived_at: db.fn.now() })
      deps.emit.sessionsChanged([id])
      return sessionOut(id)
    },

    async restore(id) {
      await mustSession(id)
      await repo.updateSession(db, id, { archived_at: null })
      deps.emit.sessionsChanged([id])
      return sessionOut(id)
    },

    async remove(id) {
      await mustSession(id)
      await Promise.all(abortJobs([...jobs.values()].filter((j) => j.sessionId === id).map((j) => j.messageId), STOPPED_NOTE))
      await repo.deleteSession(db, id)
      deps.emit.sessionsChanged([id])
      return { deleted: true }
    },

    async send({ sessionId, content, clientId }) {
      await ready
      if (closing) throw new AppError('unavailable', 'This profile is closing. Open it again to continue.')
      const seen = await repo.byClientId(db, clientId)
      if (seen) return replay(seen)
      let user: MessageRow
      try {
        user = await db.transaction(async (trx) => {
          let sid = sessionId
          if (sid) {
            const s = await repo.lockSession(trx, sid)
            if (!s) throw notFound('chat')
            mustBeOpen(s)
          } else sid = (await repo.insertSession(trx, 'New chat')).id
          return repo.insertMessage(trx, { sessionId: sid, role: 'user', content: content.trim(), clientId })
        })
      } catch (err) {
        // Two submits with one clientId raced: the other one won, answer with its turn.
        if (isUniqueViolation(err)) {
          const other = await repo.byClientId(db, clientId)
          if (other) return replay(other)
        }
        throw err
      }
      // The question is embedded (for later searches) once its answer's request has left or
      // the answer is settled, not now: the embedder and the database are what retrieval needs.
      const reply = await answer(user, null)
      return turn(user.session_id, user, reply)
    },

    async stop(messageId) {
      const m = await mustMessage(messageId)
      const job = jobs.get(messageId)
      if (job) {
        await Promise.all(abortJobs([messageId], STOPPED_NOTE))
      } else if (m.status === 'streaming') {
        // Nothing in this process is writing it (left by another run): keep what is there.
        await finish(messageId, { status: 'incomplete', error: STOPPED_NOTE })
      }
      return toMessage(await mustMessage(messageId))
    },

    async regenerate(messageId) {
      await ready
      const m = await mustMessage(messageId)
      mustBeOpen(await mustSession(m.session_id))
      let question: MessageRow
      let target: MessageRow | undefined
      if (m.role === 'assistant') {
        if (!m.reply_to) throw new AppError('conflict', 'This answer has no question to answer again (it was imported). Ask it again instead.')
        question = await mustMessage(m.reply_to)
        target = m
      } else if (m.role === 'user') {
        question = m
        target = await repo.replyTo(db, m.id)
        if (target?.superseded_at) target = undefined
      } else throw new AppError('validation', 'Only answers can be regenerated.')
      if (question.superseded_at) throw new AppError('conflict', 'That question was edited since. Regenerate the answer to its current version.')
      if (target && jobs.has(target.id)) throw new AppError('conflict', 'This answer is still being written. Stop it first, then regenerate.')
      if (target?.superseded_at) throw new AppError('conflict', 'That answer was already replaced. Regenerate the current one.')
      const superseded = await db.transaction(async (trx) => {
        await repo.lockSession(trx, question.session_id)
        return repo.supersedeFrom(trx, question.session_id, target ? target.seq : question.seq + 1)
      })
      await Promise.all(abortJobs(superseded, 'Replaced by a newer answer.'))
      const reply = await answer(question, target?.id ?? null)
      return turn(question.session_id, null, reply)
    },

    async edit(messageId, content) {
      await ready
      const m = await mustMessage(messageId)
      if (m.role !== 'user') throw new AppError('validation', 'Only your own messages can be edited.')
      if (m.superseded_at) throw new AppError('conflict', 'That message was already edited. Edit its current version.')
      mustBeOpen(await mustSession(m.session_id))
      const { user, superseded } = await db.transaction(async (trx) => {
        await repo.lockSession(trx, m.session_id)
        const superseded = await repo.supersedeFrom(trx, m.session_id, m.seq)
        const user = await repo.insertMessage(trx, { sessionId: m.session_id, role: 'user', content: content.trim(), parentId: m.id })
        const edited = (await repo.updateMessage(trx, user.id, { edited_at: trx.fn.now() })) as MessageRow
        return { user: edited, superseded }
      })
      await Promise.all(abortJobs(superseded, 'Replaced: the question was edited.'))
      deps.kickEmbeddings()
      const reply = await answer(user, null)
      return turn(m.session_id, user, reply)
    },

    async feedback(messageId, value, comment) {
      const m = await mustMessage(messageId)
      if (m.role !== 'assistant') throw new AppError('validation', 'Feedback is for answers.')
      const patch: Record<string, unknown> = { feedback: value }
      if (comment !== undefined) patch['feedback_comment'] = comment === '' ? null : comment
      else if (value === null) patch['feedback_comment'] = null
      return toMessage((await repo.updateMessage(db, messageId, patch)) as MessageRow)
    },

    async settled(messageId) {
      const j = jobs.get(messageId)
      if (j) await j.settled
      return toMessage(await mustMessage(messageId))
    },

    onRequestSent(listener) {
      requestListeners.add(listener)
      return () => requestListeners.delete(listener)
    },

    async close() {
      closing = true
      closer.abort()
      await ready
      const all = [...jobs.values()]
      await Promise.all(abortJobs(all.map((j) => j.messageId), CLOSED_NOTE))
      await Promise.all(all.map((j) => j.settled.catch(() => undefined)))
    }
  }
}
