/** Documents and their chunks. Knex only; returns domain types. */
import type { Knex } from 'knex'
import type { DocumentChunkInfo, DocumentStatus, DocumentSummary } from '../../../shared/types'
import { toVectorParam } from '../../db/vector'

type Db = Knex | Knex.Transaction

export interface DocumentRow {
  id: string
  file_hash: string
  name: string
  original_path: string | null
  mime_type: string | null
  format: string | null
  size_bytes: string | number
  status: DocumentStatus
  error_code: string | null
  error: string | null
  pages: number | null
  chunk_count: number
  source: string
  stored_path: string | null
  warnings: string[]
  metadata: Record<string, unknown>
  replaces_id: string | null
  created_at: Date
  imported_at: Date | null
  archived_at: Date | null
}

const SUMMARY_COLUMNS = [
  'id', 'file_hash', 'name', 'original_path', 'mime_type', 'format', 'size_bytes', 'status', 'error_code', 'error', 'pages', 'chunk_count',
  'source', 'stored_path', 'warnings', 'metadata', 'replaces_id', 'created_at', 'imported_at', 'archived_at'
]

export function toSummary(r: DocumentRow): DocumentSummary {
  return {
    id: r.id,
    name: r.name,
    format: r.format,
    mimeType: r.mime_type,
    sizeBytes: Number(r.size_bytes),
    status: r.status,
    errorCode: r.error_code,
    error: r.error,
    pages: r.pages,
    chunkCount: r.chunk_count,
    source: r.source,
    originalPath: r.original_path,
    warnings: r.warnings ?? [],
    runId: (r.metadata?.['runId'] as string | undefined) ?? null,
    createdAt: r.created_at.toISOString(),
    importedAt: r.imported_at ? r.imported_at.toISOString() : null,
    archivedAt: r.archived_at ? r.archived_at.toISOString() : null
  }
}

export interface NewChunk {
  index: number
  text: string
  charStart: number
  charEnd: number
  page: number | null
  tokenCount: number
}

export const documentsRepository = {
  async createPending(db: Db, d: { name: string; originalPath: string | null; sizeBytes: number; source: string; eventId: number }): Promise<DocumentRow> {
    const [row] = (await db('documents')
      .insert({
        // A placeholder until the detect step has hashed the file (file_hash is unique and required).
        file_hash: db.raw("'pending:' || gen_random_uuid()"),
        name: d.name,
        original_path: d.originalPath,
        size_bytes: d.sizeBytes,
        status: 'pending',
        source: d.source,
        source_event_id: d.eventId
      })
      .returning(SUMMARY_COLUMNS)) as DocumentRow[]
    return row as DocumentRow
  },

  async get(db: Db, id: string): Promise<DocumentRow | undefined> {
    return (await db('documents').select(SUMMARY_COLUMNS).where({ id }).first()) as DocumentRow | undefined
  },

  async text(db: Db, id: string): Promise<string | null> {
    const r = (await db('documents').where({ id }).first('text')) as { text: string | null } | undefined
    return r?.text ?? null
  },

  async update(db: Db, id: string, patch: Record<string, unknown>): Promise<void> {
    await db('documents').where({ id }).update({ ...patch, updated_at: db.fn.now() })
  },

  async setRun(db: Db, id: string, runId: string): Promise<void> {
    await db.raw(`update documents set metadata = metadata || jsonb_build_object('runId', ?::text) where id = ?`, [runId, id])
  },

  async findReadyByHash(db: Db, hash: string, exceptId: string): Promise<DocumentRow | undefined> {
    return (await db('documents').select(SUMMARY_COLUMNS).where({ file_hash: hash }).whereNot({ id: exceptId }).first()) as DocumentRow | undefined
  },

  async findByPath(db: Db, path: string, exceptId: string): Promise<DocumentRow | undefined> {
    return (await db('documents')
      .select(SUMMARY_COLUMNS)
      .where({ original_path: path })
      .whereNot({ id: exceptId })
      .whereIn('status', ['ready', 'failed', 'cancelled'])
      .orderBy('created_at', 'desc')
      .first()) as DocumentRow | undefined
  },

  async list(db: Db, opts: { archived: boolean; limit: number; offset: number }): Promise<{ rows: DocumentRow[]; total: number }> {
    const base = db('documents').where((w) => (opts.archived ? w.whereNotNull('archived_at') : w.whereNull('archived_at')))
    const rows = (await base.clone().select(SUMMARY_COLUMNS).orderBy('created_at', 'desc').limit(opts.limit).offset(opts.offset)) as DocumentRow[]
    const [c] = (await base.clone().count({ n: '*' })) as Array<{ n: string }>
    return { rows, total: Number(c?.n ?? 0) }
  },

  /** Insert chunks (with their vectors when there are any) in one statement per batch: inserting once is far cheaper than insert-then-update on indexed rows. */
  async insertChunks(trx: Knex.Transaction, documentId: string, chunks: NewChunk[], vectors: { values: Float32Array[]; model: string } | null): Promise<void> {
    if (chunks.length === 0) return
    await trx('document_chunks').insert(
      chunks.map((c, i) => {
        const v = vectors?.values[i]
        return {
          document_id: documentId,
          chunk_index: c.index,
          text: c.text,
          char_start: c.charStart,
          char_end: c.charEnd,
          page: c.page,
          token_count: c.tokenCount,
          ...(v && vectors ? { embedding: trx.raw('?::vector', [toVectorParam(v)]), embedding_dim: v.length, embedding_model: vectors.model } : {})
        }
      })
    )
  },

  async deleteChunks(db: Db, documentId: string): Promise<void> {
    await db('document_chunks').where({ document_id: documentId }).del()
  },

  async chunks(db: Db, documentId: string): Promise<DocumentChunkInfo[]> {
    const rows = (await db('document_chunks').select('id', 'chunk_index', 'char_start', 'char_end', 'page').where({ document_id: documentId }).orderBy('chunk_index')) as Array<{
      id: string
      chunk_index: number
      char_start: number
      char_end: number
      page: number | null
    }>
    return rows.map((r) => ({ id: r.id, index: r.chunk_index, charStart: r.char_start, charEnd: r.char_end, page: r.page }))
  },

  async remove(db: Db, id: string): Promise<void> {
    await db('documents').where({ id }).del()
  }
}
