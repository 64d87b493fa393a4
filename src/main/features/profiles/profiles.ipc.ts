import type { Handlers } from '../../ipc/router'
import type { ProfilesService } from './profiles.service'

export const profilesHandlers = (
  profiles: ProfilesService<unknown & object>
): Pick<Handlers, 'profiles:list' | 'profiles:create' | 'profiles:rename' | 'profiles:delete' | 'profiles:switch' | 'profiles:lock' | 'profiles:setPassphrase'> => ({
  'profiles:list': () => profiles.list(),
  'profiles:create': (i) => profiles.create(i),
  'profiles:rename': (i) => profiles.rename(i.id, i.name),
  'profiles:delete': (i) => profiles.remove(i.id, i.confirmName),
  'profiles:switch': (i) => profiles.switchTo(i.id, i.passphrase),
  'profiles:lock': () => profiles.lock(),
  'profiles:setPassphrase': (i) => profiles.setPassphrase(i.id, i.current, i.next)
})
