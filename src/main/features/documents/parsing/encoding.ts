/**
 * Turning bytes into clean text. The byte order mark decides first; then strict UTF-8
 * (which almost never validates by accident); then chardet's guess, with Western European
 * single-byte text (Windows-1252, a superset of Latin-1 that also has €) preferred when the
 * guesses are close, because short non-UTF-8 files (a line of "äöüß") make chardet tie
 * between Latin-1 and its Central European cousins. UTF-8 and UTF-16 decode with
 * TextDecoder; legacy code pages with iconv-lite, because Node 20's TextDecoder decodes
 * windows-1252 as Latin-1 in one-shot mode (0x80 comes out as U+0080, not "€"). Files on
 * disk are decoded in bounded chunks.
 *
 * Every parser's output goes through `sanitizeText`, so stored text has LF line ends and no
 * NUL (Postgres text cannot hold it) or other C0 control characters.
 */
import { open } from 'node:fs/promises'
import chardet from 'chardet'
import iconv from 'iconv-lite'
import { throwIfAborted } from './errors'

export interface DecodedText {
  text: string
  /** WHATWG encoding name, e.g. 'utf-8', 'utf-16le', 'windows-1252'. */
  encoding: string
  /** Set when the encoding came from a guess rather than a BOM, a declaration or valid UTF-8. */
  guessed?: boolean
}

const SAMPLE_BYTES = 64 * 1024
const READ_CHUNK = 1024 * 1024

interface StreamDecoder {
  write(bytes: Uint8Array): string
  end(): string
}

/** A streaming decoder for a WHATWG encoding name; `fatal` (UTF-8 only) throws on invalid bytes. */
function makeDecoder(encoding: string, fatal = false): StreamDecoder {
  if (encoding !== 'utf-8' && !encoding.startsWith('utf-16') && iconv.encodingExists(encoding)) {
    const d = iconv.getDecoder(encoding)
    return { write: (b) => d.write(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), end: () => d.end() ?? '' }
  }
  const d = new TextDecoder(encoding, { fatal })
  return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() }
}

function decodeAll(bytes: Uint8Array, encoding: string): string {
  const d = makeDecoder(encoding)
  return d.write(bytes) + d.end()
}

function bomEncoding(b: Uint8Array): { encoding: string; length: number } | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 }
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 }
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 }
  return null
}

/** A TextDecoder label for `name`, or null when the platform cannot decode it. */
export function supportedEncoding(name: string | null | undefined): string | null {
  if (!name) return null
  try {
    return new TextDecoder(name.trim().toLowerCase()).encoding
  } catch {
    return null
  }
}

/** chardet's best guess for non-UTF-8 bytes, leaning to Windows-1252 on near ties. */
export function guessEncoding(sample: Uint8Array): string {
  const candidates = chardet.analyse(sample)
  const top = candidates[0]
  if (!top) return 'windows-1252'
  const western = candidates.find((c) => /^(iso-8859-1|iso-8859-15|windows-1252)$/i.test(c.name))
  if (western && western.confidence >= top.confidence - 10) return 'windows-1252'
  // chardet names UTF-8 only for valid UTF-8, which we have already ruled out.
  if (/^utf-8$/i.test(top.name)) return 'windows-1252'
  return supportedEncoding(top.name) ?? 'windows-1252'
}

function isValidUtf8(bytes: Uint8Array, allowTruncatedEnd: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: allowTruncatedEnd })
    return true
  } catch {
    return false
  }
}

/** Decode bytes already in memory. `declared` is a charset the file names (HTML meta). */
export function decodeBytes(bytes: Uint8Array, declared?: string | null): DecodedText {
  const bom = bomEncoding(bytes)
  if (bom) return { text: decodeAll(bytes.subarray(bom.length), bom.encoding), encoding: bom.encoding }
  const decl = supportedEncoding(declared)
  if (decl && decl !== 'utf-8' && !decl.startsWith('utf-16')) return { text: decodeAll(bytes, decl), encoding: decl }
  if (isValidUtf8(bytes, false)) return { text: decodeAll(bytes, 'utf-8'), encoding: 'utf-8' }
  const encoding = guessEncoding(bytes.subarray(0, SAMPLE_BYTES * 4))
  return { text: decodeAll(bytes, encoding), encoding, guessed: true }
}

/**
 * Decode a file on disk in 1 MB reads, without holding its bytes: UTF-8 is tried strictly
 * and, if some later chunk is not UTF-8 after all, decoding restarts with a guess made
 * from the bytes around the failure.
 */
