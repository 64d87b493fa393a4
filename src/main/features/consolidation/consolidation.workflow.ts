/**
 * Consolidation (`memories.consolidate`, heavy): finds clusters of near-duplicate memories
 * and replaces each with one merged memory, keeping the originals in the archive, tagged
 * with the run (`archived_by_run`), so that `undo(runId)` puts back exactly what was there.
 *
 * - find: nearest neighbours of every active memory through the HNSW index (cosine ≥ the
 *   `memories.duplicate_threshold` setting), in batches with a checkpoint, plus memories
 *   whose text is the same up to case, white space and punctuation; star clusters.
 * - merge: one transaction per cluster (its members locked and re-checked, the merged memory,
 *   the archived originals, the cluster record with the originals' rows, and the step's
 *   checkpoint), so a crash or a cancel leaves whole clusters or none. The merged text is
 *   extractive and deterministic, or written by the LLM when one is configured (falling back
 *   to extractive when the LLM fails).
 */
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import { eventsRepository } from '../events/events.repository'
import type { LlmService } from '../llm/llm.types'
import { contentHash, normalizeTopics } from '../memories/normalize'
import { defineWorkflow, isTerminal, type WorkflowDefinition, type WorkflowRunner } from '../workflows/runner'
import { workflowsRepository } from '../workflows/workflows.repository'
import { buildClusters, extractiveMerge, leaderOrder, type ClusterCandidate, type Pair } from './consolidation.merge'
import { consolidationRepository as repo } from './consolidation.repository'

export const CONSOLIDATE_WORKFLOW = 'memories.consolidate'

export interface ConsolidateInput {
  /** Cosine similarity at or above which memories merge; default the duplicate threshold setting. */
  threshold?: number
}

export interface ConsolidationDeps {
  duplicateThreshold: () => Promise<number>
  /** The LLM layer when it exists; `resolve()` answers null when none is configured. */
  llm?: () => LlmService | null
  onChanged?: (ids: string[]) => void
  /** The merged memories wait to be embedded: wake the queue. */
  enqueued?: () => void
  /** Anchors per nearest-neighbour query (default 100). */
  batchSize?: number
  /** Clusters merged per transaction (default 20). */
  mergeBatch?: number
}

interface FindState {
  dimIndex: number
  after: string | null
  pairs: Pair[]
  scanned: number
}

interface FindOutput {
  threshold: number
  scanned: number
  pairs: number
  clusters: string[][]
}

interface MergeState {
  next: number
  merged: number
  skipped: number
  archived: number
  llm: number
}

const NEIGHBOURS = 6

type MemberRow = { id: string; content: string; type: string; topics: string[]; importance: number; pinned: boolean; access_count: number; last_accessed_at: string | null; created_at: string; status: string }

async function llmMerge(llm: LlmService | null, contents: string[], signal: AbortSignal): Promise<string | null> {
  if (!llm) return null
  const config = await llm.resolve().catch(() => null)
  if (!config) return null
  const r = await llm.complete({
    config,
    kind: 'extract',
    signal,
    maxTokens: 800,
    messages: [
      {
        role: 'system',
        content:
          'You merge near-duplicate personal notes into one note. Keep every distinct fact, name, date and number; drop repetition; do not add anything. Answer with the merged note only.'
      },
      { role: 'user', content: contents.map((c, i) => `Note ${i + 1}:\n${c}`).join('\n\n') }
    ]
  })
  if (!r.ok || r.value.incomplete) return null
  const text = r.value.content.trim()
  return text && text.length <= 20_000 ? text : null
}

interface Plan {
  index: number
  members: string[]
  /** Active members in leader order (all of them when the cluster is intact). */
  ordered: string[]
  text: string
  hash: string
  method: 'extractive' | 'llm'
}

/**
 * Apply a batch of clusters in the caller's transaction: set-based statements for the
 * whole batch (a cluster costs a few rows, not a dozen round trips), with the step's
 * checkpoint. A cluster whose members changed since it was found, or whose merged text
 * another active memory already has, is skipped.
 */
