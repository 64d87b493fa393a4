/**
 * Paths the person chose in one of main's own dialogs. In the desktop app, channels that
 * name a file or folder on disk (a folder to keep in sync, an archive to write or read, the
 * backup folder) take only a path granted here, so a page can never make one up: the
 * preload asks main for a dialog (`engram:pick-path`), main shows it, grants the choice and
 * hands it back to the page, which then calls the channel with it. The browser harness and
 * the CLI have no grants: there the person types the path.
 */
import { resolve } from 'node:path'
import { AppError } from '../../shared/errors'

export type PathPurpose = 'watch-folder' | 'archive-save' | 'archive-open' | 'backup-folder'

const WHAT: Record<PathPurpose, string> = {
  'watch-folder': 'the folder to keep in sync',
  'archive-save': 'where to save the archive',
  'archive-open': 'the archive to import',
  'backup-folder': 'the backup folder'
}

export interface PathGrants {
  grant(purpose: PathPurpose, path: string): void
  /** Throws `unauthorized` unless `path` was chosen in main's dialog for this purpose. */
  check(purpose: PathPurpose, path: string): void
}

export function createPathGrants(): PathGrants {
  const granted = new Map<PathPurpose, Set<string>>()
  return {
    grant(purpose, path) {
      const set = granted.get(purpose) ?? new Set<string>()
      set.add(resolve(path))
      granted.set(purpose, set)
    },
    check(purpose, path) {
      if (granted.get(purpose)?.has(resolve(path))) return
      throw new AppError('unauthorized', `In the desktop app, choose ${WHAT[purpose]} with the "Choose…" button.`)
    }
  }
}
