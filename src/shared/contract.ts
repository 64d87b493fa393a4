/**
 * The one IPC contract. Every call from the renderer (through the Electron preload or the
 * loopback browser bridge) names a channel here; main validates its payload with the
 * channel's zod schema before any handler runs, and answers with a `Result`.
 *
 * Channels are `feature:verb`. Data channels never take a profile id: main binds each
 * call to the active, unlocked profile. Schemas are `.strict()`, so a smuggled extra
 * field (such as a `profileId`) is a validation error, not silently ignored.
 */
import { z } from 'zod'
import type {
  AppInfo,
  CaptureResult,
  DocumentDetail,
  DocumentSummary,
  ImportResult,
  DoctorReport,
  EmbeddingStatusInfo,
  Memory,
  MemoryDetail,
  MemoryPage,
  ProfileSummary,
  ProfilesState,
  SearchResponse,
  Setting,
  SettingChange,
  SettingValue,
  TimelinePoint,
  WatchedFolder,
  WatchScanResult,
  ChatImportStarted
} from './types'
import type { ChatMessage, ChatSession, ChatTurn, ChatStreamEvent, ExtractionResult, LlmStatus, LlmTestResult, MemoryProposal, SessionDetail, TraceRow, UsagePoint } from './chat'
import type { ArchiveExportResult, ArchiveProgress, BackupStatus } from './types'
import type { WorkflowDuration, WorkflowEvent, WorkflowRun, WorkflowRunDetail, WorkflowRunPage, WorkflowSchedule, WorkflowUndoResult } from './workflows'

/** A phantom marker carrying a channel's output type; outputs are produced by our own code. */
export interface Out<T> {
  readonly __out?: T
}
const out = <T>(): Out<T> => ({})

const id = z.string().uuid()
const profileName = z
  .string()
  .trim()
  .min(1, 'A profile needs a name.')
  .max(64, 'Profile names are at most 64 characters.')
  .refine((s) => !/[\u0000-\u001f]/.test(s), 'Profile names cannot contain control characters.')
const passphrase = z.string().min(4, 'A passphrase needs at least 4 characters.').max(1024)

