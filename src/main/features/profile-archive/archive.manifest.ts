/**
 * What an archive says about itself (`manifest.json`, the last tar entry), and how the
 * profile's tables are found: through the catalog, not a hard-coded list, so a table added
 * by a later migration is exported without anyone remembering to add it here.
 */
import type { Knex } from 'knex'
import { z } from 'zod'

export const MANIFEST_NAME = 'manifest.json'
/**
 * Knex's own bookkeeping (the migration list travels in the manifest instead), and
 * `secrets`: sealed with this machine's keychain or key file, so useless anywhere else
 * (the chat model's API key is entered again after an import).
 */
/** Not exported: migration bookkeeping, secrets (sealed to this machine), and search_changes (derived: the search index's change log). */
const SKIPPED_TABLES = new Set(['knex_migrations', 'knex_migrations_lock', 'secrets', 'search_changes'])

const sha256 = z.string().regex(/^[0-9a-f]{64}$/)
const entryPath = z
  .string()
  .max(400)
  .regex(/^(tables|files)\/[A-Za-z0-9._\-/]+$/)
  .refine((p) => !p.split('/').some((s) => s === '' || s === '.' || s === '..'), 'bad path')

export const manifestSchema = z
  .object({
    format: z.literal('engram-archive'),
    version: z.number().int().min(1),
    appVersion: z.string().max(100),
    createdAt: z.string().max(40),
    profileName: z.string().min(1).max(200),
    profileId: z.string().max(100),
    engine: z.enum(['pglite', 'postgres']),
    migrations: z.array(z.string().max(200)).max(10_000),
    /** The original profile's files folder: stored paths under it are moved to the new profile's. */
    filesDir: z.string().max(4096),
    tables: z.record(
      z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
      z
        .object({
          rows: z.number().int().min(0),
          columns: z.array(z.object({ name: z.string().max(63), type: z.string().max(200), vector: z.boolean() }).strict()).min(1),
          parts: z.array(z.object({ path: entryPath, rows: z.number().int().min(0), bytes: z.number().int().min(0), sha256 }).strict())
        })
        .strict()
    ),
    files: z.record(entryPath, z.object({ bytes: z.number().int().min(0), sha256 }).strict()),
    embeddingModels: z.array(z.object({ table: z.string(), model: z.string().nullable(), dim: z.number().int().nullable(), rows: z.number().int() }).strict())
  })
  .strict()

export type Manifest = z.infer<typeof manifestSchema>

export interface ColumnInfo {
  name: string
  /** format_type(): what a value is cast to on the way in. */
  type: string
  vector: boolean
  identity: boolean
}

export interface TableInfo {
  name: string
  columns: ColumnInfo[]
  primaryKey: string[]
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`

/**
 * The profile schema's base tables with their stored (non-generated) columns and primary
 * keys, parents before children (foreign keys between tables; a table's references to
 * itself are handled at import).
 */
export async function describeTables(db: Knex | Knex.Transaction): Promise<TableInfo[]> {
  const cols = (
    await db.raw(
      `select c.relname as table, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
              t.typname = 'vector' as vector, a.attidentity <> '' as identity
         from pg_class c
         join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         join pg_type t on t.oid = a.atttypid
        where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and a.attgenerated = ''
        order by c.relname, a.attnum`
    )
  ).rows as Array<{ table: string; name: string; type: string; vector: boolean; identity: boolean }>
  const pks = (
    await db.raw(
      `select c.relname as table, a.attname as name
         from pg_index i join pg_class c on c.oid = i.indrelid
         join lateral unnest(i.indkey) with ordinality k(attnum, ord) on true
         join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
        where i.indisprimary and c.relnamespace = current_schema()::regnamespace
        order by c.relname, k.ord`
    )
  ).rows as Array<{ table: string; name: string }>
  const fks = (
    await db.raw(
      `select c.relname as child, p.relname as parent from pg_constraint k
         join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
        where k.contype = 'f' and c.relnamespace = current_schema()::regnamespace`
    )
  ).rows as Array<{ child: string; parent: string }>

  const tables = new Map<string, TableInfo>()
  for (const c of cols) {
    if (SKIPPED_TABLES.has(c.table)) continue
    let t = tables.get(c.table)
    if (!t) tables.set(c.table, (t = { name: c.table, columns: [], primaryKey: [] }))
    t.columns.push({ name: c.name, type: c.type, vector: c.vector, identity: c.identity })
  }
  for (const k of pks) tables.get(k.table)?.primaryKey.push(k.name)

  // Parents first (depth-first over the foreign keys), ties by name so the order is stable.
  const parents = new Map<string, Set<string>>()
  for (const f of fks) if (f.child !== f.parent) (parents.get(f.child) ?? parents.set(f.child, new Set()).get(f.child))?.add(f.parent)
  const ordered: TableInfo[] = []
  const seen = new Set<string>()
  const visit = (name: string, path: Set<string>): void => {
    if (seen.has(name) || path.has(name)) return
    path.add(name)
    for (const p of [...(parents.get(name) ?? [])].sort()) visit(p, path)
    path.delete(name)
    seen.add(name)
    const t = tables.get(name)
    if (t) ordered.push(t)
  }
  for (const name of [...tables.keys()].sort()) visit(name, new Set())
  return ordered
}

/** Migrations applied to this schema, oldest first. */
export async function appliedMigrations(db: Knex | Knex.Transaction): Promise<string[]> {
  const r = await db.raw('select name from knex_migrations order by id')
  return (r.rows as Array<{ name: string }>).map((x) => x.name)
}
