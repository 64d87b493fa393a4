import type { Knex } from 'knex'

/** Profile settings as key/value, with an audit row for every change. Embedding spaces in use. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );
    create table settings_audit (
      id bigint generated always as identity primary key,
      key text not null,
      old_value jsonb,
      new_value jsonb,
      source text not null default 'app',
      changed_at timestamptz not null default now()
    );
    create index settings_audit_key on settings_audit (key, id desc);

    create table embedding_spaces (
      model text not null,
      dim integer not null check (dim > 0 and dim <= 16000),
      status text not null default 'active' check (status in ('active', 'backfilling', 'retired')),
      created_at timestamptz not null default now(),
      activated_at timestamptz,
      primary key (model, dim)
    );
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists embedding_spaces; drop table if exists settings_audit; drop table if exists settings;')
}
