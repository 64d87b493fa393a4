/**
 * Access tracking (count and last access) for ranking and tiers, recorded in batches.
 * Every search records access on its hits; writing those rows one statement at a time on
 * the search path cost ~3 ms a row in PGlite, so accesses are counted in memory and
 * written in one statement within a couple of seconds (and before any read that shows
 * them, and on close). A crash can lose the last seconds of counts, never user data.
 */
import type { Knex } from 'knex'

export interface AccessRecorder {
  record(ids: string[]): void
  flush(): Promise<void>
  close(): Promise<void>
}

/** Rows per update statement when flushing. */
const FLUSH_SLICE = 50

/**
 * `onWritten` hears each slice once it is committed (the search index applies it: these
 * writes set `engram.access_told`, so the change-log trigger skips them; migration 2200).
 */
export function createAccessRecorder(
  db: Knex,
  flushMs = 2000,
  onWritten?: (ids: string[], counts: number[], at: Date) => void
): AccessRecorder {
  const pending = new Map<string, { n: number; at: Date }>()
  let timer: NodeJS.Timeout | null = null
  let closed = false

  async function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
    if (pending.size === 0) return
    const batch = [...pending.entries()]
    pending.clear()
    // In slices: PGlite runs one statement at a time, and a search arriving mid-flush waits
    // for one slice (~50 rows), not for a thousand.
    for (let i = 0; i < batch.length; i += FLUSH_SLICE) {
      const slice = batch.slice(i, i + FLUSH_SLICE)
      await db.transaction(async (trx) => {
        await trx.raw("set local engram.access_told = 'on'")
        await trx.raw(
          `update memories m set access_count = m.access_count + v.n, last_accessed_at = greatest(m.last_accessed_at, v.at)
             from (select unnest(?::uuid[]) as id, unnest(?::int[]) as n, unnest(?::timestamptz[]) as at) v
            where m.id = v.id`,
          [slice.map(([id]) => id), slice.map(([, v]) => v.n), slice.map(([, v]) => v.at.toISOString())]
        )
      })
      // One time per slice: the newest (the index keeps the later of this and what it has).
      onWritten?.(slice.map(([id]) => id), slice.map(([, v]) => v.n), new Date(Math.max(...slice.map(([, v]) => v.at.getTime()))))
    }
  }

  return {
    record(ids) {
      if (closed || ids.length === 0) return
      const at = new Date()
      for (const id of ids) {
        const cur = pending.get(id)
        pending.set(id, { n: (cur?.n ?? 0) + 1, at })
      }
      timer ??= setTimeout(() => {
        timer = null
        void flush().catch(() => undefined)
      }, flushMs)
    },
    flush,
    async close() {
      closed = true
      await flush()
    }
  }
}
