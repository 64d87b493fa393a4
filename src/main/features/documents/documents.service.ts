/**
 * Documents: import (paths from the user, or bytes from the browser harness), list,
 * open with text and chunk spans, cancel, retry, archive, restore, delete. Every import
 * is a durable `document.import` workflow run (see import.workflow.ts); this service
 * creates the visible document row first, then starts the run, and keeps the document's
 * status in step with how its run ended.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import type { DocumentDetail, DocumentSummary, ImportResult } from '../../../shared/types'
import type { Logger } from '../../ipc/router'
import { eventsRepository } from '../events/events.repository'
import type { WorkflowRunner } from '../workflows/runner'
import type { WorkflowEvent } from '../../../shared/workflows'
import { documentsRepository as repo, toSummary } from './documents.repository'
import { IMPORT_WORKFLOW, type ImportInput } from './import.workflow'

export type ImportItem = { path: string } | { fileName: string; bytes: Buffer }

export interface DocumentsService {
  importFiles(items: ImportItem[], opts: { source: string; password?: string | undefined }): Promise<ImportResult>
  list(opts: { archived: boolean; limit: number; cursor?: string | undefined }): Promise<{ items: DocumentSummary[]; total: number; nextCursor: string | null }>
  get(id: string): Promise<DocumentDetail>
  cancel(id: string): Promise<DocumentSummary>
  retry(id: string, password?: string): Promise<DocumentSummary>
  archive(id: string): Promise<DocumentSummary>
  restore(id: string): Promise<DocumentSummary>
  remove(id: string): Promise<void>
  close(): void
}

/** Walk folders for files, skipping hidden entries and links; a cap keeps a mistaken drop of `/` bounded. */
export function expandPaths(paths: string[], cap = 20_000): string[] {
  const out: string[] = []
  const walk = (p: string): void => {
    if (out.length >= cap) return
    let st
    try {
      st = statSync(p)
    } catch {
      out.push(p) // reported as unreadable by the import itself
      return
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name))
    } else if (st.isFile()) out.push(p)
  }
  for (const p of paths) walk(p)
  return out
}

/** Passwords for encrypted PDFs, by document id: memory only, gone after the import or a restart. */
export type PasswordStore = Map<string, string>

/** The runner names the step that failed ("\"parse\" failed: …"); a person wants only what went wrong. */
export function personError(error: string | null): string | null {
  return error === null ? null : error.replace(/^"[^"]+" failed(?: \d+ times)?(?::|\. The last error:) /, '')
}

