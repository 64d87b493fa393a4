/**
 * The Chat screen's state: the session list (`sessions:list`, search as you type, the
 * archived view), the open session and its active thread (`sessions:get`), and the
 * answers being produced. `chat:stream` events carry phases and text; they are kept per
 * message id apart from the thread, so a reload of the thread (another window, an event
 * burst) never loses streamed text, and a final message that arrived first always wins
 * over an older copy still saying "streaming".
 */
import { create } from 'zustand'
import type { ChatMessage, ChatSession, ChatStreamEvent, ChatTurn, Citation, SessionDetail, SessionSettings } from '../../../../shared/chat'
import type { AppError } from '../../../../shared/errors'
import { api, toAppError } from '../../lib/api'
import { newIdempotencyKey } from '../../lib/ids'

export const SESSION_PAGE = 100
export const SEARCH_DEBOUNCE_MS = 150
export const REFRESH_DEBOUNCE_MS = 250

export type StreamPhase = ChatStreamEvent['phase']

/** An answer on its way: what has arrived and where it is. */
export interface StreamState {
  /** null when the answer was already under way before this window saw an event. */
  phase: StreamPhase | null
  text: string
  /** When this window first heard of the answer, and when the phase last changed (ms). */
  startedAt: number
  phaseAt: number
  citations: Citation[] | null
}

interface ChatStore {
  profileId: string | null
  query: string
  /** The list shows archived sessions instead of active ones. */
  archived: boolean
  sessions: ChatSession[]
  total: number | null
  nextCursor: string | null
  listLoading: boolean
  listError: AppError | null

  /** The session on screen (null: a new chat). */
  sessionId: string | null
  detail: SessionDetail | null
  detailLoading: boolean
  detailError: AppError | null
  streams: Record<string, StreamState>

  /** The composer's text and the idempotency key of this draft (a double submit is one message). */
  draft: string
  clientId: string
  sending: boolean
  sendError: AppError | null
  /** The user message being edited in place. */
  editingId: string | null
  /** The session whose title is being edited in the list. */
  renamingId: string | null
  /** The session the user is asked to confirm deleting. */
  confirmDeleteId: string | null

  reset(profileId: string | null): void
  loadSessions(): Promise<void>
  loadMoreSessions(): Promise<void>
  setQuery(query: string): void
  setArchived(archived: boolean): void
  /** Shows a session (null: a new chat); the route calls this. */
  show(sessionId: string | null): Promise<void>
  setDraft(text: string): void
  /** Sends the draft; resolves the session it went to, or null when it failed (the draft stays). */
  send(): Promise<string | null>
  stop(messageId: string): Promise<void>
  regenerate(messageId: string): Promise<void>
  edit(messageId: string, content: string): Promise<void>
  feedback(messageId: string, value: 1 | -1 | null, comment?: string): Promise<ChatMessage>
  setEditing(id: string | null): void
  setRenaming(id: string | null): void
  askDelete(id: string | null): void
  rename(id: string, title: string): Promise<void>
  configure(id: string, settings: SessionSettings): Promise<void>
  archive(id: string): Promise<void>
  restore(id: string): Promise<void>
  remove(id: string): Promise<void>
  applyStream(e: ChatStreamEvent): void
  /** Sessions changed somewhere: refresh the list (and the thread when it is one of them), soon, once. */
  scheduleRefresh(ids?: string[]): void
}

const INITIAL = {
  profileId: null,
  query: '',
  archived: false,
  sessions: [] as ChatSession[],
  total: null,
  nextCursor: null,
  listLoading: false,
  listError: null,
  sessionId: null,
  detail: null,
  detailLoading: false,
  detailError: null,
  streams: {} as Record<string, StreamState>,
  draft: '',
  sending: false,
  sendError: null,
  editingId: null,
  renamingId: null,
  confirmDeleteId: null
} satisfies Partial<ChatStore>

