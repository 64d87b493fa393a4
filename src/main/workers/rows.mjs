// @ts-check
/**
 * The search index thread's decoding of rows as Postgres sends them (search-index.worker.mjs;
 * candidate-index.ts reads them and passes them on undecoded).
 */

/**
 * A tsvector's text form (`'lexeme':1,4 'other':2A`) to its lexemes and term frequencies
 * (number of positions; 1 when stripped), in Postgres's order.
 * @param {string} text
 * @returns {{ lexemes: string[], tfs: number[] }}
 */
export function parseTsvector(text) {
  /** @type {string[]} */
  const lexemes = []
  /** @type {number[]} */
  const tfs = []
  const re = /'((?:[^'\\]|''|\\.)*)'(?::([0-9A-D,]+))?/g
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lexemes.push((m[1] ?? '').replace(/''/g, "'").replace(/\\(.)/g, '$1'))
    tfs.push(m[2] ? m[2].split(',').length : 1)
  }
  return { lexemes, tfs }
}

/**
 * pgvector's binary send format: int16 dim, int16 unused, dim big-endian float32.
 * @param {Uint8Array | null} bytes
 * @returns {Float32Array | null}
 */
export function decodeVector(bytes) {
  if (!bytes || bytes.length < 4) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dim = view.getUint16(0)
  if (bytes.length < 4 + dim * 4) return null
  const out = new Float32Array(dim)
  for (let i = 0; i < dim; i++) out[i] = view.getFloat32(4 + i * 4)
  return out
}
