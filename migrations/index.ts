/**
 * The ordered list of migrations. Knex reads them through this list (not a directory
 * scan) so that the same migrations run from TypeScript sources, the CLI and a bundle.
 * Never edit a migration once it has landed: add a new one.
 */
import type { Knex } from 'knex'
import * as m0100 from './20261122000100_extensions'
import * as m0200 from './20261122000200_events'
import * as m0300 from './20261122000300_sessions_messages'
import * as m0400 from './20261122000400_documents'
import * as m0500 from './20261122000500_memories'
import * as m0600 from './20261122000600_traces'
import * as m0700 from './20261122000700_workflows'
import * as m0800 from './20261122000800_settings'
import * as m0900 from './20261122000900_memory_duplicates'
import * as m1000 from './20261122001000_storage_tuning'
import * as m1100 from './20261122001100_workflow_runner'
import * as m1200 from './20261122001200_document_text'
import * as m1300 from './20261122001300_watched_folders'
import * as m1400 from './20261122001400_session_import_origin'
import * as m1500 from './20261122001500_secrets'
import * as m1510 from './20261122001510_memory_proposals'
import * as m1520 from './20261122001520_proposal_source'
import * as m1600 from './20261122001600_chat_answers'
import * as m1800 from './20261122001800_workflows_archives'
import * as m2050 from './20261122002050_embedding_backlog'
import * as m2100 from './20261122002100_search_changes'
import * as m2200 from './20261122002200_search_meta'

export interface MigrationModule {
  up(knex: Knex): Promise<void>
  down(knex: Knex): Promise<void>
}

export const migrations: ReadonlyArray<readonly [name: string, module: MigrationModule]> = [
  ['20261122000100_extensions', m0100],
  ['20261122000200_events', m0200],
  ['20261122000300_sessions_messages', m0300],
  ['20261122000400_documents', m0400],
  ['20261122000500_memories', m0500],
  ['20261122000600_traces', m0600],
  ['20261122000700_workflows', m0700],
  ['20261122000800_settings', m0800],
  ['20261122000900_memory_duplicates', m0900],
  ['20261122001000_storage_tuning', m1000],
  ['20261122001100_workflow_runner', m1100],
  ['20261122001200_document_text', m1200],
  ['20261122001300_watched_folders', m1300],
  ['20261122001400_session_import_origin', m1400],
  ['20261122001500_secrets', m1500],
  ['20261122001510_memory_proposals', m1510],
  ['20261122001520_proposal_source', m1520],
  ['20261122001600_chat_answers', m1600],
  ['20261122001800_workflows_archives', m1800],
  ['20261122002050_embedding_backlog', m2050],
  ['20261122002100_search_changes', m2100],
  ['20261122002200_search_meta', m2200]
]
