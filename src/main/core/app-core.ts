/**
 * The composition root of Engram's core, free of Electron. The Electron main process,
 * the `engram` CLI, the loopback browser bridge and the tests all build one of these and
 * talk to it through the same router and the same services.
 */
import { mkdirSync } from 'node:fs'
import type { AppInfo } from '../../shared/types'
import { AppError } from '../../shared/errors'
import { createBus, type Bus } from './bus'
import type { PathGrants } from './path-grants'
import { appVersion } from './paths'
import { createRouter, consoleLogger, type Handlers, type Logger, type Router } from '../ipc/router'
import { createProfileRegistry, type ProfileRegistry } from '../features/profiles/profiles.registry'
import { createProfilesService, type ProfileContext, type ProfilesService } from '../features/profiles/profiles.service'
import { profilesHandlers } from '../features/profiles/profiles.ipc'
import { createSettingsService, type SettingsService } from '../features/settings/settings.service'
import { settingsHandlers } from '../features/settings/settings.ipc'
import { doctorReport } from '../features/system/system.service'
import { createEmbedder, type Embedder } from '../features/embeddings/embedder'
import { createEmbeddingQueue, type EmbeddingQueue } from '../features/embeddings/embedding.queue'
import { createMemoriesService, type MemoriesService } from '../features/memories/memories.service'
import { memoriesHandlers } from '../features/memories/memories.ipc'
import { createSearchService, type SearchService } from '../features/search/search.service'
import { createCandidateIndex, type CandidateIndex } from '../features/search/candidate-index'
import { createAccessRecorder } from '../features/memories/access.recorder'
import { join } from 'node:path'
import { createWorkflowRunner, type WorkflowRunner } from '../features/workflows/runner'
import { importWorkflow } from '../features/documents/import.workflow'
import { createDocumentsService, type DocumentsService } from '../features/documents/documents.service'
import { documentsHandlers } from '../features/documents/documents.ipc'
import { workflowsHandlers } from '../features/workflows/workflows.ipc'
import { MAINTENANCE_WORKFLOW as MAINTENANCE_WORKFLOW_NAME, TIERING_WORKFLOW as TIERING_WORKFLOW_NAME, maintenanceWorkflow, tieringWorkflow } from '../features/maintenance/maintenance.workflows'
import type { EmbeddingStatusInfo } from '../../shared/types'
// Folder watching and chat-export import.
import { createFolderWatcher, type FolderWatcher } from '../features/documents/watch/watch.service'
import { watchHandlers } from '../features/documents/watch/watch.ipc'
import { chatImportWorkflow } from '../features/chat-import/chat-import.workflow'
import { createChatImportService, type ChatImportService } from '../features/chat-import/chat-import.service'
import { chatImportHandlers } from '../features/chat-import/chat-import.ipc'
// Profile archives: export, import, scheduled backup.
import { backupWorkflow } from '../features/profile-archive/backup.workflow'
import { createProfileArchiveService } from '../features/profile-archive/profile-archive.service'
import { profileArchiveHandlers } from '../features/profile-archive/profile-archive.ipc'
// Consolidation with undo, daily digest, re-embed, sessions auto-archive.
import { consolidationWorkflow, createConsolidationService, type ConsolidationService } from '../features/consolidation/consolidation.workflow'
import { DIGEST_WORKFLOW, digestWorkflow } from '../features/digest/digest.workflow'
import { reembedWorkflow } from '../features/reembed/reembed.workflow'
import { readActiveEmbedding } from '../features/reembed/active'
import { SESSIONS_ARCHIVE_WORKFLOW, sessionsPolicyWorkflow } from '../features/sessions-policy/sessions-policy.workflow'
// Chat sessions and grounded answers.
import { createChatService, type ChatService } from '../features/chat/chat.service'
import { chatHandlers } from '../features/chat/chat.ipc'
// LLM provider, traces, secrets.
import { createLlmService } from '../features/llm/llm.service'
import type { LlmService } from '../features/llm/llm.types'
import { llmHandlers } from '../features/llm/llm.ipc'
import { createSecretsStore, localKeyBox, type SecretBox } from '../features/llm/secrets'
// Memory extraction from chats, the proposals inbox.
import { createExtractionService, type ExtractionService } from '../features/extraction/extraction.service'
import { extractionHandlers } from '../features/extraction/extraction.ipc'

/** Near-duplicate threshold (cosine) when the profile has not set `memories.duplicate_threshold`. */
export const DEFAULT_DUPLICATE_THRESHOLD = 0.92
const TIER_INTERVAL_MINUTES = 6 * 60

