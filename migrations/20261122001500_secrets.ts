import type { Knex } from 'knex'

/**
 * Secrets (the chat model's API key) kept encrypted: by Electron safeStorage (the OS
 * keychain) in the desktop app, else AES-256-GCM with a key file in the data directory.
 * Not in `settings`, whose audit table would keep every value ever set.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table secrets (
      name text primary key,
      kind text not null check (kind in ('safeStorage', 'local-key')),
      ciphertext bytea not null,
      updated_at timestamptz not null default now()
    );
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists secrets;')
}
