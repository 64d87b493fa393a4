/**
 * The `engram` CLI. It builds the same core as the app and calls the same services
 * through the same router, so a CLI command and an app click cannot disagree. Data
 * commands act on the active profile, or on `--profile NAME`.
 */
import { Command, Option } from 'commander'
import { resolve as resolvePath } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Channel, ChannelInput, ChannelOutput } from '../shared/contract'
import { AppError, type AppErrorCode } from '../shared/errors'
import type { ProfileSummary } from '../shared/types'
import { createAppCore, type AppCore } from '../main/core/app-core'
import { appVersion, defaultDataDir } from '../main/core/paths'
import { migrateLatest, migrationStatus } from '../main/db/migrate'
import { looksLikeChatExport } from '../main/features/chat-import/chat-import.service'
import type { ChatImportSummary, WatchedFolder, WatchScanResult } from '../shared/types'

interface GlobalOpts {
  dataDir: string
  modelDir?: string
  databaseUrl?: string
  profile?: string
  passphrase?: string | undefined
}

const EXIT: Partial<Record<AppErrorCode, number>> = { validation: 2, not_found: 4, locked: 3, unauthorized: 3, profile_in_use: 5, conflict: 6 }

let core: AppCore | null = null
let out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)

function getCore(g: GlobalOpts): AppCore {
  core ??= createAppCore({ dataDir: g.dataDir, databaseUrl: g.databaseUrl, modelDir: g.modelDir ?? null, role: 'cli', mode: 'cli' })
  return core
}

/** Call a contract channel exactly as the app does, and unwrap its result. */
async function call<C extends Channel>(g: GlobalOpts, channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await getCore(g).router.dispatch(channel, input)
  if (!result.ok) throw AppError.from(result.error)
  return result.value as ChannelOutput<C>
}

/** Open the profile a data command acts on: --profile NAME, else the active one. */
async function openTarget(g: GlobalOpts): Promise<void> {
  const c = getCore(g)
  if (g.profile) {
    await c.profiles.use(c.profiles.find(g.profile).id, g.passphrase)
    return
  }
  const state = c.profiles.list()
  const active = state.profiles.find((p) => p.id === state.activeId)
  if (active?.hasPassphrase) {
    if (g.passphrase === undefined) throw new AppError('locked', `Profile "${active.name}" is locked: pass --passphrase or set ENGRAM_PASSPHRASE.`)
    await c.profiles.openActive(g.passphrase)
  }
}

const json = (v: unknown): void => out(JSON.stringify(v, null, 2))

function profileLine(p: ProfileSummary): string {
  return `${p.active ? '*' : ' '} ${p.name.padEnd(24)} ${p.id}${p.hasPassphrase ? '  (passphrase)' : ''}`
}

