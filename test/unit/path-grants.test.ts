/** In the desktop app, a path reaches a channel only after the person chose it in main's dialog, for that purpose. */
import { describe, expect, it } from 'vitest'
import { createPathGrants } from '../../src/main/core/path-grants'

describe('path grants', () => {
  it('refuses a path nobody chose, and one chosen for another purpose', () => {
    const g = createPathGrants()
    expect(() => g.check('archive-open', '/home/me/a.engram')).toThrow(/choose the archive to import/)
    g.grant('archive-save', '/home/me/a.engram')
    expect(() => g.check('archive-open', '/home/me/a.engram')).toThrow(expect.objectContaining({ code: 'unauthorized' }))
  })

  it('takes a chosen path, also written another way that resolves to the same place', () => {
    const g = createPathGrants()
    g.grant('watch-folder', '/home/me/Notes')
    expect(() => g.check('watch-folder', '/home/me/Notes')).not.toThrow()
    expect(() => g.check('watch-folder', '/home/me/Notes/../Notes/')).not.toThrow()
    expect(() => g.check('watch-folder', '/home/me/Notes/private')).toThrow()
  })
})
