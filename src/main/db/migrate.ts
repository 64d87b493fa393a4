/**
 * Runs the Knex migrations from the static list in `migrations/index.ts`, in the
 * profile's schema. Each migration runs in its own transaction.
 */
import type { Knex } from 'knex'
import { migrations, type MigrationModule } from '../../../migrations'
import type { MigrationStatus } from '../../shared/types'

class ListSource implements Knex.MigrationSource<string> {
  getMigrations(): Promise<string[]> {
    return Promise.resolve(migrations.map(([name]) => name))
  }
  getMigrationName(name: string): string {
    return name
  }
  getMigration(name: string): Promise<MigrationModule> {
    const found = migrations.find(([n]) => n === name)
    if (!found) throw new Error(`Unknown migration ${name}`)
    return Promise.resolve(found[1])
  }
}

function config(schema: string): Knex.MigratorConfig {
  return { migrationSource: new ListSource(), schemaName: schema, tableName: 'knex_migrations' }
}

export async function migrateLatest(knex: Knex, schema: string): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(config(schema))) as [number, string[]]
  return applied
}

/** Roll back every migration (used by the up/down test and by profile reset). */
export async function migrateRollbackAll(knex: Knex, schema: string): Promise<string[]> {
  const [, rolled] = (await knex.migrate.rollback(config(schema), true)) as [number, string[]]
  return rolled
}

export async function migrateDown(knex: Knex, schema: string): Promise<void> {
  await knex.migrate.down(config(schema))
}

export async function migrateUp(knex: Knex, schema: string): Promise<void> {
  await knex.migrate.up(config(schema))
}

export async function migrationStatus(knex: Knex, schema: string): Promise<MigrationStatus[]> {
  const [done] = (await knex.migrate.list(config(schema))) as [Array<{ name: string } | string>, unknown[]]
  const doneNames = new Set(done.map((d) => (typeof d === 'string' ? d : d.name)))
  return migrations.map(([name]) => ({ name, applied: doneNames.has(name) }))
}
