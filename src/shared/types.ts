/** Domain types shared by main, the CLI, the bridge and the renderer. */

export interface ProfileSummary {
  id: string
  name: string
  createdAt: string
  /** True when the profile has a passphrase. */
  hasPassphrase: boolean
  /** True when the profile is not open in this process (a passphrase is needed to open it). */
  locked: boolean
  active: boolean
}

export interface ProfilesState {
  profiles: ProfileSummary[]
  activeId: string | null
}

export type SettingValue = string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue }

export interface Setting {
  key: string
  value: SettingValue
  updatedAt: string
}

export interface SettingChange {
  id: number
  key: string
  oldValue: SettingValue | null
  newValue: SettingValue | null
  source: string
  changedAt: string
}

export interface MigrationStatus {
  name: string
  applied: boolean
}

export interface DoctorReport {
  app: { name: string; version: string; node: string; platform: string; mode: 'electron' | 'browser' | 'cli' }
  dataDir: string
  profile: { id: string; name: string; dataDir: string } | null
  engine: { kind: 'pglite' | 'postgres'; location: string } | null
  postgres: { version: string } | null
  pgvector: { version: string } | null
  pgTrgm: { version: string } | null
  migrations: { applied: number; total: number; pending: string[]; list: MigrationStatus[] } | null
  embedding: { status: 'ready' | 'missing' | 'not_loaded'; model: string | null; dim: number | null; dir: string | null; note: string }
}

export interface AppInfo {
  name: string
  version: string
  mode: 'electron' | 'browser'
  captureShortcut: string | null
}

export type MemoryTier = 'hot' | 'warm' | 'cold'
export type MemoryStatus = 'active' | 'superseded' | 'archived'
export type CaptureSource = 'app' | 'tray' | 'chat' | 'cli' | 'import'

export interface Memory {
  id: string
  content: string
  type: string
  topics: string[]
  importance: number
  pinned: boolean
  tier: MemoryTier
  status: MemoryStatus
  accessCount: number
  lastAccessedAt: string | null
  supersededBy: string | null
  source: string
  embeddingStatus: 'pending' | 'ready' | 'failed'
  embeddingModel: string | null
  createdAt: string
  updatedAt: string
  archivedAt: string | null
}

export interface Provenance {
  kind: 'event' | 'message' | 'document_chunk' | 'none'
  source: string
  eventId: number | null
  eventType: string | null
  messageId: string | null
  sessionId: string | null
  sessionTitle: string | null
  chunkId: string | null
  documentId: string | null
  documentName: string | null
  capturedAt: string
}

export interface DuplicateCandidate {
  memory: Memory
  similarity: number
}

export interface MemoryDetail {
  memory: Memory
  provenance: Provenance
  /** Earlier versions, newest first (each superseded by the next). */
  history: Memory[]
  duplicates: DuplicateCandidate[]
}

export interface CaptureResult {
  memory: Memory
  /** 'created': a new memory; 'duplicate': the same content existed, its access was refreshed. */
  outcome: 'created' | 'duplicate'
}

export interface MemoryPage {
  items: Memory[]
  total: number
  nextCursor: string | null
}

export type SearchSource = 'memory' | 'document' | 'message'

export interface SearchHit {
  source: SearchSource
  id: string
  /** The text that matched (a memory, a chunk, a message). */
  text: string
  /** Highlighted fragment: matched words wrapped in «…». */
  snippet: string
  score: number
  /** Which rankers found it: vector, keyword, typo. */
  matchedBy: Array<'vector' | 'keyword' | 'typo'>
  createdAt: string
  /** memory: type/topics/importance; document: name/page/span; message: session/role. */
  meta: Record<string, string | number | boolean | string[] | null>
}

export interface SearchResponse {
  hits: SearchHit[]
  /** 'hybrid' when vectors took part, 'keyword' when no embeddings or model were available. */
  mode: 'hybrid' | 'keyword'
  /** Who picked the candidates: the in-process index, or the all-SQL path (index building or unavailable, phrase or exclusion syntax). */
  engine: 'index' | 'sql'
  tookMs: number
}

export interface TimelinePoint {
  day: string
  count: number
}

