/**
 * Getting files into Engram from this window. In the desktop app, dropped or picked files
 * go to main as paths (./desktop.ts), folders included: main walks them. In a plain
 * browser the files travel as bytes over `documents:importBytes`, a few at a time
 * (at most BATCH_FILES files or BATCH_BYTES per call, one call at a time); dropped folders
 * are walked here (webkitGetAsEntry), skipping hidden entries like main does, and a file
 * over MAX_UPLOAD_BYTES is refused in words before anything is sent.
 */
import { MAX_UPLOAD_BYTES } from '../../../../shared/contract'
import { api, toAppError } from '../../lib/api'
import { notifyError } from '../notifications/store'
import { desktopImportFiles, desktopPickAndImport, isDesktop } from './desktop'
import { tooBigForBrowser } from './format'
import { useDocumentsStore } from './store'

export const BATCH_FILES = 8
export const BATCH_BYTES = 30 * 1024 * 1024
/** A dropped folder tree is cut off here, like main's walk. */
export const MAX_WALKED_FILES = 20_000

/** What a drop carried, taken while the event lasts (a DataTransfer is emptied after it). */
export interface DroppedItems {
  entries: Array<{ entry: FileSystemEntry | null; file: File | null }>
  files: File[]
}

export function takeDrop(dt: DataTransfer): DroppedItems {
  const entries: DroppedItems['entries'] = []
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue
    entries.push({ entry: typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null, file: item.getAsFile() })
  }
  return { entries, files: Array.from(dt.files ?? []) }
}

const readEntries = (reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> => new Promise((resolve, reject) => reader.readEntries(resolve, reject))
const entryFile = (entry: FileSystemFileEntry): Promise<File> => new Promise((resolve, reject) => entry.file(resolve, reject))

/** The files of a drop, with its folders walked (hidden entries skipped, names sorted). */
export async function collectDropped(items: DroppedItems): Promise<{ files: File[]; unreadable: string[] }> {
  const files: File[] = []
  const unreadable: string[] = []
  async function walk(entry: FileSystemEntry): Promise<void> {
    if (files.length >= MAX_WALKED_FILES || entry.name.startsWith('.')) return
    if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader()
      const children: FileSystemEntry[] = []
      // readEntries answers in slices (100 in Chromium) until it answers none.
      for (let slice = await readEntries(reader); slice.length > 0; slice = await readEntries(reader)) children.push(...slice)
      children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      for (const child of children) await walk(child)
    } else if (entry.isFile) {
      try {
        files.push(await entryFile(entry as FileSystemFileEntry))
      } catch {
        unreadable.push(entry.name)
      }
    }
  }
  if (items.entries.length === 0) return { files: items.files.slice(0, MAX_WALKED_FILES), unreadable }
  for (const { entry, file } of items.entries) {
    if (entry?.isDirectory) await walk(entry).catch(() => unreadable.push(entry.name))
    else if (file) files.push(file)
    else if (entry) await walk(entry)
  }
  return { files, unreadable }
}

/** A file's bytes as base64, for channels that take bytes (the browser harness). */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result ?? '')
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}.`))
    reader.readAsDataURL(file)
  })
}

/** A name main accepts: no slashes, at most 255 characters. */
const safeName = (name: string): string =>
  name
    .split('')
    .map((c) => (c === '/' || c === '\\' || c === '\0' ? '_' : c))
    .join('')
    .trim()
    .slice(-255) || 'unnamed'

/** Sends files from the browser as bytes; the drop summary follows each one. */
export async function uploadFiles(files: File[], unreadable: string[] = []): Promise<void> {
  const store = useDocumentsStore.getState()
  const keys = store.beginDrop([...files.map((f) => ({ name: f.name, size: f.size })), ...unreadable.map((name) => ({ name, size: null }))])
  unreadable.forEach((name, i) => store.updateDropFile(keys[files.length + i] as string, { phase: 'refused', error: `${name} could not be read.` }))

  const groups: Array<Array<{ file: File; key: string }>> = []
  let group: Array<{ file: File; key: string }> = []
  let bytes = 0
  files.forEach((file, i) => {
    const key = keys[i] as string
    if (file.size > MAX_UPLOAD_BYTES) {
      store.updateDropFile(key, { phase: 'refused', error: tooBigForBrowser(file.name, file.size) })
      return
    }
    if (group.length > 0 && (group.length >= BATCH_FILES || bytes + file.size > BATCH_BYTES)) {
      groups.push(group)
      group = []
      bytes = 0
    }
    group.push({ file, key })
    bytes += file.size
  })
  if (group.length > 0) groups.push(group)

  for (const g of groups) {
    for (const { key } of g) store.updateDropFile(key, { phase: 'sending' })
    try {
      const payload = []
      for (const { file } of g) payload.push({ name: safeName(file.name), data: await readBase64(file) })
      const result = await api.invoke('documents:importBytes', { files: payload })
      g.forEach(({ key }, i) => {
        const r = result.files[i]
        store.updateDropFile(
          key,
          r?.documentId ? { phase: 'sent', documentId: r.documentId, runId: r.runId, error: null } : { phase: 'failed', error: r?.error ?? 'Engram could not start importing this file.' }
        )
      })
    } catch (err) {
      const message = toAppError(err).message
      for (const { key } of g) store.updateDropFile(key, { phase: 'failed', error: message })
    }
    store.scheduleRefresh()
  }
}

async function importByPath(files: File[]): Promise<void> {
  const store = useDocumentsStore.getState()
  store.beginDrop([], 1)
  try {
    store.addDropResult(await desktopImportFiles(files), true)
  } catch (err) {
    store.failPreparing()
    notifyError(err, 'Could not import those files')
  }
}

/** A drop on the window: import what it carries. Call it while the drop event lasts. */
export function importDrop(dt: DataTransfer): void {
  if (isDesktop()) {
    void importByPath(Array.from(dt.files ?? []))
    return
  }
  const items = takeDrop(dt)
  void collectDropped(items)
    .then(({ files, unreadable }) => (files.length + unreadable.length > 0 ? uploadFiles(files, unreadable) : undefined))
    .catch((err: unknown) => notifyError(err, 'Could not read the dropped files'))
}

/** Files from a file input (browser), folders' hidden files left out. */
export function importChosen(list: FileList | null): void {
  const files = Array.from(list ?? []).filter((f) => !(f.webkitRelativePath || f.name).split('/').some((part) => part.startsWith('.')))
  if (files.length === 0) return
  if (isDesktop()) void importByPath(files)
  else void uploadFiles(files).catch((err: unknown) => notifyError(err, 'Could not import those files'))
}

/** The desktop app's open dialog; resolves false outside it (the page then opens a file input). */
export async function pickWithDialog(kind: 'files' | 'folder'): Promise<boolean> {
  if (!isDesktop()) return false
  const store = useDocumentsStore.getState()
  try {
    const result = await desktopPickAndImport(kind)
    if (result && result.files.length > 0) {
      store.beginDrop([], 1)
      store.addDropResult(result, true)
    }
  } catch (err) {
    notifyError(err, 'Could not import those files')
  }
  return true
}
