/**
 * Access tracking (count and last access) for ranking and tiers, recorded in batches.
 * Every search records access on its hits. Writing them costs the database ~0.5 ms a row
 * in PGlite (a 50-row update took 20–36 ms), and PGlite runs one statement at a time, so a
 * search that arrives during such a write waits for it. So accesses are counted in memory
 * and written when searching pauses:
 * - a write starts once no access has been recorded for `idleMs` (a pause in typing or
 *   searching), or once the oldest unwritten access is `maxDelayMs` old, whichever is first;
 * - it goes in slices of 25 rows, and a search arriving meanwhile makes it wait for the
 *   next pause before the next slice (unless the oldest access is past `maxDelayMs`);
 * - `flush()` writes everything at once: before any read that shows access, and on close.
 * A crash can lose the counts of the last seconds, never user data.
 */
import type { Knex } from 'knex'

export interface AccessRecorder {
  record(ids: string[]): void
  flush(): Promise<void>
  close(): Promise<void>
}

/** Rows per update statement. */
const SLICE = 25

export interface AccessRecorderOptions {
  /** Searching has paused once nothing was recorded for this long. */
  idleMs?: number
  /** Accesses are written at the latest this long after the oldest was recorded. */
  maxDelayMs?: number
  /**
   * Hears each slice once it is committed (the search index applies it: these writes set
   * `engram.access_told`, so the change-log trigger skips them; migration 2200).
   */
  onWritten?: (ids: string[], counts: number[], at: Date) => void
}

export function createAccessRecorder(db: Knex, opts: AccessRecorderOptions = {}): AccessRecorder {
  const idleMs = opts.idleMs ?? 750
  const maxDelayMs = opts.maxDelayMs ?? 30_000
  const pending = new Map<string, { n: number; at: Date }>()
  let timer: NodeJS.Timeout | null = null
  let closed = false
  /** When the last access was recorded, and when the oldest unwritten one was. */
  let lastRecord = 0
  let oldest = 0
  let writing: Promise<void> = Promise.resolve()

  const overdue = (): boolean => pending.size > 0 && performance.now() - oldest >= maxDelayMs
  const idle = (): boolean => performance.now() - lastRecord >= idleMs

  async function writeSlice(slice: Array<[string, { n: number; at: Date }]>): Promise<void> {
    // set_config(…, true) in the statement itself: local to its (implicit) transaction, and
    // set before the AFTER ROW triggers run at the end of the statement. One round trip.
    await db.raw(
      `update memories m set access_count = m.access_count + v.n, last_accessed_at = greatest(m.last_accessed_at, v.at)
         from (select unnest(?::uuid[]) as id, unnest(?::int[]) as n, unnest(?::timestamptz[]) as at,
                      set_config('engram.access_told', 'on', true) as told) v
        where m.id = v.id`,
      [slice.map(([id]) => id), slice.map(([, v]) => v.n), slice.map(([, v]) => v.at.toISOString())]
    )
    opts.onWritten?.(
      slice.map(([id]) => id),
      slice.map(([, v]) => v.n),
      new Date(Math.max(...slice.map(([, v]) => v.at.getTime())))
    )
  }

  /** Take up to one slice of what is pending (the oldest first). */
  function take(): Array<[string, { n: number; at: Date }]> {
    const slice: Array<[string, { n: number; at: Date }]> = []
    for (const entry of pending) {
      slice.push(entry)
      pending.delete(entry[0])
      if (slice.length === SLICE) break
    }
    return slice
  }

  /** Write in slices while searching stays paused (or the oldest access is overdue). */
  function writeWhileIdle(): void {
    timer = null
    writing = writing.then(async () => {
      const started = oldest
      while (pending.size > 0 && (idle() || overdue())) {
        const slice = take()
        await writeSlice(slice).catch(() => undefined)
      }
      if (pending.size > 0) {
        // A search came: resume at the next pause (what is left keeps its age).
        oldest = started
        schedule()
      }
    })
  }

  function schedule(): void {
    if (timer || closed || pending.size === 0) return
    const wait = Math.max(0, Math.min(lastRecord + idleMs, oldest + maxDelayMs) - performance.now())
    timer = setTimeout(() => {
      if (idle() || overdue()) writeWhileIdle()
      else {
        timer = null
        schedule()
      }
    }, wait)
    timer.unref?.()
  }

  async function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
    await writing
    while (pending.size > 0) await writeSlice(take())
  }

  return {
    record(ids) {
      if (closed || ids.length === 0) return
      const at = new Date()
      lastRecord = performance.now()
      if (pending.size === 0) oldest = lastRecord
      for (const id of ids) {
        const cur = pending.get(id)
        pending.set(id, { n: (cur?.n ?? 0) + 1, at })
      }
      schedule()
    },
    flush,
    async close() {
      closed = true
      await flush()
    }
  }
}
