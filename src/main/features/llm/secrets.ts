/**
 * Secrets at rest (the chat model's API key). The desktop app encrypts with Electron's
 * safeStorage (the OS keychain); the CLI, the browser bridge and the tests use AES-256-GCM
 * with a random 32-byte key file in the data directory (mode 0600). Ciphertext lives in
 * the `secrets` table, never in `settings` (whose audit history keeps every value), and
 * plaintext exists only in memory.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Knex } from 'knex'

/** Something that turns a secret into bytes and back (Electron safeStorage or a local key). */
export interface SecretBox {
  kind: 'safeStorage' | 'local-key'
  encrypt(plain: string): Buffer
  decrypt(b: Buffer): string
}

const KEY_FILE = 'secrets.key'
const IV_BYTES = 12
const TAG_BYTES = 16

/** AES-256-GCM with a key file made on first use: iv (12) | tag (16) | ciphertext. */
export function localKeyBox(dataDir: string): SecretBox {
  let key: Buffer | null = null
  const loadKey = (): Buffer => {
    if (key) return key
    const file = join(dataDir, KEY_FILE)
    if (!existsSync(file)) {
      const tmp = `${file}.${process.pid}.tmp`
      writeFileSync(tmp, randomBytes(32), { mode: 0o600 })
      // Two processes racing both write a whole key; the rename makes one of them win.
      if (!existsSync(file)) renameSync(tmp, file)
      else rmSync(tmp, { force: true })
    }
    const k = readFileSync(file)
    if (k.length !== 32) throw new Error(`The key file ${file} is damaged (expected 32 bytes).`)
    try {
      chmodSync(file, 0o600)
    } catch {
      // Windows has no POSIX modes; the file sits in the user's own profile folder.
    }
    key = k
    return k
  }
  return {
    kind: 'local-key',
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', loadKey(), iv)
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), ct])
    },
    decrypt(b) {
      const decipher = createDecipheriv('aes-256-gcm', loadKey(), b.subarray(0, IV_BYTES))
      decipher.setAuthTag(b.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
      return Buffer.concat([decipher.update(b.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
    }
  }
}

export interface SecretsStore {
  /** How new secrets are kept. */
  kind(): SecretBox['kind']
  /** The plaintext, or null when absent or when it was kept by another box (e.g. saved by the desktop app's keychain, read from the CLI). */
  get(name: string): Promise<string | null>
  /** How a stored secret was kept, or null when there is none. */
  storedKind(name: string): Promise<SecretBox['kind'] | null>
  set(name: string, plain: string): Promise<void>
  remove(name: string): Promise<void>
}

export function createSecretsStore({ db, box, warn }: { db: Knex; box: () => SecretBox; warn?: (m: string) => void }): SecretsStore {
  return {
    kind: () => box().kind,
    async get(name) {
      const row = (await db('secrets').where({ name }).first()) as { kind: string; ciphertext: Buffer } | undefined
      if (!row) return null
      const b = box()
      if (row.kind !== b.kind) {
        warn?.(`[engram] the secret ${name} was saved with ${row.kind} and cannot be read with ${b.kind}; enter it again`)
        return null
      }
      try {
        return b.decrypt(row.ciphertext)
      } catch {
        warn?.(`[engram] the secret ${name} could not be decrypted (the key changed?); enter it again`)
        return null
      }
    },
    async storedKind(name) {
      const row = (await db('secrets').where({ name }).first('kind')) as { kind: SecretBox['kind'] } | undefined
      return row?.kind ?? null
    },
    async set(name, plain) {
      const b = box()
      await db('secrets')
        .insert({ name, kind: b.kind, ciphertext: b.encrypt(plain), updated_at: db.fn.now() })
        .onConflict('name')
        .merge()
    },
    async remove(name) {
      await db('secrets').where({ name }).del()
    }
  }
}
