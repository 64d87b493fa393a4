import { AppError } from '../../../../shared/errors'
import type { Handlers } from '../../../ipc/router'
import type { FolderWatcher } from './watch.service'

type WatchChannels = 'watch:list' | 'watch:add' | 'watch:remove' | 'watch:rescan'

/**
 * `pathsFromPage`: whether `watch:add` may take a path typed in the page. True for the
 * browser harness and the CLI; false in Electron, where a folder to watch comes only
 * from main's own folder dialog (src/main/platform/ipc.ts), never from the page.
 */
export const watchHandlers = (watcher: () => Promise<FolderWatcher>, o: { pathsFromPage: boolean }): Pick<Handlers, WatchChannels> => ({
  'watch:list': async () => (await watcher()).list(),
  'watch:add': async (i) => {
    if (!o.pathsFromPage) throw new AppError('unauthorized', 'In the desktop app, choose the folder with "Keep a folder in sync…".')
    return (await watcher()).add(i.path)
  },
  'watch:remove': async (i) => {
    await (await watcher()).remove(i.id)
    return { removed: true as const }
  },
  'watch:rescan': async (i) => (await watcher()).rescan(i.id)
})
