/**
 * Re-embedding (`embeddings.reembed`, heavy): moves every vector (memories, document chunks,
 * messages) to another embedding space (model and/or dimension) while search keeps working.
 *
 * Each table has `embedding_next` (+ `_model`, `_dim`) beside `embedding`. The run:
 * 1. prepare: checks the target against the loaded model, records it in `embedding_spaces`.
 * 2. index: creates the HNSW index of the new dimension on `embedding_next`, while it is
 *    still empty. Building it after the backfill would be one statement of tens of seconds,
 *    and PGlite has one session: search would wait that long. Built first, each backfill
 *    batch adds its rows to the graph in its own short transaction.
 * 3. backfill: the new vectors into `embedding_next`, in batches; search still uses
 *    `embedding` (the old space) throughout.
 * 4. switch: one transaction renames `embedding` ↔ `embedding_next` (and their model and
 *    dim columns) in the three tables and records the new space in the `embeddings.active`
 *    setting. Indexes follow their column, so the new index now serves `embedding`; no row
 *    is rewritten, and search embeds its next query in the new space.
 * 5. sweep: rows written with the old space while the run went (new captures, imports) are
 *    embedded again.
 * 6. cleanup: drops the old vectors (now in `embedding_next`) and their indexes.
 *
 * Only a model that is loaded can be used; a reduced dimension is Matryoshka-style
 * truncation (see `EmbedOptions.dim`), right for models trained for it.
 */
import { REBUILD_MARKER_SQL } from '../search/candidate-index'
import type { Knex } from 'knex'
import { AppError } from '../../../shared/errors'
import { toVectorParam } from '../../db/vector'
import type { Embedder } from '../embeddings/embedder'
import { settingsRepository } from '../settings/settings.repository'
import { defineWorkflow, type WorkflowDefinition } from '../workflows/runner'
import { ACTIVE_EMBEDDING_KEY, readActiveEmbedding } from './active'

export const REEMBED_WORKFLOW = 'embeddings.reembed'

export interface ReembedInput {
  dim: number
  /** The model to embed with; only the loaded model is possible (default: it). */
  model?: string
}

export interface ReembedDeps {
  embedder: Embedder
  /** Texts per embedding batch and per write transaction (default 64). */
  batchSize?: number
  /** Memories left with the old space are re-embedded by the embedding queue. */
  enqueued?: () => void
}

const TABLES = [
  { table: 'memories', text: 'content' },
  { table: 'document_chunks', text: 'text' },
  { table: 'messages', text: 'content' }
] as const

interface Target {
  model: string
  dim: number
  native: number
  from: { model: string; dim: number }
}

const COLUMNS = ['embedding', 'embedding_model', 'embedding_dim'] as const

async function nextIndexes(db: Knex | Knex.Transaction, table: string): Promise<Array<{ name: string; def: string }>> {
  const r = await db.raw(
    "select indexname as name, indexdef as def from pg_indexes where schemaname = current_schema() and tablename = ? and indexdef ilike '%embedding_next%'",
    [table]
  )
  return r.rows as Array<{ name: string; def: string }>
}

async function indexExists(db: Knex | Knex.Transaction, name: string): Promise<boolean> {
  const r = await db.raw('select 1 from pg_indexes where schemaname = current_schema() and indexname = ?', [name])
  return r.rows.length > 0
}

/** Rows whose vector in `column` is not in the target space yet (bindings: dim, model). */
function staleWhere(column: 'embedding' | 'embedding_next'): string {
  return column === 'embedding_next'
    ? '(embedding is not null and (embedding_next is null or embedding_next_dim is distinct from ? or embedding_next_model is distinct from ?))'
    : '((embedding is not null and (embedding_dim is distinct from ? or embedding_model is distinct from ?)) or (embedding is null and embedding_next is not null))'
}

