/**
 * The reader's place in the URL: `#/documents/<id>` opens a document, and
 * `?start=123&end=456` (characters) or `?chunk=7` (a passage) marks and scrolls to a span.
 * `openDocumentAt` is the one way in, for this screen and for anything that cites a
 * document (chat, search).
 */
import { useSyncExternalStore } from 'react'

export interface DocumentRoute {
  /** The open document, or null for the list. */
  id: string | null
  start: number | null
  end: number | null
  chunk: number | null
}

const NONE: DocumentRoute = { id: null, start: null, end: null, chunk: null }

const int = (v: string | null): number | null => {
  if (v === null || !/^\d{1,10}$/.test(v)) return null
  return Number(v)
}

export function parseDocumentRoute(hash: string): DocumentRoute {
  const m = /^#?\/?documents\/([0-9a-fA-F-]{36})(?:\?(.*))?$/.exec(hash)
  if (!m) return NONE
  const q = new URLSearchParams(m[2] ?? '')
  let start = int(q.get('start'))
  let end = int(q.get('end'))
  if (start === null || end === null || end < start) start = end = null
  return { id: (m[1] as string).toLowerCase(), start, end, chunk: int(q.get('chunk')) }
}

export function documentHash(id: string, span?: { start?: number | undefined; end?: number | undefined; chunk?: number | undefined }): string {
  const q = new URLSearchParams()
  if (span?.start !== undefined && span.end !== undefined) {
    q.set('start', String(Math.max(0, Math.floor(span.start))))
    q.set('end', String(Math.max(0, Math.floor(span.end))))
  }
  if (span?.chunk !== undefined) q.set('chunk', String(span.chunk))
  const query = q.toString()
  return `#/documents/${id}${query ? `?${query}` : ''}`
}

/** Opens a document in the reader, marking and scrolling to characters [start, end) when given. */
export function openDocumentAt(id: string, start?: number, end?: number): void {
  window.location.hash = documentHash(id, { start, end })
}

/** Opens a document at one of its passages (a search hit's chunk index). */
export function openDocumentChunk(id: string, chunk: number): void {
  window.location.hash = documentHash(id, { chunk })
}

/** Back to the list. */
export function closeReader(): void {
  if (parseDocumentRoute(window.location.hash).id) window.location.hash = '#/documents'
}

let cached: { hash: string; route: DocumentRoute } = { hash: '', route: NONE }
function snapshot(): DocumentRoute {
  const hash = window.location.hash
  if (hash !== cached.hash) cached = { hash, route: parseDocumentRoute(hash) }
  return cached.route
}
function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb)
  return () => window.removeEventListener('hashchange', cb)
}

export const useDocumentRoute = (): DocumentRoute => useSyncExternalStore(subscribe, snapshot)
