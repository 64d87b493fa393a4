import type { Knex } from 'knex'

/** One row per LLM call: what it served, which model, tokens in and out, time, outcome. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table traces (
      id uuid primary key default gen_random_uuid(),
      event_id bigint references events(id),
      kind text not null,
      provider text,
      model text,
      input_tokens integer,
      output_tokens integer,
      duration_ms integer,
      first_token_ms integer,
      status text not null default 'ok' check (status in ('ok', 'error', 'cancelled')),
      error text,
      session_id uuid references sessions(id) on delete set null,
      message_id uuid references messages(id) on delete set null,
      created_at timestamptz not null default now()
    );
    create index traces_created on traces (created_at);
    create index traces_session on traces (session_id);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists traces;')
}
