import type { Knex } from 'knex'

/**
 * Write costs on a WASM Postgres, measured at 10k memories on this 2-core machine:
 * - An update that cannot be HOT re-inserts the row into every index (GIN on tsv,
 *   trigram and topics, btrees, and the HNSW graph): ~11 ms a row. With free space on the
 *   page, an update of unindexed columns (access count, last access) is HOT and touches no
 *   index. fillfactor 70 leaves that space for memories.
 * - GIN indexes keep their `fastupdate` pending list (cheap inserts); Engram merges it
 *   itself after each embedding batch and import (`gin_clean_pending_list`), because
 *   PGlite has no autovacuum and a long pending list slows every search.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table memories set (fillfactor = 70)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table memories reset (fillfactor)')
}
