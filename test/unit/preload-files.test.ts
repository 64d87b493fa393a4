/**
 * The desktop app's file import, as far as it runs without Electron: the preload's
 * `importFiles` / `pickAndImport` over a fake IPC pipe and a fake `getPathForFile`, and
 * main's second check of the paths it receives.
 */
import { describe, expect, it } from 'vitest'
import { createFileApi, MAX_DROPPED_FILES } from '../../src/preload/files'
import { IPC_IMPORT_PATHS, IPC_PICK_AND_IMPORT, IPC_PICK_PATH } from '../../src/preload/ipc-names'
import { importPathsFrom, MAX_IMPORT_PATHS } from '../../src/main/platform/policy'

function fakeIpc() {
  const calls: unknown[][] = []
  return {
    calls,
    ipc: {
      invoke: async (...args: unknown[]) => {
        calls.push(args)
        return { ok: true, value: 'from main' }
      }
    }
  }
}

/** Stands in for File objects: Electron knows the path of some of them. */
const file = (name: string): File => ({ name }) as unknown as File
const paths: Record<string, string> = { 'a.pdf': '/home/me/a.pdf', 'notes': '/home/me/notes' }
const pathFor = (f: File): string => paths[f.name] ?? ''

describe('importFiles', () => {
  it('sends only the paths Electron resolved, once each, on the import channel', async () => {
    const { ipc, calls } = fakeIpc()
    const api = createFileApi(ipc, pathFor)
    await expect(api.importFiles([file('a.pdf'), file('made-up.txt'), file('notes'), file('a.pdf')])).resolves.toEqual({ ok: true, value: 'from main' })
    expect(calls).toEqual([[IPC_IMPORT_PATHS, ['/home/me/a.pdf', '/home/me/notes']]])
  })

  it('answers a validation Result without calling main when no file has a path', async () => {
    const { ipc, calls } = fakeIpc()
    const throwing = (): string => {
      throw new TypeError('not a File')
    }
    for (const api of [createFileApi(ipc, pathFor), createFileApi(ipc, throwing)]) {
      const r = (await api.importFiles([file('made-up.txt'), 'not a file' as unknown as File])) as { ok: boolean; error: { code: string } }
      expect(r).toMatchObject({ ok: false, error: { code: 'validation' } })
    }
    const r = (await createFileApi(ipc, pathFor).importFiles(null as unknown as File[])) as { ok: boolean }
    expect(r.ok).toBe(false)
    expect(calls).toHaveLength(0)
  })

  it('passes on at most MAX_DROPPED_FILES files', async () => {
    const { ipc, calls } = fakeIpc()
    const api = createFileApi(ipc, (f) => `/drop/${f.name}`)
    await api.importFiles(Array.from({ length: MAX_DROPPED_FILES + 5 }, (_, i) => file(`f${i}`)))
    expect((calls[0]?.[1] as string[]).length).toBe(MAX_DROPPED_FILES)
  })
})

describe('pickAndImport', () => {
  it('asks main for the dialog, for files unless a folder was asked for', async () => {
    const { ipc, calls } = fakeIpc()
    const api = createFileApi(ipc, pathFor)
    await api.pickAndImport('folder')
    await api.pickAndImport('files')
    await api.pickAndImport('anything else' as 'files')
    expect(calls).toEqual([
      [IPC_PICK_AND_IMPORT, 'folder'],
      [IPC_PICK_AND_IMPORT, 'files'],
      [IPC_PICK_AND_IMPORT, 'files']
    ])
  })

  it('asks main for a path dialog by purpose only, and refuses an unknown purpose without calling main', async () => {
    const { ipc, calls } = fakeIpc()
    const api = createFileApi(ipc, pathFor)
    await api.pickPath('watch-folder')
    await api.pickPath('archive-save')
    expect(await api.pickPath('/etc/passwd' as 'archive-open')).toMatchObject({ ok: false, error: { code: 'validation' } })
    expect(calls).toEqual([
      [IPC_PICK_PATH, 'watch-folder'],
      [IPC_PICK_PATH, 'archive-save']
    ])
  })

  it('exposes importFiles, pickAndImport and pickPath, and nothing else', () => {
    expect(Object.keys(createFileApi(fakeIpc().ipc, pathFor)).sort()).toEqual(['importFiles', 'pickAndImport', 'pickPath'])
  })
})

describe("main's check of dropped paths", () => {
  it('takes a non-empty list of absolute paths, without repeats', () => {
    expect(importPathsFrom(['/a/b.pdf', '/a/c', '/a/b.pdf'])).toEqual(['/a/b.pdf', '/a/c'])
  })

  it('refuses anything else whole', () => {
    for (const raw of [
      undefined,
      null,
      '/a/b.pdf',
      [],
      ['relative/path.pdf'],
      ['/a/b.pdf', 42],
      ['/a/\0b.pdf'],
      ['/' + 'a'.repeat(5000)],
      Array.from({ length: MAX_IMPORT_PATHS + 1 }, (_, i) => `/f${i}`)
    ]) {
      expect(importPathsFrom(raw)).toBeNull()
    }
  })
})
