/**
 * Fresh profiles start from a template data directory. `initdb` in WASM takes 3.5–7 s on
 * this 2-core machine; copying an initialised, migrated, closed data directory and opening
 * it takes under 1 s. The template is built once per data directory (keyed by the PGlite
 * version and the newest migration), in a temporary folder renamed into place, so two
 * processes building it at once cannot leave a half-built one.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { migrations } from '../../../migrations'
import { appRoot } from '../core/paths'
import { openPgliteEngine } from './engine'
import { migrateLatest } from './migrate'

function pgliteVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(appRoot(), 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

export function templateName(): string {
  const last = migrations[migrations.length - 1]?.[0] ?? 'none'
  return `pgdata-${pgliteVersion()}-${last}`
}

async function buildTemplate(templatesDir: string, name: string): Promise<string> {
  const final = join(templatesDir, name)
  const building = join(templatesDir, `${name}.building-${process.pid}-${Date.now()}`)
  const engine = await openPgliteEngine({ dataDir: join(building, 'pgdata'), runDir: join(building, 'run') })
  try {
    await migrateLatest(engine.knex, engine.schema)
  } finally {
    await engine.close()
  }
  try {
    renameSync(join(building, 'pgdata'), final)
  } catch (err) {
    if (!existsSync(final)) throw err // someone else won the race: theirs is as good as ours
  } finally {
    rmSync(building, { recursive: true, force: true })
  }
  // Templates of older versions are no longer needed.
  for (const entry of readdirSync(templatesDir)) {
    if (entry !== name && !entry.includes('.building-')) rmSync(join(templatesDir, entry), { recursive: true, force: true })
  }
  return final
}

/** Make sure `pgdataDir` exists, copying it from the template (built first if need be). */
export async function preparePgliteDataDir(pgdataDir: string, templatesDir: string): Promise<'existing' | 'template'> {
  if (existsSync(pgdataDir)) return 'existing'
  mkdirSync(templatesDir, { recursive: true })
  const name = templateName()
  const template = existsSync(join(templatesDir, name)) ? join(templatesDir, name) : await buildTemplate(templatesDir, name)
  const tmp = `${pgdataDir}.copying`
  rmSync(tmp, { recursive: true, force: true })
  cpSync(template, tmp, { recursive: true })
  renameSync(tmp, pgdataDir)
  return 'template'
}
