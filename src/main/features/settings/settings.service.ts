/** Profile settings: every change is written together with its audit row, in one transaction. */
import type { Knex } from 'knex'
import type { Setting, SettingChange, SettingValue } from '../../../shared/types'
import { settingsRepository as repo } from './settings.repository'

export interface SettingsService {
  get(key: string): Promise<Setting | null>
  /** Several settings in one round trip (absent keys are missing from the map). */
  getMany(keys: string[]): Promise<Map<string, Setting>>
  list(): Promise<Setting[]>
  set(key: string, value: SettingValue, source?: string): Promise<Setting>
  history(opts: { key?: string | undefined; limit: number }): Promise<SettingChange[]>
}

export function createSettingsService({ db }: { db: Knex }): SettingsService {
  return {
    get: (key) => repo.get(db, key),
    getMany: (keys) => repo.getMany(db, keys),
    list: () => repo.list(db),
    set: (key, value, source = 'app') =>
      db.transaction(async (trx) => {
        const before = await repo.get(trx, key)
        const after = await repo.upsert(trx, key, value)
        if (JSON.stringify(before?.value ?? null) !== JSON.stringify(value))
          await repo.audit(trx, { key, oldValue: before?.value ?? null, newValue: value, source })
        return after
      }),
    history: (opts) => repo.history(db, opts)
  }
}
