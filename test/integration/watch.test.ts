/**
 * Folder watching end to end: a real core in the 'app' role (so watching starts when the
 * profile opens), real chokidar on a temporary folder, the real import pipeline on a real
 * PGlite. Files added, changed, moved away and back, deleted and copied in bursts are
 * reflected in the documents; removing the watch stops it; a profile opened after changes
 * made while Engram was closed catches up with one reconciliation scan. Waits poll with a
 * bound; nothing sleeps for long.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { testCore, tempDir, MODEL_FIXTURE, type TestCore } from '../helpers/core'
import { AppError } from '../../src/shared/errors'
import type { DocumentSummary, WatchedFolder } from '../../src/shared/types'
import { runCli } from '../../src/cli/main'

let core: TestCore
let dataDir: string
const root = tempDir('engram-watch-')
const folder = join(root, 'Notes')

/** Poll `fn` until it returns something truthy, at most `ms`. */
async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms
  let last: unknown = null
  while (Date.now() < end) {
    try {
      const v = await fn()
      if (v) return v
    } catch (err) {
      last = err
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error(`Timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`)
}

/** Every document (archived or not) whose file was under `dir`. */
async function docsUnder(dir: string, c: TestCore = core): Promise<DocumentSummary[]> {
  const all = [...(await c.call('documents:list', { limit: 500 })).items, ...(await c.call('documents:list', { archived: true, limit: 500 })).items]
  return all.filter((d) => d.originalPath?.startsWith(dir + '/'))
}
const byPath = async (p: string, c: TestCore = core): Promise<DocumentSummary[]> => (await docsUnder(folder, c)).filter((d) => d.originalPath === p)

/** Wait until the one document of `p` is ready (and, when given, passes `check`). */
async function readyDoc(p: string, check: (d: DocumentSummary) => boolean = () => true, c: TestCore = core): Promise<DocumentSummary> {
  return until(`a ready document for ${p}`, async () => {
    const ds = await byPath(p, c)
    return ds.length === 1 && ds[0]?.status === 'ready' && check(ds[0]) ? ds[0] : null
  })
}

async function textOf(id: string): Promise<string> {
  return (await core.call('documents:get', { id })).text
}

beforeAll(async () => {
  dataDir = tempDir()
  core = testCore({ dataDir, role: 'app', modelDir: MODEL_FIXTURE })
  await core.call('profiles:create', { name: 'Watch' })
  mkdirSync(join(folder, 'sub'), { recursive: true })
  writeFileSync(join(folder, 'garden.md'), '# Garden\n\nThe tomatoes go in the south bed this year.\n')
  writeFileSync(join(folder, 'sub', 'boat.txt'), 'The dinghy needs new oarlocks before the regatta.\n')
  writeFileSync(join(folder, '.hidden.txt'), 'Never imported.\n')
  writeFileSync(join(folder, 'draft.txt~'), 'An editor backup, never imported.\n')
})
afterAll(async () => {
  await core.dispose()
  rmSync(root, { recursive: true, force: true })
})

describe('folder watching', () => {
  it('refuses folders it cannot or should not watch, in words', async () => {
    const refuse = async (path: string, code: string, message: RegExp) => {
      const err = await core.call('watch:add', { path }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).code).toBe(code)
      expect((err as AppError).message).toMatch(message)
    }
    await refuse('relative/notes', 'validation', /full path/)
    await refuse(join(root, 'nope'), 'not_found', /no folder/)
    writeFileSync(join(root, 'file.txt'), 'x')
    await refuse(join(root, 'file.txt'), 'validation', /a file, not a folder/)
    await refuse(dataDir, 'validation', /Engram's own data/)
    expect(await core.call('watch:list', {})).toEqual([])
  })

  it('adding a folder imports what it holds (hidden and temporary files skipped)', async () => {
    const added = await core.call('watch:add', { path: folder + '/' })
    expect(added).toMatchObject({ path: folder, enabled: true, present: true })
    await readyDoc(join(folder, 'garden.md'))
    await readyDoc(join(folder, 'sub', 'boat.txt'))
    const docs = await docsUnder(folder)
    expect(docs.map((d) => d.name).sort()).toEqual(['boat.txt', 'garden.md'])
    const [listed] = await until('the scan to be recorded', async () => {
      const l = await core.call('watch:list', {})
      return l[0]?.lastScanAt ? l : null
    })
    expect(listed).toMatchObject({ id: added.id, documents: 2 })

    await expect(core.call('watch:add', { path: folder })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already watched/) })
    await expect(core.call('watch:add', { path: join(folder, 'sub') })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/as part of/) })
  })

  it('a new file is imported; a changed file is imported again and replaces its old version', async () => {
    const idea = join(folder, 'idea.md')
    writeFileSync(idea, 'Build a bat box for the shed wall.\n')
    await readyDoc(idea)

    const garden = join(folder, 'garden.md')
    const before = await readyDoc(garden)
    writeFileSync(garden, '# Garden\n\nThe courgettes go in the north bed, next to the compost heap.\n')
    const after = await readyDoc(garden, (d) => d.id !== before.id)
    expect(await textOf(after.id)).toContain('courgettes')
    expect((await core.call('documents:get', { id: before.id }).catch((e: unknown) => e)) as AppError).toMatchObject({ code: 'not_found' })
    const found = await core.call('search:query', { query: 'courgettes compost', sources: ['document'] })
    expect(found.hits[0]?.meta).toMatchObject({ documentId: after.id })
    const old = await core.call('search:query', { query: 'tomatoes south bed', sources: ['document'] })
    expect(old.hits.filter((h) => h.meta['documentId'] === before.id)).toEqual([])
  })

  it('a deleted file archives its document (never deletes it); moved back unchanged, it is restored', async () => {
    const boat = join(folder, 'sub', 'boat.txt')
    const doc = await readyDoc(boat)
    const aside = join(root, 'boat.txt')
    renameSync(boat, aside)
    const archived = await until('the document to be archived', async () => {
      const [d] = await byPath(boat)
      return d?.archivedAt ? d : null
    })
    expect(archived.id).toBe(doc.id)
    expect((await core.call('documents:list', {})).items.map((d) => d.id)).not.toContain(doc.id)

    renameSync(aside, boat) // same bytes, same mtime: the same document comes back
    const restored = await until('the document to be restored', async () => {
      const [d] = await byPath(boat)
      return d && !d.archivedAt ? d : null
    })
    expect(restored.id).toBe(doc.id)

    rmSync(boat)
    await until('the document to be archived again', async () => (await byPath(boat))[0]?.archivedAt)
  })

  it('a burst of files is imported in a few batches, not one by one', async () => {
    const burst = join(folder, 'burst')
    mkdirSync(burst)
    for (let i = 0; i < 20; i++) writeFileSync(join(burst, `note-${String(i).padStart(2, '0')}.txt`), `Burst note ${i}: remember the ${i}th thing.\n`)
    const docs = await until('20 burst documents', async () => {
      const ds = (await docsUnder(burst)).filter((d) => d.status === 'ready')
      return ds.length === 20 ? ds : null
    })
    const { ctx } = await core.services()
    const names = docs.map((d) => d.name)
    const batches = await ctx.db.raw(
      `select count(distinct payload->>'batchId') as n from events where type = 'document.import' and payload->>'name' in (${names.map(() => '?').join(', ')})`,
      names
    )
    expect(Number(batches.rows[0].n)).toBeLessThanOrEqual(3)
  })

  it('a rescan with nothing changed changes nothing', async () => {
    const [f] = await core.call('watch:list', {})
    const [scan] = await core.call('watch:rescan', { id: f?.id as string })
    expect(scan).toMatchObject({ imported: 0, reimported: 0, archived: 0, restored: 0, missing: false, runIds: [] })
    expect(scan?.unchanged).toBe(22) // garden.md, idea.md and the 20 burst notes
  })

  it('a missing folder (an unplugged drive) archives nothing', async () => {
    const [f] = await core.call('watch:list', {})
    const moved = join(root, 'Notes-away')
    renameSync(folder, moved)
    try {
      const [scan] = await core.call('watch:rescan', { id: f?.id as string })
      expect(scan).toMatchObject({ missing: true, archived: 0 })
      expect((await core.call('watch:list', {}))[0]).toMatchObject({ present: false })
      expect((await docsUnder(folder)).filter((d) => d.archivedAt).map((d) => d.name)).toEqual(['boat.txt'])
    } finally {
      renameSync(moved, folder)
    }
  })

  it('after removing the watch, changes are ignored and the documents stay', async () => {
    const [f] = await core.call('watch:list', {})
    const kept = (await docsUnder(folder)).filter((d) => !d.archivedAt).length
    expect(await core.call('watch:remove', { id: f?.id as string })).toEqual({ removed: true })
    expect(await core.call('watch:list', {})).toEqual([])
    writeFileSync(join(folder, 'later.txt'), 'Written after the watch was removed.\n')
    rmSync(join(folder, 'idea.md'))
    // Long enough for a watched change to have been picked up (write-finish 0.5 s + debounce 0.4 s).
    await new Promise((r) => setTimeout(r, 2_500))
    const docs = await docsUnder(folder)
    expect(docs.map((d) => d.name)).not.toContain('later.txt')
    expect(docs.filter((d) => !d.archivedAt).length).toBe(kept)
    await expect(core.call('watch:remove', { id: f?.id as string })).rejects.toMatchObject({ code: 'not_found' })
  })

  it('changes made while Engram was closed are caught up when the profile opens', async () => {
    const added = await core.call('watch:add', { path: folder })
    await readyDoc(join(folder, 'later.txt'))
    await until('idea.md to be archived', async () => (await byPath(join(folder, 'idea.md')))[0]?.archivedAt)
    const before = await readyDoc(join(folder, 'garden.md'))
    await core.close()

    writeFileSync(join(folder, 'garden.md'), '# Garden\n\nThis year: only herbs, rosemary and thyme.\n')
    writeFileSync(join(folder, 'offline.txt'), 'Written while Engram was closed.\n')
    rmSync(join(folder, 'later.txt'))

    core = testCore({ dataDir, role: 'app', modelDir: MODEL_FIXTURE })
    await core.services()
    const garden = await readyDoc(join(folder, 'garden.md'), (d) => d.id !== before.id)
    expect(await textOf(garden.id)).toContain('rosemary')
    await readyDoc(join(folder, 'offline.txt'))
    await until('later.txt to be archived', async () => (await byPath(join(folder, 'later.txt')))[0]?.archivedAt)
    expect((await core.call('watch:list', {})).map((f) => f.id)).toEqual([added.id])
  })

  it('engram watch add | list | remove', async () => {
    const notes = (await docsUnder(folder)).filter((d) => !d.archivedAt).length
    await core.profiles.close() // the CLI opens the profile itself
    const other = join(root, 'Other')
    mkdirSync(other)
    writeFileSync(join(other, 'recipe.txt'), 'Soak the chickpeas overnight.\n')
    const lines: string[] = []
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) }
    const engram = async (...args: string[]): Promise<string> => {
      lines.length = 0
      expect(await runCli(['--data-dir', dataDir, ...args], io)).toBe(0)
      return lines.join('\n')
    }
    expect(await engram('watch', 'add', other)).toMatch(/Watching .*Other\.\n.*Other: 1 new, 0 changed, 0 archived/)
    const listed = JSON.parse(await engram('watch', 'list', '--json')) as WatchedFolder[]
    expect(listed.map((f) => [f.path, f.documents])).toEqual([
      [folder, notes],
      [other, 1]
    ])
    expect(await engram('watch', 'remove', other)).toMatch(/No longer watching .*Other\. Its documents stay\./)
    expect((JSON.parse(await engram('watch', 'list', '--json')) as WatchedFolder[]).map((f) => f.path)).toEqual([folder])
  })
})
