/**
 * The document import pipeline as a durable workflow, one run per file:
 *   detect → parse → chunk → embed → index
 * A document is visible from the moment it is dropped (status 'pending', then
 * 'processing') and becomes 'ready' only in the last step, so a crash mid-import never
 * leaves a half-imported document that looks complete. Each step is safe to run again:
 * `embed` inserts chunks batch by batch and checkpoints in the same transaction, so a
 * restart continues where it stopped without duplicate chunks.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync, existsSync, openSync, readSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import { AppError } from '../../../shared/errors'
import type { Embedder } from '../embeddings/embedder'
import { cleanGinPending } from '../../db/maintenance'
import { defineWorkflow, type WorkflowDefinition } from '../workflows/runner'
import { documentsRepository as repo, type NewChunk } from './documents.repository'
import { detectFormat, DETECT_HEAD_BYTES } from './parsing/detect'
import { DEFAULT_MAX_BYTES, type PageSpan, type ParsedDocument, type Section } from './parsing/types'
import { parseDocument } from './parsing'
import { chunkText } from './chunking'

export const IMPORT_WORKFLOW = 'document.import'

export interface ImportInput {
  documentId: string
  /** Where the bytes are: a user-given path, or a staged upload inside the profile folder. */
  path: string
  fileName: string
  /** True when `path` is a staged copy Engram may delete after import. */
  staged: boolean
  batchId: string
}

export interface ImportDeps {
  embedder: Embedder
  /** The profile's folder for stored originals. */
  filesDir: string
  maxBytes?: number
  onChanged(documentId: string): void
  /** A password for an encrypted PDF, kept in memory only (never in the run's stored input). */
  passwordFor(documentId: string): string | undefined
}

interface DetectOutput {
  duplicateOf: string | null
  storedPath: string | null
  hash: string
}

interface ChunkOutput {
  chunks: Array<[start: number, end: number, page: number | null, tokens: number]>
}

const EMBED_BATCH = 32

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(DETECT_HEAD_BYTES)
    const n = readSync(fd, buf, 0, buf.length, 0)
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

/** Copy into the profile's file store while hashing, without holding the file in memory. */
async function storeAndHash(src: string, filesDir: string, signal: AbortSignal): Promise<{ hash: string; storedPath: string }> {
  mkdirSync(filesDir, { recursive: true })
  const tmp = join(filesDir, `.incoming-${randomUUID()}`)
  const hasher = createHash('sha256')
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hasher.update(chunk)
      cb(null, chunk)
    }
  })
  try {
    await pipeline(createReadStream(src), tap, createWriteStream(tmp), { signal })
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  const hash = hasher.digest('hex')
  const storedPath = join(filesDir, hash)
  if (existsSync(storedPath)) rmSync(tmp, { force: true })
  else renameSync(tmp, storedPath)
  return { hash, storedPath }
}

