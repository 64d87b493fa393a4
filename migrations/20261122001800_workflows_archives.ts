import type { Knex } from 'knex'

/**
 * Background workflows of issue #6:
 * - `consolidation_clusters`: what each consolidation run did, one row per merged cluster,
 *   with the originals' rows (and their near-duplicate flags) as they were before, so that
 *   an undo puts back exactly the previous state. Originals are archived with
 *   `memories.archived_by_run` (already a column) set to the run.
 * - `digests`: one daily summary per calendar day, written by `digest.daily`.
 * - `embedding_next` (+ model, dim) beside every `embedding`: a re-embed backfills the new
 *   vectors there while search keeps using the old ones, then swaps the two columns by
 *   renaming them in one transaction (indexes follow the column), so the switch is atomic
 *   and rewrites no row. Empty at rest.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table consolidation_clusters (
      id bigint generated always as identity primary key,
      run_id uuid not null,
      cluster_index integer not null,
      merged_id uuid not null,
      member_ids uuid[] not null,
      originals jsonb not null,
      duplicates jsonb not null default '[]'::jsonb,
      method text not null check (method in ('extractive', 'llm')),
      created_at timestamptz not null default now(),
      undone_at timestamptz,
      unique (run_id, cluster_index)
    );
    create index memories_archived_by_run on memories (archived_by_run) where archived_by_run is not null;

    create table digests (
      id uuid primary key default gen_random_uuid(),
      day date not null unique,
      content text not null,
      method text not null check (method in ('extractive', 'llm')),
      memory_count integer not null default 0,
      session_count integer not null default 0,
      memory_ids uuid[] not null default '{}',
      session_ids uuid[] not null default '{}',
      run_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    alter table memories add column embedding_next public.vector, add column embedding_next_model text, add column embedding_next_dim integer;
    alter table memories alter column embedding_next set storage plain;
    alter table document_chunks add column embedding_next public.vector, add column embedding_next_model text, add column embedding_next_dim integer;
    alter table document_chunks alter column embedding_next set storage plain;
    alter table messages add column embedding_next public.vector, add column embedding_next_model text, add column embedding_next_dim integer;
    alter table messages alter column embedding_next set storage plain;
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table messages drop column if exists embedding_next, drop column if exists embedding_next_model, drop column if exists embedding_next_dim;
    alter table document_chunks drop column if exists embedding_next, drop column if exists embedding_next_model, drop column if exists embedding_next_dim;
    alter table memories drop column if exists embedding_next, drop column if exists embedding_next_model, drop column if exists embedding_next_dim;
    drop index if exists memories_archived_by_run;
    drop table if exists digests;
    drop table if exists consolidation_clusters;
  `)
}
