/** The bench's retrieval metrics against values worked out by hand. */
import { describe, expect, it } from 'vitest'
import { dcg, ndcgAt, parseQrels, recallAt } from '../../bench/ir-metrics'

describe('nDCG@k with graded gains (2^score − 1)', () => {
  const judged = new Map([
    ['a', 4],
    ['b', 2],
    ['c', 1]
  ])

  it('is 1 for the ideal order and 0 when nothing judged is retrieved', () => {
    expect(ndcgAt(10, ['a', 'b', 'c'], judged)).toBeCloseTo(1, 10)
    expect(ndcgAt(10, ['x', 'y', 'z'], judged)).toBe(0)
  })

  it('discounts by log2(rank + 1)', () => {
    // Retrieved: x, a  → DCG = 15 / log2(3); ideal: 15, 3, 1.
    const ideal = 15 + 3 / Math.log2(3) + 1 / 2
    expect(dcg([15, 3, 1])).toBeCloseTo(ideal, 10)
    expect(ndcgAt(10, ['x', 'a'], judged)).toBeCloseTo(15 / Math.log2(3) / ideal, 10)
  })

  it('cuts both lists at k', () => {
    expect(ndcgAt(1, ['b', 'a'], judged)).toBeCloseTo(3 / 15, 10)
  })
})

describe('recall@k and qrels', () => {
  it('counts judged documents in the top k', () => {
    const judged = new Map([
      ['a', 1],
      ['b', 3]
    ])
    expect(recallAt(10, ['b', 'x'], judged)).toBe(0.5)
    expect(recallAt(1, ['x', 'a', 'b'], judged)).toBe(0)
  })

  it('reads BEIR qrels, skipping the header and zero scores', () => {
    const q = parseQrels('query-id\tcorpus-id\tscore\n1\t184\t4\n1\t29\t2\n2\t12\t0\n')
    expect([...(q.get('1') ?? new Map()).entries()]).toEqual([
      ['184', 4],
      ['29', 2]
    ])
    expect(q.has('2')).toBe(false)
  })
})