export function importWorkflow(deps: ImportDeps): WorkflowDefinition<ImportInput> {
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES
  return defineWorkflow<ImportInput>({
    name: IMPORT_WORKFLOW,
    heavy: true,
    steps: [
      {
        name: 'detect',
        weight: 1,
        async run(ctx): Promise<DetectOutput> {
          const { documentId, path, fileName } = ctx.input
          let size: number
          try {
            size = statSync(path).size
          } catch {
            throw new AppError('not_found', `Engram could not read "${fileName}": the file is gone or cannot be opened.`)
          }
          if (size > maxBytes)
            throw new AppError(
              'unsupported_file',
              `"${fileName}" is ${(size / 2 ** 20).toFixed(0)} MB; Engram imports files up to ${(maxBytes / 2 ** 20).toFixed(0)} MB. Split it, or import the parts you need.`,
              { reason: 'too_large', size, maxBytes }
            )
          const { format, mimeType } = detectFormat(readHead(path), fileName)
          await repo.update(ctx.db, documentId, { status: 'processing', format, mime_type: mimeType, size_bytes: size })
          deps.onChanged(documentId)
          const { hash, storedPath } = await storeAndHash(path, deps.filesDir, ctx.signal)
          const same = await repo.findReadyByHash(ctx.db, hash, documentId)
          if (same) {
            // The exact file is already here: this drop adds nothing.
            await repo.remove(ctx.db, documentId)
            deps.onChanged(documentId)
            ctx.log('info', `"${fileName}" is already imported as "${same.name}".`)
            return { duplicateOf: same.id, storedPath: null, hash }
          }
          await repo.update(ctx.db, documentId, { file_hash: hash, stored_path: storedPath })
          return { duplicateOf: null, storedPath, hash }
        }
      },
      {
        name: 'parse',
        weight: 3,
        async run(ctx) {
          const det = ctx.outputs['detect'] as DetectOutput
          if (det.duplicateOf) return { skipped: true }
          const doc: ParsedDocument = await parseDocument(
            { path: det.storedPath as string, fileName: ctx.input.fileName },
            {
              signal: ctx.signal,
              maxBytes,
              ...(deps.passwordFor(ctx.input.documentId) ? { password: deps.passwordFor(ctx.input.documentId) as string } : {}),
              onProgress: (p) => {
                if (p.pages && p.pagesDone !== undefined) ctx.progress(p.pagesDone / p.pages, `page ${p.pagesDone} of ${p.pages}`)
              }
            }
          )
          await repo.update(ctx.db, ctx.input.documentId, {
            text: doc.text,
            pages: doc.pages,
            format: doc.format,
            mime_type: doc.mimeType,
            warnings: JSON.stringify(doc.warnings),
            metadata: ctx.db.raw(`metadata || ?::jsonb`, [JSON.stringify({ title: doc.title ?? null, encoding: doc.encoding ?? null, pageSpans: doc.pageSpans ?? null, sections: doc.sections ?? null })])
          })
          deps.onChanged(ctx.input.documentId)
          return { chars: doc.text.length, pages: doc.pages }
        }
      },
      {
        name: 'chunk',
        weight: 1,
        async run(ctx): Promise<ChunkOutput> {
          if ((ctx.outputs['detect'] as DetectOutput).duplicateOf) return { chunks: [] }
          const row = (await ctx.db('documents').where({ id: ctx.input.documentId }).first('text', 'format', 'mime_type', 'pages', 'metadata')) as {
            text: string | null
            format: ParsedDocument['format']
            mime_type: string
            pages: number | null
            metadata: { pageSpans?: PageSpan[] | null; sections?: Section[] | null }
          }
          const doc: ParsedDocument = {
            format: row.format,
            mimeType: row.mime_type,
            text: row.text ?? '',
            pages: row.pages,
            ...(row.metadata.pageSpans ? { pageSpans: row.metadata.pageSpans } : {}),
            ...(row.metadata.sections ? { sections: row.metadata.sections } : {}),
            warnings: []
          }
          const countTokens = async (texts: string[]): Promise<number[]> => {
            try {
              return await deps.embedder.countTokens(texts)
            } catch (err) {
              // No model (so no tokenizer): estimate ~4 characters a token, conservatively.
              if (err instanceof AppError && err.code === 'unavailable') return texts.map((t) => Math.ceil(t.length / 3))
              throw err
            }
          }
          const chunks = await chunkText(doc, { countTokens })
          return { chunks: chunks.map((c) => [c.charStart, c.charEnd, c.page, c.tokenCount]) }
        }
      },
      {
        name: 'embed',
        weight: 6,
        maxAttempts: 5,
        async run(ctx) {
          const { chunks } = ctx.outputs['chunk'] as ChunkOutput
          if (chunks.length === 0) return { embedded: 0 }
          const text = (await repo.text(ctx.db, ctx.input.documentId)) ?? ''
          let next = (ctx.state as { next?: number } | null)?.next ?? 0
          if (next === 0) await repo.deleteChunks(ctx.db, ctx.input.documentId)
          const state = deps.embedder.status().state
          const withVectors = state !== 'missing'
          const sliceAt = (at: number): NewChunk[] =>
            chunks.slice(at, at + EMBED_BATCH).map(([start, end, page, tokens], i) => ({
              index: at + i,
              text: text.slice(start, end),
              charStart: start,
              charEnd: end,
              page,
              tokenCount: tokens
            }))
          const embedSlice = async (slice: NewChunk[]): Promise<{ values: Float32Array[]; model: string } | null> => {
            if (!withVectors || slice.length === 0) return null
            try {
              const v = await deps.embedder.embed(slice.map((c) => c.text))
              return { values: v, model: v.model }
            } catch (err) {
              // No model: the chunks are stored without vectors; the embedding queue's backlog embeds them later.
              if (!(err instanceof AppError && err.code === 'unavailable')) throw err
              return null
            }
          }
          let slice = sliceAt(next)
          let embedding = embedSlice(slice)
          while (next < chunks.length) {
            if (ctx.signal.aborted) throw ctx.signal.reason
            const vectors = await embedding
            const upto = next + slice.length
            // The next batch is embedded (embedder thread) while this one is written (database
            // thread, ~10 ms of index work a row): the two overlap instead of taking turns.
            const following = sliceAt(upto)
            embedding = embedSlice(following)
            embedding.catch(() => undefined) // awaited on the next turn; not unhandled if this turn throws
            await ctx.db.transaction(async (trx) => {
              await repo.insertChunks(trx, ctx.input.documentId, slice, vectors)
              await ctx.checkpoint({ next: upto }, trx)
            })
            next = upto
            slice = following
            ctx.progress(next / chunks.length, `${next} of ${chunks.length} passages`)
          }
          return { embedded: withVectors ? chunks.length : 0 }
        }
      },
      {
        name: 'index',
        weight: 1,
        async run(ctx) {
          const det = ctx.outputs['detect'] as DetectOutput
          if (det.duplicateOf) return { documentId: det.duplicateOf, duplicate: true }
          const { documentId } = ctx.input
          const n = Number((await ctx.db('document_chunks').where({ document_id: documentId }).count({ n: '*' }))[0]?.n ?? 0)
          await cleanGinPending(ctx.db, 'document_chunks')
          const replaced = ctx.input.staged ? null : await repo.findByPath(ctx.db, ctx.input.path, documentId)
          await ctx.db.transaction(async (trx) => {
            await trx('documents').where({ id: documentId }).update({ status: 'ready', chunk_count: n, imported_at: trx.fn.now(), updated_at: trx.fn.now(), error: null, error_code: null })
            // A changed file replaces its earlier version.
            if (replaced && replaced.id !== documentId) await trx('documents').where({ id: replaced.id }).del()
          })
          if (ctx.input.staged) rmSync(ctx.input.path, { force: true })
          deps.onChanged(documentId)
          return { documentId, chunks: n, replaced: replaced?.id ?? null }
        }
      }
    ]
  })
}