export interface EmbeddingStatusInfo {
  state: 'missing' | 'idle' | 'loading' | 'ready' | 'failed'
  model: string
  dim: number | null
  dir: string | null
  message: string
  pending: number
  /** True for the random-weights test fixture: fine for plumbing, useless for meaning. */
  randomWeights: boolean
}

export type DocumentStatus = 'pending' | 'processing' | 'ready' | 'failed' | 'cancelled'

export interface DocumentSummary {
  id: string
  name: string
  format: string | null
  mimeType: string | null
  sizeBytes: number
  status: DocumentStatus
  /** Machine code of a failure: encrypted, no_text_layer, corrupt, too_large, unsupported, … */
  errorCode: string | null
  /** What went wrong, in words a person understands. */
  error: string | null
  pages: number | null
  chunkCount: number
  source: string
  originalPath: string | null
  warnings: string[]
  /** The import run, for live progress. */
  runId: string | null
  createdAt: string
  importedAt: string | null
  archivedAt: string | null
}

export interface DocumentChunkInfo {
  id: string
  index: number
  charStart: number
  charEnd: number
  page: number | null
}

export interface DocumentDetail {
  document: DocumentSummary
  /** The full extracted text ('' until parsed). */
  text: string
  chunks: DocumentChunkInfo[]
}

export interface ImportResult {
  /** One entry per file given, in order. */
  files: Array<{ name: string; documentId: string | null; runId: string | null; error: string | null }>
  batchId: string
}

// ---- Folder watching and chat-export import (src/main/features/documents/watch, src/main/features/chat-import) ----

/** A folder kept in sync: its files are imported, re-imported when changed, archived when gone. */
export interface WatchedFolder {
  id: string
  /** The folder's real path. */
  path: string
  addedAt: string
  /** When a reconciliation scan last compared the folder with its documents. */
  lastScanAt: string | null
  enabled: boolean
  /** False while the folder cannot be found (an unplugged drive): nothing under it is archived meanwhile. */
  present: boolean
  /** Documents imported from under this folder and not archived. */
  documents: number
}

/** What one reconciliation scan of a watched folder did. */
export interface WatchScanResult {
  folderId: string
  path: string
  /** New files sent to import. */
  imported: number
  /** Changed files sent to import again (the new version replaces the old one). */
  reimported: number
  /** Documents whose file is gone: archived, never deleted. */
  archived: number
  /** Archived-because-gone documents whose file came back unchanged. */
  restored: number
  unchanged: number
  /** The import runs started, to follow their progress. */
  runIds: string[]
  /** The folder itself was missing: nothing was imported or archived. */
  missing: boolean
}

export type ChatExportFormat = 'chatgpt' | 'claude'

/** A chat export accepted for import; the `chat.import` run does the work. */
export interface ChatImportStarted {
  runId: string
  format: ChatExportFormat
  /** Conversations found in the export (before skipping ones already imported). */
  conversations: number
}

/** The output of a finished `chat.import` run. */
export interface ChatImportSummary {
  format: ChatExportFormat
  conversations: number
  /** New sessions made. */
  imported: number
  /** Conversations already imported before (or with no messages to keep). */
  skipped: number
  messages: number
  /** Messages stored with a vector (0 when no embedding model was available). */
  embedded: number
}

// ---- Profile archives (src/main/features/profile-archive) ----
/** Progress of an export, import or backup, pushed as `archives:progress`. */
export interface ArchiveProgress {
  operation: 'export' | 'import' | 'backup'
  phase: 'reading' | 'tables' | 'files' | 'checking' | 'loading' | 'finishing'
  /** Rows or bytes done in this phase, out of `total`. */
  done: number
  total: number
  detail: string
}

export interface ArchiveExportResult {
  path: string
  bytes: number
  tookMs: number
}

export interface BackupFile {
  name: string
  path: string
  bytes: number
  modifiedAt: string
}

export interface BackupStatus {
  /** Null when scheduled backup is off. */
  folder: string | null
  /** 24-hour HH:MM, local time. */
  dailyAt: string
  /** How many backups of this profile are kept in the folder. */
  keep: number
  /** The last backup run, if any. */
  lastRun: { id: string; status: string; at: string; path: string | null; bytes: number | null; error: string | null } | null
  /** This profile's backups in the folder, newest first. */
  backups: BackupFile[]
}
