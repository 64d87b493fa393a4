/** Domain types shared by main, the CLI, the bridge and the renderer. */

export interface ProfileSummary {
  id: string
  name: string
  createdAt: string
  /** True when the profile has a passphrase. */
  hasPassphrase: boolean
  /** True when the profile is not open in this process (a passphrase is needed to open it). */
  locked: boolean
  active: boolean
}

export interface ProfilesState {
  profiles: ProfileSummary[]
  activeId: string | null
}

export type SettingValue = string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue }

export interface Setting {
  key: string
  value: SettingValue
  updatedAt: string
}

export interface SettingChange {
  id: number
  key: string
  oldValue: SettingValue | null
  newValue: SettingValue | null
  source: string
  changedAt: string
}

export interface MigrationStatus {
  name: string
  applied: boolean
}

export interface DoctorReport {
  app: { name: string; version: string; node: string; platform: string; mode: 'electron' | 'browser' | 'cli' }
  dataDir: string
  profile: { id: string; name: string; dataDir: string } | null
  engine: { kind: 'pglite' | 'postgres'; location: string } | null
  postgres: { version: string } | null
  pgvector: { version: string } | null
  pgTrgm: { version: string } | null
  migrations: { applied: number; total: number; pending: string[]; list: MigrationStatus[] } | null
  embedding: { status: 'ready' | 'missing' | 'not_loaded'; model: string | null; dim: number | null; dir: string | null; note: string }
}

export interface AppInfo {
  name: string
  version: string
  mode: 'electron' | 'browser'
  captureShortcut: string | null
}
