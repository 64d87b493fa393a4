/**
 * Zip containers (DOCX, ODT, EPUB) through fflate: only the entries asked for are inflated,
 * and the sizes their headers declare are checked first, so a zip bomb (a small file that
 * inflates to gigabytes) is refused before it takes the memory. Also: XML parsing with
 * @xmldom/xmldom that turns parser errors into a 'corrupt' refusal instead of console noise.
 */
import { unzipSync, type UnzipFileInfo } from 'fflate'
import { DOMParser } from '@xmldom/xmldom'
import { fileError } from './errors'
import type { DocumentFormat } from './types'

/** Inflated bytes one import may take from a container. */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024

export interface ZipEntryInfo {
  name: string
  /** Declared uncompressed size. */
  originalSize: number
}

function corrupt(format: DocumentFormat, what: string, err?: unknown): Error {
  const why = err instanceof Error ? ` (${err.message})` : ''
  return fileError('corrupt', `This ${what} is damaged and cannot be read${why}.`, { format })
}

/** The entries of a zip, without inflating any. */
export function listZip(bytes: Uint8Array, format: DocumentFormat, what: string): ZipEntryInfo[] {
  const out: ZipEntryInfo[] = []
  try {
    unzipSync(bytes, {
      filter: (f: UnzipFileInfo) => {
        out.push({ name: f.name, originalSize: f.originalSize })
        return false
      }
    })
  } catch (err) {
    throw corrupt(format, what, err)
  }
  return out
}

/** Refuse containers whose declared content is larger than we allow. */
export function checkInflatedSize(entries: ZipEntryInfo[], format: DocumentFormat, what: string): void {
  const total = entries.reduce((n, e) => n + e.originalSize, 0)
  if (total > MAX_INFLATED_BYTES) {
    throw fileError('too_large', `This ${what} unpacks to ${Math.round(total / 1024 / 1024)} MB, more than Engram imports (${MAX_INFLATED_BYTES / 1024 / 1024} MB).`, {
      format,
      size: total,
      maxBytes: MAX_INFLATED_BYTES
    })
  }
}

/** Inflate the entries `want` accepts (by name), within the size limit. */
export function readZip(bytes: Uint8Array, want: (name: string) => boolean, format: DocumentFormat, what: string): Map<string, Uint8Array> {
  let declared = 0
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes, {
      filter: (f: UnzipFileInfo) => {
        if (!want(f.name)) return false
        declared += f.originalSize
        if (declared > MAX_INFLATED_BYTES) {
          throw fileError('too_large', `This ${what} unpacks to more than Engram imports (${MAX_INFLATED_BYTES / 1024 / 1024} MB).`, { format, maxBytes: MAX_INFLATED_BYTES })
        }
        return true
      }
    })
  } catch (err) {
    if (err instanceof Error && err.name === 'AppError') throw err
    throw corrupt(format, what, err)
  }
  return new Map(Object.entries(files))
}

export const utf8 = (b: Uint8Array): string => new TextDecoder('utf-8').decode(b)

/** The small XML DOM surface the ODT and EPUB readers use. */
export interface XmlNode {
  nodeType: number
  nodeName: string
  localName?: string | null
  nodeValue: string | null
  textContent: string | null
  childNodes: ArrayLike<XmlNode>
}
export interface XmlElement extends XmlNode {
  getAttribute(name: string): string | null
  getElementsByTagName(name: string): ArrayLike<XmlElement>
}
export interface XmlDocument {
  documentElement: XmlElement | null
  getElementsByTagName(name: string): ArrayLike<XmlElement>
}

/** Parse XML; malformed XML is a 'corrupt' refusal. */
export function parseXml(xml: string, format: DocumentFormat, what: string): XmlDocument {
  try {
    const parser = new DOMParser({
      onError: (level: 'warning' | 'error' | 'fatalError', message: string) => {
        if (level === 'fatalError') throw new Error(message)
      }
    })
    const doc = parser.parseFromString(xml, 'text/xml') as unknown as XmlDocument
    if (!doc.documentElement) throw new Error('no root element')
    return doc
  } catch (err) {
    throw corrupt(format, what, err)
  }
}

/** Elements by local name, whatever their namespace prefix. */
export function byLocalName(root: XmlDocument | XmlElement, name: string): XmlElement[] {
  const all = root.getElementsByTagName('*')
  const out: XmlElement[] = []
  for (let i = 0; i < all.length; i++) {
    const el = all[i] as XmlElement
    if ((el.localName ?? el.nodeName.replace(/^.*:/, '')) === name) out.push(el)
  }
  return out
}
