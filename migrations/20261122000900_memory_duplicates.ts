import type { Knex } from 'knex'

/**
 * Near-duplicate memories are flagged for the user to merge or dismiss, never silently
 * dropped. One row per unordered pair (memory_id < candidate_id).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table memory_duplicates (
      memory_id uuid not null references memories(id) on delete cascade,
      candidate_id uuid not null references memories(id) on delete cascade,
      similarity real not null,
      status text not null default 'pending' check (status in ('pending', 'merged', 'dismissed')),
      created_at timestamptz not null default now(),
      resolved_at timestamptz,
      primary key (memory_id, candidate_id),
      check (memory_id < candidate_id)
    );
    create index memory_duplicates_pending on memory_duplicates (status) where status = 'pending';
    create index memory_duplicates_candidate on memory_duplicates (candidate_id);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists memory_duplicates;')
}
