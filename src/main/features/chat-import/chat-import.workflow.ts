/**
 * Importing a chat export as a durable workflow (`chat.import`, heavy): a big export
 * shows its progress, and a crash or a quit mid-way continues where it stopped.
 *   import → finish
 * `import` reads the staged export again (parsing is cheap next to embedding) and takes
 * conversations a few at a time: their messages are embedded in batches of 32 outside
 * any transaction, then the sessions, their messages (with vectors) and the checkpoint
 * are written in one transaction. A conversation already imported (by its export id) is
 * skipped, so neither a resumed run nor importing the same export again makes copies.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { AppError } from '../../../shared/errors'
import type { ChatExportFormat, ChatImportSummary } from '../../../shared/types'
import { cleanGinPending } from '../../db/maintenance'
import type { Embedder } from '../embeddings/embedder'
import { eventsRepository } from '../events/events.repository'
import { defineWorkflow, type WorkflowDefinition } from '../workflows/runner'
import { parseChatExport, readConversations, type ExportedConversation } from './chat-export'
import { chatImportRepository as repo } from './chat-import.repository'

export const CHAT_IMPORT_WORKFLOW = 'chat.import'

export interface ChatImportInput {
  /** The export's bytes, staged inside the profile folder. */
  path: string
  fileName: string
  format: ChatExportFormat
  /** True when `path` is a staged copy Engram deletes once imported. */
  staged: boolean
}

export interface ChatImportDeps {
  embedder: Embedder
  /** Sessions were imported. */
  onImported?(sessionIds: string[]): void
}

interface ImportState {
  next: number
  imported: number
  skipped: number
  messages: number
  embedded: number
}

const EMBED_BATCH = 32
/** Conversations written per transaction, at most (fewer when they hold many messages). */
const UNIT_CONVERSATIONS = 50

const titleFor = (c: ExportedConversation): string => {
  const first = c.messages.find((m) => m.role === 'user')?.content ?? c.messages[0]?.content ?? ''
  const line = first.replace(/\s+/g, ' ').trim()
  return line ? (line.length > 60 ? `${line.slice(0, 57)}…` : line) : 'Imported chat'
}

export function chatImportWorkflow(deps: ChatImportDeps): WorkflowDefinition<ChatImportInput> {
  return defineWorkflow<ChatImportInput>({
    name: CHAT_IMPORT_WORKFLOW,
    heavy: true,
    steps: [
      {
        name: 'import',
        weight: 10,
        maxAttempts: 5,
        async run(ctx): Promise<ChatImportSummary> {
          const { path, fileName } = ctx.input
          if (!existsSync(path)) throw new AppError('not_found', `The export "${fileName}" is no longer there; import it again.`)
          const { format, data } = parseChatExport(readFileSync(path), fileName)
          const convs = readConversations(data, format)
          const empty = data.length - convs.length
          const state: ImportState = { next: 0, imported: 0, skipped: empty, messages: 0, embedded: 0, ...(ctx.state as Partial<ImportState> | null) }
          let withVectors = deps.embedder.status().state !== 'missing'
          while (state.next < convs.length) {
            if (ctx.signal.aborted) throw ctx.signal.reason
            // A few conversations, enough for full embedding batches.
            const unit: ExportedConversation[] = []
            let count = 0
            for (let i = state.next; i < convs.length && unit.length < UNIT_CONVERSATIONS && count < EMBED_BATCH; i++) {
              const c = convs[i] as ExportedConversation
              unit.push(c)
              count += c.messages.length
            }
            const done = await repo.importedIds(ctx.db, format, unit.map((c) => c.importId))
            const fresh = unit.filter((c) => !done.has(c.importId))
            const texts = fresh.flatMap((c) => c.messages.map((m) => m.content))
            const vectors: Array<Float32Array | null> = texts.map(() => null)
            let model: string | null = null
            for (let i = 0; withVectors && i < texts.length; i += EMBED_BATCH) {
              if (ctx.signal.aborted) throw ctx.signal.reason
              try {
                const v = await deps.embedder.embed(texts.slice(i, i + EMBED_BATCH))
                model = v.model
                v.forEach((x, j) => (vectors[i + j] = x))
              } catch (err) {
                // No model: the messages are still stored, found by their words.
                if (!(err instanceof AppError && err.code === 'unavailable')) throw err
                withVectors = false
              }
            }
            const upto = state.next + unit.length
            const next: ImportState = { ...state, next: upto, skipped: state.skipped + (unit.length - fresh.length) }
            const sessionIds: string[] = []
            await ctx.db.transaction(async (trx) => {
              let offset = 0
              for (const c of fresh) {
                const mine = vectors.slice(offset, offset + c.messages.length)
                offset += c.messages.length
                const event = await eventsRepository.append(trx, {
                  type: 'chat.import',
                  source: 'import',
                  idempotencyKey: `${format}:${c.importId}`,
                  payload: { format, importId: c.importId, title: c.title, messages: c.messages.length, file: fileName }
                })
                const id = await repo.insertConversation(trx, c, { format, eventId: event.id, vectors: mine, model, fallbackTitle: titleFor(c) })
                if (!id) {
                  next.skipped++
                  continue
                }
                sessionIds.push(id)
                next.imported++
                next.messages += c.messages.length
                next.embedded += mine.filter((v) => v !== null).length
              }
              await ctx.checkpoint(next, trx)
            })
            Object.assign(state, next)
            if (sessionIds.length) deps.onImported?.(sessionIds)
            ctx.progress(state.next / convs.length, `${state.next} of ${convs.length} conversations`)
          }
          return { format, conversations: data.length, imported: state.imported, skipped: state.skipped, messages: state.messages, embedded: state.embedded }
        }
      },
      {
        name: 'finish',
        weight: 1,
        async run(ctx): Promise<ChatImportSummary> {
          const summary = ctx.outputs['import'] as ChatImportSummary
          // PGlite has no autovacuum: merge the full-text indexes' pending lists now, not in the next search.
          await cleanGinPending(ctx.db, 'messages')
          await cleanGinPending(ctx.db, 'sessions')
          if (ctx.input.staged) rmSync(ctx.input.path, { force: true })
          ctx.log('info', `Imported ${summary.imported} conversations (${summary.messages} messages); ${summary.skipped} skipped.`)
          return summary
        }
      }
    ]
  })
}
