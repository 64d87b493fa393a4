/**
 * EPUB 2 and 3: META-INF/container.xml names the package (OPF); its spine gives the reading
 * order of the XHTML chapters, which are read in that order (not zip order) with the HTML
 * walker. A chapter file that the table of contents (EPUB 3 nav or EPUB 2 NCX) names as a
 * whole starts a section with that name, so chunks do not run across chapters; headings
 * inside the files are sections too. The navigation
 * document itself is left out (it repeats the headings).
 */
import { posix } from 'node:path'
import { DOMParser as HtmlDomParser } from 'linkedom'
import { controlCharWarnings, decodeBytes, declaredCharset } from './encoding'
import { fileError } from './errors'
import { parseHtmlDocument, walkHtml, type DomNode } from './html'
import { TextBuilder } from './text-builder'
import { byLocalName, checkInflatedSize, listZip, parseXml, readZip, utf8, type XmlElement } from './zip'
import type { ParsedDocument, Section } from './types'

const WHAT = 'EPUB book'

interface ManifestItem {
  id: string
  path: string
  mediaType: string
  properties: string[]
}

function resolveHref(baseDir: string, href: string): string {
  let h = href.split('#')[0] ?? ''
  try {
    h = decodeURIComponent(h)
  } catch {
    // keep it as written
  }
  return posix.normalize(posix.join(baseDir, h)).replace(/^\.\//, '')
}

const isXhtml = (mediaType: string, path: string): boolean =>
  /^(application\/xhtml\+xml|text\/html)$/i.test(mediaType) || /\.(x?html?)$/i.test(path)

/** XHTML parsed as XML first (self-closing tags like <title/> break an HTML parse), HTML if that fails. */
function parseChapter(markup: string): { title?: string; body: DomNode } {
  try {
    const doc = new HtmlDomParser().parseFromString(markup, 'application/xhtml+xml' as 'text/xml') as unknown as {
      querySelector(s: string): (DomNode & { textContent: string | null }) | null
    }
    const body = doc.querySelector('body')
    if (body) {
      const title = doc.querySelector('title')?.textContent?.replace(/\s+/g, ' ').trim()
      return { ...(title ? { title } : {}), body }
    }
  } catch {
    // fall through to the forgiving HTML parser
  }
  return parseHtmlDocument(markup)
}

function decodeEntry(bytes: Uint8Array): string {
  return decodeBytes(bytes, declaredCharset(bytes.subarray(0, 2048))).text
}

export function parseEpub(bytes: Uint8Array): ParsedDocument {
  const entries = listZip(bytes, 'epub', WHAT)
  checkInflatedSize(entries, 'epub', WHAT)
  const files = readZip(bytes, (n) => /\.(xml|opf|ncx|x?html?)$/i.test(n), 'epub', WHAT)
  const container = files.get('META-INF/container.xml')
  if (!container) throw fileError('corrupt', 'This EPUB book is damaged: it has no META-INF/container.xml.', { format: 'epub' })
  const rootPath = byLocalName(parseXml(utf8(container), 'epub', WHAT), 'rootfile')[0]?.getAttribute('full-path')
  const opfBytes = rootPath ? files.get(rootPath) : undefined
  if (!rootPath || !opfBytes) throw fileError('corrupt', 'This EPUB book is damaged: its package file is missing.', { format: 'epub' })
  const opf = parseXml(decodeEntry(opfBytes), 'epub', WHAT)
  const baseDir = posix.dirname(rootPath) === '.' ? '' : posix.dirname(rootPath)

  const manifest = new Map<string, ManifestItem>()
  for (const item of byLocalName(opf, 'item')) {
    const id = item.getAttribute('id')
    const href = item.getAttribute('href')
    if (!id || !href) continue
    manifest.set(id, {
      id,
      path: resolveHref(baseDir, href),
      mediaType: item.getAttribute('media-type') ?? '',
      properties: (item.getAttribute('properties') ?? '').split(/\s+/).filter(Boolean)
    })
  }
  const title = byLocalName(opf, 'title')[0]?.textContent?.replace(/\s+/g, ' ').trim() || undefined
  const spineEl = byLocalName(opf, 'spine')[0]
  const spine = byLocalName(opf, 'itemref')
    .map((r) => manifest.get(r.getAttribute('idref') ?? ''))
    .filter((m): m is ManifestItem => !!m && isXhtml(m.mediaType, m.path) && !m.properties.includes('nav'))

  const labels = tocLabels(files, manifest, spineEl)
  const b = new TextBuilder()
  for (const item of spine) {
    const data = files.get(item.path)
    if (!data) continue
    const chapter = parseChapter(decodeEntry(data))
    const label = labels.get(item.path)
    if (label) b.markSection(label, 1)
    else b.block(2)
    walkHtml(chapter.body, b)
  }
  const text = b.finish()
  if (!spine.length) throw fileError('corrupt', 'This EPUB book is damaged: its reading order (spine) lists no chapters.', { format: 'epub' })
  return {
    format: 'epub',
    mimeType: 'application/epub+zip',
    ...(title ? { title } : {}),
    text,
    pages: null,
    sections: dedupeSections(b.sections, text.length),
    warnings: controlCharWarnings(b.removedControls)
  }
}

/** Chapter labels by file: EPUB 3 nav first, then the EPUB 2 NCX. */
function tocLabels(files: Map<string, Uint8Array>, manifest: Map<string, ManifestItem>, spine: XmlElement | undefined): Map<string, string> {
  const labels = new Map<string, string>()
  // Only entries that point at a file's start name it: "chapter.html#ch2" names a place
  // inside a file (Project Gutenberg splits books into files by size, mid-chapter).
  const add = (path: string, href: string, label: string | null | undefined): void => {
    const l = label?.replace(/\s+/g, ' ').trim()
    if (l && !href.includes('#') && !labels.has(path)) labels.set(path, l)
  }
  const nav = [...manifest.values()].find((m) => m.properties.includes('nav'))
  const navBytes = nav ? files.get(nav.path) : undefined
  if (nav && navBytes) {
    const doc = new HtmlDomParser().parseFromString(decodeEntry(navBytes), 'application/xhtml+xml' as 'text/xml') as unknown as {
      querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null; textContent: string | null }>
    }
    const dir = posix.dirname(nav.path) === '.' ? '' : posix.dirname(nav.path)
    for (const a of Array.from(doc.querySelectorAll('nav a'))) {
      const href = a.getAttribute('href')
      if (href) add(resolveHref(dir, href), href, a.textContent)
    }
  }
  const ncxId = spine?.getAttribute('toc')
  const ncx = (ncxId ? manifest.get(ncxId) : undefined) ?? [...manifest.values()].find((m) => m.mediaType === 'application/x-dtbncx+xml')
  const ncxBytes = ncx ? files.get(ncx.path) : undefined
  if (ncx && ncxBytes) {
    try {
      const doc = parseXml(decodeEntry(ncxBytes), 'epub', WHAT)
      const dir = posix.dirname(ncx.path) === '.' ? '' : posix.dirname(ncx.path)
      for (const point of byLocalName(doc, 'navPoint')) {
        const src = byLocalName(point, 'content')[0]?.getAttribute('src')
        const label = byLocalName(point, 'text')[0]?.textContent
        if (src) add(resolveHref(dir, src), src, label)
      }
    } catch {
      // a broken NCX only costs the chapter names
    }
  }
  return labels
}

/** A chapter label and the chapter's own first heading at the same offset: keep the heading. */
function dedupeSections(sections: Section[], textLength: number): Section[] {
  const out: Section[] = []
  for (const s of sections) {
    if (s.start >= textLength) continue
    const last = out[out.length - 1]
    if (last && last.start === s.start) out[out.length - 1] = s
    else out.push(s)
  }
  return out
}
