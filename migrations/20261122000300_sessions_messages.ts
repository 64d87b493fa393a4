import type { Knex } from 'knex'

/** Chat sessions and their messages, kept whole: role, content, model, tokens, timing, citations. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sessions (
      id uuid primary key default gen_random_uuid(),
      title text not null default 'New chat',
      title_source text not null default 'auto' check (title_source in ('auto', 'user')),
      settings jsonb not null default '{}'::jsonb,
      pinned boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      last_message_at timestamptz,
      archived_at timestamptz,
      tsv tsvector generated always as (to_tsvector('english', title)) stored
    );
    create index sessions_recent on sessions (archived_at, coalesce(last_message_at, created_at) desc);
    create index sessions_tsv on sessions using gin (tsv);
    create index sessions_title_trgm on sessions using gin (title public.gin_trgm_ops);

    create table messages (
      id uuid primary key default gen_random_uuid(),
      session_id uuid not null references sessions(id) on delete cascade,
      seq integer not null,
      parent_id uuid references messages(id) on delete set null,
      role text not null check (role in ('system', 'user', 'assistant', 'tool')),
      content text not null,
      status text not null default 'complete' check (status in ('complete', 'streaming', 'incomplete', 'error')),
      model text,
      input_tokens integer,
      output_tokens integer,
      latency_ms integer,
      first_token_ms integer,
      citations jsonb not null default '[]'::jsonb,
      feedback smallint check (feedback in (-1, 1)),
      feedback_comment text,
      source_event_id bigint references events(id),
      embedding public.vector,
      embedding_model text,
      embedding_dim integer,
      tsv tsvector generated always as (to_tsvector('english', content)) stored,
      created_at timestamptz not null default now(),
      edited_at timestamptz,
      unique (session_id, seq)
    );
    alter table messages alter column embedding set storage plain;
    create index messages_tsv on messages using gin (tsv);
    create index messages_embedding_384 on messages using hnsw ((embedding::public.vector(384)) public.vector_cosine_ops) where embedding_dim = 384;
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists messages; drop table if exists sessions;')
}
