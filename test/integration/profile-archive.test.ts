/**
 * Profile archives, for real: a profile with memories (one superseded by an edit),
 * a document with its stored file, and chat sessions with messages is exported through
 * the contract, imported as a new profile, and compared table by table and search by
 * search. Then the ways an archive goes wrong (corrupted, truncated, wrong passphrase,
 * missing passphrase, newer format, not an archive) each fail with words that say what to
 * do, and leave the profile list and the profiles folder exactly as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { createGzip } from 'node:zlib'
import { pipeline } from 'node:stream/promises'
import { createWriteStream } from 'node:fs'
import * as tar from 'tar-stream'
import { MODEL_FIXTURE, tempDir, testCore, type TestCore } from '../helpers/core'
import { AppError } from '../../src/shared/errors'
import { newHeader } from '../../src/main/features/profile-archive/archive.format'
import type { SearchResponse } from '../../src/shared/types'

const DOCS = join(import.meta.dirname, '..', '..', '..', 'shared', 'documents')
let core: TestCore
let out: string
let originalId: string

const claudeExport = [
  {
    uuid: 'arch-conv-1',
    name: 'Sourdough starter',
    created_at: '2024-05-01T09:00:00Z',
    updated_at: '2024-05-01T09:01:00Z',
    chat_messages: [
      { uuid: 'a1', sender: 'human', text: 'How often should I feed a rye sourdough starter?', created_at: '2024-05-01T09:00:00Z' },
      { uuid: 'a2', sender: 'assistant', text: 'Twice a day at room temperature, once a week in the fridge.', created_at: '2024-05-01T09:00:30Z' },
      { uuid: 'a3', sender: 'human', text: 'And the flour to water ratio?', created_at: '2024-05-01T09:01:00Z' }
    ]
  },
  {
    uuid: 'arch-conv-2',
    name: 'Bike gears',
    created_at: '2024-06-02T10:00:00Z',
    updated_at: '2024-06-02T10:00:30Z',
    chat_messages: [
      { uuid: 'b1', sender: 'human', text: 'My derailleur skips on the smallest cog.', created_at: '2024-06-02T10:00:00Z' },
      { uuid: 'b2', sender: 'assistant', text: 'Turn the barrel adjuster a quarter turn anticlockwise.', created_at: '2024-06-02T10:00:30Z' }
    ]
  }
]

const QUERIES = ['sourdough starter', 'derailleur', 'norwich', 'glacier hiking', 'memory about tea', 'zzqx']

async function counts(): Promise<Record<string, number>> {
  const { ctx } = await core.services()
  // Not compared: secrets (sealed to this machine) and search_changes (the search index's change log: derived, not exported).
  const tables = (await ctx.db.raw(`select tablename from pg_tables where schemaname = current_schema() and tablename not like 'knex_%' and tablename not in ('secrets', 'search_changes') order by 1`)).rows as Array<{ tablename: string }>
  const r: Record<string, number> = {}
  for (const t of tables) r[t.tablename] = Number((await ctx.db(t.tablename).count({ n: '*' }))[0]?.n)
  return r
}

/**
 * Everything a search answers except its timing, with scores apart: the recency boost
 * moves them by a hair between two runs minutes apart, so they are compared to 3 decimals.
 */
const shape = (r: SearchResponse) => ({ mode: r.mode, hits: r.hits.map(({ score: _score, ...h }) => h) })

async function searches(): Promise<{ shapes: unknown[]; scores: number[][] }> {
  const shapes: unknown[] = []
  const scores: number[][] = []
  // Both profiles answer through their in-process index (built when the profile opened).
  expect(await (await core.services()).searchIndex?.whenBuilt()).toBe('ready')
  for (const query of QUERIES) {
    const r = await core.call('search:query', { query, k: 10, recordAccess: false })
    expect(r.engine).toBe('index')
    shapes.push(shape(r))
    scores.push(r.hits.map((h) => h.score))
  }
  return { shapes, scores }
}

function expectSameSearches(a: Awaited<ReturnType<typeof searches>>, b: Awaited<ReturnType<typeof searches>>): void {
  expect(a.shapes).toEqual(b.shapes)
  expect(a.shapes.flatMap((x) => (x as { hits: unknown[] }).hits).length).toBeGreaterThan(10)
  a.scores.forEach((row, i) => row.forEach((score, j) => expect(score).toBeCloseTo(b.scores[i]?.[j] as number, 3)))
}

function profileDirs(): string[] {
  return readdirSync(join(core.dataDir, 'profiles')).sort()
}