/** Electron accelerator syntax, at least one modifier (a global shortcut must not steal a bare key). */
export const ACCELERATOR_RE =
  /^(?:(?:CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)\+)+(?:[A-Z0-9]|F(?:[1-9]|1[0-9]|2[0-4])|Space|Tab|Enter|Return|Backspace|Delete|Insert|Home|End|PageUp|PageDown|Up|Down|Left|Right|Escape|Esc|Plus|[`~!@#$%^&*()\-=[\]\\;',./])$/
export const accelerator = z.string().regex(ACCELERATOR_RE, 'Use a shortcut such as CommandOrControl+Shift+Space.')

const settingKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'Setting keys look like "chat.model".')
  .max(128)
const settingValue: z.ZodType<SettingValue> = z.lazy(() =>
  z.union([z.string().max(100_000), z.number().finite(), z.boolean(), z.null(), z.array(settingValue).max(1000), z.record(z.string(), settingValue)])
)

const empty = z.object({}).strict()

const memoryContent = z
  .string()
  .trim()
  .min(1, 'A memory cannot be empty.')
  .max(20_000, 'A memory is at most 20,000 characters. Import longer text as a document.')
const topic = z.string().trim().toLowerCase().min(1).max(64)
const topics = z.array(topic).max(32, 'At most 32 topics.')
const memoryType = z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'Types are short words like "note" or "preference".')
const importance = z.number().min(0).max(1)
const isoDate = z.string().datetime({ offset: true })
export const SEARCH_SOURCES = ['memory', 'document', 'message'] as const
/** The largest file the browser harness may send as bytes (the bridge's frame limit is 64 MB). */
export const MAX_UPLOAD_BYTES = 40 * 1024 * 1024

// ---- Folder watching and chat-export import: input helpers ----
/** A full path: POSIX (/…), a Windows drive (C:\…) or a UNC share (\\server\…). */
const folderPath = z
  .string()
  .min(1, 'Choose a folder.')
  .max(4096, 'That path is too long.')
  .refine((p) => !p.includes('\u0000'), 'A path cannot contain a NUL character.')
  .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), 'Give the folder as a full path (for example /home/me/Notes).')

/** True when base64 data decodes to something that starts like JSON (after a BOM and whitespace). */
function startsLikeJson(b64: string): boolean {
  const head = b64.slice(0, 4096)
  let text: string
  try {
    text = atob(head.slice(0, head.length - (head.length % 4)))
  } catch {
    return false
  }
  const rest = text.replace(/^(\xef\xbb\xbf)?\s*/, '')
  if (rest === '') return b64.length > head.length
  return rest.startsWith('[') || rest.startsWith('{')
}
// ---- Chat: input helpers ----
const sessionTitle = z.string().trim().min(1, 'A chat needs a title.').max(200, 'Titles are at most 200 characters.')
const chatContent = z.string().trim().min(1, 'Type a message first.').max(32_000, 'A message is at most 32,000 characters. Import longer text as a document.')
const sessionSettings = z
  .object({
    model: z.string().trim().min(1).max(200).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    documents: z
      .object({ mode: z.enum(['all', 'only', 'exclude']), documentIds: z.array(id).max(1000) })
      .strict()
      .nullable()
      .optional()
  })
  .strict()
/** An OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama) or https://api.openai.com/v1. */
const llmBaseUrl = z
  .string()
  .trim()
  .max(500)
  .url('Give the endpoint as a URL, for example http://localhost:11434/v1.')
  .refine((u) => /^https?:\/\//i.test(u), 'The endpoint must start with http:// or https://.')
// ---- end of input helpers ----

// ---- Profile archives: input helpers ----
const fullPath = (what: string, example: string) =>
  z
    .string()
    .trim()
    .min(1, `Give the ${what}.`)
    .max(4096, 'That path is too long.')
    .refine((p) => !p.includes('\u0000'), 'A path cannot contain a NUL character.')
    .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), `Give the ${what} as a full path (for example ${example}).`)
const archivePassphrase = z.string().min(1, 'Enter the passphrase.').max(1024)
// ---- end of profile archives: input helpers ----

export const contract = {
  'app:info': { input: empty, output: out<AppInfo>() },
  'app:setCaptureShortcut': {
    input: z.object({ accelerator: accelerator.nullable() }).strict(),
    output: out<AppInfo>()
  },

  'profiles:list': { input: empty, output: out<ProfilesState>() },
  'profiles:create': {
    input: z.object({ name: profileName, passphrase: passphrase.optional() }).strict(),
    output: out<ProfileSummary>()
  },
  'profiles:rename': { input: z.object({ id, name: profileName }).strict(), output: out<ProfileSummary>() },
  'profiles:delete': {
    /** The user types the profile's name to confirm: deleting removes all of its data. */
    input: z.object({ id, confirmName: z.string() }).strict(),
    output: out<ProfilesState>()
  },
  'profiles:switch': {
    input: z.object({ id, passphrase: z.string().max(1024).optional() }).strict(),
    output: out<ProfilesState>()
  },
  'profiles:lock': { input: empty, output: out<ProfilesState>() },
  'profiles:setPassphrase': {
    input: z.object({ id, current: z.string().max(1024).optional(), next: passphrase.nullable() }).strict(),
    output: out<ProfileSummary>()
  },

  'settings:list': { input: empty, output: out<Setting[]>() },
  'settings:get': { input: z.object({ key: settingKey }).strict(), output: out<Setting | null>() },
  'settings:set': { input: z.object({ key: settingKey, value: settingValue }).strict(), output: out<Setting>() },
  'settings:history': {
    input: z.object({ key: settingKey.optional(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    output: out<SettingChange[]>()
  },

  'system:doctor': { input: empty, output: out<DoctorReport>() },

  'memories:capture': {
    input: z
      .object({
        content: memoryContent,
        type: memoryType.optional(),
        topics: topics.optional(),
        importance: importance.optional(),
        source: z.enum(['app', 'tray', 'chat']).default('app'),
        /** Makes a double submit harmless: the same key never makes two memories. */
        idempotencyKey: z.string().min(8).max(128).optional()
      })
      .strict(),
    output: out<CaptureResult>()
  },
  'memories:list': {
    input: z
      .object({
        status: z.enum(['active', 'archived']).default('active'),
        type: memoryType.optional(),
        topic: topic.optional(),
        tier: z.enum(['hot', 'warm', 'cold']).optional(),
        from: isoDate.optional(),
        to: isoDate.optional(),
        sort: z.enum(['recent', 'importance', 'accessed']).default('recent'),
        cursor: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(500).default(100)
      })
      .strict(),
    output: out<MemoryPage>()
  },
  /** Opening a memory counts as a use of it; a background refresh passes recordAccess: false. */
  'memories:get': { input: z.object({ id, recordAccess: z.boolean().default(true) }).strict(), output: out<MemoryDetail>() },
  'memories:update': {
    input: z
      .object({ id, content: memoryContent.optional(), type: memoryType.optional(), topics: topics.optional(), importance: importance.optional(), pinned: z.boolean().optional() })
      .strict(),
    output: out<Memory>()
  },
  'memories:archive': { input: z.object({ id }).strict(), output: out<Memory>() },
  'memories:restore': { input: z.object({ id }).strict(), output: out<Memory>() },
  'memories:delete': { input: z.object({ id }).strict(), output: out<{ undoToken: string }>() },
  'memories:undoDelete': { input: z.object({ undoToken: z.string().min(1).max(100) }).strict(), output: out<Memory>() },
  'memories:merge': {
    input: z.object({ ids: z.array(id).min(2).max(50), content: memoryContent.optional() }).strict(),
    output: out<Memory>()
  },
  'memories:dismissDuplicate': { input: z.object({ id, candidateId: id }).strict(), output: out<{ dismissed: boolean }>() },
  'memories:timeline': { input: z.object({ days: z.number().int().min(1).max(3660).default(365) }).strict(), output: out<TimelinePoint[]>() },

  'search:query': {
    input: z
      .object({
        query: z.string().trim().min(1, 'Type something to search for.').max(1000),
        k: z.number().int().min(1).max(100).default(10),
        sources: z.array(z.enum(SEARCH_SOURCES)).min(1).default(['memory', 'document', 'message']),
        types: z.array(memoryType).max(20).optional(),
        topics: z.array(topic).max(20).optional(),
        from: isoDate.optional(),
        to: isoDate.optional(),
        includeArchived: z.boolean().default(false),
        /** Record access on the memories returned (the Memories screen and chat do; previews don't). */
        recordAccess: z.boolean().default(true)
      })
      .strict(),
    output: out<SearchResponse>()
  },

  'embeddings:status': { input: empty, output: out<EmbeddingStatusInfo>() },
  /** First-run download of the embedding model from the hub into the user's model cache; progress arrives as `embeddings:download` events. */
  'embeddings:download': { input: empty, output: out<EmbeddingStatusInfo>() },

  /**
   * Import files sent as bytes (the browser harness, and the file picker there). In
   * Electron, dropped files travel as paths resolved by the preload, never as paths the
   * page makes up (see src/preload).
   */
  'documents:importBytes': {
    input: z
      .object({
        files: z
          .array(
            z
              .object({
                name: z.string().trim().min(1).max(255).refine((n) => !/[\\/\u0000]/.test(n), 'A file name cannot contain slashes.'),
                /** Base64 of the file's bytes. */
                data: z.string().max(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 4, `Files sent from the browser are at most ${MAX_UPLOAD_BYTES / 2 ** 20} MB.`)
              })
              .strict()
          )
          .min(1)
          .max(1000),
        password: z.string().max(1024).optional()
      })
      .strict(),
    output: out<ImportResult>()
  },
  'documents:list': {
    input: z.object({ archived: z.boolean().default(false), limit: z.number().int().min(1).max(500).default(200), cursor: z.string().max(20).optional() }).strict(),
    output: out<{ items: DocumentSummary[]; total: number; nextCursor: string | null }>()
  },
  'documents:get': { input: z.object({ id }).strict(), output: out<DocumentDetail>() },
  'documents:cancel': { input: z.object({ id }).strict(), output: out<DocumentSummary>() },
  'documents:retry': { input: z.object({ id, password: z.string().max(1024).optional() }).strict(), output: out<DocumentSummary>() },
  'documents:archive': { input: z.object({ id }).strict(), output: out<DocumentSummary>() },
  'documents:restore': { input: z.object({ id }).strict(), output: out<DocumentSummary>() },
  'documents:delete': { input: z.object({ id }).strict(), output: out<{ deleted: true }>() },

  'workflows:list': {
    input: z
      .object({
        name: z.string().max(64).optional(),
        status: z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
        cursor: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(500).default(50)
      })
      .strict(),
    output: out<WorkflowRunPage>()
  },
  'workflows:get': { input: z.object({ id }).strict(), output: out<WorkflowRunDetail>() },
  'workflows:cancel': { input: z.object({ id }).strict(), output: out<WorkflowRun>() },
  'workflows:retry': { input: z.object({ id }).strict(), output: out<WorkflowRun>() },
  'workflows:durations': {
    input: z.object({ name: z.string().max(64).optional(), since: isoDate.optional(), limit: z.number().int().min(1).max(5000).default(500) }).strict(),
    output: out<WorkflowDuration[]>()
  },
  'workflows:schedules': { input: empty, output: out<WorkflowSchedule[]>() },

  // ---- Folder watching and chat-export import (src/main/features/documents/watch, src/main/features/chat-import) ----
  'watch:list': { input: empty, output: out<WatchedFolder[]>() },
  /**
   * Keep a folder in sync. The CLI and the browser harness give its path; in Electron the
   * path must come from a folder dialog shown by main, never from the page.
   */
  'watch:add': { input: z.object({ path: folderPath }).strict(), output: out<WatchedFolder>() },
  /** Stop watching; the documents already imported stay. */
  'watch:remove': { input: z.object({ id }).strict(), output: out<{ removed: true }>() },
  /** Compare a folder (or every folder) with its documents now. */
  'watch:rescan': { input: z.object({ id: id.optional() }).strict(), output: out<WatchScanResult[]>() },
  /** Import a ChatGPT or Claude `conversations.json` (sent as bytes) as sessions; a `chat.import` run does the work. */
  'chats:importExport': {
    input: z
      .object({
        name: z.string().trim().min(1).max(255).refine((n) => !/[\\/\u0000]/.test(n), 'A file name cannot contain slashes.'),
        /** Base64 of the file's bytes. */
        data: z
          .string()
          .max(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 4, `Files sent from the browser are at most ${MAX_UPLOAD_BYTES / 2 ** 20} MB.`)
          .refine(startsLikeJson, 'A chat export is the conversations.json file inside the export (unzip the export first).')
      })
      .strict(),
    output: out<ChatImportStarted>()
  },
  // ---- end of folder watching and chat-export import ----

  // ---- Chat: sessions, answers, feedback, providers, traces, memory proposals (src/main/features/chat, src/main/features/llm) ----
  'sessions:list': {
    input: z
      .object({
        query: z.string().trim().max(200).optional(),
        archived: z.boolean().default(false),
        limit: z.number().int().min(1).max(500).default(100),
        cursor: z.string().max(40).optional()
      })
      .strict(),
    output: out<{ items: ChatSession[]; total: number; nextCursor: string | null }>()
  },
  'sessions:create': { input: z.object({ title: sessionTitle.optional() }).strict(), output: out<ChatSession>() },
  'sessions:get': { input: z.object({ id, includeSuperseded: z.boolean().default(false) }).strict(), output: out<SessionDetail>() },
  'sessions:rename': { input: z.object({ id, title: sessionTitle }).strict(), output: out<ChatSession>() },
  /** Session overrides: model, temperature, which documents it draws from. `null` clears one. */
  'sessions:configure': { input: z.object({ id, settings: sessionSettings }).strict(), output: out<ChatSession>() },
  'sessions:archive': { input: z.object({ id }).strict(), output: out<ChatSession>() },
  'sessions:restore': { input: z.object({ id }).strict(), output: out<ChatSession>() },
  /** Deletes a session and its messages for good (the UI confirms first). */
  'sessions:delete': { input: z.object({ id }).strict(), output: out<{ deleted: true }>() },

  /**
   * Ask in a session (a new one when `sessionId` is absent). Returns at once with the
   * answer in status 'streaming'; it arrives as `chat:stream` events. `clientId` makes a
   * double submit one message. "remember that …" captures a memory instead of asking.
   */
  'chat:send': {
    input: z.object({ sessionId: id.optional(), content: chatContent, clientId: z.string().min(8).max(100) }).strict(),
    output: out<ChatTurn>()
  },
  /** Stop an answer that is streaming: what arrived so far is kept, marked incomplete. */
  'chat:stop': { input: z.object({ messageId: id }).strict(), output: out<ChatMessage>() },
  /** A new answer to the same question (the old one is kept, superseded). Also the retry of an incomplete answer. */
  'chat:regenerate': { input: z.object({ messageId: id }).strict(), output: out<ChatTurn>() },
  /** Edit a user message and resend: it and what followed are superseded (kept), the edit is answered anew. */
  'chat:edit': { input: z.object({ messageId: id, content: chatContent }).strict(), output: out<ChatTurn>() },
  'chat:feedback': {
    input: z
      .object({ messageId: id, value: z.union([z.literal(1), z.literal(-1), z.null()]), comment: z.string().trim().max(2000).optional() })
      .strict(),
    output: out<ChatMessage>()
  },
  /** Ask the LLM for memories worth keeping from a session (also runs by itself once a session goes quiet). */
  'chat:extract': { input: z.object({ sessionId: id }).strict(), output: out<ExtractionResult>() },

  'proposals:list': {
    input: z.object({ status: z.enum(['pending', 'confirmed', 'rejected']).default('pending'), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: out<MemoryProposal[]>()
  },
  /** Accept a proposal (optionally with edited text): adds a memory, or supersedes the target memory. */
  'proposals:confirm': { input: z.object({ id, content: memoryContent.optional() }).strict(), output: out<MemoryProposal>() },
  'proposals:reject': { input: z.object({ id }).strict(), output: out<MemoryProposal>() },

  'llm:status': { input: empty, output: out<LlmStatus>() },
  /** Set the profile's provider. `apiKey`: a string sets it, null removes it, absent keeps it. The key goes only to the server (origin) it was saved for. */
  'llm:configure': {
    input: z
      .object({
        baseUrl: llmBaseUrl.nullable(),
        model: z.string().trim().min(1).max(200).nullable(),
        apiKey: z.string().trim().min(1).max(500).nullable().optional()
      })
      .strict(),
    output: out<LlmStatus>()
  },
  /** The endpoint's models, for the model picker (the configured endpoint unless one is given). */
  'llm:models': { input: z.object({ baseUrl: llmBaseUrl.optional(), apiKey: z.string().trim().min(1).max(500).optional() }).strict(), output: out<string[]>() },
  /** Try the configured endpoint: lists models and sends a one-token request. */
  'llm:test': { input: empty, output: out<LlmTestResult>() },

  'traces:list': {
    input: z.object({ limit: z.number().int().min(1).max(500).default(100), sessionId: id.optional() }).strict(),
    output: out<TraceRow[]>()
  },
  /** Tokens per day per model, for the usage chart. */
  'traces:usage': { input: z.object({ days: z.number().int().min(1).max(366).default(30) }).strict(), output: out<UsagePoint[]>() },
  // ---- end of chat ----

  // ---- Workflows: start, undo ----
  /** Start a background workflow by hand (the Workflows screen's Start menu); answers the new run. */
  'workflows:start': {
    input: z.discriminatedUnion('name', [
      z
        .object({
          name: z.literal('memories.consolidate'),
          input: z.object({ threshold: z.number().min(0.5, 'A merge threshold below 0.5 would merge unrelated memories.').max(1).optional() }).strict().optional()
        })
        .strict(),
      z
        .object({
          name: z.literal('digest.daily'),
          input: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Give the day as YYYY-MM-DD.').optional() }).strict().optional()
        })
        .strict(),
      z.object({ name: z.literal('memories.tiering'), input: empty.optional() }).strict(),
      z.object({ name: z.literal('maintenance'), input: empty.optional() }).strict(),
      z.object({ name: z.literal('sessions.auto_archive'), input: empty.optional() }).strict(),
      z
        .object({
          name: z.literal('embeddings.reembed'),
          /** Re-embed every vector at this dimension (and model: only the loaded one). The UI confirms first. */
          input: z
            .object({
              dim: z.number().int('Dimensions are a whole number.').min(32, 'Use at least 32 dimensions.').max(4096),
              model: z.string().trim().min(1).max(200).optional()
            })
            .strict()
        })
        .strict()
    ]),
    output: out<WorkflowRun>()
  },
  /** Take back what a consolidation run did: its merged memories go, the originals come back exactly as they were. */
  'workflows:undo': { input: z.object({ id }).strict(), output: out<WorkflowUndoResult>() },
  // ---- end of workflows: start, undo ----

  // ---- Profile archives (src/main/features/profile-archive) ----
  /**
   * Write the open profile to one `.engram` archive (tables, documents, manifest with
   * checksums), encrypted when a passphrase is given. In the browser harness the path is
   * typed by the user; the Electron build asks main for a save dialog instead.
   */
  'profiles:export': {
    input: z
      .object({ path: fullPath('file to write', '/home/me/engram.engram'), passphrase: passphrase.optional(), overwrite: z.boolean().default(false) })
      .strict(),
    output: out<ArchiveExportResult>()
  },
  /** Make a new profile from an archive; works with no profile open and leaves the open one alone. */
  'profiles:importArchive': {
    input: z.object({ path: fullPath('archive', '/home/me/engram.engram'), passphrase: archivePassphrase.optional(), name: profileName.optional() }).strict(),
    output: out<ProfileSummary>()
  },
  /** Scheduled backup of the open profile: a folder (null turns it off), a time of day, how many to keep. */
  'backup:configure': {
    input: z
      .object({
        folder: fullPath('backup folder', '/home/me/Backups').nullable(),
        dailyAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Give the time as 24-hour HH:MM, like 03:00.'),
        keep: z.number().int('Keep a whole number of backups.').min(1, 'Keep at least 1 backup.').max(365, 'Keep at most 365 backups.')
      })
      .strict(),
    output: out<BackupStatus>()
  },
  'backup:status': { input: empty, output: out<BackupStatus>() },
  /** Back up now to the configured folder; answers the workflow run. */
  'backup:run': { input: empty, output: out<{ runId: string }>() }
  // ---- end of profile archives ----
} as const

export type Contract = typeof contract
export type Channel = keyof Contract
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>
export type ChannelParsed<C extends Channel> = z.output<Contract[C]['input']>
export type ChannelOutput<C extends Channel> = Contract[C]['output'] extends Out<infer T> ? T : never

export const CHANNELS = Object.keys(contract) as Channel[]
export const isChannel = (name: unknown): name is Channel => typeof name === 'string' && Object.hasOwn(contract, name)

/** Events pushed from main to the renderer. */
export interface EventMap {
  'profiles:changed': ProfilesState
  'app:changed': AppInfo
  'capture:open': Record<string, never>
  /** Memories were added, changed or embedded: lists refresh. */
  'memories:changed': { ids: string[]; reason: 'captured' | 'updated' | 'embedded' | 'archived' | 'deleted' | 'merged' | 'tiered' }
  'embeddings:status': EmbeddingStatusInfo
  'embeddings:download': { status: string; file: string | null; loaded: number | null; total: number | null; progress: number | null }
  /** Documents were added, progressed, finished or removed. */
  'documents:changed': { ids: string[] }
  /** A workflow run started, progressed, or ended. */
  'workflows:run': WorkflowEvent
  /** An answer is being produced: phases, streamed text, the final message. */
  'chat:stream': ChatStreamEvent
  /** Sessions were created, renamed, archived, restored, deleted or got messages. */
  'sessions:changed': { ids: string[] }
  /** Memory proposals arrived or were decided. */
  'proposals:changed': { ids: string[] }
  /** An export, import or backup is progressing. */
  'archives:progress': ArchiveProgress
}
export type EventName = keyof EventMap
export const EVENT_NAMES: EventName[] = ['profiles:changed', 'app:changed', 'capture:open', 'memories:changed', 'embeddings:status', 'embeddings:download', 'documents:changed', 'workflows:run', 'chat:stream', 'sessions:changed', 'proposals:changed', 'archives:progress']
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && (EVENT_NAMES as string[]).includes(name)

/** The API the preload exposes on `window.engram`, and the browser bridge imitates. */
export interface EngramBridge {
  invoke(channel: string, input: unknown): Promise<unknown>
  on(event: string, listener: (payload: unknown) => void): () => void
}
