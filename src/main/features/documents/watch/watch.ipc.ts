import type { Handlers } from '../../../ipc/router'
import type { FolderWatcher } from './watch.service'

type WatchChannels = 'watch:list' | 'watch:add' | 'watch:remove' | 'watch:rescan'

/**
 * `checkPath`: in the desktop app, refuses a folder that was not chosen in main's own
 * dialog (src/core/path-grants.ts); absent in the browser harness and the CLI, where the
 * person types the path.
 */
export const watchHandlers = (watcher: () => Promise<FolderWatcher>, o: { checkPath?: ((path: string) => void) | undefined } = {}): Pick<Handlers, WatchChannels> => ({
  'watch:list': async () => (await watcher()).list(),
  'watch:add': async (i) => {
    o.checkPath?.(i.path)
    return (await watcher()).add(i.path)
  },
  'watch:remove': async (i) => {
    await (await watcher()).remove(i.id)
    return { removed: true as const }
  },
  'watch:rescan': async (i) => (await watcher()).rescan(i.id)
})