/** Embed stale rows of every table into `column`, batch by batch. Returns rows written. */
async function embedInto(
  db: Knex,
  embedder: Embedder,
  t: Target,
  column: 'embedding' | 'embedding_next',
  batch: number,
  signal: AbortSignal,
  onBatch: (table: string, rows: number) => void
): Promise<number> {
  let written = 0
  for (const { table, text } of TABLES) {
    for (;;) {
      if (signal.aborted) throw signal.reason
      const rows = (await db(table)
        .whereRaw(staleWhere(column), [t.dim, t.model])
        .orderBy('id')
        .limit(batch)
        .select('id', `${text} as text`)) as Array<{ id: string; text: string }>
      if (rows.length === 0) break
      const vectors = await embedder.embed(rows.map((r) => r.text), { dim: t.dim })
      if (vectors.model !== t.model || vectors.dim !== t.dim) throw new AppError('conflict', `The embedding model changed during the run (now ${vectors.model}, ${vectors.dim} dims). Start the re-embed again.`)
      await db.transaction(async (trx) => {
        for (let i = 0; i < rows.length; i++) {
          await trx.raw(`update ${table} set ${column} = ?::vector, ${column}_dim = ?, ${column}_model = ? where id = ?`, [
            toVectorParam(vectors[i] as Float32Array),
            t.dim,
            t.model,
            (rows[i] as { id: string }).id
          ])
        }
      })
      written += rows.length
      onBatch(table, rows.length)
    }
  }
  return written
}

