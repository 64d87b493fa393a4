/**
 * The `.engram` container: a small plain header, then the payload, a gzip'd tar (manifest,
 * one NDJSON file per table part, the document files).
 *
 *   magic "ENGRAMAR" (8) | format version u16 BE | flags u8 (bit 0: encrypted) | 0 u8 |
 *   header length u32 BE | header JSON | payload
 *
 * The version sits in the first bytes so that an archive from a newer Engram is named as
 * such before anything else is read. With a passphrase the payload is encrypted in 1 MiB
 * frames with AES-256-GCM (node:crypto), key from scrypt(passphrase, random salt):
 *
 *   frame = final u8 | plaintext length u32 BE | ciphertext | tag (16)
 *   nonce = 8 random bytes from the header | frame index u32 BE
 *   AAD   = the whole plain header | frame index u32 BE | final u8
 *
 * Each frame is authenticated with its index and the header, so reordered, tampered or
 * swapped frames fail; the last frame says it is the last, so an archive cut at a frame
 * boundary fails too (the STREAM construction). Plain archives rely on gzip's CRC-32 and
 * length trailer plus the manifest's sha256 of every part.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'

export const ARCHIVE_MAGIC = Buffer.from('ENGRAMAR', 'latin1')
/** The newest container and manifest format this build writes and reads. */
export const ARCHIVE_FORMAT_VERSION = 1
export const ARCHIVE_EXTENSION = '.engram'
const FLAG_ENCRYPTED = 1
const FRAME_BYTES = 1 << 20
const TAG_BYTES = 16
const FIXED_HEADER_BYTES = ARCHIVE_MAGIC.length + 2 + 1 + 1 + 4
const MAX_HEADER_JSON = 64 * 1024

export const WRONG_PASSPHRASE = 'The passphrase is wrong, or the archive is damaged.'
export const damaged = (what: string): AppError =>
  new AppError('validation', `This archive is damaged or incomplete (${what}). Import another copy, or make a new export from the original profile.`)
export const newerFormat = (n: number | string): AppError =>
  new AppError('unsupported_file', `This archive was made by a newer Engram (format ${n}). Update Engram to import it.`)

const scryptParams = z.object({ N: z.number().int().min(1024).max(1 << 20), r: z.number().int().min(1).max(16), p: z.number().int().min(1).max(4) }).strict()

const headerSchema = z
  .object({
    compression: z.literal('gzip'),
    container: z.literal('tar'),
    encryption: z
      .object({
        cipher: z.literal('aes-256-gcm'),
        kdf: z.literal('scrypt'),
        params: scryptParams,
        salt: z.string().regex(/^[A-Za-z0-9+/=]{16,64}$/),
        noncePrefix: z.string().regex(/^[A-Za-z0-9+/=]{8,24}$/),
        frameBytes: z.number().int().min(1024).max(16 << 20)
      })
      .strict()
      .nullable()
  })
  .strict()

export type ArchiveHeader = z.infer<typeof headerSchema>

export interface ParsedHeader {
  header: ArchiveHeader
  /** The exact header bytes (authenticated as AAD of every encrypted frame). */
  raw: Buffer
  /** Where the payload starts. */
  payloadOffset: number
}

export const DEFAULT_SCRYPT = { N: 1 << 15, r: 8, p: 1 }

export function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(passphrase.normalize('NFKC'), salt, 32, { ...params, maxmem: 256 * params.N * params.r + 32 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)))
  )
}

/** Build the plain header for a new archive, and the key when a passphrase is given. */
export async function newHeader(passphrase: string | undefined): Promise<{ raw: Buffer; header: ArchiveHeader; key: Buffer | null }> {
  let key: Buffer | null = null
  let encryption: ArchiveHeader['encryption'] = null
  if (passphrase !== undefined) {
    const salt = randomBytes(16)
    key = await deriveKey(passphrase, salt, DEFAULT_SCRYPT)
    encryption = {
      cipher: 'aes-256-gcm',
      kdf: 'scrypt',
      params: DEFAULT_SCRYPT,
      salt: salt.toString('base64'),
      noncePrefix: randomBytes(8).toString('base64'),
      frameBytes: FRAME_BYTES
    }
  }
  const header: ArchiveHeader = { compression: 'gzip', container: 'tar', encryption }
  const json = Buffer.from(JSON.stringify(header), 'utf8')
  const fixed = Buffer.alloc(FIXED_HEADER_BYTES)
  ARCHIVE_MAGIC.copy(fixed, 0)
  fixed.writeUInt16BE(ARCHIVE_FORMAT_VERSION, 8)
  fixed.writeUInt8(encryption ? FLAG_ENCRYPTED : 0, 10)
  fixed.writeUInt32BE(json.length, 12)
  return { raw: Buffer.concat([fixed, json]), header, key }
}

/**
 * Read and check the plain header from the first bytes of a file. `head` must hold at
 * least the first 64 KiB (or the whole file when it is smaller).
 */
