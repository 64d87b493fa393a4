/**
 * The daily digest (`digest.daily`, light, scheduled every morning with catch-up): a short
 * summary of the previous day's new memories and chat sessions. Written by the LLM when one
 * is configured (a trace of kind 'digest'), extractive otherwise: the day's most important
 * memories and the sessions' titles. A failed LLM call falls back to the extractive text.
 *
 * Stored in its own `digests` table (one row per day, replaced when the day is digested
 * again) and returned as the run's output, which the Workflows screen shows. Not as a memory:
 * a digest is derived from memories, and as one it would be digested, consolidated and
 * ranked in search beside the facts it summarises.
 */
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import type { LlmService } from '../llm/llm.types'
import { defineWorkflow, type WorkflowDefinition } from '../workflows/runner'

export const DIGEST_WORKFLOW = 'digest.daily'

export interface DigestInput {
  /** The local calendar day (YYYY-MM-DD); default the day before the run. */
  day?: string
}

export interface DigestDeps {
  llm?: () => LlmService | null
  /** Milliseconds since the epoch (tests). */
  clock?: () => number
}

export interface DigestOutput {
  day: string
  method: 'extractive' | 'llm'
  text: string
  memories: number
  sessions: number
}

interface DayFacts {
  day: string
  memories: Array<{ id: string; content: string; importance: number; type: string }>
  memoryCount: number
  sessions: Array<{ id: string; title: string; messages: number }>
}

const TOP_MEMORIES = 8
const TOP_SESSIONS = 10

const pad = (n: number): string => String(n).padStart(2, '0')
export const localDay = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

function dayWindow(day: string): { start: Date; end: Date } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) throw new AppError('validation', `"${day}" is not a day. Give it as YYYY-MM-DD.`)
  const start = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  if (localDay(start) !== day) throw new AppError('validation', `${day} is not a date on the calendar.`)
  const end = new Date(start)
  end.setDate(end.getDate() + 1)
  return { start, end }
}

function firstSentence(text: string, max = 200): string {
  const one = text.replace(/\s+/g, ' ').trim()
  const s = /^(.+?[.!?])(\s|$)/.exec(one)?.[1] ?? one
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** "Wednesday 1 January 2020": the same on every machine (ICU data varies). */
function longDate(day: string): string {
  const { start: d } = dayWindow(day)
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`
}

export function extractiveDigest(f: DayFacts): string {
  const date = longDate(f.day)
  if (f.memoryCount === 0 && f.sessions.length === 0) return `${date}: nothing new. No memories were captured and no chats were held.`
  const lines = [
    `${date}: ${f.memoryCount === 1 ? '1 new memory' : `${f.memoryCount} new memories`}, ${f.sessions.length === 1 ? '1 chat session' : `${f.sessions.length} chat sessions`}.`
  ]
  if (f.memories.length) {
    lines.push('', f.memoryCount > f.memories.length ? `The most important of them:` : 'Memories:')
    for (const m of f.memories) lines.push(`- ${firstSentence(m.content)}`)
  }
  if (f.sessions.length) {
    lines.push('', 'Chats:')
    for (const s of f.sessions.slice(0, TOP_SESSIONS)) lines.push(`- ${s.title} (${s.messages === 1 ? '1 message' : `${s.messages} messages`})`)
    if (f.sessions.length > TOP_SESSIONS) lines.push(`- and ${f.sessions.length - TOP_SESSIONS} more`)
  }
  return lines.join('\n')
}

async function collect(db: Knex, day: string): Promise<DayFacts> {
  const { start, end } = dayWindow(day)
  const memories = (await db('memories')
    .whereNot('status', 'superseded')
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .orderBy([{ column: 'importance', order: 'desc' }, { column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }])
    .limit(TOP_MEMORIES)
    .select('id', 'content', 'importance', 'type')) as DayFacts['memories']
  const count = (await db('memories').whereNot('status', 'superseded').where('created_at', '>=', start).where('created_at', '<', end).count({ n: '*' }).first()) as { n: string }
  const sessions = (await db.raw(
    `select s.id, s.title, count(m.id)::int as messages from sessions s
       left join messages m on m.session_id = s.id and m.created_at >= ? and m.created_at < ?
      where (s.created_at >= ? and s.created_at < ?) or exists (select 1 from messages x where x.session_id = s.id and x.created_at >= ? and x.created_at < ?)
      group by s.id, s.title order by count(m.id) desc, min(coalesce(m.created_at, s.created_at)), s.id`,
    [start, end, start, end, start, end]
  )).rows as DayFacts['sessions']
  return { day, memories: memories.map((m) => ({ ...m, importance: Number(m.importance) })), memoryCount: Number(count.n), sessions }
}

async function llmDigest(llm: LlmService | null, f: DayFacts, signal: AbortSignal): Promise<string | null> {
  if (!llm || (f.memoryCount === 0 && f.sessions.length === 0)) return null
  const config = await llm.resolve().catch(() => null)
  if (!config) return null
  const facts = [
    `Day: ${longDate(f.day)}`,
    `New memories (${f.memoryCount}, most important first):`,
    ...f.memories.map((m) => `- ${m.content.slice(0, 600)}`),
    `Chat sessions (${f.sessions.length}):`,
    ...f.sessions.slice(0, TOP_SESSIONS).map((s) => `- ${s.title} (${s.messages} messages)`)
  ].join('\n')
  const r = await llm.complete({
    config,
    kind: 'digest',
    signal,
    maxTokens: 400,
    messages: [
      { role: 'system', content: 'Write a short daily digest (at most 120 words) of what the person noted and discussed on this day, from the facts given. Plain text, no preamble, nothing invented.' },
      { role: 'user', content: facts }
    ]
  })
  if (!r.ok || r.value.incomplete) return null
  return r.value.content.trim() || null
}

export function digestWorkflow(deps: DigestDeps = {}): WorkflowDefinition<DigestInput> {
  const clock = deps.clock ?? Date.now
  return defineWorkflow<DigestInput>({
    name: DIGEST_WORKFLOW,
    steps: [
      {
        name: 'summarise',
        async run(ctx): Promise<DigestOutput> {
          let day = ctx.input?.day
          if (!day) {
            const d = new Date(clock())
            d.setDate(d.getDate() - 1)
            day = localDay(d)
          }
          const facts = await collect(ctx.db, day)
          let method: DigestOutput['method'] = 'extractive'
          let text = await llmDigest(deps.llm?.() ?? null, facts, ctx.signal).catch((err: unknown) => {
            ctx.log('warn', `The LLM could not write the digest (${err instanceof Error ? err.message : String(err)}); an extractive one was written instead.`)
            return null
          })
          if (text) method = 'llm'
          else text = extractiveDigest(facts)
          await ctx.db('digests')
            .insert({
              day,
              content: text,
              method,
              memory_count: facts.memoryCount,
              session_count: facts.sessions.length,
              memory_ids: facts.memories.map((m) => m.id),
              session_ids: facts.sessions.map((s) => s.id),
              run_id: ctx.runId
            })
            .onConflict('day')
            .merge(['content', 'method', 'memory_count', 'session_count', 'memory_ids', 'session_ids', 'run_id', 'updated_at'])
          await ctx.db('digests').where({ day }).update({ updated_at: ctx.db.fn.now() })
          return { day, method, text, memories: facts.memoryCount, sessions: facts.sessions.length }
        }
      }
    ]
  })
}
