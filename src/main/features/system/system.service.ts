/** `engram doctor`: what engine, which Postgres and pgvector, which migrations, which model. */
import { migrations } from '../../../../migrations'
import type { DoctorReport } from '../../../shared/types'
import { appVersion } from '../../core/paths'
import { migrationStatus } from '../../db/migrate'
import { DEFAULT_DIM, DEFAULT_MODEL, locateModel } from '../embeddings/model-locator'
import type { ProfileContext } from '../profiles/profiles.service'

export async function doctorReport(opts: {
  dataDir: string
  mode: DoctorReport['app']['mode']
  ctx: ProfileContext | null
  configuredModelDir?: string | null
}): Promise<DoctorReport> {
  const model = locateModel({ configuredDir: opts.configuredModelDir })
  const embedding: DoctorReport['embedding'] = model
    ? {
        status: 'not_loaded',
        model: DEFAULT_MODEL,
        dim: DEFAULT_DIM,
        dir: model.dir,
        note: `Found (${model.source}). It loads on first use.`
      }
    : {
        status: 'missing',
        model: null,
        dim: null,
        dir: null,
        note: 'No embedding model found: capture and keyword search work; semantic search waits for a model (set ENGRAM_MODEL_DIR).'
      }
  const report: DoctorReport = {
    app: { name: 'engram', version: appVersion(), node: process.version, platform: `${process.platform}-${process.arch}`, mode: opts.mode },
    dataDir: opts.dataDir,
    profile: null,
    engine: null,
    postgres: null,
    pgvector: null,
    pgTrgm: null,
    migrations: null,
    embedding
  }
  const ctx = opts.ctx
  if (!ctx) return report
  const { knex, schema } = ctx.engine
  const version = (await knex.raw('select version() as v')).rows[0].v as string
  const exts = (await knex.raw("select extname, extversion from pg_extension where extname in ('vector', 'pg_trgm')")).rows as Array<{
    extname: string
    extversion: string
  }>
  const list = await migrationStatus(knex, schema)
  report.profile = { id: ctx.profile.id, name: ctx.profile.name, dataDir: ctx.profileDir }
  report.engine = { kind: ctx.engine.kind, location: ctx.engine.location }
  report.postgres = { version }
  const vec = exts.find((e) => e.extname === 'vector')
  const trgm = exts.find((e) => e.extname === 'pg_trgm')
  report.pgvector = vec ? { version: vec.extversion } : null
  report.pgTrgm = trgm ? { version: trgm.extversion } : null
  report.migrations = {
    applied: list.filter((m) => m.applied).length,
    total: migrations.length,
    pending: list.filter((m) => !m.applied).map((m) => m.name),
    list
  }
  return report
}
