/** Profile settings: every change is written together with its audit row, in one transaction. */
import type { Knex } from 'knex'
import type { Setting, SettingChange, SettingValue } from '../../../shared/types'
import { settingsRepository as repo } from './settings.repository'

export interface SettingsService {
  get(key: string): Promise<Setting | null>
  list(): Promise<Setting[]>
  set(key: string, value: SettingValue, source?: string): Promise<Setting>
  history(opts: { key?: string | undefined; limit: number }): Promise<SettingChange[]>
}

export function createSettingsService({ db }: { db: Knex }): SettingsService {
  return {
    get: (key) => repo.get(db, key),
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