async function expectFailure(input: { path: string; passphrase?: string; name?: string }, code: string | string[], message: RegExp): Promise<void> {
  const before = { list: (await core.call('profiles:list', {})).profiles.map((p) => p.id).sort(), dirs: profileDirs() }
  const err = await core.call('profiles:importArchive', input).then(
    () => null,
    (e: unknown) => e
  )
  expect(err, 'the import should have failed').toBeInstanceOf(AppError)
  expect((err as AppError).message).toMatch(message)
  expect(Array.isArray(code) ? code : [code]).toContain((err as AppError).code)
  expect((await core.call('profiles:list', {})).profiles.map((p) => p.id).sort()).toEqual(before.list)
  expect(profileDirs()).toEqual(before.dirs)
}

beforeAll(async () => {
  out = tempDir('engram-archive-out-')
  core = testCore({ modelDir: MODEL_FIXTURE })
  originalId = (await core.call('profiles:create', { name: 'Original' })).id
  const topics = ['tea', 'hiking', 'bikes', 'bread']
  for (let i = 0; i < 24; i++)
    await core.call('memories:capture', { content: `A memory about ${topics[i % 4]} number ${i}: glacier hiking needs crampons, tea needs 90 degree water`, topics: [topics[i % 4] as string], importance: (i % 10) / 10 })
  // An edit supersedes: a reference inside the memories table (old row → new row).
  const first = (await core.call('memories:list', { limit: 500 })).items.at(-1)
  await core.call('memories:update', { id: first?.id as string, content: 'A memory about tea, edited: oolong at 85 degrees' })
  const s = await core.services()
  const docs = await s.documents.importFiles([{ path: join(DOCS, 'norwich-city.txt') }], { source: 'test' })
  for (const f of docs.files) if (f.runId) expect((await s.workflows.waitFor(f.runId, 240_000)).status).toBe('succeeded')
  const chats = await core.call('chats:importExport', { name: 'conversations.json', data: Buffer.from(JSON.stringify(claudeExport)).toString('base64') })
  expect((await s.workflows.waitFor(chats.runId, 240_000)).status).toBe('succeeded')
  await s.embeddingQueue.drain()
}, 600_000)

afterAll(async () => {
  await core?.dispose()
  rmSync(out, { recursive: true, force: true })
})

