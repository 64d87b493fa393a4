/**
 * Citations in answers: a remark plugin that turns the model's [1], [2] markers into
 * links react-markdown hands to a chip component (never inside code), and
 * `openCitation`, which opens the cited source where it sits: a document in the reader at
 * the cited characters, a memory in the Memories screen's detail, an earlier chat's
 * message scrolled to and marked.
 */
import type { Citation } from '../../../../shared/chat'
import { useNavigation } from '../../app/navigation'
import { openDocumentAt } from '../documents/route'
import { useMemoriesStore } from '../memories/store'
import { useProfilesStore } from '../profiles/store'
import { openSession } from './route'

/** The href a citation marker becomes; the Markdown renderer recognises it. */
export const CITE_PREFIX = '#engram-cite-'
const MARKER = /\[(\d{1,3})\]/g

/** The little of mdast this plugin needs (text and its parents). */
interface MdNode {
  type: string
  value?: string
  url?: string
  children?: MdNode[]
  data?: { hProperties?: Record<string, unknown> }
}

function splitText(value: string): MdNode[] | null {
  MARKER.lastIndex = 0
  if (!MARKER.test(value)) return null
  MARKER.lastIndex = 0
  const out: MdNode[] = []
  let last = 0
  for (const m of value.matchAll(MARKER)) {
    const at = m.index ?? 0
    if (at > last) out.push({ type: 'text', value: value.slice(last, at) })
    out.push({ type: 'link', url: `${CITE_PREFIX}${m[1]}`, children: [{ type: 'text', value: m[1] as string }], data: { hProperties: { 'data-cite': m[1] } } })
    last = at + m[0].length
  }
  if (last < value.length) out.push({ type: 'text', value: value.slice(last) })
  return out
}

function walk(node: MdNode): void {
  if (!node.children || node.type === 'link' || node.type === 'linkReference') return
  const next: MdNode[] = []
  for (const child of node.children) {
    if (child.type === 'text' && typeof child.value === 'string') {
      const parts = splitText(child.value)
      if (parts) {
        next.push(...parts)
        continue
      }
    }
    walk(child)
    next.push(child)
  }
  node.children = next
}

/** remark plugin: [n] in text becomes a citation link; code, inline code and links are left alone. */
export function remarkCitations() {
  return (tree: MdNode): void => walk(tree)
}

/** The citation numbers an answer's text uses, in order of first use. */
export function citedNumbers(text: string): number[] {
  const seen = new Set<number>()
  for (const m of text.matchAll(MARKER)) seen.add(Number(m[1]))
  return [...seen]
}

/** Opens a memory in the Memories screen's detail, loading that screen for this profile first if it never was. */
export function openMemory(id: string): void {
  const profileId = useProfilesStore.getState().state?.activeId ?? null
  const memories = useMemoriesStore.getState()
  if (memories.profileId !== profileId) {
    memories.reset(profileId)
    void memories.loadFirst()
    memories.loadTimeline().catch(() => undefined)
    memories.loadEmbedding().catch(() => undefined)
  }
  useNavigation.getState().go('memories')
  void useMemoriesStore.getState().open(id)
}

/** Opens what a citation points at, with the cited span marked. */
export function openCitation(c: Citation): void {
  if (c.source === 'document') {
    if (c.documentId) openDocumentAt(c.documentId, c.start, c.end)
  }
  else if (c.source === 'memory') openMemory(c.id)
  else if (c.sessionId) openSession(c.sessionId, c.id)
}

export const SOURCE_LABEL: Record<Citation['source'], string> = { memory: 'Memory', document: 'Document', message: 'Earlier chat' }
