import type { Knex } from 'knex'

/**
 * What Engram's own chat needs on top of the sessions/messages tables:
 * - messages.client_id: the renderer's id for a submit, unique, so a double submit is one
 *   message (and, for a first message, one session);
 * - messages.reply_to: the question an answer replies to (parent_id stays "the message
 *   this one replaces", for edits and regenerates);
 * - messages.mode ('llm' | 'recall'), messages.error (plain words for incomplete/error
 *   answers), messages.superseded_at (kept whole, no longer in the active thread);
 * - a partial index on streaming messages, to mark them incomplete after a crash.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table messages
      add column client_id text,
      add column reply_to uuid references messages(id) on delete set null,
      add column mode text check (mode in ('llm', 'recall')),
      add column error text,
      add column superseded_at timestamptz;
    create unique index messages_client_id on messages (client_id) where client_id is not null;
    create index messages_reply_to on messages (reply_to) where reply_to is not null;
    create index messages_streaming on messages (id) where status = 'streaming';
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index if exists messages_streaming;
    drop index if exists messages_reply_to;
    drop index if exists messages_client_id;
    alter table messages
      drop column if exists superseded_at,
      drop column if exists error,
      drop column if exists mode,
      drop column if exists reply_to,
      drop column if exists client_id;
  `)
}
