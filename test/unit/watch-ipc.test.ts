/** In Electron a folder to watch comes only from main's dialog; the browser harness and the CLI may pass a typed path. */
import { describe, expect, it } from 'vitest'
import { watchHandlers } from '../../src/main/features/documents/watch/watch.ipc'
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
  it('refuses a path from the page in the desktop app, and touches nothing', async () => {
    const { watcher, added } = recordingWatcher()
    const h = watchHandlers(async () => watcher, { pathsFromPage: false })
    await expect(h['watch:add']({ path: '/etc' })).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/choose the folder/i) })
    expect(added).toEqual([])
  })

  it('takes a typed path in the browser harness and the CLI', async () => {
    const { watcher, added } = recordingWatcher()
    const h = watchHandlers(async () => watcher, { pathsFromPage: true })
    await expect(h['watch:add']({ path: '/home/me/Notes' })).resolves.toMatchObject({ path: '/home/me/Notes' })
    expect(added).toEqual(['/home/me/Notes'])
  })
})
