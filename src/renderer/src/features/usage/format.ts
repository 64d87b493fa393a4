/** Shaping usage for the chart: one row per day of the window, one stacked series per model. */
import type { UsagePoint } from '../../../../shared/chat'

export interface UsageRow {
  day: string
  [model: string]: number | string
}

/** yyyy-mm-dd in UTC, the way the core groups days. */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10)

/** Every day of the last `days` (oldest first), with each model's tokens (input + output) that day. */
export function usageRows(points: UsagePoint[], days: number, now = new Date()): { rows: UsageRow[]; models: string[] } {
  const models = [...new Set(points.map((p) => p.model))].sort()
  const byDay = new Map<string, UsageRow>()
  for (let i = days - 1; i >= 0; i--) {
    const day = utcDay(new Date(now.getTime() - i * 86_400_000))
    const row: UsageRow = { day }
    for (const m of models) row[m] = 0
    byDay.set(day, row)
  }
  for (const p of points) {
    const day = p.day.slice(0, 10)
    const row = byDay.get(day)
    if (!row) continue
    row[p.model] = (Number(row[p.model]) || 0) + p.inputTokens + p.outputTokens
  }
  return { rows: [...byDay.values()], models }
}

const SERIES_COLORS = ['teal', 'blue', 'grape', 'orange', 'cyan', 'pink', 'lime', 'indigo', 'yellow', 'red']
export const seriesColor = (i: number): string => `var(--mantine-color-${SERIES_COLORS[i % SERIES_COLORS.length]}-6)`

/** 950, 12.4k, 3.1M. */
export function compactTokens(n: number): string {
  if (n < 1000) return String(Math.round(n))
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`
  return `${(n / 1_000_000).toFixed(1)}M`
}

/** "3 Mar" from yyyy-mm-dd (read as UTC so the label is the core's day). */
export function dayLabel(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  return Number.isNaN(d.getTime()) ? day : d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' })
}
