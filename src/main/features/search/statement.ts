/**
 * Runs the search statement with as little overhead around it as the wire allows.
 *
 * Measured in PGlite (WASM): planning the search statement (a dozen CTEs) cost 10–15 ms
 * a query on a quiet machine, more than executing it at 10k memories, and each extra
 * round trip through the socket ~0.5–2 ms. So:
 * - the statement runs as a NAMED prepared statement (node-postgres `{ name, text, values }`),
 *   named after a hash of its text, with `plan_cache_mode = force_generic_plan`: it is
 *   planned once per shape (sources, filters, k) and per connection, then only executed.
 *   The generic plan is what we want anyway: the tsqueries are parameters, so the planner
 *   cannot misjudge their selectivity (see the seqscan note in search.service.ts).
 * - the `set local`s go in one simple-protocol message with the `begin`:
 *   begin+settings, execute, commit is three round trips instead of six.
 * Knex has no API for named statements, so this takes the pool's connection through the
 * client (the same `pg` client Knex uses; with PGlite the pool holds one connection).
 */
import { createHash } from 'node:crypto'
import type { Knex } from 'knex'

interface PgConnection {
  query(q: string | { name?: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] } | Array<{ rows: unknown[] }>>
}

interface PoolClient {
  acquireConnection(): Promise<PgConnection>
  releaseConnection(c: PgConnection): Promise<unknown> | unknown
}

/** Beyond this many distinct statement shapes, run unnamed (planned every time) rather than grow the server's cache. */
const MAX_NAMED = 256
const named = new Set<string>()

/** Knex-style `?` placeholders to `$1…$n` (the search SQL has no `?` inside literals). */
export function toPositional(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

export function statementName(text: string): string {
  return `engram_search_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`
}

export interface StatementOptions {
  /** `set local` lines run in the same transaction, before the statement (trusted text, no user input). */
  settings: string[]
  /** Also print EXPLAIN ANALYZE of the statement to stderr. */
  explain?: boolean
}

/** Run `sql` (with `?` placeholders) in a read-only transaction of its own, as a named prepared statement. */
export async function runStatement<T>(db: Knex, sql: string, bindings: readonly unknown[], opts: StatementOptions): Promise<T[]> {
  const client = db.client as unknown as PoolClient
  const text = toPositional(sql)
  const name = statementName(text)
  const useName = named.has(name) || named.size < MAX_NAMED
  if (useName) named.add(name)
  const conn = await client.acquireConnection()
  try {
    if (opts.settings.length === 0 && !opts.explain) {
      // Nothing to set: one round trip (Postgres moves a named statement to a generic plan by itself after five runs).
      const r = (await conn.query(useName ? { name, text, values: [...bindings] } : { text, values: [...bindings] })) as { rows: T[] }
      return r.rows
    }
    await conn.query(['begin', ...opts.settings.map((s) => `set local ${s}`), 'set local plan_cache_mode = force_generic_plan'].join('; '))
    try {
      if (opts.explain) {
        const plan = (await conn.query({ text: `explain (analyze, costs off) ${text}`, values: [...bindings] })) as { rows: Array<Record<string, string>> }
        console.error(plan.rows.map((x) => x['QUERY PLAN']).join('\n'))
      }
      const r = (await conn.query(useName ? { name, text, values: [...bindings] } : { text, values: [...bindings] })) as { rows: T[] }
      await conn.query('commit')
      return r.rows
    } catch (err) {
      await conn.query('rollback').catch(() => undefined)
      throw err
    }
  } finally {
    await client.releaseConnection(conn)
  }
}