async function applyBatch(
  trx: Knex.Transaction,
  runId: string,
  plans: Plan[],
  st: MergeState,
  checkpoint: (data: MergeState) => Promise<void>
): Promise<{ state: MergeState; changed: string[]; skipped: number[] }> {
  const all = plans.flatMap((p) => p.members)
  const snapshot = (await repo.lockMembers(trx, all)) as unknown as MemberRow[]
  const byId = new Map(snapshot.map((r) => [r.id, r]))
  const clashRows = (await trx('memories').where('status', 'active').whereIn('content_hash', plans.map((p) => p.hash)).select('id', 'content_hash')) as Array<{ id: string; content_hash: string }>
  const usedHashes = new Set<string>()
  const ok: Plan[] = []
  const skipped: number[] = []
  for (const p of plans) {
    const intact = p.ordered.length === p.members.length && p.members.every((id) => byId.get(id)?.status === 'active')
    const clash = clashRows.some((c) => c.content_hash === p.hash && !p.members.includes(c.id)) || usedHashes.has(p.hash)
    if (!intact || clash) skipped.push(p.index)
    else {
      ok.push(p)
      usedHashes.add(p.hash)
    }
  }
  const next: MergeState = { ...st, next: (plans.at(-1)?.index ?? st.next - 1) + 1, skipped: st.skipped + skipped.length }
  const changed: string[] = []
  if (ok.length) {
    const okIds = ok.flatMap((p) => p.members)
    const dups = await repo.duplicatesTouching(trx, okIds)
    const events = (await trx('events')
      .insert(ok.map((p) => ({ type: 'memory.consolidate', source: 'workflow', payload: JSON.stringify({ runId, cluster: p.index, ids: p.ordered, method: p.method }) })))
      .returning('id')) as Array<{ id: string }>
    await trx('memories').whereIn('id', okIds).update({ status: 'archived', archived_at: trx.fn.now(), archived_by_run: runId, updated_at: trx.fn.now() })
    const mergedRows = ok.map((p, k) => {
      const rows = p.ordered.map((id) => byId.get(id) as MemberRow)
      const lead = rows[0] as MemberRow
      const accessed = rows.map((r) => r.last_accessed_at).filter((x): x is string => x !== null).sort()
      return {
        content: p.text,
        content_hash: p.hash,
        type: lead.type,
        topics: normalizeTopics(rows.flatMap((r) => r.topics)),
        importance: Math.max(...rows.map((r) => Number(r.importance))),
        pinned: rows.some((r) => r.pinned),
        source: 'consolidation',
        source_event_id: Number(events[k]?.id),
        access_count: rows.reduce((sum, r) => sum + r.access_count, 0),
        last_accessed_at: accessed.at(-1) ?? null,
        created_at: rows.map((r) => r.created_at).sort()[0]
      }
    })
    const inserted = (await trx('memories').insert(mergedRows).returning(['id', 'content_hash'])) as Array<{ id: string; content_hash: string }>
    const mergedId = new Map(inserted.map((r) => [r.content_hash, r.id]))
    const ids = ok.flatMap((p) => p.members)
    const tags = ok.flatMap((p) => p.members.map(() => p.index))
    await trx.raw(
      `update memory_duplicates d set status = 'merged', resolved_at = now()
         from unnest(?::uuid[], ?::int[]) a(id, c) join unnest(?::uuid[], ?::int[]) b(id, c) on a.c = b.c
        where d.status = 'pending' and d.memory_id = a.id and d.candidate_id = b.id`,
      [ids, tags, ids, tags]
    )
    await trx('consolidation_clusters').insert(
      ok.map((p) => ({
        run_id: runId,
        cluster_index: p.index,
        merged_id: mergedId.get(p.hash),
        member_ids: p.ordered,
        originals: JSON.stringify(p.members.map((id) => byId.get(id))),
        duplicates: JSON.stringify(dups.filter((d) => p.members.includes(String(d['memory_id'])) || p.members.includes(String(d['candidate_id'])))),
        method: p.method
      }))
    )
    next.merged += ok.length
    next.archived += okIds.length
    next.llm += ok.filter((p) => p.method === 'llm').length
    for (const p of ok) changed.push(mergedId.get(p.hash) as string, ...p.members)
  }
  await checkpoint(next)
  return { state: next, changed, skipped }
}

