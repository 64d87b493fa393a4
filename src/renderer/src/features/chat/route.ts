/**
 * The chat's place in the URL: `#/chat` is a new chat (the session is made by the first
 * message), `#/chat/<id>` an open session, and `?message=<id>` scrolls to one message and
 * marks it (a citation of an earlier chat). A reload stays in the same conversation.
 */
import { useSyncExternalStore } from 'react'

export interface ChatRoute {
  /** The open session, or null for a new chat. */
  sessionId: string | null
  /** A message to scroll to and mark. */
  messageId: string | null
}

const NONE: ChatRoute = { sessionId: null, messageId: null }
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

export function parseChatRoute(hash: string): ChatRoute {
  const m = /^#?\/?chat\/([0-9a-fA-F-]{36})(?:\?(.*))?$/.exec(hash)
  if (!m || !UUID.test(m[1] as string)) return NONE
  const message = new URLSearchParams(m[2] ?? '').get('message')
  return { sessionId: (m[1] as string).toLowerCase(), messageId: message && UUID.test(message) ? message.toLowerCase() : null }
}

export function chatHash(sessionId: string | null, messageId?: string | null): string {
  if (!sessionId) return '#/chat'
  return `#/chat/${sessionId}${messageId ? `?message=${messageId}` : ''}`
}

/** Opens a session (null: a new chat), optionally at one of its messages. */
export function openSession(sessionId: string | null, messageId?: string | null): void {
  const hash = chatHash(sessionId, messageId)
  if (window.location.hash !== hash) window.location.hash = hash
}

/** Drops `?message=` once the message was shown, so a later reload does not jump again. */
export function clearMessageMark(): void {
  const r = parseChatRoute(window.location.hash)
  if (r.sessionId && r.messageId) window.history.replaceState(null, '', chatHash(r.sessionId))
  notify()
}

let cached: { hash: string; route: ChatRoute } = { hash: '', route: NONE }
const listeners = new Set<() => void>()
function notify(): void {
  for (const l of listeners) l()
}
function snapshot(): ChatRoute {
  const hash = window.location.hash
  if (hash !== cached.hash) cached = { hash, route: parseChatRoute(hash) }
  return cached.route
}
function subscribe(cb: () => void): () => void {
  listeners.add(cb)
  window.addEventListener('hashchange', cb)
  return () => {
    listeners.delete(cb)
    window.removeEventListener('hashchange', cb)
  }
}

export const useChatRoute = (): ChatRoute => useSyncExternalStore(subscribe, snapshot)
