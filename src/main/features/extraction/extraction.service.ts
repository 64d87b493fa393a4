/**
 * Memory extraction: the LLM reads a conversation and the memories it resembles, and
 * proposes memories to add or to update. Proposals wait in a review inbox unless
 * `chat.extraction_auto_confirm` is on; confirming one captures a memory (source 'chat',
 * provenance: the session's message) or supersedes the target memory (history kept).
 * Runs on demand (`chat:extract`) and by itself once a session has been quiet for
 * `chat.extraction_quiet_minutes` (default 10). An answer that cannot be read is asked
 * again once with the validation error; after that nothing is stored.
 */
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import type { ExtractionResult, MemoryProposal, ProposalStatus, SessionSettings } from '../../../shared/chat'
import type { Logger } from '../../ipc/router'
import type { MemoriesService } from '../memories/memories.service'
import { contentHash } from '../memories/normalize'
import type { SearchService } from '../search/search.service'
import type { SettingsService } from '../settings/settings.service'
import type { LlmMessage, LlmService } from '../llm/llm.types'
import { tracesRepository } from '../llm/traces.repository'
import { extractionMessages, parseProposals, repairMessages, type ExistingMemory, type ProposedItem } from './extraction.parse'
import { proposalsRepository as repo, type ProposalInsert, type StoredProposal } from './extraction.repository'

export const EXTRACTION_KEYS = { quietMinutes: 'chat.extraction_quiet_minutes', autoConfirm: 'chat.extraction_auto_confirm' } as const
export const DEFAULT_QUIET_MINUTES = 10
/** The conversation the model reads: the most recent messages within this many tokens. */
const CONVERSATION_TOKENS = 6000
const SIMILAR_MEMORIES = 12

export interface ExtractionService {
  /** Ask the LLM for memories worth keeping from a session. */
  extract(sessionId: string, opts?: { signal?: AbortSignal }): Promise<ExtractionResult>
  list(opts: { status: ProposalStatus; limit: number }): Promise<MemoryProposal[]>
  /** Accept a proposal (optionally with edited text). */
  confirm(id: string, content?: string): Promise<MemoryProposal>
  reject(id: string): Promise<MemoryProposal>
  /** Called after each answer: extract once the session has had no new message for the quiet time. */
  scheduleQuiet(sessionId: string): void
  /**
   * At profile open: schedule the chats that got messages after their last extraction
   * (the 'extract' traces are the durable record), so a restart does not lose them.
   * Returns how many were scheduled.
   */
  resumeQuiet(): Promise<number>
  /** Sessions with an extraction waiting for quiet. */
  scheduled(): string[]
  /** Cancels waiting and running extractions. */
  close(): Promise<void>
}

export interface ExtractionDeps {
  db: Knex
  llm: LlmService
  memories: MemoriesService
  search: SearchService
  settings: SettingsService
  logger: Logger
  /** proposals:changed */
  changed(ids: string[]): void
}

interface MessageRow {
  id: string
  seq: number
  role: string
  content: string
}

const publicProposal = ({ sourceMessageId: _omit, ...p }: StoredProposal): MemoryProposal => p

