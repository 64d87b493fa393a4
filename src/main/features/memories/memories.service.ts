/**
 * Memories: capture, dedup, edit (supersede, never overwrite), archive, delete with undo,
 * merge, and tiering. Every capture is first an event with an idempotency key, and the
 * memory is committed before `capture` returns; embedding follows in the background
 * through the embedding queue, and the memory waits as 'pending' until a model exists.
 */
import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import type { CaptureResult, CaptureSource, Memory, MemoryDetail, MemoryPage, TimelinePoint } from '../../../shared/types'
import { eventsRepository } from '../events/events.repository'
import { contentHash, normalizeTopics } from './normalize'
import { memoriesRepository as repo, toMemory, type ListFilter, type MemoryRow } from './memories.repository'
import type { AccessRecorder } from './access.recorder'

export interface CaptureInput {
  content: string
  type?: string | undefined
  topics?: string[] | undefined
  importance?: number | undefined
  source: CaptureSource
  idempotencyKey?: string | undefined
  sourceMessageId?: string | null
  sourceChunkId?: string | null
}

export interface UpdateInput {
  content?: string | undefined
  type?: string | undefined
  topics?: string[] | undefined
  importance?: number | undefined
  pinned?: boolean | undefined
}

export interface MemoriesService {
  capture(input: CaptureInput): Promise<CaptureResult>
  get(id: string, opts?: { recordAccess?: boolean }): Promise<MemoryDetail>
  list(input: ListFilter & { sort: 'recent' | 'importance' | 'accessed'; cursor?: string | undefined; limit: number }): Promise<MemoryPage>
  update(id: string, patch: UpdateInput): Promise<Memory>
  archive(id: string): Promise<Memory>
  restore(id: string): Promise<Memory>
  remove(id: string): Promise<{ undoToken: string }>
  undoRemove(token: string): Promise<Memory>
  merge(ids: string[], content?: string): Promise<Memory>
  dismissDuplicate(id: string, candidateId: string): Promise<{ dismissed: boolean }>
  timeline(days: number): Promise<TimelinePoint[]>
  reevaluateTiers(): Promise<number>
}

export interface MemoryEvents {
  changed(ids: string[], reason: 'captured' | 'updated' | 'archived' | 'deleted' | 'merged' | 'tiered'): void
  /** New text to embed. */
  enqueued(): void
}

const UNDO_TTL_MS = 10 * 60 * 1000

