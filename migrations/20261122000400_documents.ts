import type { Knex } from 'knex'

/** Imported documents and their chunks, with character spans and pages for citations. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table documents (
      id uuid primary key default gen_random_uuid(),
      file_hash text not null unique,
      name text not null,
      original_path text,
      mime_type text,
      size_bytes bigint not null default 0,
      status text not null default 'pending' check (status in ('pending', 'processing', 'ready', 'failed', 'cancelled')),
      error_code text,
      error text,
      pages integer,
      chunk_count integer not null default 0,
      source text not null default 'app',
      source_event_id bigint references events(id),
      replaces_id uuid references documents(id) on delete set null,
      metadata jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      imported_at timestamptz,
      archived_at timestamptz
    );
    create index documents_recent on documents (archived_at, created_at desc);
    create index documents_original_path on documents (original_path);

    create table document_chunks (
      id uuid primary key default gen_random_uuid(),
      document_id uuid not null references documents(id) on delete cascade,
      chunk_index integer not null,
      text text not null,
      char_start integer not null,
      char_end integer not null,
      page integer,
      token_count integer,
      embedding public.vector,
      embedding_model text,
      embedding_dim integer,
      tsv tsvector generated always as (to_tsvector('english', text)) stored,
      created_at timestamptz not null default now(),
      unique (document_id, chunk_index),
      check (char_end >= char_start)
    );
    alter table document_chunks alter column embedding set storage plain;
    create index document_chunks_tsv on document_chunks using gin (tsv);
    create index document_chunks_embedding_384 on document_chunks using hnsw ((embedding::public.vector(384)) public.vector_cosine_ops) where embedding_dim = 384;
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists document_chunks; drop table if exists documents;')
}
