import type { Knex } from 'knex'

/** pgvector and pg_trgm live in `public`, so every profile schema on a shared server sees them. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists vector with schema public')
  await knex.raw('create extension if not exists pg_trgm with schema public')
}

export async function down(): Promise<void> {
  // Extensions are shared by every schema in a database: leave them in place.
}