export function parseHeader(head: Buffer): ParsedHeader {
  if (head.length < ARCHIVE_MAGIC.length || !head.subarray(0, ARCHIVE_MAGIC.length).equals(ARCHIVE_MAGIC))
    throw new AppError('unsupported_file', 'This file is not an Engram archive (.engram). Choose a file made by Export in Engram.')
  if (head.length < FIXED_HEADER_BYTES) throw damaged('the header is cut short')
  const version = head.readUInt16BE(8)
  if (version > ARCHIVE_FORMAT_VERSION) throw newerFormat(version)
  if (version < 1) throw damaged('bad format number')
  const flags = head.readUInt8(10)
  const len = head.readUInt32BE(12)
  if (len > MAX_HEADER_JSON) throw damaged('the header is too long')
  if (head.length < FIXED_HEADER_BYTES + len) throw damaged('the header is cut short')
  let parsed: unknown
  try {
    parsed = JSON.parse(head.subarray(FIXED_HEADER_BYTES, FIXED_HEADER_BYTES + len).toString('utf8'))
  } catch {
    throw damaged('the header is not readable')
  }
  const r = headerSchema.safeParse(parsed)
  if (!r.success) throw damaged('the header is not readable')
  if (Boolean(flags & FLAG_ENCRYPTED) !== (r.data.encryption !== null)) throw damaged('the header contradicts itself')
  return { header: r.data, raw: head.subarray(0, FIXED_HEADER_BYTES + len), payloadOffset: FIXED_HEADER_BYTES + len }
}

function nonce(prefix: Buffer, index: number): Buffer {
  const n = Buffer.alloc(12)
  prefix.copy(n, 0, 0, 8)
  n.writeUInt32BE(index, 8)
  return n
}

function aad(headerRaw: Buffer, index: number, final: boolean): Buffer {
  const tail = Buffer.alloc(5)
  tail.writeUInt32BE(index, 0)
  tail.writeUInt8(final ? 1 : 0, 4)
  return Buffer.concat([headerRaw, tail])
}

/** What both directions share: the key, the header (bound into every frame's AAD), its nonce prefix and frame size, and the count of frames so far. */
abstract class FrameTransform extends Transform {
  protected index = 0
  protected readonly prefix: Buffer
  protected readonly frameBytes: number

  constructor(
    protected readonly key: Buffer,
    protected readonly headerRaw: Buffer,
    header: ArchiveHeader,
    what: string
  ) {
    super()
    if (!header.encryption) throw new Error(`${what} needs an encrypted header`)
    this.prefix = Buffer.from(header.encryption.noncePrefix, 'base64')
    this.frameBytes = header.encryption.frameBytes
  }
}

/** Encrypts a byte stream into authenticated frames. */
export class EncryptFrames extends FrameTransform {
  private pending: Buffer[] = []
  private pendingBytes = 0

  constructor(key: Buffer, headerRaw: Buffer, header: ArchiveHeader) {
    super(key, headerRaw, header, 'EncryptFrames')
  }

  private frame(plain: Buffer, final: boolean): Buffer {
    if (this.index >= 0xffffffff) throw new Error('archive too large for one nonce prefix')
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(this.prefix, this.index))
    cipher.setAAD(aad(this.headerRaw, this.index, final))
    const body = Buffer.concat([cipher.update(plain), cipher.final()])
    const head = Buffer.alloc(5)
    head.writeUInt8(final ? 1 : 0, 0)
    head.writeUInt32BE(plain.length, 1)
    this.index++
    return Buffer.concat([head, body, cipher.getAuthTag()])
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    while (this.pendingBytes >= this.frameBytes) {
      const all = Buffer.concat(this.pending)
      this.push(this.frame(all.subarray(0, this.frameBytes), false))
      const rest = all.subarray(this.frameBytes)
      this.pending = rest.length ? [rest] : []
      this.pendingBytes = rest.length
    }
    cb()
  }

  override _flush(cb: TransformCallback): void {
    this.push(this.frame(Buffer.concat(this.pending), true))
    this.pending = []
    cb()
  }
}

/** Checks and decrypts frames; fails on a wrong key, tampering, reordering or truncation. */
export class DecryptFrames extends FrameTransform {
  private buf: Buffer = Buffer.alloc(0)
  private done = false

  constructor(key: Buffer, headerRaw: Buffer, header: ArchiveHeader) {
    super(key, headerRaw, header, 'DecryptFrames')
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    try {
      for (;;) {
        if (this.buf.length === 0) break
        if (this.done) throw damaged('there are bytes after the end')
        if (this.buf.length < 5) break
        const final = this.buf.readUInt8(0)
        const len = this.buf.readUInt32BE(1)
        if (final > 1 || len > this.frameBytes || (!final && len !== this.frameBytes)) throw this.index === 0 ? new AppError('unauthorized', WRONG_PASSPHRASE) : damaged(`frame ${this.index} is malformed`)
        const total = 5 + len + TAG_BYTES
        if (this.buf.length < total) break
        const decipher = createDecipheriv('aes-256-gcm', this.key, nonce(this.prefix, this.index))
        decipher.setAAD(aad(this.headerRaw, this.index, final === 1))
        decipher.setAuthTag(this.buf.subarray(5 + len, total))
        let plain: Buffer
        try {
          plain = Buffer.concat([decipher.update(this.buf.subarray(5, 5 + len)), decipher.final()])
        } catch {
          throw this.index === 0 ? new AppError('unauthorized', WRONG_PASSPHRASE) : damaged(`frame ${this.index} does not match its checksum`)
        }
        this.buf = this.buf.subarray(total)
        this.index++
        if (final) this.done = true
        if (plain.length) this.push(plain)
      }
      cb()
    } catch (err) {
      cb(err as Error)
    }
  }

  override _flush(cb: TransformCallback): void {
    if (!this.done) cb(this.index === 0 && this.buf.length < 5 ? damaged('it ends before any data') : damaged('it ends too early'))
    else cb()
  }
}