export function reembedWorkflow(deps: ReembedDeps): WorkflowDefinition<ReembedInput> {
  const { embedder } = deps
  const batch = deps.batchSize ?? 64
  return defineWorkflow<ReembedInput>({
    name: REEMBED_WORKFLOW,
    heavy: true,
    steps: [
      {
        name: 'prepare',
        async run(ctx): Promise<Target> {
          const s = await embedder.load()
          if (s.state !== 'ready' || !s.dim) throw new AppError('unavailable', `Re-embedding needs the embedding model, and it is not available: ${s.message}`)
          const model = ctx.input?.model ?? s.model
          const dim = Number(ctx.input?.dim)
          if (model !== s.model) throw new AppError('validation', `Only the loaded model (${s.model}) can embed. To use ${model}, point Engram at its folder first, then re-embed.`)
          if (!Number.isInteger(dim) || dim < 32 || dim > s.dim) throw new AppError('validation', `${s.model} makes ${s.dim}-dimensional vectors: choose between 32 and ${s.dim} dimensions.`)
          const from = (await readActiveEmbedding(ctx.db)) ?? { model: s.model, dim: s.dim }
          if (from.model === model && from.dim === dim) {
            const stale = Number((await ctx.db.raw('select count(*)::int as n from memories where embedding is not null and embedding_dim <> ?', [dim])).rows[0].n)
            if (stale === 0) throw new AppError('validation', `Vectors already use ${model} at ${dim} dimensions; there is nothing to re-embed.`)
          }
          await ctx.db.raw(
            `insert into embedding_spaces (model, dim, status) values (?, ?, 'backfilling')
               on conflict (model, dim) do update set status = case when embedding_spaces.status = 'active' then 'active' else 'backfilling' end`,
            [model, dim]
          )
          ctx.log('info', `Re-embedding from ${from.model} (${from.dim} dims) to ${model} (${dim} dims).`)
          return { model, dim, native: s.dim, from }
        }
      },
      {
        name: 'index',
        async run(ctx) {
          const t = ctx.outputs['prepare'] as Target
          const made: string[] = []
          for (const { table } of TABLES) {
            // A stopped earlier run may have left an index of another dimension on embedding_next.
            for (const ix of await nextIndexes(ctx.db, table)) if (!ix.def.includes(`vector(${t.dim})`)) await ctx.db.raw(`drop index if exists ${ix.name}`)
            const name = `${table}_embedding_${t.dim}_next`
            if (!(await indexExists(ctx.db, name)))
              await ctx.db.raw(
                `create index ${name} on ${table} using hnsw ((embedding_next::public.vector(${t.dim})) public.vector_cosine_ops) where embedding_next_dim = ${t.dim}`
              )
            made.push(name)
          }
          return { indexes: made }
        }
      },
      {
        name: 'backfill',
        weight: 8,
        async run(ctx) {
          const t = ctx.outputs['prepare'] as Target
          let total = 0
          for (const { table } of TABLES) total += Number((await ctx.db.raw(`select count(*)::int as n from ${table} where embedding is not null`)).rows[0].n)
          let done = 0
          const written = await embedInto(ctx.db, embedder, t, 'embedding_next', batch, ctx.signal, (table, n) => {
            done += n
            ctx.progress(total ? Math.min(1, done / total) : 1, `${done} of ${total} vectors (${table})`)
          })
          ctx.log('info', `Embedded ${written} vectors in the new space.`)
          return { written }
        }
      },
      {
        name: 'switch',
        async run(ctx) {
          const t = ctx.outputs['prepare'] as Target
          const done = ctx.state as { previous: unknown } | null
          if (done) {
            // Switched already (the commit landed, the step's end did not): never swap back.
            embedder.setOutputDim(t.dim === t.native ? null : t.dim)
            return { active: { model: t.model, dim: t.dim }, previous: done.previous }
          }
          // Catch up on rows added since the backfill, so that the switch leaves few to sweep.
          await embedInto(ctx.db, embedder, t, 'embedding_next', batch, ctx.signal, () => undefined)
          const previous = await ctx.db.transaction(async (trx) => {
            for (const { table } of TABLES) {
              for (const c of COLUMNS) {
                const next = c.replace('embedding', 'embedding_next')
                await trx.raw(`alter table ${table} rename column ${c} to ${c}_swap`)
                await trx.raw(`alter table ${table} rename column ${next} to ${c}`)
                await trx.raw(`alter table ${table} rename column ${c}_swap to ${next}`)
              }
            }
            // Renames fire no trigger: the in-process search index must re-read every vector.
            await trx.raw(REBUILD_MARKER_SQL)
            const before = await settingsRepository.get(trx, ACTIVE_EMBEDDING_KEY)
            const value = { model: t.model, dim: t.dim }
            await settingsRepository.upsert(trx, ACTIVE_EMBEDDING_KEY, value)
            await settingsRepository.audit(trx, { key: ACTIVE_EMBEDDING_KEY, oldValue: before?.value ?? null, newValue: value, source: 'workflow' })
            await trx.raw("update embedding_spaces set status = 'retired' where status = 'active' and not (model = ? and dim = ?)", [t.model, t.dim])
            await trx.raw("update embedding_spaces set status = 'active', activated_at = now() where model = ? and dim = ?", [t.model, t.dim])
            await ctx.checkpoint({ previous: before?.value ?? null }, trx)
            return before?.value ?? null
          })
          embedder.setOutputDim(t.dim === t.native ? null : t.dim)
          ctx.log('info', `Switched: search and new vectors now use ${t.model} at ${t.dim} dimensions.`)
          return { active: { model: t.model, dim: t.dim }, previous }
        }
      },
      {
        name: 'sweep',
        async run(ctx) {
          const t = ctx.outputs['prepare'] as Target
          embedder.setOutputDim(t.dim === t.native ? null : t.dim)
          let n = 0
          const written = await embedInto(ctx.db, embedder, t, 'embedding', batch, ctx.signal, (table, rows) => ctx.progress(0.5, `${(n += rows)} left over (${table})`))
          if (written) ctx.log('info', `Re-embedded ${written} vectors written in the old space during the run.`)
          deps.enqueued?.()
          return { written }
        }
      },
      {
        name: 'cleanup',
        async run(ctx) {
          const t = ctx.outputs['prepare'] as Target
          const dropped: string[] = []
          for (const { table } of TABLES) {
            for (const ix of await nextIndexes(ctx.db, table)) {
              await ctx.db.raw(`drop index if exists ${ix.name}`)
              dropped.push(ix.name)
            }
            // With no index on them any more, clearing the old vectors is a cheap (HOT) update.
            for (;;) {
              if (ctx.signal.aborted) throw ctx.signal.reason
              const n = await ctx.db.raw(
                `update ${table} set embedding_next = null, embedding_next_model = null, embedding_next_dim = null
                  where id in (select id from ${table} where embedding_next is not null or embedding_next_dim is not null limit 2000)`
              )
              if (!n.rowCount) break
            }
            const canonical = `${table}_embedding_${t.dim}`
            const current = `${table}_embedding_${t.dim}_next`
            if ((await indexExists(ctx.db, current)) && !(await indexExists(ctx.db, canonical))) await ctx.db.raw(`alter index ${current} rename to ${canonical}`)
          }
          await ctx.db.raw("update embedding_spaces set status = 'retired' where status = 'backfilling' and not (model = ? and dim = ?)", [t.model, t.dim])
          ctx.log('info', `Dropped the old vectors and ${dropped.length} old index(es).`)
          return { model: t.model, dim: t.dim, from: t.from, droppedIndexes: dropped }
        }
      }
    ]
  })
}
