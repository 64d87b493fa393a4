/**
 * HTML to text. Web pages go through Mozilla Readability (Firefox Reader View) on a
 * linkedom DOM to keep the main content and drop scripts, navigation and footers; when
 * Readability finds too little, the whole body is used with scripts, styles, nav, aside,
 * footer and forms removed. The same walker turns mammoth's DOCX HTML and EPUB chapters
 * into text: headings become sections, tables become one line per row with " | " between
 * cells, list items get "- " or their number, and <pre> keeps its line breaks.
 */
import { Readability } from '@mozilla/readability'
import { parseHTML } from 'linkedom'
import { TextBuilder } from './text-builder'

/** The few DOM members the walker needs (linkedom nodes; the project compiles without the DOM lib). */
export interface DomNode {
  nodeType: number
  nodeName: string
  textContent: string | null
  childNodes: ArrayLike<DomNode>
  parentNode?: DomNode | null
}
export interface DomElement extends DomNode {
  localName: string
  getAttribute(name: string): string | null
  hasAttribute(name: string): boolean
}
interface DomDocument extends DomNode {
  title: string
  body: DomElement | null
  documentElement: DomElement | null
  querySelector(sel: string): DomElement | null
  querySelectorAll(sel: string): ArrayLike<DomElement>
}

const ELEMENT = 1
const TEXT = 3
const CDATA = 4

const SKIP = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'object', 'embed', 'head', 'title',
  'select', 'button', 'input', 'textarea', 'map', 'audio', 'video', 'source', 'track', 'link', 'meta', 'base', 'img', 'picture'
])
const BOILERPLATE = new Set(['nav', 'footer', 'aside', 'form', 'dialog'])
const BLOCK2 = new Set(['p', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl', 'figure', 'hr', 'section', 'article', 'main', 'address', 'details', 'fieldset'])
const BLOCK1 = new Set(['div', 'li', 'dt', 'dd', 'tr', 'caption', 'figcaption', 'summary', 'header', 'footer', 'nav', 'center', 'body', 'tbody', 'thead', 'tfoot', 'legend'])
const HEADING = /^h([1-6])$/

export interface WalkOptions {
  /** Drop nav, footer, aside, forms and hidden elements (a page Readability could not handle). */
  dropBoilerplate?: boolean
  /** Elements to leave out entirely, e.g. mammoth's footnote back-links. */
  skip?(el: DomElement): boolean
}

function isElement(n: DomNode): n is DomElement {
  return n.nodeType === ELEMENT
}

function tagOf(el: DomElement): string {
  return (el.localName || el.nodeName).toLowerCase().replace(/^.*:/, '')
}

function hidden(el: DomElement): boolean {
  if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return true
  const style = el.getAttribute('style')
  return style !== null && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)
}

/**
 * Append the text under `root` to `b`. Iterative (an explicit stack), so deeply nested
 * markup cannot overflow the call stack.
 */
export function walkHtml(root: DomNode, b: TextBuilder, opts: WalkOptions = {}): void {
  type Frame = { node: DomNode; exit?: () => void }
  const stack: Frame[] = [{ node: root }]
  let cellDepth = 0
  let preDepth = 0
  /** The HTML parser rule: a newline right after <pre> is not content. */
  let preStart = false
  const listCounters: number[] = []
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
    if (node.nodeType === TEXT || node.nodeType === CDATA) {
      const t = node.textContent ?? ''
      if (preDepth > 0) {
        b.preformatted(preStart ? t.replace(/^\r?\n/, '') : t)
        preStart = false
      }
      else b.inline(t)
      continue
    }
    if (!isElement(node) && node !== root) continue
    const children = Array.from(node.childNodes)
    const pushChildren = (): void => {
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as DomNode })
    }
    if (!isElement(node)) {
      pushChildren()
      continue
    }
    const el = node
    const tag = tagOf(el)
    if (SKIP.has(tag) || opts.skip?.(el)) continue
    if (opts.dropBoilerplate && (BOILERPLATE.has(tag) || hidden(el) || el.getAttribute('role') === 'navigation')) continue

    const heading = HEADING.exec(tag)
    if (heading && cellDepth === 0) {
      const start = b.beginHeading()
      stack.push({ node: el, exit: () => b.endHeading(start, Number(heading[1])) })
      pushChildren()
      continue
    }
    switch (tag) {
      case 'br':
        if (cellDepth > 0) b.inline(' ')
        else b.hardBreak()
        continue
      case 'pre':
        block(2)
        preDepth++
        preStart = true
        stack.push({ node: el, exit: () => (preDepth--, block(2)) })
        pushChildren()
        continue
      case 'td':
      case 'th':
        b.separator(' | ')
        cellDepth++
        stack.push({ node: el, exit: () => (cellDepth--, b.separator(' | ')) })
        pushChildren()
        continue
      case 'tr':
        if (cellDepth > 0) break
        b.block(1)
        stack.push({ node: el, exit: () => b.block(1) })
        pushChildren()
        continue
      case 'ol':
      case 'ul': {
        block(2)
        const start = Number(el.getAttribute('start') ?? '1')
        listCounters.push(tag === 'ol' ? (Number.isFinite(start) ? start : 1) : 0)
        stack.push({ node: el, exit: () => (listCounters.pop(), block(2)) })
        pushChildren()
        continue
      }
      case 'li': {
        block(1)
        const depth = listCounters.length
        const n = listCounters[depth - 1] ?? 0
        if (cellDepth === 0) {
          if (n > 0) {
            b.listMarker(`${n}. `)
            listCounters[depth - 1] = n + 1
          } else b.listMarker('- ')
        }
        stack.push({ node: el, exit: () => block(1) })
        pushChildren()
        continue
      }
    }
    if (BLOCK2.has(tag) || BLOCK1.has(tag)) {
      const n: 1 | 2 = BLOCK2.has(tag) ? 2 : 1
      block(n)
      stack.push({ node: el, exit: () => block(n) })
    }
    pushChildren()
  }
}

