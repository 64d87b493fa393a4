/** Settings rows and their audit log. Knex only. */
import type { Knex } from 'knex'
import type { Setting, SettingChange, SettingValue } from '../../../shared/types'

type Db = Knex | Knex.Transaction

interface SettingRow {
  key: string
  value: SettingValue
  updated_at: Date
}

const toSetting = (r: SettingRow): Setting => ({ key: r.key, value: r.value, updatedAt: r.updated_at.toISOString() })

export const settingsRepository = {
  async get(db: Db, key: string): Promise<Setting | null> {
    const row = (await db('settings').where({ key }).first()) as SettingRow | undefined
    return row ? toSetting(row) : null
  },

  /** Several settings in one round trip, by key (absent keys are missing from the map). */
  async getMany(db: Db, keys: string[]): Promise<Map<string, Setting>> {
    const rows = (await db('settings').whereIn('key', keys)) as SettingRow[]
    return new Map(rows.map((r) => [r.key, toSetting(r)]))
  },

  async list(db: Db): Promise<Setting[]> {
    return ((await db('settings').orderBy('key')) as SettingRow[]).map(toSetting)
  },

  async upsert(db: Db, key: string, value: SettingValue): Promise<Setting> {
    const [row] = (await db('settings')
      .insert({ key, value: JSON.stringify(value), updated_at: db.fn.now() })
      .onConflict('key')
      .merge()
      .returning('*')) as SettingRow[]
    return toSetting(row as SettingRow)
  },

  async audit(db: Db, change: { key: string; oldValue: SettingValue | null; newValue: SettingValue | null; source: string }): Promise<void> {
    await db('settings_audit').insert({
      key: change.key,
      old_value: change.oldValue === null ? null : JSON.stringify(change.oldValue),
      new_value: change.newValue === null ? null : JSON.stringify(change.newValue),
      source: change.source
    })
  },

  async history(db: Db, opts: { key?: string | undefined; limit: number }): Promise<SettingChange[]> {
    const q = db('settings_audit').orderBy('id', 'desc').limit(opts.limit)
    if (opts.key) q.where({ key: opts.key })
    const rows = (await q) as Array<{ id: number; key: string; old_value: SettingValue | null; new_value: SettingValue | null; source: string; changed_at: Date }>
    return rows.map((r) => ({
      id: Number(r.id),
      key: r.key,
      oldValue: r.old_value,
      newValue: r.new_value,
      source: r.source,
      changedAt: r.changed_at.toISOString()
    }))
  }
}
