import type { Knex } from 'knex'

/**
 * The change log behind the in-process search index (features/search/candidate-index.ts).
 * Triggers record which memories, document chunks and messages were inserted, deleted, or
 * changed in what search reads (text, vector, status), whoever wrote them. The index takes
 * the log before a query (`delete … returning`) and re-reads those rows, so it never serves
 * a stale answer and no write path has to remember to tell it.
 * - Inserts and deletes use statement triggers with transition tables: one insert … select
 *   per statement, so bulk loads pay little.
 * - Updates use row triggers whose function compares, by column NAME, what search reads
 *   (text, vector, dimension, status), so recording access (access_count,
 *   last_accessed_at) and tier changes log nothing. Not a column list (`update of
 *   embedding`): that binds to the column's number, and a re-embed swaps `embedding` and
 *   `embedding_next` by renaming them. A message still streaming logs nothing; it is
 *   logged when it completes.
 * - A change the triggers cannot see (the re-embed's column swap) logs src '*', which
 *   makes the index rebuild itself from the tables.
 */
export const TABLES: Array<{ table: string; src: string; changed: string }> = [
  { table: 'memories', src: 'memory', changed: 'new.content is distinct from old.content or new.status is distinct from old.status' },
  { table: 'document_chunks', src: 'document', changed: 'new.text is distinct from old.text' },
  {
    table: 'messages',
    src: 'message',
    changed: "new.status <> 'streaming' and (new.content is distinct from old.content or new.status is distinct from old.status or new.superseded_at is distinct from old.superseded_at)"
  }
]
export const VECTOR_CHANGED = 'new.embedding_dim is distinct from old.embedding_dim or new.embedding is distinct from old.embedding'

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table search_changes (
      seq bigint generated always as identity primary key,
      src text not null,
      id uuid not null
    );
    create function engram_search_rows_changed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        insert into search_changes (src, id) select tg_argv[0], id from old_rows;
      else
        insert into search_changes (src, id) select tg_argv[0], id from new_rows;
      end if;
      return null;
    end $$;
  `)
  for (const t of TABLES) {
    await knex.raw(`
      create trigger ${t.table}_search_inserted after insert on ${t.table}
        referencing new table as new_rows for each statement execute function engram_search_rows_changed('${t.src}');
      create trigger ${t.table}_search_deleted after delete on ${t.table}
        referencing old table as old_rows for each statement execute function engram_search_rows_changed('${t.src}');
      create function engram_search_${t.src}_updated() returns trigger language plpgsql as $$
      begin
        if (${t.changed}) or (${t.src === 'message' ? "new.status <> 'streaming' and " : ''}(${VECTOR_CHANGED})) then
          insert into search_changes (src, id) values ('${t.src}', new.id);
        end if;
        return null;
      end $$;
      create trigger ${t.table}_search_updated after update on ${t.table}
        for each row execute function engram_search_${t.src}_updated();
    `)
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const t of TABLES)
    await knex.raw(`
      drop trigger if exists ${t.table}_search_inserted on ${t.table};
      drop trigger if exists ${t.table}_search_deleted on ${t.table};
      drop trigger if exists ${t.table}_search_updated on ${t.table};
      drop function if exists engram_search_${t.src}_updated();
    `)
  await knex.raw('drop function if exists engram_search_rows_changed(); drop table if exists search_changes;')
}
