/**
 * Reading chat exports: ChatGPT's and Claude's `conversations.json` into plain
 * conversations of user and assistant messages. Pure functions over parsed JSON, so the
 * shapes (and their oddities) are easy to test and the workflow only stores.
 *
 * ChatGPT keeps each conversation as a tree (`mapping`): every edit or regenerate starts
 * a branch. Only the branch the user last saw is imported: from `current_node` up through
 * `parent` to the root (or, without `current_node`, from the newest leaf). System prompts,
 * tool calls and results, hidden context ("custom instructions"), reasoning and empty
 * nodes are skipped; of a message's parts only the text is kept (images are objects).
 * Claude lists each conversation's `chat_messages` in order, `sender` human or assistant,
 * with the text in `content[].text` (newer exports) or `text`.
 */
import { createHash } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { ChatExportFormat } from '../../../shared/types'

export interface ExportedMessage {
  role: 'user' | 'assistant'
  content: string
  createdAt: Date
  /** The model that wrote an assistant message, when the export says. */
  model: string | null
}

export interface ExportedConversation {
  /** The export's own id for the conversation: what makes a re-import find it. */
  importId: string
  /** Null when the export has none (the session then gets a made-up title). */
  title: string | null
  createdAt: Date
  updatedAt: Date
  messages: ExportedMessage[]
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null)

/** Seconds since the epoch (ChatGPT) or an ISO string (Claude) as a Date, or null. */
function toDate(v: unknown): Date | null {
  let d: Date | null = null
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) d = new Date(v * 1000)
  else if (typeof v === 'string' && v.trim() !== '') d = new Date(v)
  return d && !Number.isNaN(d.getTime()) ? d : null
}

/** Which export this parsed JSON is, from its shape; null when it is neither. */
export function detectChatExport(data: unknown): ChatExportFormat | null {
  if (!Array.isArray(data) || data.length === 0) return null
  const sample = data.slice(0, 25)
  if (!sample.every(isObj)) return null
  if (sample.every((c) => isObj(c['mapping']))) return 'chatgpt'
  if (sample.every((c) => Array.isArray(c['chat_messages']))) return 'claude'
  return null
}