let listGen = 0
let detailSeq = 0
let searchTimer: ReturnType<typeof setTimeout> | undefined
let refreshTimer: ReturnType<typeof setTimeout> | undefined
let refreshIds = new Set<string>()
/** Final messages seen in `done` events, by id: they win over older copies from a reload. */
let finals = new Map<string, ChatMessage>()

/** Pinned first, then the most recently used. */
export function sortSessions(list: ChatSession[]): ChatSession[] {
  const at = (s: ChatSession): string => s.lastMessageAt ?? s.updatedAt
  return [...list].sort((a, b) => Number(b.pinned) - Number(a.pinned) || at(b).localeCompare(at(a)))
}

function uniqueSessions(list: ChatSession[]): ChatSession[] {
  const seen = new Set<string>()
  return list.filter((s) => (seen.has(s.id) ? false : (seen.add(s.id), true)))
}

/** The newest copy of a message: a final one from a `done` event beats a stale "streaming". */
function freshest(m: ChatMessage): ChatMessage {
  const f = finals.get(m.id)
  return f && m.status === 'streaming' ? f : m
}

export const useChatStore = create<ChatStore>((set, get) => {
  function upsertSession(s: ChatSession): void {
    const { sessions, archived, detail } = get()
    const belongs = (s.archivedAt !== null) === archived
    const has = sessions.some((x) => x.id === s.id)
    const next = belongs ? (has ? sessions.map((x) => (x.id === s.id ? s : x)) : [s, ...sessions]) : sessions.filter((x) => x.id !== s.id)
    const delta = belongs && !has ? 1 : !belongs && has ? -1 : 0
    set({
      sessions: sortSessions(next),
      total: get().total === null ? null : Math.max(0, (get().total ?? 0) + delta),
      detail: detail && detail.session.id === s.id ? { ...detail, session: s } : detail
    })
  }

  /** Replaces or appends a message in the open thread (if it belongs there). */
  function upsertMessage(m: ChatMessage): void {
    const d = get().detail
    if (!d || d.session.id !== m.sessionId) return
    if (m.superseded) {
      set({ detail: { ...d, messages: d.messages.filter((x) => x.id !== m.id) } })
      return
    }
    const has = d.messages.some((x) => x.id === m.id)
    const messages = has ? d.messages.map((x) => (x.id === m.id ? freshest(m) : x)) : [...d.messages, freshest(m)].sort((a, b) => a.seq - b.seq)
    set({ detail: { ...d, messages } })
  }

  function startStream(m: ChatMessage): void {
    if (m.status !== 'streaming' || finals.has(m.id) || get().streams[m.id]) return
    const now = Date.now()
    set({ streams: { ...get().streams, [m.id]: { phase: null, text: m.content, startedAt: now, phaseAt: now, citations: null } } })
  }

  function endStream(id: string): void {
    if (!(id in get().streams)) return
    const streams = { ...get().streams }
    delete streams[id]
    set({ streams })
  }

  /** A turn came back (send, regenerate, edit): `cut` is where the thread was replaced from. */
  function applyTurn(turn: ChatTurn, cut?: { messageId: string }): void {
    upsertSession(turn.session)
    const d = get().detail
    let messages = d && d.session.id === turn.session.id ? d.messages : []
    if (cut) {
      const at = messages.findIndex((m) => m.id === cut.messageId)
      if (at >= 0) messages = messages.slice(0, at)
    }
    const added = [turn.userMessage, turn.assistantMessage].filter((m): m is ChatMessage => m !== null).map(freshest)
    const ids = new Set(added.map((m) => m.id))
    messages = [...messages.filter((m) => !ids.has(m.id)), ...added].sort((a, b) => a.seq - b.seq)
    set({ detail: { session: turn.session, messages }, detailError: null })
    startStream(turn.assistantMessage)
  }

  function applyDetail(detail: SessionDetail): void {
    const messages = detail.messages.map(freshest)
    set({ detail: { ...detail, messages }, detailError: null, detailLoading: false })
    for (const m of messages) startStream(m)
    // Answers this window was following that are no longer streaming (stopped elsewhere).
    for (const id of Object.keys(get().streams)) {
      const m = messages.find((x) => x.id === id)
      if (m && m.status !== 'streaming') endStream(id)
    }
  }

  async function loadDetail(id: string, quiet: boolean): Promise<void> {
    const seq = ++detailSeq
    if (!quiet) set({ detailLoading: true, detailError: null })
    try {
      const detail = await api.invoke('sessions:get', { id, includeSuperseded: false })
      if (seq !== detailSeq || get().sessionId !== id) return
      applyDetail(detail)
    } catch (err) {
      if (seq !== detailSeq || get().sessionId !== id) return
      set({ detailLoading: false, detailError: toAppError(err) })
    }
  }

  async function listPage(cursor: string | undefined, limit = SESSION_PAGE): Promise<{ items: ChatSession[]; total: number; nextCursor: string | null }> {
    const { query, archived } = get()
    const q = query.trim()
    return api.invoke('sessions:list', { archived, limit, ...(q ? { query: q } : {}), ...(cursor ? { cursor } : {}) })
  }

  return {
    ...INITIAL,
    clientId: newIdempotencyKey(),

    reset(profileId) {
      listGen++
      detailSeq++
      clearTimeout(searchTimer)
      clearTimeout(refreshTimer)
      refreshTimer = undefined
      refreshIds = new Set()
      finals = new Map()
      set({ ...INITIAL, profileId, clientId: newIdempotencyKey() })
    },

    async loadSessions() {
      const gen = ++listGen
      set({ listLoading: true })
      try {
        // A refresh keeps as many rows as were loaded (up to the page limit of 500).
        const page = await listPage(undefined, Math.min(500, Math.max(SESSION_PAGE, get().sessions.length)))
        if (gen !== listGen) return
        set({ sessions: sortSessions(uniqueSessions(page.items)), total: page.total, nextCursor: page.nextCursor, listLoading: false, listError: null })
      } catch (err) {
        if (gen !== listGen) return
        set({ listLoading: false, listError: toAppError(err) })
      }
    },

    async loadMoreSessions() {
      const { nextCursor, listLoading } = get()
      if (!nextCursor || listLoading) return
      const gen = listGen
      set({ listLoading: true })
      try {
        const page = await listPage(nextCursor)
        if (gen !== listGen) return
        set({
          sessions: sortSessions(uniqueSessions([...get().sessions, ...page.items])),
          total: page.total,
          nextCursor: page.nextCursor,
          listLoading: false,
          listError: null
        })
      } catch (err) {
        if (gen !== listGen) return
        set({ listLoading: false, listError: toAppError(err) })
      }
    },

    setQuery(query) {
      set({ query })
      clearTimeout(searchTimer)
      searchTimer = setTimeout(() => void get().loadSessions(), SEARCH_DEBOUNCE_MS)
    },

    setArchived(archived) {
      set({ archived, sessions: [], total: null, nextCursor: null })
      void get().loadSessions()
    },

    async show(sessionId) {
      const { sessionId: current, detail } = get()
      if (sessionId === current && (sessionId === null || detail?.session.id === sessionId)) return
      set({ sessionId, editingId: null, sendError: null })
      if (sessionId === null) {
        detailSeq++
        set({ detail: null, detailLoading: false, detailError: null })
        return
      }
      // The turn that made this session already put it on screen: refresh it quietly.
      const same = detail?.session.id === sessionId
      if (!same) set({ detail: null })
      await loadDetail(sessionId, same)
    },

    setDraft(text) {
      // Another text is another message: it gets its own key.
      set({ draft: text, clientId: text === get().draft ? get().clientId : newIdempotencyKey(), sendError: null })
    },

    async send() {
      const { draft, clientId, sessionId, sending } = get()
      if (sending) return null
      set({ sending: true, sendError: null })
      try {
        const turn = await api.invoke('chat:send', { content: draft, clientId, ...(sessionId ? { sessionId } : {}) })
        set({ sessionId: turn.session.id })
        applyTurn(turn)
        set({ sending: false, draft: '', clientId: newIdempotencyKey() })
        return turn.session.id
      } catch (err) {
        set({ sending: false, sendError: toAppError(err) })
        return null
      }
    },

    async stop(messageId) {
      const m = await api.invoke('chat:stop', { messageId })
      finals.set(m.id, m)
      endStream(m.id)
      upsertMessage(m)
    },

    async regenerate(messageId) {
      const turn = await api.invoke('chat:regenerate', { messageId })
      applyTurn(turn, { messageId })
    },

    async edit(messageId, content) {
      const turn = await api.invoke('chat:edit', { messageId, content })
      set({ editingId: null })
      applyTurn(turn, { messageId })
    },

    async feedback(messageId, value, comment) {
      const m = await api.invoke('chat:feedback', { messageId, value, ...(comment ? { comment } : {}) })
      upsertMessage(m)
      return m
    },

    setEditing(id) {
      set({ editingId: id })
    },

    setRenaming(id) {
      set({ renamingId: id })
    },

    askDelete(id) {
      set({ confirmDeleteId: id })
    },

    async rename(id, title) {
      upsertSession(await api.invoke('sessions:rename', { id, title }))
      set({ renamingId: null })
    },

    async configure(id, settings) {
      upsertSession(await api.invoke('sessions:configure', { id, settings }))
    },

    async archive(id) {
      upsertSession(await api.invoke('sessions:archive', { id }))
    },

    async restore(id) {
      upsertSession(await api.invoke('sessions:restore', { id }))
    },

    async remove(id) {
      await api.invoke('sessions:delete', { id })
      const had = get().sessions.some((s) => s.id === id)
      set({
        sessions: get().sessions.filter((s) => s.id !== id),
        total: had && get().total !== null ? Math.max(0, (get().total ?? 1) - 1) : get().total
      })
      if (get().sessionId === id) {
        detailSeq++
        set({ sessionId: null, detail: null, detailError: null })
      }
    },

    applyStream(e) {
      if (e.phase === 'done') {
        if (e.message) {
          finals.set(e.messageId, e.message)
          upsertMessage(e.message)
        }
        endStream(e.messageId)
        return
      }
      const now = Date.now()
      const s = get().streams[e.messageId]
      const next: StreamState = s
        ? { ...s, phase: e.phase, phaseAt: s.phase === e.phase ? s.phaseAt : now, text: s.text + (e.delta ?? '') }
        : { phase: e.phase, text: e.delta ?? '', startedAt: now, phaseAt: now, citations: null }
      if (e.message) {
        next.citations = e.message.citations
        if (!finals.has(e.messageId)) upsertMessage(e.message)
      }
      set({ streams: { ...get().streams, [e.messageId]: next } })
    },

    scheduleRefresh(ids = []) {
      for (const id of ids) refreshIds.add(id)
      if (refreshTimer !== undefined) return
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined
        const changed = refreshIds
        refreshIds = new Set()
        void get().loadSessions()
        const open = get().sessionId
        if (open && (changed.size === 0 || changed.has(open))) void loadDetail(open, true)
      }, REFRESH_DEBOUNCE_MS)
    }
  }
})

/** The answer in the open session that is still being produced, if any. */
export function streamingMessageId(s: Pick<ChatStore, 'detail' | 'streams'>): string | null {
  const msgs = s.detail?.messages ?? []
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i] as ChatMessage
    if (m.role === 'assistant' && (m.status === 'streaming' || s.streams[m.id])) return m.id
  }
  return null
}
