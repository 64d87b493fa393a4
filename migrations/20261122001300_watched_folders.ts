import type { Knex } from 'knex'

/**
 * Folders the user keeps in sync: every file under one is imported, re-imported when it
 * changes and archived when it goes away (see src/main/features/documents/watch).
 * `path` is the folder's real path; `last_scan_at` is when a reconciliation scan last
 * compared it with the imported documents.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table watched_folders (
      id uuid primary key default gen_random_uuid(),
      path text not null unique,
      added_at timestamptz not null default now(),
      last_scan_at timestamptz,
      enabled boolean not null default true
    );
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists watched_folders;')
}
