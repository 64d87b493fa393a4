/**
 * Word (.docx) through mammoth, which turns the document into semantic HTML in reading
 * order: headings from Word's heading styles, tables cell by cell, and footnotes and
 * endnotes as a numbered list at the end. Images are dropped before they are base64-encoded
 * (that alone halves the time on a long handbook). The HTML then goes through the same
 * walker as web pages. The title comes from docProps/core.xml.
 */
import mammoth from 'mammoth'
import { controlCharWarnings } from './encoding'
import { fileError } from './errors'
import { htmlFragmentToText, type DomElement } from './html'
import { TextBuilder } from './text-builder'
import { byLocalName, checkInflatedSize, listZip, parseXml, readZip, utf8 } from './zip'
import type { ParsedDocument } from './types'

const WHAT = 'Word document'

function coreTitle(bytes: Uint8Array): string | undefined {
  try {
    const core = readZip(bytes, (n) => n === 'docProps/core.xml', 'docx', WHAT).get('docProps/core.xml')
    if (!core) return undefined
    const t = byLocalName(parseXml(utf8(core), 'docx', WHAT), 'title')[0]?.textContent?.replace(/\s+/g, ' ').trim()
    return t || undefined
  } catch {
    return undefined
  }
}

/** mammoth's "↑" links from a note back to its reference. */
function isBackLink(el: DomElement): boolean {
  if (el.localName !== 'a') return false
  const href = el.getAttribute('href') ?? ''
  return /^#(footnote|endnote|comment)-ref-/.test(href)
}

export async function parseDocx(bytes: Uint8Array): Promise<ParsedDocument> {
  const entries = listZip(bytes, 'docx', WHAT)
  checkInflatedSize(entries, 'docx', WHAT)
  if (!entries.some((e) => e.name === 'word/document.xml')) {
    throw fileError('corrupt', 'This Word document is damaged: it has no word/document.xml.', { format: 'docx' })
  }
  let html: string
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      { convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })) }
    )
    html = result.value
  } catch (err) {
    throw fileError('corrupt', `This Word document is damaged and cannot be read (${err instanceof Error ? err.message : String(err)}).`, { format: 'docx' })
  }
  const b = new TextBuilder()
  htmlFragmentToText(html, b, { skip: isBackLink })
  const text = b.finish()
  const title = coreTitle(bytes)
  return {
    format: 'docx',
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ...(title ? { title } : {}),
    text,
    pages: null,
    sections: b.sections,
    warnings: controlCharWarnings(b.removedControls)
  }
}