/** A stable id for a conversation that has none, from what it says. */
function fallbackId(parts: unknown[]): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}`
}

// ---- ChatGPT --------------------------------------------------------------------------

interface GptNode {
  message?: unknown
  parent?: unknown
  children?: unknown
}

/** The text of a ChatGPT message's parts: strings, and the transcript of a voice message. */
function gptText(content: Obj): string {
  const type = content['content_type']
  if (type !== 'text' && type !== 'multimodal_text') return ''
  const parts = Array.isArray(content['parts']) ? content['parts'] : []
  return parts
    .map((p) => (typeof p === 'string' ? p : isObj(p) && p['content_type'] === 'audio_transcription' && typeof p['text'] === 'string' ? p['text'] : ''))
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join('\n\n')
}

/** The node ids of the conversation's current branch, root first. */
function gptBranch(mapping: Record<string, GptNode>, currentNode: string | null): string[] {
  let leaf = currentNode && isObj(mapping[currentNode]) ? currentNode : null
  if (!leaf) {
    // No pointer to the current branch: take the newest leaf.
    let best = -Infinity
    for (const [id, node] of Object.entries(mapping)) {
      if (!isObj(node) || (Array.isArray(node.children) && node.children.length > 0)) continue
      const t = isObj(node.message) ? (toDate(node.message['create_time'])?.getTime() ?? 0) : 0
      if (t >= best) {
        best = t
        leaf = id
      }
    }
  }
  const chain: string[] = []
  const seen = new Set<string>()
  for (let id: string | null = leaf; id && !seen.has(id) && isObj(mapping[id]); ) {
    seen.add(id)
    chain.push(id)
    id = str((mapping[id] as GptNode).parent)
  }
  return chain.reverse()
}

function chatgptConversation(c: Obj): ExportedConversation | null {
  if (!isObj(c['mapping'])) return null
  const mapping = c['mapping'] as Record<string, GptNode>
  const created = toDate(c['create_time'])
  const messages: ExportedMessage[] = []
  let last: Date | null = created
  for (const id of gptBranch(mapping, str(c['current_node']))) {
    const m = (mapping[id] as GptNode).message
    if (!isObj(m)) continue
    const role = isObj(m['author']) ? m['author']['role'] : null
    if (role !== 'user' && role !== 'assistant') continue // system, tool
    const recipient = m['recipient']
    if (typeof recipient === 'string' && recipient !== 'all') continue // a call to a tool
    const meta = isObj(m['metadata']) ? m['metadata'] : {}
    if (meta['is_visually_hidden_from_conversation'] === true) continue
    const text = isObj(m['content']) ? gptText(m['content']) : ''
    if (!text) continue
    const at = toDate(m['create_time']) ?? last ?? new Date()
    last = at
    messages.push({ role, content: text, createdAt: at, model: role === 'assistant' ? str(meta['model_slug']) : null })
  }
  const title = str(c['title'])?.trim() ?? null
  const first = messages[0]?.createdAt ?? new Date()
  const createdAt = created ?? first
  const lastAt = messages.at(-1)?.createdAt ?? createdAt
  const updated = toDate(c['update_time'])
  return {
    importId: str(c['id']) ?? str(c['conversation_id']) ?? fallbackId([c['title'], c['create_time'], messages.slice(0, 3).map((x) => x.content)]),
    title,
    createdAt,
    updatedAt: updated && updated > lastAt ? updated : lastAt,
    messages
  }
}

// ---- Claude ---------------------------------------------------------------------------

function claudeText(m: Obj): string {
  if (Array.isArray(m['content'])) {
    const parts = m['content']
      .filter((p): p is Obj => isObj(p) && p['type'] === 'text' && typeof p['text'] === 'string')
      .map((p) => (p['text'] as string).trim())
      .filter((s) => s !== '')
    if (parts.length) return parts.join('\n\n')
  }
  return typeof m['text'] === 'string' ? m['text'].trim() : ''
}

function claudeConversation(c: Obj): ExportedConversation | null {
  if (!Array.isArray(c['chat_messages'])) return null
  const created = toDate(c['created_at'])
  const messages: ExportedMessage[] = []
  let last: Date | null = created
  for (const m of c['chat_messages']) {
    if (!isObj(m)) continue
    const role = m['sender'] === 'human' ? 'user' : m['sender'] === 'assistant' ? 'assistant' : null
    if (!role) continue
    const text = claudeText(m)
    if (!text) continue
    const at = toDate(m['created_at']) ?? last ?? new Date()
    last = at
    messages.push({ role, content: text, createdAt: at, model: null })
  }
  const createdAt = created ?? messages[0]?.createdAt ?? new Date()
  const lastAt = messages.at(-1)?.createdAt ?? createdAt
  const updated = toDate(c['updated_at'])
  return {
    importId: str(c['uuid']) ?? fallbackId([c['name'], c['created_at'], messages.slice(0, 3).map((x) => x.content)]),
    title: str(c['name'])?.trim() ?? null,
    createdAt,
    updatedAt: updated && updated > lastAt ? updated : lastAt,
    messages
  }
}

// ---- entry points ---------------------------------------------------------------------

/** The conversations of an export (conversations without a message to keep are left out). */
export function readConversations(data: unknown, format: ChatExportFormat): ExportedConversation[] {
  const list = Array.isArray(data) ? data : []
  const read = format === 'chatgpt' ? chatgptConversation : claudeConversation
  const out: ExportedConversation[] = []
  for (const c of list) {
    const conv = isObj(c) ? read(c) : null
    if (conv && conv.messages.length > 0) out.push(conv)
  }
  return out
}

/** Parse an export's bytes and tell which export it is; clear errors for anything else. */
export function parseChatExport(bytes: Buffer, fileName: string): { format: ChatExportFormat; data: unknown[] } {
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b)
    throw new AppError('unsupported_file', `"${fileName}" is a zip archive. Unzip the export and import the conversations.json inside it.`)
  let data: unknown
  try {
    data = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''))
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : ''
    throw new AppError('unsupported_file', `"${fileName}" is not valid JSON${why ? ` (${why})` : ''}. A chat export is the conversations.json file from ChatGPT or Claude.`, {
      reason: 'malformed_json'
    })
  }
  if (Array.isArray(data) && data.length === 0) throw new AppError('unsupported_file', `"${fileName}" holds no conversations.`, { reason: 'empty' })
  const format = detectChatExport(data)
  if (!format)
    throw new AppError(
      'unsupported_file',
      `"${fileName}" is JSON, but not a chat export Engram knows. Engram imports conversations.json from a ChatGPT or a Claude data export.`,
      { reason: 'unknown_shape' }
    )
  return { format, data: data as unknown[] }
}

/** A cheap look at a file's first bytes: could it be a chat export? (The import checks it properly.) */
export function sniffChatExport(head: Buffer): boolean {
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart()
  return text.startsWith('[') && (/"mapping"\s*:/.test(text) || /"chat_messages"\s*:/.test(text))
}
