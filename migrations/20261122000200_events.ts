import type { Knex } from 'knex'

/**
 * The event log: every capture, import, chat message and system trigger is written here
 * first. Append-only: updates are refused by a trigger, and deletes only pass while a purge
 * sets `engram.allow_event_purge` for its own transaction (so "purge" can really forget).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table events (
      id bigint generated always as identity primary key,
      type text not null check (type ~ '^[a-z][a-z0-9_.:]*$'),
      idempotency_key text,
      source text not null default 'app',
      payload jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    );
    create unique index events_type_idempotency_key on events (type, idempotency_key) where idempotency_key is not null;
    create index events_created_at on events (created_at);

    create function engram_events_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then
        raise exception 'events are append-only' using errcode = 'P0001';
      end if;
      if coalesce(current_setting('engram.allow_event_purge', true), '') <> 'on' then
        raise exception 'events are append-only (purge must set engram.allow_event_purge)' using errcode = 'P0001';
      end if;
      return old;
    end $$;
    create trigger events_append_only before update or delete on events
      for each row execute function engram_events_guard();
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists events; drop function if exists engram_events_guard();')
}
