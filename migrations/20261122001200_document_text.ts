import type { Knex } from 'knex'

/**
 * The full extracted text of each document (chunks overlap, so it cannot be rebuilt from
 * them), for the document view that highlights a cited span, and the stored original's
 * location inside the profile folder (for export). `format` is what detection found.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table documents add column text text;
    alter table documents add column format text;
    alter table documents add column stored_path text;
    alter table documents add column warnings jsonb not null default '[]'::jsonb;
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table documents drop column if exists text, drop column if exists format, drop column if exists stored_path, drop column if exists warnings;')
}
