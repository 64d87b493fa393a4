/**
 * The background embedding queue of one open profile. New text is committed first and
 * marked 'pending'; this queue embeds it shortly after, in batches, off the main thread
 * (the embedder's worker), writes the vectors in pgvector's binary format, and then flags
 * near-duplicate memories. With no model it does nothing and the rows wait; `kick()` after
 * a model arrives picks them up.
 *
 * After the memories, the same pass embeds the backlog of document chunks and chat messages
 * that have no vector (see backlog.repository.ts), one batch at a time, memories first
 * again before each batch, so a capture never waits behind a document's backlog. Search
 * queries go ahead of any batch in the embedder ('high' priority), and each vector is its
 * own short update, so interactive queries get the database between rows.
 */
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import type { Logger } from '../../ipc/router'
import { memoriesRepository } from '../memories/memories.repository'
import { cleanGinPending } from '../../db/maintenance'
import type { Embedder } from './embedder'
import { BACKLOG_SOURCES, backlogRepository, type BacklogSource } from './backlog.repository'

export interface EmbeddingQueue {
  /** Start (or continue) embedding soon. Cheap to call often. */
  kick(): void
  /** Resolves when nothing is pending (or no model can embed it). */
  drain(): Promise<void>
  /** Texts waiting for a vector: memories, document chunks and chat messages. */
  pending(): Promise<number>
  close(): Promise<void>
}

export interface EmbeddingQueueOptions {
  db: Knex
  embedder: Embedder
  logger: Logger
  /** Cosine similarity at or above which two memories are flagged as near-duplicates. */
  duplicateThreshold: () => Promise<number>
  onEmbedded(ids: string[]): void
  batchSize?: number
  delayMs?: number
}

export function createEmbeddingQueue(opts: EmbeddingQueueOptions): EmbeddingQueue {
  const batch = opts.batchSize ?? 32
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null
  let again = false
  let closed = false

  async function flagDuplicates(ids: string[], vectors: Float32Array[]): Promise<void> {
    const threshold = await opts.duplicateThreshold()
    for (let i = 0; i < ids.length; i++) {
      const near = await memoriesRepository.nearest(opts.db, vectors[i] as Float32Array, ids[i] as string, 3)
      for (const n of near) if (n.similarity >= threshold) await memoriesRepository.flagDuplicate(opts.db, ids[i] as string, n.id, n.similarity)
    }
  }

  /** Backlog rows that failed to embed (a text the model rejects): skipped until the queue is rebuilt. */
  const failed = new Map<string, string[]>()
  const touched = new Set<string>()

  async function runOnce(): Promise<void> {
    try {
      await embedPending()
      while (!closed && (await embedBacklogBatch())) await embedPending()
    } finally {
      // New rows and re-indexed updates wait in GIN pending lists: merge them while small.
      if (!closed) await cleanGinPending(opts.db, 'memories')
      for (const t of touched) if (!closed) await cleanGinPending(opts.db, t)
      touched.clear()
    }
  }

  /** Embed one batch of the first source with a backlog. Returns false when there is none (or no model). */
  async function embedBacklogBatch(): Promise<boolean> {
    for (const src of BACKLOG_SOURCES) {
      if (closed || opts.embedder.status().state === 'missing') return false
      const skip = failed.get(src.table) ?? []
      const rows = await backlogRepository.next(opts.db, src, batch, skip)
      if (rows.length === 0) continue
      const vectors = await embedOrIsolate(src, rows)
      if (!vectors) return false
      for (let i = 0; i < rows.length; i++) {
        if (closed) return false
        const v = vectors.values[i]
        if (v) await backlogRepository.setVector(opts.db, src, (rows[i] as { id: string }).id, v, vectors.model)
      }
      touched.add(src.table)
      return true
    }
    return false
  }

  /**
   * The batch's vectors; a batch that fails for a reason other than the model being away is
   * retried text by text, and a text that fails alone is skipped from then on (logged).
   * Null: no model, stop for now.
   */
  async function embedOrIsolate(src: BacklogSource, rows: Array<{ id: string; text: string }>): Promise<{ values: Array<Float32Array | null>; model: string } | null> {
    try {
      const v = await opts.embedder.embed(rows.map((r) => r.text))
      return { values: [...v], model: v.model }
    } catch (err) {
      if (err instanceof AppError && (err.code === 'unavailable' || err.code === 'cancelled')) return null
    }
    const values: Array<Float32Array | null> = []
    let model = ''
    for (const r of rows) {
      try {
        const v = await opts.embedder.embed([r.text])
        values.push(v[0] ?? null)
        model = v.model
      } catch (err) {
        if (err instanceof AppError && (err.code === 'unavailable' || err.code === 'cancelled')) return null
        opts.logger.warn(`[engram] could not embed ${src.table} row ${r.id}; it stays findable by its words`, err)
        failed.set(src.table, [...(failed.get(src.table) ?? []), r.id])
        values.push(null)
      }
    }
    return { values, model }
  }

  async function pendingTotal(): Promise<number> {
    let n = await memoriesRepository.pendingCount(opts.db)
    for (const src of BACKLOG_SOURCES) n += Math.max(0, (await backlogRepository.count(opts.db, src)) - (failed.get(src.table)?.length ?? 0))
    return n
  }

  async function embedPending(): Promise<void> {
    for (;;) {
      if (closed) return
      const state = opts.embedder.status().state
      if (state === 'missing') return
      const rows = await memoriesRepository.pendingEmbeddings(opts.db, batch)
      if (rows.length === 0) return
      let vectors
      try {
        vectors = await opts.embedder.embed(rows.map((r) => r.content))
      } catch (err) {
        if (err instanceof AppError && (err.code === 'unavailable' || err.code === 'cancelled')) return
        opts.logger.warn('[engram] embedding failed; will retry later', err)
        return
      }
      if (closed) return
      await opts.db.transaction(async (trx) => {
        for (let i = 0; i < rows.length; i++) await memoriesRepository.setEmbedding(trx, (rows[i] as { id: string }).id, vectors[i] as Float32Array, vectors.model)
      })
      const ids = rows.map((r) => r.id)
      await flagDuplicates(ids, vectors)
      opts.onEmbedded(ids)
    }
  }

  function start(): void {
    if (closed) return
    if (running) {
      again = true
      return
    }
    running = runOnce()
      .catch((err: unknown) => {
        if (!closed) opts.logger.warn('[engram] embedding queue stopped', err)
      })
      .finally(() => {
        running = null
        if (again && !closed) {
          again = false
          start()
        }
      })
  }

  return {
    kick() {
      if (closed || timer) return
      timer = setTimeout(() => {
        timer = null
        start()
      }, opts.delayMs ?? 25)
    },
    async drain() {
      let before = Number.POSITIVE_INFINITY
      for (;;) {
        if (timer) {
          clearTimeout(timer)
          timer = null
        }
        if (!running) start()
        await running
        if (closed || opts.embedder.status().state === 'missing') return
        const left = await pendingTotal()
        // Done, or a pass that made no progress (the embedder keeps failing): stop waiting.
        if (left === 0 || left >= before) return
        before = left
      }
    },
    pending: pendingTotal,
    async close() {
      closed = true
      if (timer) clearTimeout(timer)
      await running
    }
  }
}
