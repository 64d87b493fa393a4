import { describe, expect, it } from 'vitest'
import { fromVectorText, toVectorParam, vectorType } from '../../src/main/db/vector'

describe('vector wire format', () => {
  it('encodes pgvector binary: int16 dim, int16 0, big-endian float32s', () => {
    const buf = toVectorParam([1, -2.5, 0.125])
    expect(buf.length).toBe(4 + 3 * 4)
    expect(buf.readInt16BE(0)).toBe(3)
    expect(buf.readInt16BE(2)).toBe(0)
    expect([buf.readFloatBE(4), buf.readFloatBE(8), buf.readFloatBE(12)]).toEqual([1, -2.5, 0.125])
    expect(toVectorParam(new Float32Array([0.5])).readFloatBE(4)).toBe(0.5)
  })

  it('refuses empty, oversized and non-finite vectors', () => {
    expect(() => toVectorParam([])).toThrow(RangeError)
    expect(() => toVectorParam(new Float32Array(16001))).toThrow(RangeError)
    expect(() => toVectorParam([1, Number.NaN])).toThrow(/NaN/)
    expect(() => toVectorParam([Number.POSITIVE_INFINITY])).toThrow(/NaN or Infinity/)
  })

  it('parses the text form and names fixed-dimension types', () => {
    expect(fromVectorText('[1,2.5,-3]')).toEqual([1, 2.5, -3])
    expect(fromVectorText(null)).toBeNull()
    expect(vectorType(384)).toBe('vector(384)')
    expect(() => vectorType(0)).toThrow()
    expect(() => vectorType(1.5)).toThrow()
  })
})
