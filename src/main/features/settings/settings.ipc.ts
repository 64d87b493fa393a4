import type { Handlers } from '../../ipc/router'
import type { SettingsService } from './settings.service'

export const settingsHandlers = (
  settings: () => Promise<SettingsService>
): Pick<Handlers, 'settings:list' | 'settings:get' | 'settings:set' | 'settings:history'> => ({
  'settings:list': async () => (await settings()).list(),
  'settings:get': async (i) => (await settings()).get(i.key),
  'settings:set': async (i) => (await settings()).set(i.key, i.value),
  'settings:history': async (i) => (await settings()).history(i)
})