export async function decodeFile(path: string, opts: { signal?: AbortSignal; declared?: string | null } = {}): Promise<DecodedText> {
  const fh = await open(path, 'r')
  try {
    const head = new Uint8Array(SAMPLE_BYTES)
    const { bytesRead } = await fh.read(head, 0, SAMPLE_BYTES, 0)
    const sample = head.subarray(0, bytesRead)
    const bom = bomEncoding(sample)
    const decl = supportedEncoding(opts.declared)
    let encoding: string
    let guessed = false
    if (bom) encoding = bom.encoding
    else if (decl && decl !== 'utf-8' && !decl.startsWith('utf-16')) encoding = decl
    else if (isValidUtf8(sample, true)) encoding = 'utf-8'
    else {
      encoding = guessEncoding(sample)
      guessed = true
    }
    const first = await readAll(fh, bom?.length ?? 0, encoding, encoding === 'utf-8' && !bom, opts.signal)
    if (typeof first === 'string') return { text: first, encoding, ...(guessed ? { guessed } : {}) }
    // Not UTF-8 after all: guess from the bytes where strict decoding failed.
    const around = new Uint8Array(SAMPLE_BYTES)
    const at = Math.max(0, first.failedAt - SAMPLE_BYTES / 2)
    const r = await fh.read(around, 0, SAMPLE_BYTES, at)
    encoding = guessEncoding(around.subarray(0, r.bytesRead))
    const text = await readAll(fh, 0, encoding, false, opts.signal)
    return { text: text as string, encoding, guessed: true }
  } finally {
    await fh.close()
  }
}

async function readAll(
  fh: Awaited<ReturnType<typeof open>>,
  from: number,
  encoding: string,
  fatal: boolean,
  signal: AbortSignal | undefined
): Promise<string | { failedAt: number }> {
  const decoder = makeDecoder(encoding, fatal)
  const parts: string[] = []
  const buf = new Uint8Array(READ_CHUNK)
  let pos = from
  for (;;) {
    throwIfAborted(signal)
    const { bytesRead } = await fh.read(buf, 0, READ_CHUNK, pos)
    try {
      if (bytesRead === 0) {
        parts.push(decoder.end())
        break
      }
      parts.push(decoder.write(buf.subarray(0, bytesRead)))
    } catch {
      return { failedAt: pos }
    }
    pos += bytesRead
  }
  return parts.join('')
}

/** The warning a parse reports when control characters were dropped (none when none were). */
export function controlCharWarnings(removed: number): string[] {
  return removed > 0 ? [`control_chars_removed: ${removed} control characters were removed.`] : []
}

export interface SanitizeResult {
  text: string
  /** How many control characters (NUL and other C0 but tab/newline) were dropped. */
  removedControls: number
}

/**
 * LF line ends; form feeds become paragraph breaks; NUL and other C0 controls (and DEL)
 * are dropped; a leading BOM is dropped; lone surrogates become U+FFFD.
 */
export function sanitizeText(input: string): SanitizeResult {
  let removedControls = 0
  let text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\f/g, '\n\n')
  // eslint-disable-next-line no-control-regex -- dropping control characters is the point
  text = text.replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g, () => {
    removedControls++
    return ''
  })
  text = (text as string & { toWellFormed(): string }).toWellFormed()
  return { text, removedControls }
}

/**
 * Repair UTF-8 text that was decoded as Latin-1 and saved as UTF-8 again ("1990â\u0080\u009391"
 * for "1990–91", "Â£" for "£"). Only done when the text shows it: at least three such
 * sequences containing C1 controls, which real text never has. Returns the repaired count.
 */
export function repairMojibake(text: string): { text: string; repaired: number } {
  const c1 = text.match(/[\u00C2-\u00F4][\u0080-\u009F]/g)
  if (!c1 || c1.length < 3) return { text, repaired: 0 }
  const strict = new TextDecoder('utf-8', { fatal: true })
  let repaired = 0
  const out = text.replace(/[\u00C2-\u00F4][\u0080-\u00BF]{1,3}/g, (m) => {
    const lead = m.charCodeAt(0)
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2
    if (m.length < need) return m
    const seq = m.slice(0, need)
    try {
      const fixed = strict.decode(Buffer.from(seq, 'latin1'))
      repaired++
      return fixed + m.slice(need)
    } catch {
      return m
    }
  })
  return { text: out, repaired }
}

/** The charset an HTML or XML file declares in its first bytes, if any. */
export function declaredCharset(head: Uint8Array): string | null {
  const s = Buffer.from(head.subarray(0, 2048)).toString('latin1')
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(s)
  if (meta?.[1]) return meta[1]
  const xml = /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']/i.exec(s)
  return xml?.[1] ?? null
}
