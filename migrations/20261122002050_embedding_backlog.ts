import type { Knex } from 'knex'

/**
 * The embedding backlog of document chunks and chat messages (rows stored with no vector:
 * imported while no model was available, or new chat messages) is found through these
 * partial indexes, so the background queue's lookups cost the backlog's size, not a scan
 * of the table (~20 µs a row in PGlite). They are empty once everything is embedded.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create index document_chunks_unembedded on document_chunks (created_at) where embedding is null;
    create index messages_unembedded on messages (created_at) where embedding is null and status <> 'streaming';
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists messages_unembedded; drop index if exists document_chunks_unembedded;')
}
