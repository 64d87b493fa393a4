/** The timeline's days: every day of the window (the core leaves out days with nothing). */
import type { TimelinePoint } from '../../../../shared/types'

const DAY_MS = 86_400_000

/** One point per day, oldest first, zero where nothing was captured. Days are UTC, as the core counts them. */
export function fillDays(points: TimelinePoint[], days: number, now = Date.now()): TimelinePoint[] {
  const byDay = new Map(points.map((p) => [p.day, p.count]))
  const out: TimelinePoint[] = []
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(now - i * DAY_MS).toISOString().slice(0, 10)
    out.push({ day, count: byDay.get(day) ?? 0 })
  }
  return out
}

/** What the chart shows, in one sentence, for screen readers. */
export function timelineSummary(points: TimelinePoint[], days: number): string {
  const total = points.reduce((s, p) => s + p.count, 0)
  if (total === 0) return `No memories captured in the last ${days} days.`
  const busiest = points.reduce((a, b) => (b.count > a.count ? b : a))
  const activeDays = points.filter((p) => p.count > 0).length
  return `Memories captured per day over the last ${days} days: ${total.toLocaleString()} in total on ${activeDays} ${activeDays === 1 ? 'day' : 'days'}; the busiest day was ${busiest.day} with ${busiest.count.toLocaleString()}.`
}
