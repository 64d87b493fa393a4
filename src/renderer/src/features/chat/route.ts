/**
 * The chat's place in the URL: `#/chat/<id>` is an open session, `?message=<id>` scrolls
 * to one of its messages and marks it (a citation of an earlier chat), `#/chat/new` is a
 * new chat (the session is made by its first message), and plain `#/chat` (the section
 * link) returns to the session open last. A reload stays in the same conversation.
 */
import { useSyncExternalStore } from 'react'

export interface ChatRoute {
  /** The open session, or null for a new chat (`isNew`) or the section link. */
  sessionId: string | null
  /** `#/chat/new`: a new chat was asked for. */
  isNew: boolean
  /** A message to scroll to and mark. */
  messageId: string | null
}

const NONE: ChatRoute = { sessionId: null, isNew: false, messageId: null }
const NEW: ChatRoute = { sessionId: null, isNew: true, messageId: null }
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

export function parseChatRoute(hash: string): ChatRoute {
  if (/^#?\/?chat\/new\/?$/.test(hash)) return NEW
  const m = /^#?\/?chat\/([0-9a-fA-F-]{36})(?:\?(.*))?$/.exec(hash)
  if (!m || !UUID.test(m[1] as string)) return NONE
  const message = new URLSearchParams(m[2] ?? '').get('message')
  return { sessionId: (m[1] as string).toLowerCase(), isNew: false, messageId: message && UUID.test(message) ? message.toLowerCase() : null }
}

export function chatHash(sessionId: string | null, messageId?: string | null): string {
  if (!sessionId) return '#/chat/new'
  return `#/chat/${sessionId}${messageId ? `?message=${messageId}` : ''}`
}

/** Opens a session (null: a new chat), optionally at one of its messages. */
export function openSession(sessionId: string | null, messageId?: string | null): void {
  const hash = chatHash(sessionId, messageId)
  if (window.location.hash !== hash) window.location.hash = hash
}

/** Puts a session in the address bar without a new history entry (the section link returning to it). */
export function replaceWithSession(sessionId: string): void {
  window.history.replaceState(null, '', chatHash(sessionId))
  notify()
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
