import type { Knex } from 'knex'

/** Memories the LLM proposed from a conversation, waiting in the review inbox (or decided). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table memory_proposals (
      id uuid primary key default gen_random_uuid(),
      session_id uuid references sessions(id) on delete set null,
      action text not null check (action in ('add', 'update')),
      content text not null check (length(content) > 0),
      type text not null default 'note',
      topics text[] not null default '{}',
      importance real not null default 0.5 check (importance >= 0 and importance <= 1),
      target_memory_id uuid references memories(id) on delete set null,
      reason text,
      status text not null default 'pending' check (status in ('pending', 'confirmed', 'rejected')),
      memory_id uuid references memories(id) on delete set null,
      trace_id uuid references traces(id) on delete set null,
      created_at timestamptz not null default now(),
      decided_at timestamptz
    );
    create index memory_proposals_status on memory_proposals (status, created_at desc);
    create index memory_proposals_session on memory_proposals (session_id);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists memory_proposals;')
}
