/** Profile passphrases: scrypt from node:crypto, compared in constant time. */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

export interface PassphraseHash {
  algo: 'scrypt'
  salt: string
  hash: string
  N: number
  r: number
  p: number
}

function scrypt(secret: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(secret.normalize('NFKC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)))
  )
}

export async function hashPassphrase(secret: string): Promise<PassphraseHash> {
  const salt = randomBytes(16)
  const params = { N: 1 << 15, r: 8, p: 1 }
  const key = await scrypt(secret, salt, 32, { ...params, maxmem: 64 * 1024 * 1024 })
  return { algo: 'scrypt', salt: salt.toString('base64'), hash: key.toString('base64'), ...params }
}

export async function verifyPassphrase(secret: string, stored: PassphraseHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64')
  const key = await scrypt(secret, Buffer.from(stored.salt, 'base64'), expected.length, {
    N: stored.N,
    r: stored.r,
    p: stored.p,
    maxmem: 256 * 1024 * 1024
  })
  return key.length === expected.length && timingSafeEqual(key, expected)
}