export function buildProgram(): Command {
  const program = new Command()
  program
    .name('engram')
    .description('Engram: your local-first memory. The headless face of the app.')
    .version(appVersion())
    .addOption(new Option('--data-dir <dir>', 'where profiles are kept').env('ENGRAM_DATA_DIR').default(defaultDataDir()))
    .addOption(new Option('--database-url <url>', 'use an external Postgres (with pgvector) instead of the embedded one').env('ENGRAM_DATABASE_URL'))
    .addOption(new Option('--profile <name>', 'act on this profile instead of the active one'))
    .addOption(new Option('--passphrase <passphrase>', "the profile's passphrase, if it has one").env('ENGRAM_PASSPHRASE'))
    .addOption(new Option('--model-dir <dir>', 'the embedding model directory (transformers.js layout)').env('ENGRAM_MODEL_DIR'))
    .showHelpAfterError()

  const g = (): GlobalOpts => {
    const o = program.opts<GlobalOpts>()
    // An empty ENGRAM_PASSPHRASE means none was given.
    return o.passphrase === '' ? { ...o, passphrase: undefined } : o
  }

  program
    .command('doctor')
    .description('report the engine, Postgres and pgvector versions, migrations, data directory and embedding model')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      try {
        await openTarget(g())
      } catch (err) {
        if (!(err instanceof AppError) || !['no_profile', 'locked'].includes(err.code)) throw err
      }
      const r = await call(g(), 'system:doctor', {})
      if (o.json) return json(r)
      out(`Engram ${r.app.version} (${r.app.platform}, Node ${r.app.node})`)
      out(`data dir:    ${r.dataDir}`)
      out(`profile:     ${r.profile ? `${r.profile.name} (${r.profile.id})` : 'none open'}`)
      out(`engine:      ${r.engine ? `${r.engine.kind} at ${r.engine.location}` : '-'}`)
      out(`postgres:    ${r.postgres?.version ?? '-'}`)
      out(`pgvector:    ${r.pgvector?.version ?? '-'}    pg_trgm: ${r.pgTrgm?.version ?? '-'}`)
      out(`migrations:  ${r.migrations ? `${r.migrations.applied}/${r.migrations.total} applied` : '-'}`)
      out(`embedding:   ${r.embedding.status}${r.embedding.dir ? ` (${r.embedding.dir})` : ''}. ${r.embedding.note}`)
    })

  const profile = program.command('profile').description('manage profiles')
  profile
    .command('create <name>')
    .description('create a profile (it becomes the active one); --passphrase locks it')
    .action(async (name: string) => {
      const p = await call(g(), 'profiles:create', { name, ...(g().passphrase ? { passphrase: g().passphrase } : {}) })
      out(`Created profile "${p.name}" (${p.id}). It is now the active profile.`)
    })
  profile
    .command('list')
    .description('list profiles; * marks the active one')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const s = await call(g(), 'profiles:list', {})
      if (o.json) return json(s)
      if (s.profiles.length === 0) return out('No profiles yet. Create one: engram profile create "Personal"')
      for (const p of s.profiles) out(profileLine(p))
    })
  profile
    .command('switch <name>')
    .description('make a profile the active one')
    .action(async (name: string) => {
      const id = getCore(g()).profiles.find(name).id
      await call(g(), 'profiles:switch', { id, ...(g().passphrase !== undefined ? { passphrase: g().passphrase } : {}) })
      out(`Switched to "${name}".`)
    })
  profile
    .command('rename <name> <newName>')
    .description('rename a profile')
    .action(async (name: string, newName: string) => {
      const p = await call(g(), 'profiles:rename', { id: getCore(g()).profiles.find(name).id, name: newName })
      out(`Renamed to "${p.name}".`)
    })
  profile
    .command('delete <name>')
    .description('delete a profile and ALL of its data; --yes confirms')
    .option('--yes', 'confirm: delete everything in this profile')
    .action(async (name: string, o: { yes?: boolean }) => {
      const p = getCore(g()).profiles.find(name)
      if (!o.yes) throw new AppError('validation', `This deletes every memory, session and document in "${p.name}". Run again with --yes to confirm.`)
      await call(g(), 'profiles:delete', { id: p.id, confirmName: p.name })
      out(`Deleted profile "${p.name}".`)
    })
  profile
    .command('lock <name>')
    .description('protect a profile with a passphrase (--passphrase or ENGRAM_PASSPHRASE); it stays closed until unlocked')
    .option('--current <passphrase>', 'the current passphrase, to change it')
    .action(async (name: string, o: { current?: string }) => {
      const pass = g().passphrase
      if (!pass) throw new AppError('validation', 'Give the new passphrase with --passphrase or ENGRAM_PASSPHRASE.')
      const p = getCore(g()).profiles.find(name)
      await call(g(), 'profiles:setPassphrase', { id: p.id, next: pass, ...(o.current ? { current: o.current } : {}) })
      out(`Profile "${p.name}" is locked with a passphrase.`)
    })
  profile
    .command('unlock <name>')
    .description('remove the passphrase of a profile (needs --passphrase)')
    .action(async (name: string) => {
      const p = getCore(g()).profiles.find(name)
      const pass = g().passphrase
      if (pass === undefined) throw new AppError('locked', `Give the passphrase of "${p.name}" with --passphrase or ENGRAM_PASSPHRASE.`)
      await call(g(), 'profiles:setPassphrase', { id: p.id, current: pass, next: null })
      out(`Profile "${p.name}" no longer needs a passphrase.`)
    })

  program
    .command('capture <text>')
    .description('remember something: stored at once, embedded right after')
    .option('--topic <topic...>', 'one or more topics')
    .option('--type <type>', 'note, fact, preference, event, task…')
    .option('--importance <n>', 'importance from 0 to 1', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(async (text: string, o: { topic?: string[]; type?: string; importance?: number; json?: boolean }) => {
      await openTarget(g())
      const r = await call(g(), 'memories:capture', {
        content: text,
        source: 'app',
        ...(o.topic ? { topics: o.topic } : {}),
        ...(o.type ? { type: o.type } : {}),
        ...(o.importance !== undefined ? { importance: o.importance } : {})
      })
      // A one-shot process waits for the background embedding before it exits.
      const { embeddingQueue } = await getCore(g()).services()
      await embeddingQueue.drain()
      const status = await call(g(), 'embeddings:status', {})
      if (o.json) return json({ ...r, embedding: status.state === 'missing' ? 'pending (no model)' : 'done' })
      out(r.outcome === 'created' ? `Remembered (${r.memory.id}).` : `Already known: refreshed ${r.memory.id}.`)
      if (status.state === 'missing') out('No embedding model yet: it will be embedded when one is available.')
    })

  program
    .command('search <query>')
    .description('hybrid search over memories, documents and chats')
    .option('--k <n>', 'how many results', (v) => Number(v), 10)
    .option('--source <source...>', 'memory, document, message')
    .option('--json', 'print JSON')
    .action(async (query: string, o: { k: number; source?: Array<'memory' | 'document' | 'message'>; json?: boolean }) => {
      await openTarget(g())
      const r = await call(g(), 'search:query', { query, k: o.k, ...(o.source ? { sources: o.source } : {}) })
      if (o.json) return json(r)
      if (r.hits.length === 0) return out('Nothing found.')
      out(`${r.hits.length} results (${r.mode}, ${r.tookMs} ms)`)
      r.hits.forEach((h, i) => out(`${String(i + 1).padStart(2)}. [${h.source}] ${h.snippet.replace(/\s+/g, ' ')}  (${h.id})`))
    })

  program
    .command('chat <question>')
    .description('ask your memory: an answer grounded in your memories, documents and chats, with numbered sources (a recall answer when no chat model is set up)')
    .option('--session <id>', 'continue this chat')
    .option('--json', 'print the final turn as JSON')
    .action(async (question: string, o: { session?: string; json?: boolean }) => {
      await openTarget(g())
      const c = getCore(g())
      const s = await c.services()
      // Deltas are streamed to stdout as they arrive (events can come before chat:send returns).
      let messageId: string | null = null
      const early: Array<{ messageId: string; delta?: string | undefined; phase: string }> = []
      let streamed = false
      const write = (e: { messageId: string; delta?: string | undefined; phase: string }): void => {
        if (e.messageId !== messageId || e.phase !== 'streaming' || !e.delta) return
        process.stdout.write(e.delta)
        streamed = true
      }
      const off = c.bus.on('chat:stream', (e) => {
        if (o.json) return
        if (messageId === null) early.push(e)
        else write(e)
      })
      try {
        const t = await call(g(), 'chat:send', { content: question, clientId: `cli-${randomUUID()}`, ...(o.session ? { sessionId: o.session } : {}) })
        messageId = t.assistantMessage.id
        for (const e of early) write(e)
        const stop = (): void => void s.chat.stop(t.assistantMessage.id)
        process.once('SIGINT', stop)
        const final = await s.chat.settled(t.assistantMessage.id)
        process.off('SIGINT', stop)
        // A one-shot process waits for the background embedding of the new messages.
        await s.embeddingQueue.drain()
        const session = await call(g(), 'sessions:get', { id: t.session.id })
        if (o.json) return json({ session: session.session, userMessage: t.userMessage, assistantMessage: final })
        if (streamed) out('')
        else out(final.content)
        if (final.citations.length) {
          out('')
          out('Sources:')
          for (const x of final.citations) {
            const where = x.source === 'document' ? ` (document ${x.documentId}${x.page ? `, page ${x.page}` : ''}, characters ${x.start}-${x.end})` : x.source === 'message' ? ` (chat ${x.sessionId})` : ''
            out(`[${x.n}] ${x.source}: ${x.title}  ${x.id}${where}`)
          }
        }
        if (final.error) process.stderr.write(`engram: ${final.error}\n`)
        out('')
        out(`session ${session.session.id}  "${session.session.title}"`)
        if (final.status === 'error') process.exitCode = 1
      } finally {
        off()
      }
    })

  program
    .command('import <paths...>')
    .description('import documents or folders (PDF, DOCX, ODT, EPUB, RTF, HTML, Markdown, text, CSV); waits until they are searchable')
    .option('--password <password>', 'for encrypted PDFs')
    .option('--no-wait', 'start the imports and return (they continue next time the profile opens)')
    .option('--json', 'print JSON')
    .action(async (paths: string[], o: { password?: string; wait: boolean; json?: boolean }) => {
      await openTarget(g())
      const { resolve } = await import('node:path')
      // A ChatGPT or Claude conversations.json becomes chats, not a document.
      const chatPaths = paths.filter((p) => /\.json$/i.test(p) && looksLikeChatExport(resolve(p)))
      const chats = chatPaths.length ? await importChats(chatPaths, o) : []
      paths = paths.filter((p) => !chatPaths.includes(p))
      if (paths.length === 0) return o.json ? json({ chats }) : undefined
      const s = await getCore(g()).services()
      const r = await s.documents.importFiles(paths.map((p) => ({ path: resolve(p) })), { source: 'cli', password: o.password })
      const results = []
      for (const f of r.files) {
        if (!f.runId || !o.wait) {
          results.push({ ...f, status: f.error ? 'failed' : 'started' })
          continue
        }
        const run = await s.workflows.waitFor(f.runId, 30 * 60 * 1000)
        const doc = f.documentId ? await s.documents.get(f.documentId).catch(() => null) : null
        results.push({
          ...f,
          status: run.status === 'succeeded' ? (doc ? 'imported' : 'already imported') : run.status,
          error: run.error ?? f.error,
          chunks: doc?.document.chunkCount ?? null,
          pages: doc?.document.pages ?? null
        })
      }
      if (o.json) return json({ batchId: r.batchId, files: results, ...(chats.length ? { chats } : {}) })
      for (const f of results) out(`${f.status.padEnd(16)} ${f.name}${f.error ? `: ${f.error}` : ''}`)
      if (results.some((f) => f.status === 'failed')) process.exitCode = 1
    })

  const db = program.command('db').description('database maintenance')
  db.command('migrate')
    .description('apply pending migrations to the profile')
    .action(async () => {
      await openTarget(g())
      const { ctx } = await getCore(g()).services()
      const applied = await migrateLatest(ctx.engine.knex, ctx.engine.schema)
      out(applied.length ? `Applied ${applied.length} migrations.` : 'Already up to date.')
    })
  db.command('status')
    .description('list migrations and whether each is applied')
    .action(async () => {
      await openTarget(g())
      const { ctx } = await getCore(g()).services()
      for (const m of await migrationStatus(ctx.engine.knex, ctx.engine.schema)) out(`${m.applied ? 'applied' : 'pending'}  ${m.name}`)
    })

  const settings = program.command('settings').description('read and change profile settings')
  settings
    .command('list')
    .description('list every setting of the profile')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await openTarget(g())
      const all = await call(g(), 'settings:list', {})
      if (o.json) return json(all)
      if (all.length === 0) return out('No settings changed from their defaults.')
      for (const x of all) out(`${x.key} = ${JSON.stringify(x.value)}`)
    })
  settings
    .command('get <key>')
    .action(async (key: string) => {
      await openTarget(g())
      const s = await call(g(), 'settings:get', { key })
      out(s === null ? '(not set)' : JSON.stringify(s.value))
    })
  settings
    .command('set <key> <value>')
    .description('value is JSON if it parses, else a string')
    .action(async (key: string, raw: string) => {
      await openTarget(g())
      let value: unknown = raw
      try {
        value = JSON.parse(raw)
      } catch {
        // a plain string
      }
      await call(g(), 'settings:set', { key, value: value as never })
      out(`${key} = ${JSON.stringify(value)}`)
    })
  // ---- Folder watching and chat-export import ----------------------------------------

  /** Import chat exports; print a line each (or return them for --json). */
  async function importChats(files: string[], o: { wait: boolean; json?: boolean }): Promise<Array<Record<string, unknown>>> {
    const { resolve } = await import('node:path')
    await openTarget(g())
    const s = await getCore(g()).services()
    const results: Array<Record<string, unknown>> = []
    for (const f of files) {
      try {
        const started = await s.chats.importExport({ path: resolve(f) }, { source: 'cli' })
        if (!o.wait) {
          results.push({ file: f, ...started, status: 'started' })
          continue
        }
        const run = await s.workflows.waitFor(started.runId, 6 * 60 * 60 * 1000)
        const summary = run.output as ChatImportSummary | null
        results.push({ file: f, ...started, status: run.status, error: run.error, ...(summary ?? {}) })
      } catch (e) {
        if (!(e instanceof AppError)) throw e
        results.push({ file: f, status: 'failed', error: e.message })
      }
    }
    if (!o.json)
      for (const r of results) {
        if (r['status'] === 'succeeded')
          out(`imported         ${String(r['file'])}: ${String(r['imported'])} conversations (${String(r['messages'])} messages) from ${String(r['format'])}; ${String(r['skipped'])} skipped (already imported or empty)`)
        else out(`${String(r['status']).padEnd(16)} ${String(r['file'])}${r['error'] ? `: ${String(r['error'])}` : ''}`)
      }
    if (results.some((r) => r['status'] === 'failed')) process.exitCode = 1
    return results
  }

  program
    .command('import-chats <files...>')
    .description('import ChatGPT or Claude exports (conversations.json) as chats; waits until they are searchable')
    .option('--no-wait', 'start the imports and return (they continue next time the app opens the profile)')
    .option('--json', 'print JSON')
    .action(async (files: string[], o: { wait: boolean; json?: boolean }) => {
      const results = await importChats(files, o)
      if (o.json) json(results)
    })

  const watch = program.command('watch').description('folders kept in sync: new and changed files are imported, removed ones archived (live while the app runs)')
  const waitRuns = async (runIds: string[], wait: boolean): Promise<void> => {
    if (!wait) return
    const s = await getCore(g()).services()
    for (const id of runIds) await s.workflows.waitFor(id, 30 * 60 * 1000)
  }
  const scanLine = (r: WatchScanResult): string =>
    r.missing
      ? `${r.path}: the folder is missing; nothing changed.`
      : `${r.path}: ${r.imported} new, ${r.reimported} changed, ${r.archived} archived, ${r.restored} restored, ${r.unchanged} unchanged`
  /** A watched folder by its path (as typed, or resolved) or id. */
  const findFolder = async (ref: string): Promise<WatchedFolder> => {
    const { resolve } = await import('node:path')
    const { realpathSync } = await import('node:fs')
    let real = resolve(ref)
    try {
      real = realpathSync(real)
    } catch {
      // a folder that is gone can still be named by the path it had
    }
    const found = (await call(g(), 'watch:list', {})).find((f) => f.id === ref || f.path === real || f.path === resolve(ref))
    if (!found) throw new AppError('not_found', `${ref} is not a watched folder. See: engram watch list`)
    return found
  }
  watch
    .command('add <dir>')
    .description('watch a folder and import what it holds now')
    .option('--no-wait', 'start the imports and return')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { wait: boolean; json?: boolean }) => {
      await openTarget(g())
      const { resolve } = await import('node:path')
      const folder = await call(g(), 'watch:add', { path: resolve(dir) })
      const scans = await call(g(), 'watch:rescan', { id: folder.id })
      await waitRuns(scans.flatMap((x) => x.runIds), o.wait)
      if (o.json) return json({ folder, scans })
      out(`Watching ${folder.path}.`)
      for (const x of scans) out(scanLine(x))
    })
  watch
    .command('list')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await openTarget(g())
      const all = await call(g(), 'watch:list', {})
      if (o.json) return json(all)
      if (all.length === 0) return out('No folders are watched.')
      for (const f of all) out(`${f.path}  (${f.documents} documents${f.present ? '' : ', folder missing'}${f.lastScanAt ? `, scanned ${f.lastScanAt}` : ''})`)
    })
  watch
    .command('remove <dir>')
    .description('stop watching a folder; its documents stay')
    .action(async (dir: string) => {
      await openTarget(g())
      const f = await findFolder(dir)
      await call(g(), 'watch:remove', { id: f.id })
      out(`No longer watching ${f.path}. Its documents stay.`)
    })
  watch
    .command('rescan [dir]')
    .description('compare a watched folder (or all of them) with the documents now')
    .option('--no-wait', 'start the imports and return')
    .option('--json', 'print JSON')
    .action(async (dir: string | undefined, o: { wait: boolean; json?: boolean }) => {
      await openTarget(g())
      const scans = await call(g(), 'watch:rescan', dir ? { id: (await findFolder(dir)).id } : {})
      await waitRuns(scans.flatMap((x) => x.runIds), o.wait)
      if (o.json) return json(scans)
      if (scans.length === 0) return out('No folders are watched.')
      for (const x of scans) out(scanLine(x))
    })
  // ---- end of folder watching and chat-export import ----

  // ---- Profile archives ----
  // On these two commands `--passphrase` written on the command line is the ARCHIVE's passphrase
  // (`engram export <file> --passphrase P` encrypts), as `--archive-passphrase` is everywhere.
  // The profile's own passphrase then comes from --profile-passphrase or ENGRAM_PASSPHRASE.
  const archivePass = (): Option =>
    new Option('--archive-passphrase <passphrase>', "the archive's passphrase (same as --passphrase here): encrypts an export; needed to import an encrypted archive").env('ENGRAM_ARCHIVE_PASSPHRASE')
  const passphrases = (o: { archivePassphrase?: string; profilePassphrase?: string }): { archive: string | undefined; profile: string | undefined } => {
    const fromCli = program.getOptionValueSource('passphrase') === 'cli'
    const given = g().passphrase
    return {
      archive: o.archivePassphrase || (fromCli ? given : undefined) || undefined,
      profile: o.profilePassphrase || (fromCli ? process.env['ENGRAM_PASSPHRASE'] : given) || undefined
    }
  }
  const progressTo = (c: AppCore): (() => void) => {
    if (!process.stderr.isTTY) return () => undefined
    return c.bus.on('archives:progress', (p) => {
      const pct = p.total > 0 ? ` ${Math.floor((100 * p.done) / p.total)}%` : ''
      process.stderr.write(`\r${p.operation} ${p.phase}${pct} ${p.detail}`.slice(0, 100).padEnd(100))
    })
  }
  program
    .command('export <file>')
    .description('write the profile to one .engram archive: every table, the documents, a manifest with checksums (written whole or not at all)')
    .addOption(archivePass())
    .option('--profile-passphrase <passphrase>', "the profile's own passphrase, if it is locked (or ENGRAM_PASSPHRASE)")
    .option('--force', 'replace the file if it exists')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { archivePassphrase?: string; profilePassphrase?: string; force?: boolean; json?: boolean }) => {
      const pass = passphrases(o)
      await openTarget({ ...g(), passphrase: pass.profile })
      const c = getCore(g())
      const open = (await c.services()).ctx.profile
      const off = progressTo(c)
      try {
        const r = await call(g(), 'profiles:export', { path: resolvePath(file), overwrite: Boolean(o.force), ...(pass.archive ? { passphrase: pass.archive } : {}) })
        if (process.stderr.isTTY) process.stderr.write('\n')
        if (o.json) return json({ ...r, encrypted: Boolean(pass.archive), profile: open.name })
        out(`Exported "${open.name}" to ${r.path} (${(r.bytes / 1e6).toFixed(1)} MB in ${(r.tookMs / 1000).toFixed(1)} s${pass.archive ? ', encrypted' : ''}).`)
      } finally {
        off()
      }
    })
  program
    .command('import-archive <file>')
    .description('make a new profile from an .engram archive (checked whole before anything is created)')
    .addOption(archivePass())
    .option('--name <name>', "the new profile's name (default: the archive's, made unique)")
    .option('--json', 'print JSON')
    .action(async (file: string, o: { archivePassphrase?: string; name?: string; json?: boolean }) => {
      const pass = passphrases(o)
      const c = getCore(g())
      const off = progressTo(c)
      try {
        const p = await call(g(), 'profiles:importArchive', { path: resolvePath(file), ...(pass.archive ? { passphrase: pass.archive } : {}), ...(o.name ? { name: o.name } : {}) })
        if (process.stderr.isTTY) process.stderr.write('\n')
        if (o.json) return json(p)
        out(`Imported as profile "${p.name}" (${p.id}). Open it with: engram profile switch "${p.name}"`)
      } finally {
        off()
      }
    })
  // ---- end of profile archives ----

  return program
}

export async function runCli(argv: string[], io?: { out?: (line: string) => void; err?: (line: string) => void }): Promise<number> {
  if (io?.out) out = io.out
  const err = io?.err ?? ((line: string) => process.stderr.write(`${line}\n`))
  const program = buildProgram()
  program.exitOverride()
  program.configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) })
  let code = 0
  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (e) {
    if (e instanceof AppError) {
      err(`engram: ${e.message}`)
      code = EXIT[e.code] ?? 1
    } else if (e && typeof e === 'object' && 'exitCode' in e && typeof (e as { exitCode: unknown }).exitCode === 'number') {
      code = (e as { exitCode: number }).exitCode
    } else {
      err(`engram: ${(e as Error).message ?? String(e)}`)
      code = 1
    }
  } finally {
    await core?.close().catch(() => undefined)
    core = null
  }
  return code
}

const isMain = process.argv[1] !== undefined && /engram(\.mjs)?$|cli[\\/]main\.ts$/.test(process.argv[1])
if (isMain) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code))
}
