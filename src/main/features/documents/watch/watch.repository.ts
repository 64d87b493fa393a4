/**
 * Watched folders, and the reads and writes folder watching makes on documents: which
 * documents came from under a folder, the size and mtime each file had when it was sent
 * to import (`documents.metadata.watch`), and archiving or restoring documents whose file
 * went away or came back. Knex only.
 */
import type { Knex } from 'knex'
import type { DocumentStatus } from '../../../../shared/types'

type Db = Knex | Knex.Transaction

export interface WatchedFolderRow {
  id: string
  path: string
  added_at: Date
  last_scan_at: Date | null
  enabled: boolean
}

/** A file as it was when it was sent to import. */
export interface FileStamp {
  size: number
  mtimeMs: number
}

/** What `documents.metadata.watch` holds. */
export interface WatchMeta extends Partial<FileStamp> {
  /** Archived by the watcher because the file was gone (so it may be restored when it returns). */
  missing?: boolean
}

/** The few document columns reconciliation needs. */
export interface WatchedDocument {
  id: string
  original_path: string
  status: DocumentStatus
  size_bytes: string | number
  created_at: Date
  imported_at: Date | null
  archived_at: Date | null
  watch: WatchMeta | null
}

const docColumns = (db: Db): Array<string | Knex.Raw> => ['id', 'original_path', 'status', 'size_bytes', 'created_at', 'imported_at', 'archived_at', db.raw(`metadata->'watch' as watch`)]

/** `original_path` starts with `prefix`, without LIKE (a path may hold % or _). */
const under = (db: Db, prefix: string): Knex.Raw => db.raw('left(original_path, ?) = ?', [prefix.length, prefix])

export const watchRepository = {
  async list(db: Db): Promise<WatchedFolderRow[]> {
    return (await db('watched_folders').select('*').orderBy('path')) as WatchedFolderRow[]
  },

  async get(db: Db, id: string): Promise<WatchedFolderRow | undefined> {
    return (await db('watched_folders').where({ id }).first()) as WatchedFolderRow | undefined
  },

  async insert(db: Db, path: string): Promise<WatchedFolderRow> {
    const [row] = (await db('watched_folders').insert({ path }).returning('*')) as WatchedFolderRow[]
    return row as WatchedFolderRow
  },

  async remove(db: Db, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0
    return db('watched_folders').whereIn('id', ids).del()
  },

  async touchScan(db: Db, id: string): Promise<void> {
    await db('watched_folders').where({ id }).update({ last_scan_at: db.fn.now() })
  },

  /** Documents not archived whose file was under `prefix` (a folder path ending in a separator). */
  async countUnder(db: Db, prefix: string): Promise<number> {
    const r = (await db('documents').where(under(db, prefix)).whereNull('archived_at').count({ n: '*' }).first()) as { n: string | number } | undefined
    return Number(r?.n ?? 0)
  },

  /** Every document from under `prefix`, newest first (so the first per path is the current one). */
  async documentsUnder(db: Db, prefix: string): Promise<WatchedDocument[]> {
    return (await db('documents').select(docColumns(db)).where(under(db, prefix)).orderBy('created_at', 'desc')) as WatchedDocument[]
  },

  /** The documents of these exact paths, newest first. */
  async documentsAt(db: Db, paths: string[]): Promise<WatchedDocument[]> {
    const out: WatchedDocument[] = []
    for (let i = 0; i < paths.length; i += 500) {
      const slice = paths.slice(i, i + 500)
      out.push(...((await db('documents').select(docColumns(db)).whereIn('original_path', slice).orderBy('created_at', 'desc')) as WatchedDocument[]))
    }
    return out
  },

  /** Remember the size and mtime the file had when it was sent to import (clears `missing`). */
  async setStamp(db: Db, documentId: string, stamp: FileStamp): Promise<void> {
    await db.raw(`update documents set metadata = metadata || jsonb_build_object('watch', ?::jsonb) where id = ?`, [JSON.stringify({ size: stamp.size, mtimeMs: stamp.mtimeMs }), documentId])
  },

  /** Archive documents whose file is gone, marking them as archived by the watcher. */
  async archiveMissing(db: Db, ids: string[]): Promise<void> {
    if (ids.length === 0) return
    await db('documents')
      .whereIn('id', ids)
      .whereNull('archived_at')
      .update({
        archived_at: db.fn.now(),
        updated_at: db.fn.now(),
        metadata: db.raw(`jsonb_set(metadata, '{watch}', coalesce(metadata->'watch', '{}'::jsonb) || '{"missing": true}'::jsonb)`)
      })
  },

  /** Bring back documents the watcher archived, once their file is there again unchanged. */
  async restoreReturned(db: Db, ids: string[]): Promise<void> {
    if (ids.length === 0) return
    await db('documents')
      .whereIn('id', ids)
      .update({ archived_at: null, updated_at: db.fn.now(), metadata: db.raw(`metadata #- '{watch,missing}'`) })
  }
}
