/**
 * The extraction prompt and the reading of its answer. Small local models wrap JSON in
 * code fences, add prose around it, send a bare array instead of the object asked for,
 * or write importance as "high": structure is validated strictly with zod (action and
 * content must be there), cosmetic fields are coerced, and anything else is an error
 * whose text goes back to the model in a repair prompt.
 */
import { z } from 'zod'
import type { LlmMessage } from '../llm/llm.types'

export interface ExistingMemory {
  id: string
  content: string
}

export interface ProposedItem {
  action: 'add' | 'update' | 'none'
  content: string
  type: string
  topics: string[]
  importance: number
  targetMemoryId: string | null
  reason: string | null
}

const TYPE_RE = /^[a-z][a-z0-9_-]{0,31}$/
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const importance = z.preprocess((v) => {
  if (typeof v === 'string') {
    const words: Record<string, number> = { low: 0.3, medium: 0.5, normal: 0.5, high: 0.8, critical: 0.95 }
    const w = words[v.trim().toLowerCase()]
    if (w !== undefined) return w
    v = Number.parseFloat(v)
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return 0.5
  if (v > 1 && v <= 10) return v / 10
  if (v > 10 && v <= 100) return v / 100
  return Math.min(1, Math.max(0, v))
}, z.number().min(0).max(1))

const topics = z.preprocess((v) => {
  const list = typeof v === 'string' ? v.split(/[,;]/) : Array.isArray(v) ? v : []
  return list
    .filter((t): t is string => typeof t === 'string')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length > 0 && t.length <= 64)
    .slice(0, 16)
}, z.array(z.string()))

const memoryType = z.preprocess((v) => {
  const t = typeof v === 'string' ? v.trim().toLowerCase().replace(/\s+/g, '_') : ''
  return TYPE_RE.test(t) ? t : 'note'
}, z.string())

const item = z
  .object({
    action: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['add', 'update', 'none'])),
    content: z.string().max(20_000, 'content is at most 20,000 characters').optional(),
    type: memoryType.optional(),
    topics: topics.optional(),
    importance: importance.optional(),
    target_memory_id: z.string().nullable().optional(),
    reason: z.string().nullable().optional()
  })
  .superRefine((x, ctx) => {
    if (x.action !== 'none' && !(x.content ?? '').trim()) ctx.addIssue({ code: 'custom', message: `an "${x.action}" needs a non-empty "content"`, path: ['content'] })
    if (x.action === 'update' && !x.target_memory_id) ctx.addIssue({ code: 'custom', message: 'an "update" needs "target_memory_id" (the id of an existing memory)', path: ['target_memory_id'] })
  })

const listSchema = z.array(item).max(50, 'at most 50 memories per conversation')

/** The list inside the answer: the object asked for ({"memories": [...]}), or a bare array. */
function listOf(value: unknown): unknown {
  if (Array.isArray(value)) return value
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>
    for (const k of ['memories', 'proposals', 'items']) if (k in o) return o[k]
    // A single proposal on its own.
    if ('action' in o) return [o]
  }
  return value
}

/** The JSON text inside a reply: without code fences or prose around the outermost object or array. */
export function stripToJson(text: string): string {
  // <think>…</think> blocks from reasoning models.
  let t = text.replace(/<think>[\s\S]*?<\/think>/g, '').trim()
  const fence = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(t)
  if (fence?.[1] !== undefined) t = fence[1].trim()
  const starts = [t.indexOf('{'), t.indexOf('[')].filter((i) => i >= 0)
  if (starts.length === 0) return t
  const start = Math.min(...starts)
  const end = Math.max(t.lastIndexOf('}'), t.lastIndexOf(']'))
  return end > start ? t.slice(start, end + 1) : t.slice(start)
}

export type ParseResult = { ok: true; items: ProposedItem[] } | { ok: false; error: string }

/** Reads the model's reply: the proposals, or what was wrong with it (for the repair prompt). */
export function parseProposals(text: string): ParseResult {
  const json = stripToJson(text)
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (err) {
    return { ok: false, error: `the reply is not valid JSON (${(err as Error).message})` }
  }
  const r = listSchema.safeParse(listOf(value))
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? `memories.${i.path.join('.')}` : 'top level'}: ${i.message}`)
    return { ok: false, error: `the JSON does not match the format (${issues.join('; ')})` }
  }
  return {
    ok: true,
    items: r.data.map((x) => ({
      action: x.action,
      content: (x.content ?? '').replace(/\s+/g, ' ').trim(),
      type: x.type ?? 'note',
      topics: [...new Set(x.topics ?? [])],
      importance: x.importance ?? 0.5,
      targetMemoryId: x.target_memory_id && UUID_RE.test(x.target_memory_id.trim()) ? x.target_memory_id.trim().toLowerCase() : null,
      reason: x.reason?.trim().slice(0, 500) || null
    }))
  }
}

const SYSTEM = `You keep a person's long-term memory. Read the conversation and decide which facts about the person are worth remembering for later: preferences, plans, decisions, people, dates, things they own or did. Leave out small talk, questions without an answer, and anything the assistant merely suggested.

Existing memories are listed with their ids. For each fact:
- already known, with nothing new: action "none";
- a change to an existing memory (it is now out of date or incomplete): action "update" with "target_memory_id" set to that memory's id and "content" the full new text;
- otherwise: action "add".

Reply with ONLY a JSON object, no prose and no code fences:
{"memories": [{"action": "add" | "update" | "none", "content": "one self-contained sentence", "type": "note" | "preference" | "fact" | "plan" | "person" | "event", "topics": ["short", "words"], "importance": 0.0-1.0, "target_memory_id": "id or null", "reason": "why, in a few words"}]}
Reply {"memories": []} when there is nothing worth keeping.`

export function extractionMessages(conversation: string, existing: ExistingMemory[]): LlmMessage[] {
  const known = existing.length ? existing.map((m) => `- id ${m.id}: ${m.content.replace(/\s+/g, ' ').slice(0, 400)}`).join('\n') : '(none)'
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Existing memories:\n${known}\n\nConversation:\n${conversation}\n\nThe JSON object:` }
  ]
}

export function repairMessages(original: LlmMessage[], badReply: string, error: string): LlmMessage[] {
  return [
    ...original,
    { role: 'assistant', content: badReply.slice(0, 8000) },
    {
      role: 'user',
      content: `That reply could not be used: ${error}. Send it again as ONLY the JSON object {"memories": [...]} in the format described, with no code fences and no text before or after it.`
    }
  ]
}