/** The services of one open profile. They are built when it opens and dropped when it closes. */
export interface ProfileServices {
  ctx: ProfileContext
  settings: SettingsService
  memories: MemoriesService
  search: SearchService
  /** The in-process search candidate index (undefined for one-shot CLI commands). */
  searchIndex: CandidateIndex | undefined
  embeddingQueue: EmbeddingQueue
  workflows: WorkflowRunner
  documents: DocumentsService
  /** Watched folders kept in sync (watching itself runs in the app and bridge only). */
  watcher: FolderWatcher
  /** ChatGPT / Claude export import. */
  chats: ChatImportService
  /** Undo of consolidation runs. */
  consolidation: ConsolidationService
  /** The chat model (OpenAI-compatible endpoint); every call writes a trace. */
  llm: LlmService
  /** Memories proposed from chats (review inbox); `scheduleQuiet` runs it once a session goes quiet. */
  extraction: ExtractionService
  /** Chat sessions and grounded answers (recall mode with no model). */
  chat: ChatService
  close(): Promise<void>
}

export interface AppCoreOptions {
  dataDir: string
  databaseUrl?: string | undefined
  /** Connection pool size for an external server (ENGRAM_DATABASE_POOL_MAX). */
  databasePoolMax?: number | undefined
  /** Named in "profile in use" errors. */
  role: 'app' | 'cli' | 'bridge' | 'test' | 'bench'
  mode: 'electron' | 'browser' | 'cli'
  logger?: Logger
  /** Electron registers the global shortcut; returns false when another app holds it. */
  registerShortcut?: (accelerator: string | null) => boolean
  /** Electron: the paths chosen in main's dialogs; path-taking channels then accept only those. */
  pathGrants?: PathGrants
  /** A configured embedding model directory (CLI --model-dir); ENGRAM_MODEL_DIR is read too. */
  modelDir?: string | null | undefined
  /** Pass an embedder to share one (tests); otherwise one is made on first use. */
  embedder?: Embedder
  /**
   * How secrets (the chat model's API key) are encrypted: Electron passes safeStorage
   * (a function, asked at each use, because it is ready only after the app is). Without
   * one, or when it gives null: AES-256-GCM with a key file in the data directory.
   */
  secrets?: SecretBox | (() => SecretBox | null) | undefined
  /** LLM tuning: tests shorten retry waits and point Ollama detection at a loopback server (null: no detection). */
  llm?: { ollamaUrl?: string | null; retryBaseMs?: number; maxRetries?: number; maxRetryWaitMs?: number; timeoutMs?: number } | undefined
}

export interface AppCore {
  readonly dataDir: string
  readonly router: Router
  readonly bus: Bus
  readonly registry: ProfileRegistry
  readonly profiles: ProfilesService<ProfileServices>
  readonly embedder: Embedder
  /** The services of the active profile, opening it if it needs no passphrase. */
  services(): Promise<ProfileServices>
  info(): AppInfo
  close(): Promise<void>
}

