import type { Knex } from 'knex'

/** The message a proposal was drawn from (the conversation's last user message), kept as the memory's provenance. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table memory_proposals add column source_message_id uuid references messages(id) on delete set null;
    create index memory_proposals_pending_content on memory_proposals (lower(content)) where status = 'pending';
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index if exists memory_proposals_pending_content;
    alter table memory_proposals drop column if exists source_message_id;
  `)
}