export interface HtmlText {
  text: string
  title?: string
  sections: TextBuilder['sections']
  removedControls: number
  /** 'readability' when Reader View found the article, 'body' when the whole page was used. */
  extractedWith: 'readability' | 'body'
}

/** Above this, Readability's scoring is skipped (it is quadratic-ish on huge pages). */
const READABILITY_MAX_CHARS = 3_000_000

function docTitle(doc: DomDocument): string | undefined {
  const og = doc.querySelector('meta[property="og:title"]')?.getAttribute('content')
  const t = (doc.title || og || '').replace(/\s+/g, ' ').trim()
  return t || undefined
}

function parseDoc(html: string): DomDocument {
  return parseHTML(html).document as unknown as DomDocument
}

/** A web page's main content as text. */
export function htmlToText(html: string): HtmlText {
  const full = parseDoc(html)
  const title = docTitle(full)
  const bodyBuilder = new TextBuilder()
  walkHtml(full.body ?? full, bodyBuilder, { dropBoilerplate: true })
  const bodyText = bodyBuilder.finish()

  if (html.length <= READABILITY_MAX_CHARS && bodyText.length > 0) {
    try {
      const doc = parseDoc(html)
      const article = new Readability<DomNode>(doc as never, { serializer: (n) => n as unknown as DomNode, charThreshold: 200 }).parse()
      if (article?.content) {
        const b = new TextBuilder()
        const articleTitle = title ?? (article.title?.trim() || undefined)
        walkHtml(article.content, b)
        const text = b.finish()
        // Reader View sometimes keeps only a fragment of a page that is all content (a
        // filing, a table): then the cleaned body is the better text.
        if (text.length >= bodyText.length * 0.5) {
          return withTitle({ text, title: articleTitle, sections: b.sections, removedControls: b.removedControls, extractedWith: 'readability' })
        }
      }
    } catch {
      // Readability is a heuristic; the cleaned body below is always available.
    }
  }
  return withTitle({ text: bodyText, title, sections: bodyBuilder.sections, removedControls: bodyBuilder.removedControls, extractedWith: 'body' })
}

/** Reader View drops the page's title from the content; put it back as the first heading. */
function withTitle(r: Omit<HtmlText, 'title'> & { title: string | undefined }): HtmlText {
  const { title, ...rest } = r
  if (!title) return rest
  if (rest.text.slice(0, 1000).toLowerCase().includes(title.toLowerCase())) return { ...rest, title }
  const prefix = `${title}\n\n`
  return {
    ...rest,
    title,
    text: rest.text ? prefix + rest.text : title,
    sections: [{ heading: title, level: 1, start: 0 }, ...rest.sections.map((s) => ({ ...s, start: s.start + prefix.length }))]
  }
}

/** Text of an HTML fragment or document with no boilerplate removal (mammoth output, EPUB chapters). */
export function htmlFragmentToText(html: string, b: TextBuilder, opts: WalkOptions = {}): void {
  const doc = parseDoc(/<html[\s>]/i.test(html) ? html : `<!doctype html><html><head></head><body>${html}</body></html>`)
  walkHtml(doc.body ?? doc, b, opts)
}

/** Parse markup as a document and return it (for EPUB, which needs <title> and the body). */
export function parseHtmlDocument(html: string): { title?: string; body: DomNode } {
  const doc = parseDoc(html)
  const title = docTitle(doc)
  return { ...(title ? { title } : {}), body: doc.body ?? doc }
}
