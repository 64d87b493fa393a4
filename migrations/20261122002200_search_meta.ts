import type { Knex } from 'knex'
import { TABLES, VECTOR_CHANGED } from './20261122002100_search_changes'

/**
 * The search index ranks by itself (features/search/candidate-index.ts): it holds what
 * the filters and the boost read, so the change log now also records:
 * - memories whose type, topics, importance, pin, creation time or access changed;
 * - chunks and messages whose creation time changed;
 * - every chunk of a document whose status or archived_at changed, and every message of a
 *   session whose archived_at changed (they decide whether those rows are found).
 * The access recorder's own writes set `engram.access_told` for their transaction: it
 * tells the index itself (its flush would otherwise log up to every hit of every search).
 */
const MEMORY_CHANGED = `new.content is distinct from old.content or new.status is distinct from old.status
  or new.type is distinct from old.type or new.topics is distinct from old.topics
  or new.importance is distinct from old.importance or new.pinned is distinct from old.pinned
  or new.created_at is distinct from old.created_at or new.tier is distinct from old.tier
  or ((new.access_count is distinct from old.access_count or new.last_accessed_at is distinct from old.last_accessed_at)
      and coalesce(current_setting('engram.access_told', true), '') <> 'on')`

const updated = (src: string, changed: string): string => `
  create or replace function engram_search_${src}_updated() returns trigger language plpgsql as $$
  begin
    if (${changed}) or (${src === 'message' ? "new.status <> 'streaming' and " : ''}(${VECTOR_CHANGED})) then
      insert into search_changes (src, id) values ('${src}', new.id);
    end if;
    return null;
  end $$;`

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ${updated('memory', MEMORY_CHANGED)}
    ${updated('document', 'new.text is distinct from old.text or new.created_at is distinct from old.created_at')}
    ${updated(
      'message',
      `new.status <> 'streaming' and (new.content is distinct from old.content or new.status is distinct from old.status
         or new.superseded_at is distinct from old.superseded_at or new.created_at is distinct from old.created_at)`
    )}
    create function engram_search_document_hidden() returns trigger language plpgsql as $$
    begin
      if new.status is distinct from old.status or new.archived_at is distinct from old.archived_at then
        insert into search_changes (src, id) select 'document', c.id from document_chunks c where c.document_id = new.id;
      end if;
      return null;
    end $$;
    create trigger documents_search_hidden after update on documents for each row execute function engram_search_document_hidden();
    create function engram_search_session_hidden() returns trigger language plpgsql as $$
    begin
      if new.archived_at is distinct from old.archived_at then
        insert into search_changes (src, id) select 'message', g.id from messages g where g.session_id = new.id and g.status <> 'streaming';
      end if;
      return null;
    end $$;
    create trigger sessions_search_hidden after update on sessions for each row execute function engram_search_session_hidden();
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop trigger if exists documents_search_hidden on documents;
    drop trigger if exists sessions_search_hidden on sessions;
    drop function if exists engram_search_document_hidden();
    drop function if exists engram_search_session_hidden();
    ${TABLES.map((t) => updated(t.src, t.changed)).join('\n')}
  `)
}
