/**
 * Housekeeping as scheduled workflows, so it is durable, visible on the Workflows screen
 * and resumable: tier re-evaluation (light, every 6 hours) and database maintenance
 * (heavy, nightly): merge GIN pending lists, VACUUM (ANALYZE) the big tables (PGlite has no
 * autovacuum, and search's query shaping reads the planner's statistics), and check index
 * health, rebuilding any index left invalid.
 */
import type { Knex } from 'knex'
import { cleanGinPending } from '../../db/maintenance'
import type { MemoriesService } from '../memories/memories.service'
import { defineWorkflow, type WorkflowDefinition } from '../workflows/runner'

export const TIERING_WORKFLOW = 'memories.tiering'
export const MAINTENANCE_WORKFLOW = 'maintenance'
const TABLES = ['memories', 'document_chunks', 'messages', 'sessions', 'documents', 'events']

export function tieringWorkflow(memories: MemoriesService): WorkflowDefinition<Record<string, never>> {
  return defineWorkflow<Record<string, never>>({
    name: TIERING_WORKFLOW,
    steps: [{ name: 'evaluate', run: async () => ({ changed: await memories.reevaluateTiers() }) }]
  })
}

async function invalidIndexes(db: Knex): Promise<string[]> {
  const r = await db.raw(
    `select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid
      where not i.indisvalid and c.relnamespace = current_schema()::regnamespace`
  )
  return (r.rows as Array<{ relname: string }>).map((x) => x.relname)
}

export function maintenanceWorkflow(): WorkflowDefinition<Record<string, never>> {
  return defineWorkflow<Record<string, never>>({
    name: MAINTENANCE_WORKFLOW,
    heavy: true,
    steps: [
      {
        name: 'merge-pending',
        async run(ctx) {
          let pages = 0
          for (const t of TABLES) pages += await cleanGinPending(ctx.db, t)
          return { pages }
        }
      },
      {
        name: 'vacuum-analyze',
        weight: 4,
        async run(ctx) {
          for (const [i, t] of TABLES.entries()) {
            if (ctx.signal.aborted) throw ctx.signal.reason
            await ctx.db.raw(`vacuum (analyze) ${t}`)
            ctx.progress((i + 1) / TABLES.length, t)
          }
          return { tables: TABLES.length }
        }
      },
      {
        name: 'index-health',
        async run(ctx) {
          const invalid = await invalidIndexes(ctx.db)
          for (const name of invalid) {
            ctx.log('warn', `Rebuilding index ${name}, which was left invalid.`)
            await ctx.db.raw(`reindex index ${name}`)
          }
          const sizes = await ctx.db.raw(
            `select c.relname as name, pg_relation_size(c.oid)::bigint as bytes from pg_class c
              where c.relkind = 'i' and c.relnamespace = current_schema()::regnamespace order by bytes desc limit 10`
          )
          return { rebuilt: invalid, largest: sizes.rows }
        }
      }
    ]
  })
}
