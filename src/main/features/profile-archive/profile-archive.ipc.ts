import type { Handlers } from '../../ipc/router'
import type { ProfileArchiveService } from './profile-archive.service'

export const profileArchiveHandlers = (
  archives: ProfileArchiveService
): Pick<Handlers, 'profiles:export' | 'profiles:importArchive' | 'backup:configure' | 'backup:status' | 'backup:run'> => ({
  'profiles:export': (i) => archives.exportActive(i),
  'profiles:importArchive': (i) => archives.importArchive(i),
  'backup:configure': (i) => archives.configureBackup(i),
  'backup:status': () => archives.backupStatus(),
  'backup:run': () => archives.backupNow()
})
