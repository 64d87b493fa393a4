/**
 * The sessions auto-archive policy (`sessions.auto_archive`, light, every few hours): when
 * the profile setting `sessions.auto_archive_days` is a number of days (off by default),
 * chat sessions idle for longer than that move to the archive. Pinned sessions stay. An
 * archived session is kept whole and can be restored from the Archive screen.
 */
import type { Knex } from 'knex'
import { defineWorkflow, type WorkflowDefinition } from '../workflows/runner'

export const SESSIONS_ARCHIVE_WORKFLOW = 'sessions.auto_archive'
export const AUTO_ARCHIVE_KEY = 'sessions.auto_archive_days'

/** The policy's days, or null when it is off (absent, null, 0, or not a positive number). */
export async function autoArchiveDays(db: Knex | Knex.Transaction): Promise<number | null> {
  const row = (await db('settings').where({ key: AUTO_ARCHIVE_KEY }).first('value')) as { value: unknown } | undefined
  const v = row?.value
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null
}

export function sessionsPolicyWorkflow(deps: { onArchived?: (ids: string[]) => void } = {}): WorkflowDefinition<Record<string, never>> {
  return defineWorkflow<Record<string, never>>({
    name: SESSIONS_ARCHIVE_WORKFLOW,
    steps: [
      {
        name: 'archive-idle',
        async run(ctx) {
          const days = await autoArchiveDays(ctx.db)
          if (days === null) return { enabled: false, archived: 0 }
          const r = await ctx.db.raw(
            `update sessions set archived_at = now(), updated_at = now()
              where archived_at is null and not pinned
                and coalesce(last_message_at, created_at) < now() - make_interval(secs => ?)
              returning id`,
            [days * 86_400]
          )
          const ids = (r.rows as Array<{ id: string }>).map((x) => x.id)
          if (ids.length) {
            ctx.log('info', `Archived ${ids.length} session(s) idle for more than ${days} day(s).`)
            deps.onArchived?.(ids)
          }
          return { enabled: true, days, archived: ids.length, ids: ids.slice(0, 100) }
        }
      }
    ]
  })
}
