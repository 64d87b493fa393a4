/**
 * Realistic memory-like text for benches: sentences from the Cranfield collection
 * (../shared/datasets/cranfield), recombined into short notes of one or two sentences so
 * that 100k distinct texts exist. Deterministic for a given count.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { mulberry32 } from './seed'

const CRANFIELD = resolve(import.meta.dirname, '..', '..', 'shared', 'datasets', 'cranfield')

function sentences(): string[] {
  const out: string[] = []
  for (const line of readFileSync(resolve(CRANFIELD, 'corpus.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue
    const doc = JSON.parse(line) as { text: string }
    for (const s of doc.text.split(/\s\.\s?/)) {
      const words = s.trim().split(/\s+/)
      if (words.length >= 5 && words.length <= 40) out.push(words.join(' '))
    }
  }
  return out
}

export function memoryTexts(n: number): string[] {
  const base = sentences()
  const out: string[] = []
  // mulberry32: 32-bit integer arithmetic throughout. (The LCG here before multiplied past
  // 2^53, lost precision, fell into a short cycle and never produced 100k distinct texts.)
  const next = mulberry32(12345)
  const seen = new Set<string>()
  while (out.length < n) {
    const a = base[Math.floor(next() * base.length)] as string
    const t = out.length < base.length && !seen.has(a) ? a : `${a}. ${base[Math.floor(next() * base.length)] as string}`
    if (seen.has(t)) continue
    seen.add(t)
    out.push(t)
  }
  return out
}

export function queryTexts(): string[] {
  return readFileSync(resolve(CRANFIELD, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text.replace(/\s\.$/, ''))
}
