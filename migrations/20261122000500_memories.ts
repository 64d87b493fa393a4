import type { Knex } from 'knex'

/**
 * Memories: deduplicated by content hash among live rows, ranked by importance, tier and
 * access, superseded (never overwritten) on edit, with provenance back to the event,
 * message or document chunk they came from. The embedding column has no fixed dimension:
 * each row records its model and dimension, and HNSW indexes are partial per dimension,
 * so a re-embedding run can move to another model while search keeps working.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table memories (
      id uuid primary key default gen_random_uuid(),
      content text not null check (length(content) > 0),
      content_hash text not null,
      type text not null default 'note',
      topics text[] not null default '{}',
      importance real not null default 0.5 check (importance >= 0 and importance <= 1),
      pinned boolean not null default false,
      tier text not null default 'hot' check (tier in ('hot', 'warm', 'cold')),
      access_count integer not null default 0,
      last_accessed_at timestamptz,
      status text not null default 'active' check (status in ('active', 'superseded', 'archived')),
      superseded_by uuid references memories(id) on delete set null,
      source text not null default 'app',
      source_event_id bigint references events(id),
      source_message_id uuid references messages(id) on delete set null,
      source_chunk_id uuid references document_chunks(id) on delete set null,
      embedding public.vector,
      embedding_model text,
      embedding_dim integer,
      embedding_status text not null default 'pending' check (embedding_status in ('pending', 'ready', 'failed')),
      tsv tsvector generated always as (to_tsvector('english', content)) stored,
      archived_at timestamptz,
      archived_by_run uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    alter table memories alter column embedding set storage plain;
    create unique index memories_content_hash_active on memories (content_hash) where status = 'active';
    create index memories_content_hash on memories (content_hash);
    create index memories_status_created on memories (status, created_at desc);
    create index memories_tier on memories (tier) where status = 'active';
    create index memories_topics on memories using gin (topics);
    create index memories_embedding_pending on memories (created_at) where embedding_status = 'pending';
    create index memories_tsv on memories using gin (tsv);
    create index memories_content_trgm on memories using gin (content public.gin_trgm_ops);
    create index memories_embedding_384 on memories using hnsw ((embedding::public.vector(384)) public.vector_cosine_ops) where embedding_dim = 384;
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists memories;')
}