export function createMemoriesService({ db, events, access }: { db: Knex; events: MemoryEvents; access: AccessRecorder }): MemoriesService {
  /** Deleted rows kept for undo, in memory only: an undo is for the next minutes, not across restarts. */
  const undo = new Map<string, { rows: Array<Record<string, unknown>>; at: number }>()

  async function mustGet(trx: Knex | Knex.Transaction, id: string): Promise<MemoryRow> {
    const row = await repo.get(trx, id)
    if (!row) throw new AppError('not_found', 'That memory does not exist (it may have been deleted).')
    return row
  }

  async function detail(id: string): Promise<MemoryDetail> {
    const row = await mustGet(db, id)
    const [provenance, history, dups] = [await repo.provenance(db, row), await repo.history(db, id), await repo.duplicatesOf(db, id)]
    const others = await repo.getMany(db, dups.map((d) => d.other))
    const byId = new Map(others.map((o) => [o.id, o]))
    return {
      memory: toMemory(row),
      provenance,
      history: history.map(toMemory),
      duplicates: dups.flatMap((d) => {
        const o = byId.get(d.other)
        return o && o.status === 'active' ? [{ memory: toMemory(o), similarity: d.similarity }] : []
      })
    }
  }

  return {
    async capture(input) {
      const content = input.content.trim()
      if (!content) throw new AppError('validation', 'A memory cannot be empty.')
      const hash = contentHash(content)
      const result = await db.transaction(async (trx) => {
        const event = await eventsRepository.append(trx, {
          type: 'memory.capture',
          source: input.source,
          idempotencyKey: input.idempotencyKey,
          payload: { content, type: input.type ?? null, topics: input.topics ?? [], importance: input.importance ?? null }
        })
        if (!event.created) {
          // The same submit again: answer with what the first one made.
          const first = (await repo.findByEvent(trx, event.id)) ?? (await repo.findActiveByHash(trx, hash))
          if (first) return { memory: toMemory(first), outcome: 'duplicate' as const }
        }
        const existing = await repo.findActiveByHash(trx, hash)
        if (existing) {
          await repo.touch(trx, [existing.id])
          const patch: Record<string, unknown> = {}
          if (input.importance !== undefined && input.importance > Number(existing.importance)) patch['importance'] = input.importance
          const extraTopics = normalizeTopics([...existing.topics, ...(input.topics ?? [])])
          if (extraTopics.length !== existing.topics.length) patch['topics'] = extraTopics
          const memory = Object.keys(patch).length ? await repo.update(trx, existing.id, patch) : toMemory((await repo.get(trx, existing.id)) as MemoryRow)
          return { memory, outcome: 'duplicate' as const }
        }
        const memory = await repo.insert(trx, {
          content,
          contentHash: hash,
          type: input.type ?? 'note',
          topics: normalizeTopics(input.topics ?? []),
          importance: input.importance ?? 0.5,
          source: input.source,
          sourceEventId: event.id,
          sourceMessageId: input.sourceMessageId ?? null,
          sourceChunkId: input.sourceChunkId ?? null
        })
        return { memory, outcome: 'created' as const }
      })
      events.changed([result.memory.id], 'captured')
      if (result.outcome === 'created') events.enqueued()
      return result
    },

    async get(id, opts) {
      if (opts?.recordAccess) access.record([id])
      await access.flush()
      return detail(id)
    },

    async list(input) {
      await access.flush()
      const offset = input.cursor ? Number.parseInt(input.cursor, 10) : 0
      if (!Number.isInteger(offset) || offset < 0) throw new AppError('validation', 'That page cursor is not valid.')
      const rows = await repo.list(db, input, input.sort, offset, input.limit + 1)
      const more = rows.length > input.limit
      const items = rows.slice(0, input.limit).map(toMemory)
      const total = offset === 0 && !more ? items.length : await repo.count(db, input)
      return { items, total, nextCursor: more ? String(offset + input.limit) : null }
    },

    async update(id, patch) {
      const out = await db.transaction(async (trx) => {
        const row = await mustGet(trx, id)
        if (row.status !== 'active') throw new AppError('conflict', 'Only an active memory can be edited. Restore it first.')
        const fields: Record<string, unknown> = {}
        if (patch.type !== undefined) fields['type'] = patch.type
        if (patch.topics !== undefined) fields['topics'] = normalizeTopics(patch.topics)
        if (patch.importance !== undefined) fields['importance'] = patch.importance
        if (patch.pinned !== undefined) fields['pinned'] = patch.pinned
        const newContent = patch.content?.trim()
        if (newContent !== undefined && newContent !== row.content) {
          const hash = contentHash(newContent)
          const clash = await repo.findActiveByHash(trx, hash)
          if (clash && clash.id !== id) throw new AppError('conflict', 'Another memory already says exactly this. Merge them instead.', { id: clash.id })
          const event = await eventsRepository.append(trx, { type: 'memory.edit', source: 'app', payload: { id, content: newContent } })
          // Supersede: the old version stays, pointing at the new one.
          await repo.update(trx, id, { status: 'superseded' })
          const next = await repo.insert(trx, {
            content: newContent,
            contentHash: hash,
            type: (fields['type'] as string | undefined) ?? row.type,
            topics: (fields['topics'] as string[] | undefined) ?? row.topics,
            importance: (fields['importance'] as number | undefined) ?? Number(row.importance),
            pinned: (fields['pinned'] as boolean | undefined) ?? row.pinned,
            source: row.source,
            sourceEventId: event.id,
            sourceMessageId: row.source_message_id,
            sourceChunkId: row.source_chunk_id
          })
          await repo.update(trx, id, { superseded_by: next.id })
          await trx('memories').where({ id: next.id }).update({ access_count: row.access_count, last_accessed_at: row.last_accessed_at, created_at: row.created_at })
          await trx('memory_duplicates').where('status', 'pending').where((w) => w.where('memory_id', id).orWhere('candidate_id', id)).del()
          return { memory: toMemory((await repo.get(trx, next.id)) as MemoryRow), superseded: true }
        }
        if (Object.keys(fields).length === 0) return { memory: toMemory(row), superseded: false }
        await eventsRepository.append(trx, { type: 'memory.update', source: 'app', payload: { id, ...fields } })
        return { memory: await repo.update(trx, id, fields), superseded: false }
      })
      events.changed([id, out.memory.id], 'updated')
      if (out.superseded) events.enqueued()
      return out.memory
    },

    async archive(id) {
      const m = await db.transaction(async (trx) => {
        const row = await mustGet(trx, id)
        if (row.status === 'superseded') throw new AppError('conflict', 'An earlier version cannot be archived on its own.')
        return repo.update(trx, id, { status: 'archived', archived_at: trx.fn.now() })
      })
      events.changed([id], 'archived')
      return m
    },

    async restore(id) {
      const m = await db.transaction(async (trx) => {
        const row = await mustGet(trx, id)
        if (row.status !== 'archived') return toMemory(row)
        const clash = await repo.findActiveByHash(trx, row.content_hash)
        if (clash) throw new AppError('conflict', 'An active memory already says exactly this, so this one cannot be restored beside it.', { id: clash.id })
        return repo.update(trx, id, { status: 'active', archived_at: null, archived_by_run: null })
      })
      events.changed([id], 'archived')
      return m
    },

    async remove(id) {
      const rows = await db.transaction(async (trx) => {
        await mustGet(trx, id)
        // The memory and its earlier versions go together; pointers to them are cleared.
        const chain = [id, ...(await repo.history(trx, id)).map((h) => h.id)]
        const full = (await trx('memories').whereIn('id', chain).select('*')) as Array<Record<string, unknown>>
        await trx('memories').whereIn('superseded_by', chain).whereNotIn('id', chain).update({ superseded_by: null })
        await trx('memories').whereIn('id', chain).update({ superseded_by: null })
        await trx('memories').whereIn('id', chain).del()
        return full
      })
      const token = randomUUID()
      const now = Date.now()
      for (const [k, v] of undo) if (now - v.at > UNDO_TTL_MS) undo.delete(k)
      undo.set(token, { rows, at: now })
      events.changed([id], 'deleted')
      return { undoToken: token }
    },

    async undoRemove(token) {
      const entry = undo.get(token)
      if (!entry || Date.now() - entry.at > UNDO_TTL_MS) throw new AppError('not_found', 'This delete can no longer be undone.')
      const head = entry.rows.find((r) => r['status'] !== 'superseded') ?? entry.rows[0]
      await db.transaction(async (trx) => {
        const hash = head?.['content_hash'] as string
        if (head?.['status'] === 'active' && (await repo.findActiveByHash(trx, hash)))
          throw new AppError('conflict', 'A memory with the same text was added since; this delete cannot be undone.')
        const plain = entry.rows.map(({ tsv: _tsv, superseded_by: _s, ...r }) => r)
        await trx('memories').insert(plain)
        for (const r of entry.rows) if (r['superseded_by']) await trx('memories').where({ id: r['id'] }).update({ superseded_by: r['superseded_by'] })
      })
      undo.delete(token)
      const id = head?.['id'] as string
      events.changed([id], 'captured')
      return toMemory((await repo.get(db, id)) as MemoryRow)
    },

    async merge(ids, content) {
      const unique = [...new Set(ids)]
      if (unique.length < 2) throw new AppError('validation', 'Pick at least two memories to merge.')
      const merged = await db.transaction(async (trx) => {
        const rows = await repo.getMany(trx, unique)
        if (rows.length !== unique.length) throw new AppError('not_found', 'One of those memories no longer exists.')
        if (rows.some((r) => r.status !== 'active')) throw new AppError('conflict', 'Only active memories can be merged.')
        const ordered = unique.map((id) => rows.find((r) => r.id === id) as MemoryRow)
        const text = (content ?? ordered[0]?.content ?? '').trim()
        const hash = contentHash(text)
        const event = await eventsRepository.append(trx, { type: 'memory.merge', source: 'app', payload: { ids: unique, content: text } })
        await trx('memories').whereIn('id', unique).update({ status: 'superseded', updated_at: trx.fn.now() })
        const memory = await repo.insert(trx, {
          content: text,
          contentHash: hash,
          type: ordered[0]?.type ?? 'note',
          topics: normalizeTopics(ordered.flatMap((r) => r.topics)),
          importance: Math.max(...ordered.map((r) => Number(r.importance))),
          pinned: ordered.some((r) => r.pinned),
          source: 'merge',
          sourceEventId: event.id
        })
        await trx('memories').whereIn('id', unique).update({ superseded_by: memory.id })
        await trx('memories')
          .where({ id: memory.id })
          .update({
            access_count: ordered.reduce((s, r) => s + r.access_count, 0),
            created_at: new Date(Math.min(...ordered.map((r) => r.created_at.getTime())))
          })
        await repo.resolveDuplicates(trx, unique, 'merged')
        return toMemory((await repo.get(trx, memory.id)) as MemoryRow)
      })
      events.changed([...unique, merged.id], 'merged')
      events.enqueued()
      return merged
    },

    async dismissDuplicate(id, candidateId) {
      const n = await repo.resolveDuplicates(db, [], 'dismissed', [id, candidateId])
      return { dismissed: n > 0 }
    },

    timeline: (days) => repo.timeline(db, days),

    async reevaluateTiers() {
      await access.flush()
      const n = await repo.reevaluateTiers(db)
      if (n > 0) events.changed([], 'tiered')
      return n
    }
  }
}
