/**
 * The one IPC contract. Every call from the renderer (through the Electron preload or the
 * loopback browser bridge) names a channel here; main validates its payload with the
 * channel's zod schema before any handler runs, and answers with a `Result`.
 *
 * Channels are `feature:verb`. Data channels never take a profile id: main binds each
 * call to the active, unlocked profile. Schemas are `.strict()`, so a smuggled extra
 * field (such as a `profileId`) is a validation error, not silently ignored.
 */
import { z } from 'zod'
import type { AppInfo, DoctorReport, ProfileSummary, ProfilesState, Setting, SettingChange, SettingValue } from './types'

/** A phantom marker carrying a channel's output type; outputs are produced by our own code. */
export interface Out<T> {
  readonly __out?: T
}
const out = <T>(): Out<T> => ({})

const id = z.string().uuid()
const profileName = z
  .string()
  .trim()
  .min(1, 'A profile needs a name.')
  .max(64, 'Profile names are at most 64 characters.')
  .refine((s) => !/[\u0000-\u001f]/.test(s), 'Profile names cannot contain control characters.')
const passphrase = z.string().min(4, 'A passphrase needs at least 4 characters.').max(1024)

/** Electron accelerator syntax, at least one modifier (a global shortcut must not steal a bare key). */
export const ACCELERATOR_RE =
  /^(?:(?:CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)\+)+(?:[A-Z0-9]|F(?:[1-9]|1[0-9]|2[0-4])|Space|Tab|Enter|Return|Backspace|Delete|Insert|Home|End|PageUp|PageDown|Up|Down|Left|Right|Escape|Esc|Plus|[`~!@#$%^&*()\-=[\]\\;',./])$/
export const accelerator = z.string().regex(ACCELERATOR_RE, 'Use a shortcut such as CommandOrControl+Shift+Space.')

const settingKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'Setting keys look like "chat.model".')
  .max(128)
const settingValue: z.ZodType<SettingValue> = z.lazy(() =>
  z.union([z.string().max(100_000), z.number().finite(), z.boolean(), z.null(), z.array(settingValue).max(1000), z.record(z.string(), settingValue)])
)

const empty = z.object({}).strict()

export const contract = {
  'app:info': { input: empty, output: out<AppInfo>() },
  'app:setCaptureShortcut': {
    input: z.object({ accelerator: accelerator.nullable() }).strict(),
    output: out<AppInfo>()
  },

  'profiles:list': { input: empty, output: out<ProfilesState>() },
  'profiles:create': {
    input: z.object({ name: profileName, passphrase: passphrase.optional() }).strict(),
    output: out<ProfileSummary>()
  },
  'profiles:rename': { input: z.object({ id, name: profileName }).strict(), output: out<ProfileSummary>() },
  'profiles:delete': {
    /** The user types the profile's name to confirm: deleting removes all of its data. */
    input: z.object({ id, confirmName: z.string() }).strict(),
    output: out<ProfilesState>()
  },
  'profiles:switch': {
    input: z.object({ id, passphrase: z.string().max(1024).optional() }).strict(),
    output: out<ProfilesState>()
  },
  'profiles:lock': { input: empty, output: out<ProfilesState>() },
  'profiles:setPassphrase': {
    input: z.object({ id, current: z.string().max(1024).optional(), next: passphrase.nullable() }).strict(),
    output: out<ProfileSummary>()
  },

  'settings:list': { input: empty, output: out<Setting[]>() },
  'settings:get': { input: z.object({ key: settingKey }).strict(), output: out<Setting | null>() },
  'settings:set': { input: z.object({ key: settingKey, value: settingValue }).strict(), output: out<Setting>() },
  'settings:history': {
    input: z.object({ key: settingKey.optional(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    output: out<SettingChange[]>()
  },

  'system:doctor': { input: empty, output: out<DoctorReport>() }
} as const

export type Contract = typeof contract
export type Channel = keyof Contract
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>
export type ChannelParsed<C extends Channel> = z.output<Contract[C]['input']>
export type ChannelOutput<C extends Channel> = Contract[C]['output'] extends Out<infer T> ? T : never

export const CHANNELS = Object.keys(contract) as Channel[]
export const isChannel = (name: unknown): name is Channel => typeof name === 'string' && Object.hasOwn(contract, name)

/** Events pushed from main to the renderer. */
export interface EventMap {
  'profiles:changed': ProfilesState
  'app:changed': AppInfo
  'capture:open': Record<string, never>
}
export type EventName = keyof EventMap
export const EVENT_NAMES: EventName[] = ['profiles:changed', 'app:changed', 'capture:open']
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && (EVENT_NAMES as string[]).includes(name)

/** The API the preload exposes on `window.engram`, and the browser bridge imitates. */
export interface EngramBridge {
  invoke(channel: string, input: unknown): Promise<unknown>
  on(event: string, listener: (payload: unknown) => void): () => void
}
