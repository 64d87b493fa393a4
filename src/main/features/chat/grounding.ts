/**
 * Grounded answers, the pure part: which sources and how much history fit the context
 * budget, the prompts (answer, follow-up rewrite, title), which sources an answer cited,
 * the recall-mode answer, and the "remember that …" command. No I/O here, so every rule
 * can be read (and tested) on its own.
 *
 * Budget rule: sources and history are kept or dropped WHOLE, never cut mid-text. The
 * system prompt and the question always go; sources (best first) may take up to 60% of
 * what is left, history (newest first) the rest, and sources then take any leftover.
 */
import type { Citation } from '../../../shared/chat'
import type { SearchHit } from '../../../shared/types'
import type { LlmMessage } from '../llm/llm.types'

export const DEFAULT_CONTEXT_TOKENS = 4096
/** Most sources an answer is given. */
export const MAX_SOURCES = 8
/** Most sources a recall answer lists. */
export const MAX_RECALL = 6
const SOURCE_SHARE = 0.6

export interface Source {
  n: number
  hit: SearchHit
  /** The text the model sees. */
  text: string
  label: string
}

export interface HistoryMessage {
  role: 'user' | 'assistant'
  content: string
}

export interface BuiltPrompt {
  messages: LlmMessage[]
  sources: Source[]
  /** How many earlier messages went in (newest first were kept). */
  historyUsed: number
  promptTokens: number
}

const clip = (s: string, n: number): string => {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length <= n ? one : `${one.slice(0, n - 1).trimEnd()}…`
}

/** A short label for a hit: the memory's first words, the document's name and page, the session's title. */
export function hitLabel(h: SearchHit): string {
  const m = h.meta as Record<string, unknown>
  if (h.source === 'document') {
    const page = typeof m['page'] === 'number' ? `, page ${m['page']}` : ''
    return `${String(m['documentName'] ?? 'Document')}${page}`
  }
  if (h.source === 'message') return `Chat: ${String(m['sessionTitle'] ?? 'a conversation')}`
  return clip(h.text, 60)
}

export function toCitation(s: Source): Citation {
  const m = s.hit.meta as Record<string, unknown>
  const c: Citation = { n: s.n, source: s.hit.source, id: s.hit.id, title: s.label, snippet: clip(s.hit.snippet.replace(/[«»]/g, '') || s.hit.text, 280) }
  if (s.hit.source === 'document') {
    if (typeof m['documentId'] === 'string') c.documentId = m['documentId']
    if (typeof m['charStart'] === 'number') c.start = m['charStart']
    if (typeof m['charEnd'] === 'number') c.end = m['charEnd']
    c.page = typeof m['page'] === 'number' ? m['page'] : null
  }
  if (s.hit.source === 'message' && typeof m['sessionId'] === 'string') c.sessionId = m['sessionId']
  return c
}

function sourceBlock(n: number, h: SearchHit, label: string): string {
  const kind = h.source === 'memory' ? `memory, saved ${h.createdAt.slice(0, 10)}` : h.source === 'document' ? `document "${label}"` : `earlier chat "${label.replace(/^Chat: /, '')}"`
  return `[${n}] (${kind})\n${h.text.trim()}`
}

export function systemPrompt(today: string, sources: string[]): string {
  const head = [
    "You are Engram, the user's personal memory assistant. Answer the user's question using the numbered sources below: they come from the user's own memories, documents and earlier chats.",
    'Cite every source you use by its number in square brackets, like [1] or [2][3], right after the statement it supports.',
    "If the sources don't contain the answer, say so plainly (for example: \"Your memories and documents don't say.\"); if you then answer from general knowledge, say that you are doing so.",
    'Be concise. Do not invent sources or numbers.',
    `Today is ${today}.`
  ].join('\n')
  return sources.length ? `${head}\n\nSources:\n\n${sources.join('\n\n')}` : `${head}\n\nSources: none were found for this question.`
}

/**
 * The answer prompt within `budget` tokens: system prompt with numbered sources, as much
 * recent history as fits (whole messages, newest first), then the question.
 */
export function buildPrompt(input: { question: string; hits: SearchHit[]; history: HistoryMessage[]; budget: number; countTokens: (s: string) => number; today: string }): BuiltPrompt {
  const { countTokens: count, budget } = input
  const fixed = count(systemPrompt(input.today, [])) + count(input.question) + 8
  let free = Math.max(0, budget - fixed)
  const blocks = input.hits.slice(0, MAX_SOURCES).map((h) => ({ h, label: hitLabel(h), tokens: 0 }))
  for (const b of blocks) b.tokens = count(sourceBlock(0, b.h, b.label)) + 2
  const chosen = new Set<number>()
  const take = (limit: number): void => {
    let used = 0
    for (const [i, b] of blocks.entries()) {
      if (chosen.has(i)) continue
      if (used + b.tokens > limit) continue
      chosen.add(i)
      used += b.tokens
      free -= b.tokens
    }
  }
  take(Math.floor(free * SOURCE_SHARE))
  // History, newest first, whole messages only; stop at the first that does not fit (no gaps).
  const history: HistoryMessage[] = []
  for (let i = input.history.length - 1; i >= 0; i--) {
    const h = input.history[i] as HistoryMessage
    const t = count(h.content) + 4
    if (t > free) break
    history.unshift(h)
    free -= t
  }
  take(free)
  const sources: Source[] = []
  for (const [i, b] of blocks.entries()) if (chosen.has(i)) sources.push({ n: sources.length + 1, hit: b.h, text: b.h.text, label: b.label })
  const system = systemPrompt(input.today, sources.map((s) => sourceBlock(s.n, s.hit, s.label)))
  const messages: LlmMessage[] = [{ role: 'system', content: system }, ...history, { role: 'user', content: input.question }]
  return { messages, sources, historyUsed: history.length, promptTokens: messages.reduce((a, m) => a + count(m.content) + 4, 0) }
}