export function consolidationWorkflow(deps: ConsolidationDeps): WorkflowDefinition<ConsolidateInput> {
  const batch = deps.batchSize ?? 100
  const mergeBatch = Math.max(1, deps.mergeBatch ?? 20)
  return defineWorkflow<ConsolidateInput>({
    name: CONSOLIDATE_WORKFLOW,
    heavy: true,
    steps: [
      {
        name: 'find',
        weight: 2,
        async run(ctx): Promise<FindOutput> {
          const t = ctx.input?.threshold
          const threshold = typeof t === 'number' && t > 0 && t <= 1 ? t : await deps.duplicateThreshold()
          const dims = await repo.dims(ctx.db)
          const st: FindState = (ctx.state as FindState | null) ?? { dimIndex: 0, after: null, pairs: [], scanned: 0 }
          let total = 0
          for (const d of dims) total += await repo.countCandidates(ctx.db, d)
          for (; st.dimIndex < dims.length; st.dimIndex++, st.after = null) {
            const dim = dims[st.dimIndex] as number
            for (;;) {
              if (ctx.signal.aborted) throw ctx.signal.reason
              const r = await repo.nearPairs(ctx.db, dim, st.after, batch, threshold, NEIGHBOURS)
              if (r.anchors === 0) break
              st.pairs.push(...r.pairs)
              st.after = r.last
              st.scanned += r.anchors
              await ctx.checkpoint(st)
              ctx.progress(total ? st.scanned / total : 1, `${st.scanned} of ${total} memories compared`)
            }
          }
          const dismissed = await repo.dismissedPairs(ctx.db)
          const pairs = st.pairs.filter((p) => !dismissed.has(p.a < p.b ? `${p.a}|${p.b}` : `${p.b}|${p.a}`))
          for (const group of await repo.looseDuplicateGroups(ctx.db)) for (const other of group.slice(1)) pairs.push({ a: group[0] as string, b: other, similarity: 1 })
          const ids = [...new Set(pairs.flatMap((p) => [p.a, p.b]))]
          const rows = await repo.candidates(ctx.db, ids)
          const clusters = buildClusters(pairs, rows)
          ctx.log('info', `Compared ${st.scanned} memories at cosine ≥ ${threshold}: ${clusters.length} cluster(s) to merge.`)
          return { threshold, scanned: st.scanned, pairs: pairs.length, clusters }
        }
      },
      {
        name: 'merge',
        weight: 3,
        async run(ctx) {
          const found = ctx.outputs['find'] as FindOutput
          const st: MergeState = (ctx.state as MergeState | null) ?? { next: 0, merged: 0, skipped: 0, archived: 0, llm: 0 }
          const llm = deps.llm?.() ?? null
          const changed: string[] = []
          const total = found.clusters.length
          while (st.next < total) {
            if (ctx.signal.aborted) throw ctx.signal.reason
            const from = st.next
            const batch = found.clusters.slice(from, from + mergeBatch)
            const before = (await ctx.db('memories').whereIn('id', batch.flat()).select('id', 'content', 'importance', 'pinned', 'created_at', 'status')) as Array<{
              id: string
              content: string
              importance: number
              pinned: boolean
              created_at: Date
              status: string
            }>
            const byIdBefore = new Map(before.map((r) => [r.id, r]))
            const plans: Plan[] = []
            for (const [k, members] of batch.entries()) {
              const ordered: ClusterCandidate[] = members
                .map((id) => byIdBefore.get(id))
                .filter((r): r is NonNullable<typeof r> => r !== undefined && r.status === 'active')
                .map((r) => ({ id: r.id, content: r.content, importance: Number(r.importance), pinned: r.pinned, createdAt: r.created_at.getTime() }))
                .sort(leaderOrder)
              const fromLlm = ordered.length === members.length ? await llmMerge(llm, ordered.map((r) => r.content), ctx.signal).catch(() => null) : null
              const text = fromLlm ?? extractiveMerge(ordered.map((r) => r.content))
              plans.push({ index: from + k, members, ordered: ordered.map((r) => r.id), text, hash: contentHash(text), method: fromLlm ? 'llm' : 'extractive' })
            }
            const result = await ctx.db.transaction((trx) => applyBatch(trx, ctx.runId, plans, st, (data) => ctx.checkpoint(data, trx)))
            Object.assign(st, result.state)
            changed.push(...result.changed)
            if (result.skipped.length) ctx.log('info', `Cluster(s) ${result.skipped.map((i) => i + 1).join(', ')} changed since they were found; left as they are.`)
            ctx.progress(st.next / total, `${st.next} of ${total} clusters`)
            if (changed.length >= 200) deps.onChanged?.(changed.splice(0))
          }
          if (changed.length) deps.onChanged?.(changed)
          if (st.merged) deps.enqueued?.()
          return { clusters: found.clusters.length, merged: st.merged, archived: st.archived, skipped: st.skipped, llm: st.llm, undo: st.merged > 0 }
        }
      }
    ]
  })
}

