/**
 * Chat-export import: checks that a file is a ChatGPT or Claude `conversations.json`
 * (anything else is refused before any work starts, and nothing is written), stages a
 * copy inside the profile so the run survives a restart and the original moving away,
 * and starts the durable `chat.import` run that makes the sessions.
 */
import { randomUUID } from 'node:crypto'
import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { AppError } from '../../../shared/errors'
import type { ChatImportStarted } from '../../../shared/types'
import type { WorkflowRunner } from '../workflows/runner'
import { parseChatExport, readConversations, sniffChatExport } from './chat-export'
import { CHAT_IMPORT_WORKFLOW, type ChatImportInput } from './chat-import.workflow'

export type ChatExportItem = { path: string } | { fileName: string; bytes: Buffer }

export interface ChatImportService {
  /** Check the export and start its import; the answer names the run to follow. */
  importExport(item: ChatExportItem, opts: { source: string }): Promise<ChatImportStarted>
}

/** Whether the file at `path` looks like a chat export from its first bytes (for routing `engram import`). */
export function looksLikeChatExport(path: string): boolean {
  let fd: number | null = null
  try {
    fd = openSync(path, 'r')
    const head = Buffer.alloc(64 * 1024)
    const n = readSync(fd, head, 0, head.length, 0)
    return sniffChatExport(head.subarray(0, n))
  } catch {
    return false
  } finally {
    if (fd !== null) closeSync(fd)
  }
}

export function createChatImportService(opts: { runner: WorkflowRunner; profileDir: string }): ChatImportService {
  const incoming = join(opts.profileDir, 'files', 'incoming')
  return {
    async importExport(item, { source }) {
      const fileName = 'path' in item ? basename(item.path) : item.fileName
      let bytes: Buffer
      if ('path' in item) {
        try {
          bytes = readFileSync(item.path)
        } catch {
          throw new AppError('not_found', `Engram could not read "${fileName}": the file is gone or cannot be opened.`)
        }
      } else bytes = item.bytes
      const { format, data } = parseChatExport(bytes, fileName)
      const conversations = readConversations(data, format).length
      mkdirSync(incoming, { recursive: true })
      const staged = join(incoming, `${randomUUID()}.json`)
      writeFileSync(staged, bytes)
      const input: ChatImportInput = { path: staged, fileName, format, staged: true }
      try {
        const runId = await opts.runner.start(CHAT_IMPORT_WORKFLOW, input, { source })
        return { runId, format, conversations }
      } catch (err) {
        rmSync(staged, { force: true })
        throw err
      }
    }
  }
}
