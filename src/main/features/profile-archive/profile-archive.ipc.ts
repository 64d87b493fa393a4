import type { Handlers } from '../../ipc/router'
import type { ProfileArchiveService } from './profile-archive.service'
import type { PathGrants } from '../../core/path-grants'

/** `grants`: in the desktop app, paths must have been chosen in main's dialogs (src/main/core/path-grants.ts). */
export const profileArchiveHandlers = (
  archives: ProfileArchiveService,
  grants?: PathGrants
): Pick<Handlers, 'profiles:export' | 'profiles:importArchive' | 'backup:configure' | 'backup:status' | 'backup:run'> => ({
  'profiles:export': (i) => {
    grants?.check('archive-save', i.path)
    return archives.exportActive(i)
  },
  'profiles:importArchive': (i) => {
    grants?.check('archive-open', i.path)
    return archives.importArchive(i)
  },
  'backup:configure': (i) => {
    if (i.folder !== null) grants?.check('backup-folder', i.folder)
    return archives.configureBackup(i)
  },
  'backup:status': () => archives.backupStatus(),
  'backup:run': () => archives.backupNow()
})
