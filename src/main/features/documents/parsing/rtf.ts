/**
 * RTF through rtf-stream-parser: its tokenizer and its ToPlainText processor track groups,
 * fonts and their charsets, \ansicpg (decoded by iconv-lite, so \'e9 in cp1252 is "é"), and
 * \uN with \ucN fallback skipping. On top of it, a small feature (the library's own
 * extension point) drops destinations that are not body text (document info, pictures,
 * headers and footers, field instructions, list and style tables), makes each \par a
 * paragraph (blank line), \line a line break, and table cells " | "-separated rows.
 * ToPlainText is not re-exported from the package index, so it is imported by path.
 */
import { Readable } from 'node:stream'
import iconv from 'iconv-lite'
import { Tokenize } from 'rtf-stream-parser'
import { ToPlainText } from 'rtf-stream-parser/dist/src/ToPlainText.js'
import { fileError, throwIfAborted } from './errors'
import { controlCharWarnings, sanitizeText } from './encoding'
import type { ParsedDocument } from './types'

const NOT_BODY = [
  'info', 'pict', 'nonshppict', 'shppict', 'header', 'headerl', 'headerr', 'headerf', 'footer', 'footerl', 'footerr', 'footerf',
  'object', 'objdata', 'themedata', 'colorschememapping', 'datastore', 'xmlnstbl', 'listtable', 'listoverridetable',
  'rsidtbl', 'generator', 'latentstyles', 'fldinst', 'shpinst', 'sp', 'sn', 'sv', 'stylesheet', 'fonttbl', 'colortbl',
  'filetbl', 'revtbl', 'pgdsctbl', 'mmathPr', 'xe', 'tc', 'bkmkstart', 'bkmkend', 'pn', 'pntext', 'pntxta', 'pntxtb'
]

interface Global {
  _state: { allDestinations?: Record<string, boolean> }
  _pushOutput(data: string): void
}

const bodyOnly = {
  outputDataFilter: (g: Global): true | undefined => {
    const dests = g._state.allDestinations
    if (!dests) return undefined
    for (const d of NOT_BODY) if (dests[d]) return true
    return undefined
  },
  controlHandlers: {
    par: (g: Global): true => (g._pushOutput('\n\n'), true),
    sect: (g: Global): true => (g._pushOutput('\n\n'), true),
    page: (g: Global): true => (g._pushOutput('\n\n'), true),
    line: (g: Global): true => (g._pushOutput('\n'), true),
    cell: (g: Global): true => (g._pushOutput(' | '), true),
    nestcell: (g: Global): true => (g._pushOutput(' | '), true),
    row: (g: Global): true => (g._pushOutput('\n'), true)
  }
}

class RtfToText extends ToPlainText {
  constructor(warn: (m: string) => void) {
    super({ decode: (buf: Buffer, enc: string) => iconv.decode(buf, iconv.encodingExists(enc) ? enc : 'cp1252'), warn })
    ;(this._featureHandlers as unknown[]).unshift(bodyOnly)
  }
}

export async function parseRtf(bytes: Uint8Array, signal?: AbortSignal): Promise<ParsedDocument> {
  const parts: string[] = []
  let warnings = 0
  try {
    await new Promise<void>((resolve, reject) => {
      const out = new RtfToText(() => warnings++)
      out.on('data', (d: string | Buffer) => {
        parts.push(typeof d === 'string' ? d : d.toString('utf8'))
      })
      out.on('end', resolve)
      out.on('error', reject)
      const tok = new Tokenize()
      tok.on('error', reject)
      const src = Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)])
      src.pipe(tok).pipe(out)
      signal?.addEventListener('abort', () => src.destroy(new Error('aborted')), { once: true })
    })
  } catch (err) {
    throwIfAborted(signal)
    throw fileError('corrupt', `This RTF document is damaged and cannot be read (${err instanceof Error ? err.message : String(err)}).`, { format: 'rtf' })
  }
  const s = sanitizeText(parts.join(''))
  const text = s.text
    .replace(/ \| \n/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return { format: 'rtf', mimeType: 'application/rtf', text, pages: null, warnings: controlCharWarnings(s.removedControls) }
}
