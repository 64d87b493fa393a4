/**
 * OpenDocument text (.odt): content.xml out of the zip, parsed with a real XML parser
 * (@xmldom/xmldom), walked in document order. text:h are headings (text:outline-level),
 * text:p paragraphs, tables one line per row with " | " between cells; footnotes and
 * endnotes leave a "[n]" marker in place and their text is appended at the end, like
 * mammoth does for Word. Tracked deletions, annotations and forms are left out. The title
 * comes from meta.xml.
 */
import { controlCharWarnings } from './encoding'
import { fileError } from './errors'
import { TextBuilder } from './text-builder'
import { byLocalName, checkInflatedSize, listZip, parseXml, readZip, utf8, type XmlElement, type XmlNode } from './zip'
import type { ParsedDocument } from './types'

const WHAT = 'OpenDocument file'
const ELEMENT = 1
const TEXT = 3

const SKIP = new Set([
  'office:annotation', 'office:annotation-end', 'text:tracked-changes', 'text:sequence-decls', 'office:forms',
  'svg:title', 'svg:desc', 'text:note-body', 'text:variable-decls', 'text:user-field-decls', 'table:table-header-columns',
  'table:table-columns', 'table:table-column', 'table:covered-table-cell', 'office:event-listeners', 'draw:image'
])

function walkOdt(root: XmlNode, b: TextBuilder, notes: Array<{ citation: string; body: XmlNode }>): void {
  type Frame = { node: XmlNode; exit?: () => void }
  const stack: Frame[] = [{ node: root }]
  let cellDepth = 0
  const block = (n: 1 | 2): void => {
    if (cellDepth > 0) b.inline(' ')
    else b.block(n)
  }
  while (stack.length) {
    const frame = stack.pop() as Frame
    if (frame.exit) {
      frame.exit()
      continue
    }
    const node = frame.node
    if (node.nodeType === TEXT) {
      b.inline(node.nodeValue ?? '')
      continue
    }
    if (node.nodeType !== ELEMENT) continue
    const el = node as XmlElement
    const name = el.nodeName
    if (SKIP.has(name) && node !== root) continue
    const children = Array.from(el.childNodes)
    const pushChildren = (): void => {
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as XmlNode })
    }
    const around = (before: () => void, after: () => void): void => {
      before()
      stack.push({ node: el, exit: after })
      pushChildren()
    }
    switch (name) {
      case 'text:h': {
        if (cellDepth > 0) {
          around(() => block(2), () => block(2))
          continue
        }
        const level = Number(el.getAttribute('text:outline-level') ?? '1') || 1
        const start = b.beginHeading()
        stack.push({ node: el, exit: () => b.endHeading(start, level) })
        pushChildren()
        continue
      }
      case 'text:p':
        around(() => block(2), () => block(2))
        continue
      case 'text:s': {
        const n = Number(el.getAttribute('text:c') ?? '1') || 1
        b.inline(' '.repeat(Math.min(n, 1)))
        continue
      }
      case 'text:tab':
        if (cellDepth > 0) b.inline(' ')
        else b.tab()
        continue
      case 'text:line-break':
        if (cellDepth > 0) b.inline(' ')
        else b.hardBreak()
        continue
      case 'text:list':
        around(() => block(2), () => block(2))
        continue
      case 'text:list-item':
      case 'text:list-header':
        around(
          () => {
            block(1)
            if (cellDepth === 0) b.listMarker('- ')
          },
          () => block(1)
        )
        continue
      case 'table:table':
        around(() => block(2), () => block(2))
        continue
      case 'table:table-row':
        around(
          () => (cellDepth > 0 ? b.inline(' ') : b.block(1)),
          () => (cellDepth > 0 ? b.inline(' ') : b.block(1))
        )
        continue
      case 'table:table-cell':
        b.separator(' | ')
        cellDepth++
        stack.push({ node: el, exit: () => (cellDepth--, b.separator(' | ')) })
        pushChildren()
        continue
      case 'text:note': {
        const citation = byLocalName(el, 'note-citation')[0]?.textContent?.trim() || String(notes.length + 1)
        const body = byLocalName(el, 'note-body')[0]
        if (body) notes.push({ citation, body })
        b.inline(`[${citation}]`)
        continue
      }
      case 'text:note-citation':
        continue
    }
    pushChildren()
  }
}

export function parseOdt(bytes: Uint8Array): ParsedDocument {
  const entries = listZip(bytes, 'odt', WHAT)
  checkInflatedSize(entries, 'odt', WHAT)
  const files = readZip(bytes, (n) => n === 'content.xml' || n === 'meta.xml', 'odt', WHAT)
  const content = files.get('content.xml')
  if (!content) throw fileError('corrupt', 'This OpenDocument file is damaged: it has no content.xml.', { format: 'odt' })
  const doc = parseXml(utf8(content), 'odt', WHAT)
  const body = byLocalName(doc, 'body')[0]
  const b = new TextBuilder()
  const notes: Array<{ citation: string; body: XmlNode }> = []
  if (body) walkOdt(body, b, notes)
  if (notes.length) {
    b.block(2)
    for (const n of notes) {
      b.block(1)
      b.inline(`[${n.citation}] `)
      walkOdt(n.body, b, [])
    }
  }
  const text = b.finish()
  let title: string | undefined
  const meta = files.get('meta.xml')
  if (meta) {
    try {
      title = byLocalName(parseXml(utf8(meta), 'odt', WHAT), 'title')[0]?.textContent?.replace(/\s+/g, ' ').trim() || undefined
    } catch {
      title = undefined
    }
  }
  return {
    format: 'odt',
    mimeType: 'application/vnd.oasis.opendocument.text',
    ...(title ? { title } : {}),
    text,
    pages: null,
    sections: b.sections,
    warnings: controlCharWarnings(b.removedControls)
  }
}
