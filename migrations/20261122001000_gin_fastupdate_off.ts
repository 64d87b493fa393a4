import type { Knex } from 'knex'

/**
 * GIN indexes with `fastupdate` keep new entries in a pending list that every search must
 * scan linearly until a vacuum merges it. PGlite has no autovacuum, so after an import the
 * list stayed large and a rare-term search took 80 ms at 10k rows. Search latency matters
 * more here than insert speed: turn it off and merge what is pending.
 */
const GIN = ['memories_tsv', 'memories_content_trgm', 'memories_topics', 'messages_tsv', 'document_chunks_tsv', 'sessions_tsv', 'sessions_title_trgm']

export async function up(knex: Knex): Promise<void> {
  for (const index of GIN) {
    await knex.raw(`alter index ${index} set (fastupdate = off)`)
    await knex.raw('select gin_clean_pending_list(?::regclass)', [index])
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const index of GIN) await knex.raw(`alter index ${index} reset (fastupdate)`)
}
