/** Words and numbers for the chat: phases, durations, token counts, when a session was used. */
import type { ChatMessage, ChatSession } from '../../../../shared/chat'
import type { StreamPhase } from './store'

export const PHASE_LABEL: Record<StreamPhase, string> = {
  retrieving: 'Searching your memory…',
  rewriting: 'Rewriting your question…',
  waiting: 'Waiting for the model…',
  streaming: 'Answering…',
  done: 'Done'
}

export { plural } from '../../lib/format'

/** 850 ms, 2.3 s, 1 min 4 s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)} min ${s % 60} s`
}

/** Whole seconds since `since`, for "Waiting for the model… 12 s". */
export const elapsedSeconds = (since: number, now: number): number => Math.max(0, Math.floor((now - since) / 1000))

/** The subtle line under an answer: model, tokens in → out, time (and time to the first token). */
export function answerFacts(m: ChatMessage): string[] {
  const facts: string[] = []
  if (m.model) facts.push(m.model)
  if (m.inputTokens !== null || m.outputTokens !== null) facts.push(`${(m.inputTokens ?? 0).toLocaleString()} → ${(m.outputTokens ?? 0).toLocaleString()} tokens`)
  if (m.latencyMs !== null) facts.push(m.firstTokenMs !== null ? `${formatMs(m.latencyMs)} (first token ${formatMs(m.firstTokenMs)})` : formatMs(m.latencyMs))
  return facts
}

/** "14:05" today, "Mon" this week, "3 Mar" this year, else "3 Mar 2025". */
export function formatWhen(iso: string | null, now = new Date()): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  const days = (now.getTime() - d.getTime()) / 86_400_000
  if (days >= 0 && days < 6) return d.toLocaleDateString(undefined, { weekday: 'short' })
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })
}

export const sessionWhen = (s: ChatSession): string => formatWhen(s.lastMessageAt ?? s.updatedAt)

/** The plain text of a message for the clipboard (citation markers kept). */
export const messageText = (m: ChatMessage, streamed?: string): string => (streamed !== undefined && m.status === 'streaming' ? streamed : m.content)

/**
 * A recall answer's text without the core's own "**Recall mode** …" opening paragraph
 * (the screen labels it with a link instead), one source per paragraph.
 */
export function recallBody(content: string): string {
  const body = content.startsWith('**Recall mode**') ? content.slice(content.indexOf('\n\n') >= 0 ? content.indexOf('\n\n') + 2 : content.length) : content
  return body.replace(/\n(?=\[\d+\] )/g, '\n\n')
}
