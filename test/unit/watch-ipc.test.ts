/** In Electron a folder to watch comes only from main's dialog (a path grant); the browser harness and the CLI may pass a typed path. */
import { describe, expect, it } from 'vitest'
import { watchHandlers } from '../../src/main/features/documents/watch/watch.ipc'
import { createPathGrants } from '../../src/main/core/path-grants'
import type { FolderWatcher } from '../../src/main/features/documents/watch/watch.service'

function recordingWatcher(): { watcher: FolderWatcher; added: string[] } {
  const added: string[] = []
  const watcher = {
    add: async (path: string) => {
      added.push(path)
      return { id: 'f', path, addedAt: '', lastScanAt: null, enabled: true, present: true, documents: 0 }
    }
  } as unknown as FolderWatcher
  return { watcher, added }
}

describe('watch:add and where its path comes from', () => {
  it("in the desktop app, takes only a folder chosen in main's dialog, and touches nothing otherwise", async () => {
    const { watcher, added } = recordingWatcher()
    const grants = createPathGrants()
    const h = watchHandlers(async () => watcher, { checkPath: (p) => grants.check('watch-folder', p) })
    await expect(h['watch:add']({ path: '/etc' })).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/choose the folder to keep in sync/i) })
    expect(added).toEqual([])
    grants.grant('watch-folder', '/home/me/Notes')
    await expect(h['watch:add']({ path: '/home/me/Notes' })).resolves.toMatchObject({ path: '/home/me/Notes' })
    expect(added).toEqual(['/home/me/Notes'])
  })

  it('takes a typed path in the browser harness and the CLI', async () => {
    const { watcher, added } = recordingWatcher()
    const h = watchHandlers(async () => watcher)
    await expect(h['watch:add']({ path: '/home/me/Notes' })).resolves.toMatchObject({ path: '/home/me/Notes' })
    expect(added).toEqual(['/home/me/Notes'])
  })
})
