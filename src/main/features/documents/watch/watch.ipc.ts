import type { Handlers } from '../../../ipc/router'
import type { FolderWatcher } from './watch.service'

type WatchChannels = 'watch:list' | 'watch:add' | 'watch:remove' | 'watch:rescan'

export const watchHandlers = (watcher: () => Promise<FolderWatcher>): Pick<Handlers, WatchChannels> => ({
  'watch:list': async () => (await watcher()).list(),
  'watch:add': async (i) => (await watcher()).add(i.path),
  'watch:remove': async (i) => {
    await (await watcher()).remove(i.id)
    return { removed: true as const }
  },
  'watch:rescan': async (i) => (await watcher()).rescan(i.id)
})