export function createAppCore(opts: AppCoreOptions): AppCore {
  const logger = opts.logger ?? consoleLogger
  mkdirSync(opts.dataDir, { recursive: true })
  const bus = createBus()
  const registry = createProfileRegistry(opts.dataDir)

  const localBox = localKeyBox(opts.dataDir)
  const secretBox = (): SecretBox => (typeof opts.secrets === 'function' ? opts.secrets() : opts.secrets) ?? localBox

  const embedder = opts.embedder ?? createEmbedder({ modelDir: opts.modelDir ?? null })
  const ownsEmbedder = !opts.embedder
  let current: ProfileServices | null = null

  const embeddingStatus = async (): Promise<EmbeddingStatusInfo> => {
    const s = embedder.status()
    return {
      state: s.state,
      model: s.model,
      dim: s.dim,
      dir: s.dir,
      message: s.message,
      pending: current ? await current.embeddingQueue.pending().catch(() => 0) : 0,
      randomWeights: /random-weights/.test(s.dir ?? '')
    }
  }
  embedder.onStatus(() => {
    void embeddingStatus().then((info) => bus.emit('embeddings:status', info))
    if (embedder.status().state === 'ready') current?.embeddingQueue.kick()
  })

  const profiles = createProfilesService<ProfileServices>({
    registry,
    engine: { databaseUrl: opts.databaseUrl, poolMax: opts.databasePoolMax },
    role: opts.role,
    createServices: (ctx) => {
      const settings = createSettingsService({ db: ctx.db })
      const embeddingQueue = createEmbeddingQueue({
        db: ctx.db,
        embedder,
        logger,
        duplicateThreshold: async () => {
          const v = (await settings.get('memories.duplicate_threshold'))?.value
          return typeof v === 'number' ? v : DEFAULT_DUPLICATE_THRESHOLD
        },
        onEmbedded: (ids) => bus.emit('memories:changed', { ids, reason: 'embedded' })
      })
      // The in-process candidate index, built in the background; a one-shot CLI command
      // would only pay for building it, so it searches all in SQL.
      const searchIndex = opts.role === 'cli' || process.env['ENGRAM_SEARCH_INDEX'] === 'off' ? undefined : createCandidateIndex({ db: ctx.db, logger, vectors: embedder })
      const access = createAccessRecorder(ctx.db, { onWritten: (ids, counts, at) => searchIndex?.access(ids, counts, at) })
      const memories = createMemoriesService({
        db: ctx.db,
        access,
        events: {
          changed: (ids, reason) => bus.emit('memories:changed', { ids, reason }),
          enqueued: () => embeddingQueue.kick()
        }
      })
      const documentsChanged = (ids: string[]): void => bus.emit('documents:changed', { ids })
      const passwords = new Map<string, string>()
      const workflows = createWorkflowRunner({
        db: ctx.db,
        logger,
        // Under the PGlite directory lock this process is the only runner of this profile.
        exclusive: ctx.engine.kind === 'pglite',
        workflows: [
          importWorkflow({ embedder, filesDir: join(ctx.profileDir, 'files'), onChanged: (id) => documentsChanged([id]), passwordFor: (id) => passwords.get(id) }) as never,
          chatImportWorkflow({ embedder }) as never,
          tieringWorkflow(memories) as never,
          maintenanceWorkflow() as never,
          backupWorkflow({ db: ctx.db, engine: ctx.engine.kind, profileDir: ctx.profileDir, profile: () => registry.read().profiles.find((p) => p.id === ctx.profile.id) ?? ctx.profile }) as never,
          consolidationWorkflow({
            duplicateThreshold: async () => {
              const v = (await settings.get('memories.duplicate_threshold'))?.value
              return typeof v === 'number' ? v : DEFAULT_DUPLICATE_THRESHOLD
            },
            llm: () => services.llm,
            onChanged: (ids) => bus.emit('memories:changed', { ids, reason: 'merged' }),
            enqueued: () => embeddingQueue.kick()
          }) as never,
          digestWorkflow({ llm: () => services.llm }) as never,
          reembedWorkflow({ embedder, enqueued: () => embeddingQueue.kick() }) as never,
          sessionsPolicyWorkflow({ onArchived: (ids) => bus.emit('sessions:changed', { ids }) }) as never
        ]
      })
      // New vectors and queries use the profile's embedding space (set by a re-embed).
      embedder.setOutputDim(null)
      void readActiveEmbedding(ctx.db)
        .then((a) => {
          if (a && current === services) embedder.setOutputDim(a.dim)
        })
        .catch((e: unknown) => logger.warn('[engram] could not read the active embedding space', e))
      const consolidation = createConsolidationService({ db: ctx.db, runner: workflows, onChanged: (ids) => bus.emit('memories:changed', { ids, reason: 'merged' }) })
      const offWorkflows = workflows.onEvent((e) => bus.emit('workflows:run', e))
      const documents = createDocumentsService({ db: ctx.db, runner: workflows, profileDir: ctx.profileDir, logger, passwords, onChanged: documentsChanged })
      // Folder watching and chat-export import. Watching runs only in the long-lived processes.
      const watcher = createFolderWatcher({ db: ctx.db, documents, runner: workflows, logger, profileDir: ctx.profileDir, onChanged: documentsChanged })
      const chats = createChatImportService({ runner: workflows, profileDir: ctx.profileDir })
      if (opts.role === 'app' || opts.role === 'bridge') void watcher.start().catch((e: unknown) => logger.warn('[engram] could not start folder watching', e))
      // Interrupted runs (a crash, a quit mid-import) continue in the background, in the
      // long-lived processes only: a one-shot CLI command would start them and exit midway.
      if (opts.role === 'app' || opts.role === 'bridge')
        void (async () => {
          // Tiers every few hours, database housekeeping nightly; a machine that slept gets one catch-up run.
          await workflows.schedule(TIERING_WORKFLOW_NAME, { everyMinutes: TIER_INTERVAL_MINUTES }, {})
          await workflows.schedule(MAINTENANCE_WORKFLOW_NAME, { dailyAt: '03:30' }, {})
          await workflows.schedule(DIGEST_WORKFLOW, { dailyAt: '07:00' }, {})
          await workflows.schedule(SESSIONS_ARCHIVE_WORKFLOW, { everyMinutes: 6 * 60 }, {})
          await workflows.resumeAll()
        })().catch((e: unknown) => logger.warn('[engram] could not resume workflows', e))
      const secrets = createSecretsStore({ db: ctx.db, box: secretBox, warn: (m) => logger.warn(m) })
      const llm = createLlmService({ db: ctx.db, settings, secrets, logger, ...opts.llm })
      const search = createSearchService({ db: ctx.db, embedder, recordAccess: access.record, index: searchIndex })
      const extraction = createExtractionService({ db: ctx.db, llm, memories, search, settings, logger, changed: (ids) => bus.emit('proposals:changed', { ids }) })
      // Chats that went quiet before a restart still get their extraction (long-lived processes only).
      if (opts.role === 'app' || opts.role === 'bridge') void extraction.resumeQuiet().catch((e: unknown) => logger.warn('[engram] could not resume memory extraction', e))
      const chat = createChatService({
        db: ctx.db,
        search,
        memories,
        settings,
        llm,
        emit: { stream: (e) => bus.emit('chat:stream', e), sessionsChanged: (ids) => bus.emit('sessions:changed', { ids }) },
        kickEmbeddings: () => embeddingQueue.kick(),
        onAnswered: (sessionId) => extraction.scheduleQuiet(sessionId),
        logger,
        // Under the PGlite lock no other process can be writing this profile's answers.
        recoverOnStart: ctx.engine.kind === 'pglite'
      })
      embeddingQueue.kick()
      const services: ProfileServices = {
        ctx,
        settings,
        memories,
        search,
        searchIndex,
        embeddingQueue,
        workflows,
        documents,
        watcher,
        chats,
        llm,
        extraction,
        consolidation,
        chat,
        close: async () => {
          await chat.close()
          await extraction.close()
          await watcher.close()
          documents.close()
          await workflows.close()
          offWorkflows()
          await embeddingQueue.close()
          await access.close()
          await searchIndex?.close()
          if (current === services) current = null
        }
      }
      current = services
      return services
    },
    onChange: (state) => bus.emit('profiles:changed', state)
  })

  const services = async (): Promise<ProfileServices> => (await profiles.session()).services
  const mode = opts.mode === 'cli' ? 'browser' : opts.mode

  const info = (): AppInfo => ({
    name: 'Engram',
    version: appVersion(),
    mode,
    captureShortcut: registry.read().app.captureShortcut
  })

  // Profile archives: export the open profile, import one as a new profile (no open profile needed), scheduled backup.
  const archives = createProfileArchiveService({
    registry,
    engine: { databaseUrl: opts.databaseUrl, poolMax: opts.databasePoolMax },
    session: async () => {
      const s = await services()
      return { ctx: s.ctx, workflows: s.workflows }
    },
    onProgress: (p) => bus.emit('archives:progress', p),
    onProfilesChanged: () => bus.emit('profiles:changed', profiles.list())
  })

  const handlers: Handlers = {
    'app:info': info,
    'app:setCaptureShortcut': ({ accelerator }) => {
      const previous = registry.read().app.captureShortcut
      if (opts.registerShortcut && !opts.registerShortcut(accelerator)) {
        opts.registerShortcut(previous)
        throw new AppError('conflict', `${accelerator} is already used by another app. Choose another shortcut.`)
      }
      registry.update((d) => {
        d.app.captureShortcut = accelerator
      })
      const next = info()
      bus.emit('app:changed', next)
      return next
    },
    ...profilesHandlers(profiles),
    ...settingsHandlers(async () => (await services()).settings),
    ...memoriesHandlers(services),
    ...documentsHandlers(async () => (await services()).documents),
    ...workflowsHandlers(
      async () => (await services()).workflows,
      async () => {
        const s = await services()
        return { undoConsolidation: (id: string) => s.consolidation.undo(id) }
      }
    ),
    ...watchHandlers(async () => (await services()).watcher, { checkPath: opts.pathGrants ? (p) => opts.pathGrants?.check('watch-folder', p) : undefined }),
    ...chatImportHandlers(async () => (await services()).chats),
    ...profileArchiveHandlers(archives, opts.pathGrants),
    ...llmHandlers(services),
    ...extractionHandlers(async () => (await services()).extraction),
    ...chatHandlers(async () => (await services()).chat),
    'embeddings:status': embeddingStatus,
    'embeddings:download': async () => {
      await embedder.downloadModel({
        onProgress: (p) =>
          bus.emit('embeddings:download', { status: p.status, file: p.file ?? null, loaded: p.loaded ?? null, total: p.total ?? null, progress: p.progress ?? null })
      })
      current?.embeddingQueue.kick()
      return embeddingStatus()
    },
    'system:doctor': async () => {
      let ctx: ProfileContext | null = null
      try {
        ctx = (await services()).ctx
      } catch (err) {
        // Doctor still reports on the app when no profile is open; anything else is a real problem.
        if (!(err instanceof AppError && (err.code === 'no_profile' || err.code === 'locked'))) throw err
      }
      return doctorReport({ dataDir: opts.dataDir, mode: opts.mode, ctx })
    }
  }

  return {
    dataDir: opts.dataDir,
    router: createRouter(handlers, logger),
    bus,
    registry,
    profiles,
    embedder,
    services,
    info,
    async close() {
      await profiles.close()
      if (ownsEmbedder) await embedder.dispose()
    }
  }
}
