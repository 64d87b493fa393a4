/** Shared bench helpers: timing, medians and percentiles, and the metric record. */
export interface Metric {
  value: number
  unit: string
  /** The target, as text: "<= 1500". */
  target?: string
  /** How it was measured, in a few words. */
  note?: string
}

export interface BenchSuite {
  name: string
  run(): Promise<Record<string, Metric>>
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))
  return s[i] as number
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits

export async function timeMs<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now()
  const v = await fn()
  return [performance.now() - t, v]
}
