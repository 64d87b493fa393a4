/** Format detection: magic bytes first, the name second, clear refusals. */
import { describe, expect, it } from 'vitest'
import { detectFormat } from '../../src/main/features/documents/parsing'
import { AppError } from '../../src/shared/errors'

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))

/** A zip whose first entry is an uncompressed "mimetype" file, as ODF and EPUB require. */
function zipWithMimetype(mime: string): Uint8Array {
  const name = Buffer.from('mimetype')
  const header = Buffer.alloc(30)
  header.writeUInt32LE(0x04034b50, 0)
  header.writeUInt32LE(mime.length, 18)
  header.writeUInt32LE(mime.length, 22)
  header.writeUInt16LE(name.length, 26)
  return Buffer.concat([header, name, Buffer.from(mime)])
}

function refusal(fn: () => unknown): AppError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(AppError)
    return err as AppError
  }
  throw new Error('expected a refusal')
}

describe('detectFormat', () => {
  it('trusts magic bytes over the name', () => {
    expect(detectFormat(bytes('%PDF-1.7\n...'), 'report.txt')).toEqual({ format: 'pdf', mimeType: 'application/pdf' })
    expect(detectFormat(bytes('{\\rtf1\\ansi'), 'notes')).toMatchObject({ format: 'rtf' })
    expect(detectFormat(zipWithMimetype('application/epub+zip'), 'book.zip')).toMatchObject({ format: 'epub' })
    expect(detectFormat(zipWithMimetype('application/vnd.oasis.opendocument.text'), 'x.bin')).toMatchObject({ format: 'odt' })
    expect(detectFormat(bytes([0x50, 0x4b, 0x03, 0x04], '\0'.repeat(26), '[Content_Types].xml...word/document.xml'), 'x')).toMatchObject({ format: 'docx' })
  })

  it('uses the name for text formats', () => {
    const text = bytes('a,b\n1,2\n')
    expect(detectFormat(text, 'data.csv').format).toBe('csv')
    expect(detectFormat(text, 'data.TSV').format).toBe('csv')
    expect(detectFormat(text, 'notes.md').format).toBe('markdown')
    expect(detectFormat(text, 'page.htm').format).toBe('html')
    expect(detectFormat(text, 'readme').format).toBe('text')
    expect(detectFormat(bytes('<!DOCTYPE html><html>'), 'saved-page').format).toBe('html')
    expect(detectFormat(bytes([0xff, 0xfe], 'h\0i\0'), 'utf16.txt').format).toBe('text')
    expect(detectFormat(new Uint8Array(0), 'empty.txt').format).toBe('text')
  })

  it('refuses a .pdf that is not a PDF, saying so', () => {
    const err = refusal(() => detectFormat(bytes('just some text, not a PDF'), 'x.pdf'))
    expect(err.code).toBe('unsupported_file')
    expect(err.message).toMatch(/^This file is named \.pdf but is not a PDF/)
    expect(err.details).toMatchObject({ reason: 'unsupported' })
    expect(refusal(() => detectFormat(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), 'scan.docx')).message).toMatch(/named \.docx but is not a Word document \(it looks like a PNG image\)/)
  })

  it('refuses images, programs, archives and old Office files by name', () => {
    const cases: Array<[Uint8Array, string, RegExp]> = [
      [bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'photo.png', /PNG image/],
      [bytes('MZ\x90\0\x03\0\0\0'), 'setup.exe', /Windows program/],
      [bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.doc', /old Office file/],
      [bytes([0x50, 0x4b, 0x03, 0x04], '\0'.repeat(26), 'xl/workbook.xml'), 'sheet.xlsx', /Excel workbook/],
      [bytes('\x7fELF\x02\x01'), 'tool', /ELF/],
      [bytes('\0\x01\x02\x03binary\0\0'), 'blob.dat', /this kind of file \(\.dat\)/]
    ]
    for (const [head, name, msg] of cases) {
      const err = refusal(() => detectFormat(head, name))
      expect(err.code, name).toBe('unsupported_file')
      expect(err.details, name).toMatchObject({ reason: 'unsupported' })
      expect(err.message, name).toMatch(msg)
    }
  })
})