/** The source numbers an answer cites: [1], [1, 3], [2-4], [1][2]; only numbers that exist. */
export function citedNumbers(answer: string, max: number): number[] {
  const found = new Set<number>()
  for (const m of answer.matchAll(/\[(\d+(?:\s*(?:,|-|–)\s*\d+)*)\]/g)) {
    for (const part of (m[1] as string).split(',')) {
      const [a, b] = part.split(/-|–/).map((x) => Number.parseInt(x.trim(), 10))
      if (a === undefined || Number.isNaN(a)) continue
      const hi = b !== undefined && !Number.isNaN(b) && b >= a && b - a < 50 ? b : a
      for (let n = a; n <= hi; n++) if (n >= 1 && n <= max) found.add(n)
    }
  }
  return [...found].sort((x, y) => x - y)
}

/** The follow-up rewrite request: recent turns plus the question, answered with a search query only. */
export function rewriteMessages(history: HistoryMessage[], question: string, countTokens: (s: string) => number, budget = 1200): LlmMessage[] {
  const lines: string[] = []
  let used = 0
  for (let i = history.length - 1; i >= 0 && lines.length < 6; i--) {
    const h = history[i] as HistoryMessage
    const line = `${h.role === 'user' ? 'User' : 'Assistant'}: ${h.content.trim()}`
    const t = countTokens(line)
    if (used + t > budget) break
    lines.unshift(line)
    used += t
  }
  return [
    {
      role: 'system',
      content:
        'Rewrite the follow-up question as one standalone search query that can be understood without the conversation: replace pronouns and references with the names and topics they mean. Answer with the query only, no quotes, no explanation.'
    },
    { role: 'user', content: `Conversation:\n${lines.join('\n')}\n\nFollow-up question: ${question}\n\nStandalone query:` }
  ]
}

/** A usable rewrite: one line, not empty, not absurdly long; else null (use the raw question). */
export function cleanRewrite(text: string): string | null {
  const line = text.replace(/^\s*(standalone query|query)\s*:\s*/i, '').split('\n').map((l) => l.trim()).find((l) => l.length > 0)
  if (!line) return null
  const q = line.replace(/^["'`]+|["'`]+$/g, '').trim()
  return q.length > 0 && q.length <= 500 ? q : null
}

export function titleMessages(question: string, answer: string): LlmMessage[] {
  return [
    { role: 'system', content: 'Give this conversation a short title of at most 6 words. Answer with the title only, no quotes, no full stop.' },
    { role: 'user', content: `User: ${clip(question, 600)}\nAssistant: ${clip(answer, 600)}` }
  ]
}

/** The title the model gave, tidied; null when unusable. */
export function cleanTitle(text: string): string | null {
  const t = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0)
  if (!t) return null
  const s = t.replace(/^title\s*:\s*/i, '').replace(/^["'`*#\s]+|["'`*.\s]+$/g, '').trim()
  return s.length > 0 ? clip(s, 80) : null
}

/** Without a model: the question's first words. */
export function fallbackTitle(question: string): string {
  const words = question.replace(/\s+/g, ' ').trim().split(' ')
  const t = words.slice(0, 7).join(' ')
  return clip(words.length > 7 ? `${t}…` : t, 80) || 'New chat'
}

/**
 * The recall-mode answer: no generated text, a labelled list of what was found, each
 * with its number. `why` says why there is no generated answer.
 */
export function recallAnswer(sources: Source[], why: string): string {
  if (sources.length === 0) return `**Recall mode** (no generated answer): ${why}\n\nNothing in your memories, documents or chats matches this question.`
  const lines = sources.map((s) => {
    const where = s.hit.source === 'memory' ? 'Memory' : s.hit.source === 'document' ? s.label : s.label
    return `[${s.n}] ${where}: ${clip(s.hit.source === 'memory' ? s.hit.text : s.hit.snippet.replace(/[«»]/g, '') || s.hit.text, 400)}`
  })
  return `**Recall mode** (no generated answer): ${why} Here is what Engram found for your question:\n\n${lines.join('\n')}`
}

/** "remember that …", "remember: …" at the start of a message (any case): the text to remember, or null. */
export function rememberCommand(text: string): { content: string } | null {
  const m = /^\s*remember(?:\s+that\b|\s*:)\s*([\s\S]*)$/i.exec(text)
  if (!m) return null
  return { content: (m[1] as string).trim() }
}