export interface UndoResult {
  runId: string
  /** Originals back to active. */
  restored: number
  /** Merged memories removed. */
  removed: number
}

export interface ConsolidationService {
  /** Put back what a consolidation run did: the merged memories go, the originals return as they were. */
  undo(runId: string): Promise<UndoResult>
}

export function createConsolidationService({ db, runner, onChanged }: { db: Knex; runner: WorkflowRunner; onChanged?: (ids: string[]) => void }): ConsolidationService {
  return {
    async undo(runId) {
      const { run } = await runner.get(runId, { logLimit: 1 })
      if (run.name !== CONSOLIDATE_WORKFLOW) throw new AppError('validation', 'Only a consolidation run can be undone.')
      if (!isTerminal(run.status)) throw new AppError('conflict', 'This consolidation is still running. Cancel it or wait for it to finish, then undo.')
      const clusters = (await repo.clustersOf(db, runId)).filter((c) => !c.undoneAt)
      if (clusters.length === 0) throw new AppError('conflict', 'There is nothing to undo: this run merged nothing, or it was undone already.')
      const out = await db.transaction(async (trx) => {
        // Set-based: a run can have merged thousands of clusters.
        const mergedIds = clusters.map((c) => c.mergedId)
        const memberIds = clusters.flatMap((c) => c.memberIds)
        const merged = (await trx('memories').whereIn('id', mergedIds).select('id', 'status', 'content')) as Array<{ id: string; status: string; content: string }>
        const edited = merged.find((m) => m.status === 'superseded')
        if (edited)
          throw new AppError('conflict', `A merged memory was edited or merged again since ("${edited.content.slice(0, 60)}"). Undo stopped with nothing changed, so that edit is not lost.`)
        const now = await repo.lockMembers(trx, memberIds)
        if (now.length !== memberIds.length || now.some((r) => r['status'] !== 'archived' || r['archived_by_run'] !== runId))
          throw new AppError('conflict', 'Some of the originals were restored, edited or deleted since the run. Undo stopped with nothing changed.')
        const originals = clusters.flatMap((c) => c.originals)
        const hashes = originals.filter((o) => o['status'] === 'active').map((o) => String(o['content_hash']))
        const clash = (await trx('memories')
          .where('status', 'active')
          .whereIn('content_hash', hashes)
          .whereNotIn('id', mergedIds)
          .first('content')) as { content: string } | undefined
        if (clash) throw new AppError('conflict', `A memory with the same text as an original was added since ("${clash.content.slice(0, 60)}"). Archive or edit it, then undo again.`)
        await trx('memories').whereIn('superseded_by', mergedIds).update({ superseded_by: null })
        const removed = await trx('memories').whereIn('id', mergedIds).del()
        await repo.restoreRows(trx, originals)
        const seen = new Set<string>()
        const dups = clusters
          .flatMap((c) => c.duplicates)
          .filter((d) => {
            const key = `${String(d['memory_id'])}|${String(d['candidate_id'])}`
            return seen.has(key) ? false : (seen.add(key), true)
          })
        await repo.restoreDuplicates(trx, memberIds, dups)
        await trx('consolidation_clusters').whereIn('id', clusters.map((c) => c.id)).update({ undone_at: trx.fn.now() })
        await eventsRepository.append(trx, { type: 'memory.consolidate.undo', source: 'app', payload: { runId, clusters: clusters.length } })
        const restored = originals.length
        await workflowsRepository.appendLog(trx, { runId, stepId: null, level: 'info', message: `Undone: ${restored} memories restored, ${removed} merged memories removed.`, at: new Date() })
        return { runId, restored, removed }
      })
      onChanged?.([...clusters.flatMap((c) => [c.mergedId, ...c.memberIds])])
      return out
    }
  }
}