export function createExtractionService(d: ExtractionDeps): ExtractionService {
  const timers = new Map<string, NodeJS.Timeout>()
  const running = new Map<string, Promise<ExtractionResult>>()
  const controllers = new Set<AbortController>()
  const deciding = new Set<string>()
  /** Automatic runs go one after another (a restart may resume several chats). */
  let autoChain: Promise<void> = Promise.resolve()
  let closed = false

  /** True when the session has a message newer than its last extraction attempt. */
  async function hasNewMessages(sessionId: string): Promise<boolean> {
    const r = await d.db.raw(
      `select (select max(created_at) from messages where session_id = ? and superseded_at is null) as last_message,
              (select max(created_at) from traces where session_id = ? and kind = 'extract') as last_extract`,
      [sessionId, sessionId]
    )
    const row = r.rows[0] as { last_message: Date | null; last_extract: Date | null }
    return row.last_message !== null && (row.last_extract === null || row.last_message > row.last_extract)
  }

  async function runAuto(sessionId: string): Promise<void> {
    if (closed || !(await d.llm.resolve(null).catch(() => null))) return
    if (!(await hasNewMessages(sessionId))) return
    await service.extract(sessionId)
  }

  function schedule(sessionId: string, delayMs: number): void {
    const previous = timers.get(sessionId)
    if (previous) clearTimeout(previous)
    const timer = setTimeout(() => {
      timers.delete(sessionId)
      autoChain = autoChain
        .then(() => runAuto(sessionId))
        .catch((err: unknown) => {
          if (!closed) d.logger.warn(`[engram] automatic memory extraction for a quiet chat failed: ${err instanceof Error ? err.message : String(err)}`)
        })
    }, delayMs)
    timer.unref()
    timers.set(sessionId, timer)
  }

  async function settingNumber(key: string, fallback: number): Promise<number> {
    const v = (await d.settings.get(key))?.value
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback
  }

  function conversationText(rows: MessageRow[]): string {
    const lines: string[] = []
    let tokens = 0
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i] as MessageRow
      const line = `${r.role === 'user' ? 'User' : 'Assistant'}: ${r.content.trim()}`
      const t = d.llm.countTokens(line)
      if (tokens + t > CONVERSATION_TOKENS && lines.length > 0) break
      lines.unshift(tokens + t > CONVERSATION_TOKENS ? line.slice(0, CONVERSATION_TOKENS * 3) : line)
      tokens += t
    }
    return lines.join('\n\n')
  }

  async function similarMemories(rows: MessageRow[]): Promise<ExistingMemory[]> {
    const userText = rows
      .filter((r) => r.role === 'user')
      .slice(-4)
      .map((r) => r.content)
      .join(' ')
      .replace(/\s+/g, ' ')
      .slice(0, 1000)
      .trim()
    if (!userText) return []
    try {
      const res = await d.search.search({ query: userText, k: SIMILAR_MEMORIES, sources: ['memory'], includeArchived: false, recordAccess: false })
      return res.hits.map((h) => ({ id: h.id, content: h.text }))
    } catch (err) {
      // The model can still propose additions; duplicates are caught by their hash below.
      d.logger.warn('[engram] extraction: looking up similar memories failed', err)
      return []
    }
  }

  /** Asks, then asks once more with the validation error; null when both answers are unusable. */
  async function ask(messages: LlmMessage[], ctx: { config: NonNullable<Awaited<ReturnType<LlmService['resolve']>>>; sessionId: string; signal: AbortSignal }): Promise<{ items: ProposedItem[]; traceId: string | null }> {
    let attempt = messages
    for (let i = 0; i < 2; i++) {
      const r = await d.llm.complete({ config: ctx.config, messages: attempt, kind: 'extract', sessionId: ctx.sessionId, signal: ctx.signal, json: true, maxTokens: 2000 })
      if (!r.ok) throw AppError.from(r.error)
      const c = r.value
      if (c.incomplete) throw new AppError('cancelled', c.error ?? 'The model stopped before it finished; nothing was saved.')
      const parsed = parseProposals(c.content)
      if (parsed.ok) return { items: parsed.items, traceId: c.traceId ?? null }
      const note = `Unusable reply: ${parsed.error}.${i === 0 ? ' Asked again with the error.' : ' Gave up; nothing was saved.'}`
      if (c.traceId) await tracesRepository.markError(d.db, c.traceId, note).catch(() => undefined)
      attempt = repairMessages(messages, c.content, parsed.error)
    }
    throw new AppError(
      'unavailable',
      'The chat model did not answer with a list of memories Engram could read, even when asked again. Nothing was saved. Try again, or choose a larger model in Settings → Chat model.'
    )
  }

  async function decide(p: StoredProposal, content?: string): Promise<StoredProposal> {
    const text = (content ?? p.content).trim()
    if (p.action === 'add') {
      const r = await d.memories.capture({
        content: text,
        type: p.type,
        topics: p.topics,
        importance: p.importance,
        source: 'chat',
        idempotencyKey: `proposal:${p.id}`,
        sourceMessageId: p.sourceMessageId
      })
      await repo.decide(d.db, p.id, 'confirmed', r.memory.id)
    } else {
      const target = p.targetMemoryId ? await d.db('memories').where({ id: p.targetMemoryId }).first('status', 'content') : undefined
      if (!target || target.status !== 'active')
        throw new AppError('conflict', 'The memory this proposal would update was changed, merged, archived or deleted since. Reject the proposal, or capture the text as a new memory.')
      const m = await d.memories.update(p.targetMemoryId as string, { content: text, topics: [...new Set([...p.topics])], importance: p.importance })
      await repo.decide(d.db, p.id, 'confirmed', m.id)
    }
    return (await repo.get(d.db, p.id)) as StoredProposal
  }

  async function run(sessionId: string, signal: AbortSignal): Promise<ExtractionResult> {
    const session = await d.db('sessions').where({ id: sessionId }).first('id', 'settings')
    if (!session) throw new AppError('not_found', 'That chat does not exist (it may have been deleted).')
    const rows = (await d.db('messages')
      .where({ session_id: sessionId })
      .whereNull('superseded_at')
      .whereIn('role', ['user', 'assistant'])
      .whereIn('status', ['complete', 'incomplete'])
      .orderBy('seq', 'asc')
      .select('id', 'seq', 'role', 'content')) as MessageRow[]
    const lastUser = [...rows].reverse().find((r) => r.role === 'user')
    if (!lastUser) return { proposals: [], autoConfirmed: 0, skipped: 0 }
    const config = await d.llm.resolve((session.settings ?? {}) as SessionSettings)
    if (!config) throw new AppError('unavailable', 'Finding memories in a chat needs a chat model. Choose one in Settings → Chat model.')

    const existing = await similarMemories(rows)
    const { items, traceId } = await ask(extractionMessages(conversationText(rows), existing), { config, sessionId, signal })

    // Keep what is new: not 'none', not a live memory's exact text, not already waiting, not twice in this answer.
    const activeByHash = new Set(
      ((await d.db('memories').where({ status: 'active' }).whereIn('content_hash', items.map((i) => contentHash(i.content))).select('content_hash')) as Array<{ content_hash: string }>).map(
        (r) => r.content_hash
      )
    )
    const seen = new Set((await repo.pendingContents(d.db)).map(contentHash))
    const known = new Map(existing.map((m) => [m.id, m]))
    const keep: ProposalInsert[] = []
    let skipped = 0
    for (const item of items) {
      const hash = contentHash(item.content)
      if (item.action === 'none' || !item.content || activeByHash.has(hash) || seen.has(hash)) {
        skipped++
        continue
      }
      let action: 'add' | 'update' = item.action
      let target = item.targetMemoryId
      if (action === 'update') {
        const t = target ? (known.get(target) ?? (await d.db('memories').where({ id: target, status: 'active' }).first('id', 'content'))) : undefined
        // An update of a memory that is not there (a made-up id) is an addition.
        if (!t) {
          action = 'add'
          target = null
        } else if (contentHash(t.content) === hash) {
          skipped++
          continue
        }
      }
      seen.add(hash)
      keep.push({
        sessionId,
        action,
        content: item.content,
        type: item.type,
        topics: item.topics,
        importance: item.importance,
        targetMemoryId: action === 'update' ? target : null,
        reason: item.reason,
        sourceMessageId: lastUser.id,
        traceId
      })
    }
    if (signal.aborted) throw new AppError('cancelled', 'Stopped; nothing was saved.')
    const ids = await repo.insertMany(d.db, keep)

    let autoConfirmed = 0
    if ((await d.settings.get(EXTRACTION_KEYS.autoConfirm))?.value === true) {
      for (const id of ids) {
        const p = await repo.get(d.db, id)
        if (!p) continue
        try {
          await decide(p)
          autoConfirmed++
        } catch (err) {
          // It stays in the inbox for the person to decide.
          d.logger.warn('[engram] extraction: auto-confirm failed; the proposal waits in the inbox', err)
        }
      }
    }
    if (ids.length) d.changed(ids)
    return { proposals: (await repo.getMany(d.db, ids)).map(publicProposal), autoConfirmed, skipped }
  }

  const service: ExtractionService = {
    async extract(sessionId, opts) {
      if (closed) throw new AppError('unavailable', 'The profile is closing.')
      const inFlight = running.get(sessionId)
      if (inFlight) return inFlight
      const controller = new AbortController()
      const onAbort = (): void => controller.abort()
      opts?.signal?.addEventListener('abort', onAbort, { once: true })
      controllers.add(controller)
      const p = run(sessionId, controller.signal).finally(() => {
        controllers.delete(controller)
        running.delete(sessionId)
        opts?.signal?.removeEventListener('abort', onAbort)
      })
      running.set(sessionId, p)
      return p
    },

    async list(opts) {
      return (await repo.list(d.db, opts)).map(publicProposal)
    },

    async confirm(id, content) {
      if (deciding.has(id)) throw new AppError('conflict', 'This proposal is being saved already.')
      deciding.add(id)
      try {
        const p = await repo.get(d.db, id)
        if (!p) throw new AppError('not_found', 'That proposal does not exist.')
        if (p.status !== 'pending') throw new AppError('conflict', `This proposal was already ${p.status}.`)
        const out = await decide(p, content)
        d.changed([id])
        return publicProposal(out)
      } finally {
        deciding.delete(id)
      }
    },

    async reject(id) {
      const p = await repo.get(d.db, id)
      if (!p) throw new AppError('not_found', 'That proposal does not exist.')
      if (p.status !== 'pending' || deciding.has(id) || !(await repo.decide(d.db, id, 'rejected', null)))
        throw new AppError('conflict', `This proposal was already ${p.status === 'pending' ? 'being confirmed' : p.status}.`)
      d.changed([id])
      return publicProposal((await repo.get(d.db, id)) as StoredProposal)
    },

    scheduleQuiet(sessionId) {
      if (closed) return
      const previous = timers.get(sessionId)
      if (previous) clearTimeout(previous)
      timers.delete(sessionId)
      void (async () => {
        const minutes = await settingNumber(EXTRACTION_KEYS.quietMinutes, DEFAULT_QUIET_MINUTES)
        // 0 (or less) turns automatic extraction off.
        if (closed || minutes <= 0) return
        schedule(sessionId, minutes * 60_000)
      })().catch((err: unknown) => d.logger.warn('[engram] could not schedule memory extraction', err))
    },

    async resumeQuiet() {
      const minutes = await settingNumber(EXTRACTION_KEYS.quietMinutes, DEFAULT_QUIET_MINUTES)
      if (closed || minutes <= 0 || !(await d.llm.resolve(null))) return 0
      const r = await d.db.raw(
        `select s.id, max(m.created_at) as last_message
           from sessions s join messages m on m.session_id = s.id and m.superseded_at is null
          where s.archived_at is null and s.settings->>'imported_from' is null and m.created_at > now() - interval '7 days'
          group by s.id
         having max(m.created_at) > coalesce((select max(t.created_at) from traces t where t.session_id = s.id and t.kind = 'extract'), '-infinity'::timestamptz)
          order by 2 desc
          limit 50`
      )
      const rows = r.rows as Array<{ id: string; last_message: Date }>
      for (const row of rows) {
        if (closed || timers.has(row.id)) continue
        // Quiet since the last message already? Soon (not all at once); else when it will be.
        schedule(row.id, Math.max(5_000, row.last_message.getTime() + minutes * 60_000 - Date.now()))
      }
      return rows.length
    },

    scheduled: () => [...timers.keys()],

    async close() {
      closed = true
      for (const t of timers.values()) clearTimeout(t)
      timers.clear()
      for (const c of controllers) c.abort()
      await Promise.allSettled([...running.values()])
    }
  }
  return service
}