describe('profile archive round trip', () => {
  let archive: string
  let originalCounts: Record<string, number>
  let originalSearches: Awaited<ReturnType<typeof searches>>
  let copyId: string

  it('exports to a single .engram file, written whole (no partial left behind)', async () => {
    originalCounts = await counts()
    expect(originalCounts.memories).toBe(25)
    expect(originalCounts.sessions).toBe(2)
    expect(originalCounts.messages).toBe(5)
    expect(originalCounts.documents).toBe(1)
    expect(originalCounts.document_chunks).toBeGreaterThan(0)
    originalSearches = await searches()
    const r = await core.call('profiles:export', { path: join(out, 'original') })
    archive = r.path
    expect(archive).toBe(join(out, 'original.engram'))
    expect(r.bytes).toBe(statSync(archive).size)
    expect(r.bytes).toBeGreaterThan(1000)
    expect(readdirSync(out)).toEqual(['original.engram'])
    // Exporting over an existing file needs a yes.
    await expect(core.call('profiles:export', { path: archive })).rejects.toThrow(/already exists/)
  }, 300_000)

  it('imports as a new profile with the same counts, search results and document files', async () => {
    const imported = await core.call('profiles:importArchive', { path: archive, name: 'Copy' })
    copyId = imported.id
    expect(imported).toMatchObject({ name: 'Copy', active: false, hasPassphrase: false })
    expect((await core.call('profiles:list', {})).activeId).toBe(originalId) // the open profile was left alone
    expect(profileDirs().filter((d) => d.startsWith('.'))).toEqual([])

    await core.call('profiles:switch', { id: copyId })
    expect(await counts()).toEqual(originalCounts)
    expectSameSearches(await searches(), originalSearches)

    // The document's stored file moved with it, into the new profile's folder.
    const { ctx } = await core.services()
    const doc = (await ctx.db('documents').first()) as { stored_path: string; file_hash: string }
    expect(doc.stored_path.startsWith(join(core.dataDir, 'profiles', copyId, 'files'))).toBe(true)
    expect(readFileSync(doc.stored_path)).toEqual(readFileSync(join(DOCS, 'norwich-city.txt')))
    // The superseded chain survived (a reference within one table).
    const superseded = await ctx.db('memories').where({ status: 'superseded' }).whereNotNull('superseded_by')
    expect(superseded).toHaveLength(1)
    // New events continue after the imported ids.
    const maxBefore = Number((await ctx.db('events').max({ m: 'id' }))[0]?.m)
    await core.call('memories:capture', { content: 'written after the import' })
    expect(Number((await ctx.db('events').max({ m: 'id' }))[0]?.m)).toBeGreaterThan(maxBefore)

    await core.call('profiles:switch', { id: originalId })
    expectSameSearches(await searches(), originalSearches)
  }, 300_000)

  it('an imported name that is taken gets "(imported)"; an explicit taken name is refused first', async () => {
    await expectFailure({ path: archive, name: 'copy' }, 'conflict', /already exists/)
    const again = await core.call('profiles:importArchive', { path: archive })
    expect(again.name).toBe('Original (imported)')
    await core.call('profiles:delete', { id: again.id, confirmName: again.name })
  }, 300_000)

  it('round-trips with a passphrase (AES-256-GCM), and refuses a wrong or missing one', async () => {
    const r = await core.call('profiles:export', { path: join(out, 'secret.engram'), passphrase: 'correct horse battery' })
    const bytes = readFileSync(r.path)
    // Nothing of the content is readable in the file.
    expect(bytes.includes(Buffer.from('glacier'))).toBe(false)
    await expectFailure({ path: r.path }, 'locked', /encrypted\. Enter its passphrase/)
    await expectFailure({ path: r.path, passphrase: 'wrong horse' }, 'unauthorized', /^The passphrase is wrong, or the archive is damaged\.$/)
    const imported = await core.call('profiles:importArchive', { path: r.path, passphrase: 'correct horse battery', name: 'Secret copy' })
    await core.call('profiles:switch', { id: imported.id })
    expect(await counts()).toEqual(originalCounts)
    await core.call('profiles:switch', { id: originalId })

    // Tampering inside the encrypted payload, and cutting it short, are both caught.
    const tampered = join(out, 'tampered.engram')
    const t = Buffer.from(bytes)
    const at = Math.floor(t.length * 0.6)
    t.writeUInt8(t.readUInt8(at) ^ 0x40, at)
    writeFileSync(tampered, t)
    // (a small archive is one frame: damage there reads as the wrong-passphrase message, which names both)
    await expectFailure({ path: tampered, passphrase: 'correct horse battery' }, ['validation', 'unauthorized'], /damaged/)
    const cut = join(out, 'cut-encrypted.engram')
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)))
    await expectFailure({ path: cut, passphrase: 'correct horse battery' }, 'validation', /damaged or incomplete/)
  }, 300_000)

  it('a corrupted or truncated plain archive fails clearly and creates nothing', async () => {
    const bytes = readFileSync(archive)
    const corrupted = join(out, 'corrupted.engram')
    const c = Buffer.from(bytes)
    for (let i = 0; i < 8; i++) {
      const at = Math.floor(c.length * (0.3 + i * 0.05))
      c.writeUInt8(c.readUInt8(at) ^ 0xff, at)
    }
    writeFileSync(corrupted, c)
    await expectFailure({ path: corrupted }, 'validation', /This archive is damaged or incomplete \(.+\)\. Import another copy/)
    const truncated = join(out, 'truncated.engram')
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)))
    await expectFailure({ path: truncated }, 'validation', /damaged or incomplete/)
    const headerOnly = join(out, 'header-only.engram')
    writeFileSync(headerOnly, bytes.subarray(0, 20))
    await expectFailure({ path: headerOnly }, 'validation', /damaged or incomplete/)
  }, 300_000)

  it('a newer format (in the header, or in the manifest) says to update Engram', async () => {
    const bytes = Buffer.from(readFileSync(archive))
    bytes.writeUInt16BE(2, 8)
    const future = join(out, 'future-header.engram')
    writeFileSync(future, bytes)
    await expectFailure({ path: future }, 'unsupported_file', /^This archive was made by a newer Engram \(format 2\)\. Update Engram to import it\.$/)

    // A well-formed container whose manifest says version 3.
    const futureManifest = join(out, 'future-manifest.engram')
    const { raw } = await newHeader(undefined)
    const file = createWriteStream(futureManifest)
    file.write(raw)
    const pack = tar.pack()
    const body = Buffer.from(JSON.stringify({ format: 'engram-archive', version: 3, tables: {}, files: {}, somethingNew: true }))
    pack.entry({ name: 'manifest.json', size: body.length }, body)
    pack.finalize()
    await (pipeline as (...s: unknown[]) => Promise<void>)(pack, createGzip(), file)
    await expectFailure({ path: futureManifest }, 'unsupported_file', /newer Engram \(format 3\)\. Update Engram/)
  }, 300_000)

  it('a file that is not an archive, or not there, is named as such', async () => {
    await expectFailure({ path: join(DOCS, 'norwich-city.txt') }, 'unsupported_file', /not an Engram archive/)
    await expectFailure({ path: join(out, 'missing.engram') }, 'not_found', /There is no file at/)
    expect(existsSync(join(out, 'missing.engram'))).toBe(false)
  }, 60_000)

  it('imports with no profile open', async () => {
    await core.profiles.close()
    const fresh = testCore({ modelDir: MODEL_FIXTURE })
    try {
      const p = await fresh.call('profiles:importArchive', { path: archive })
      expect(p.name).toBe('Original')
      await fresh.call('profiles:switch', { id: p.id })
      expect((await fresh.call('memories:list', { limit: 500 })).items).toHaveLength(24)
    } finally {
      await fresh.dispose()
    }
  }, 300_000)
})