export function createDocumentsService(opts: {
  db: Knex
  runner: WorkflowRunner
  profileDir: string
  logger: Logger
  passwords: PasswordStore
  onChanged(ids: string[]): void
}): DocumentsService {
  const { db, runner, passwords } = opts
  const incoming = join(opts.profileDir, 'files', 'incoming')

  // When an import run ends badly, its document says so in words (never a silent 'processing').
  const unsubscribe = runner.onEvent((e: WorkflowEvent) => {
    if (e.name !== IMPORT_WORKFLOW || (e.status !== 'failed' && e.status !== 'cancelled' && e.status !== 'succeeded')) return
    if (e.status === 'succeeded') {
      void runner.get(e.runId).then((d) => passwords.delete((d.run.input as ImportInput).documentId)).catch(() => undefined)
      return
    }
    void (async () => {
      const detail = await runner.get(e.runId)
      const input = detail.run.input as ImportInput
      passwords.delete(input.documentId)
      const doc = await repo.get(db, input.documentId)
      if (!doc || doc.status === 'ready') return
      await repo.update(db, doc.id, {
        status: e.status,
        error: e.status === 'cancelled' ? 'The import was cancelled.' : personError(detail.run.error),
        error_code: e.status === 'cancelled' ? 'cancelled' : (detail.run.errorCode ?? 'failed')
      })
      opts.onChanged([doc.id])
    })().catch((err: unknown) => opts.logger.warn('[engram] could not record an import failure', err))
  })

  async function mustGet(id: string): Promise<NonNullable<Awaited<ReturnType<typeof repo.get>>>> {
    const d = await repo.get(db, id)
    if (!d) throw new AppError('not_found', 'That document does not exist (it may have been deleted).')
    return d
  }

  async function startImport(name: string, path: string, staged: boolean, size: number, source: string, batchId: string, password?: string): Promise<{ documentId: string; runId: string }> {
    const event = await eventsRepository.append(db, { type: 'document.import', source, payload: { name, path: staged ? null : path, batchId } })
    const doc = await repo.createPending(db, { name, originalPath: staged ? null : path, sizeBytes: size, source, eventId: event.id })
    if (password) passwords.set(doc.id, password)
    const input: ImportInput = { documentId: doc.id, path, fileName: name, staged, batchId }
    const runId = await runner.start(IMPORT_WORKFLOW, input, { source })
    await repo.setRun(db, doc.id, runId)
    return { documentId: doc.id, runId }
  }

  return {
    async importFiles(items, { source, password }) {
      const batchId = randomUUID()
      const files: ImportResult['files'] = []
      const expanded = items.flatMap((it): ImportItem[] => ('path' in it ? expandPaths([it.path]).map((p) => ({ path: p })) : [it]))
      for (const it of expanded) {
        const name = 'path' in it ? basename(it.path) : it.fileName
        try {
          if ('path' in it) {
            let size = 0
            try {
              size = statSync(it.path).size
            } catch {
              // the detect step reports it in words
            }
            files.push({ name, error: null, ...(await startImport(name, it.path, false, size, source, batchId, password)) })
          } else {
            // Bytes from the browser: staged inside the profile, so a restart can resume.
            mkdirSync(incoming, { recursive: true })
            const staged = join(incoming, randomUUID())
            writeFileSync(staged, it.bytes)
            files.push({ name, error: null, ...(await startImport(name, staged, true, it.bytes.length, source, batchId, password)) })
          }
        } catch (err) {
          files.push({ name, documentId: null, runId: null, error: err instanceof Error ? err.message : String(err) })
        }
      }
      opts.onChanged(files.flatMap((f) => (f.documentId ? [f.documentId] : [])))
      return { files, batchId }
    },

    async list({ archived, limit, cursor }) {
      const offset = cursor ? Number.parseInt(cursor, 10) : 0
      if (!Number.isInteger(offset) || offset < 0) throw new AppError('validation', 'That page cursor is not valid.')
      const { rows, total } = await repo.list(db, { archived, limit, offset })
      return { items: rows.map(toSummary), total, nextCursor: offset + rows.length < total ? String(offset + rows.length) : null }
    },

    async get(id) {
      const d = await mustGet(id)
      return { document: toSummary(d), text: (await repo.text(db, id)) ?? '', chunks: await repo.chunks(db, id) }
    },

    async cancel(id) {
      const d = await mustGet(id)
      const runId = toSummary(d).runId
      if (runId && (d.status === 'pending' || d.status === 'processing')) await runner.cancel(runId)
      return toSummary(await mustGet(id))
    },

    async retry(id, password) {
      const d = await mustGet(id)
      if (d.status !== 'failed' && d.status !== 'cancelled') throw new AppError('conflict', 'Only a failed or cancelled import can be tried again.')
      const path = d.original_path ?? d.stored_path
      if (!path) throw new AppError('conflict', 'The original file of this import is no longer available; drop it again.')
      await repo.remove(db, id)
      const size = Number(d.size_bytes)
      const { documentId } = await startImport(d.name, path, !d.original_path, size, d.source, randomUUID(), password)
      return toSummary(await mustGet(documentId))
    },

    async archive(id) {
      await mustGet(id)
      await repo.update(db, id, { archived_at: db.fn.now() })
      opts.onChanged([id])
      return toSummary(await mustGet(id))
    },

    async restore(id) {
      await mustGet(id)
      await repo.update(db, id, { archived_at: null })
      opts.onChanged([id])
      return toSummary(await mustGet(id))
    },

    async remove(id) {
      const d = await mustGet(id)
      const runId = toSummary(d).runId
      if (runId && (d.status === 'pending' || d.status === 'processing')) await runner.cancel(runId).catch(() => undefined)
      await repo.remove(db, id)
      opts.onChanged([id])
    },

    close: unsubscribe
  }
}
