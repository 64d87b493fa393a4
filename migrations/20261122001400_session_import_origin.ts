import type { Knex } from 'knex'

/**
 * Sessions imported from a ChatGPT or Claude export remember where they came from in
 * `settings` ({ imported_from, import_id }). One session per exported conversation:
 * importing the same export again finds it instead of making a copy, and a session the
 * user deleted can be brought back by importing again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create unique index sessions_import_origin on sessions ((settings->>'imported_from'), (settings->>'import_id'))
      where settings->>'import_id' is not null;
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists sessions_import_origin;')
}
