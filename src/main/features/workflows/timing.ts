/**
 * Time arithmetic for the workflow runner, kept pure so it can be tested without a
 * database: retry backoff, and when a schedule was last due and is next due.
 */
import { AppError } from '../../../shared/errors'
import type { ScheduleSpec } from '../../../shared/workflows'

export interface BackoffOptions {
  /** Delay before the second attempt, before jitter. */
  baseMs: number
  /** No delay is longer than this, before jitter. */
  capMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2_000, capMs: 5 * 60_000 }

/**
 * The wait after failed attempt number `attempt` (1-based): base·2^(attempt−1), capped,
 * then "equal jitter" (half fixed, half random) so that retries of many runs that failed
 * together spread out instead of hammering the same resource at once.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(exp / 2 + random() * (exp / 2))
}

const DAILY_RE = /^([01]\d|2[0-3]):([0-5]\d)$/
const MAX_EVERY_MINUTES = 7 * 24 * 60

/** Refuses a spec that could never fire, with a message that says what would. */
export function validateSpec(spec: ScheduleSpec): ScheduleSpec {
  if ('dailyAt' in spec) {
    if (!DAILY_RE.test(spec.dailyAt)) throw new AppError('validation', `"${spec.dailyAt}" is not a time of day. Use 24-hour HH:MM, like 03:30.`)
    return { dailyAt: spec.dailyAt }
  }
  if ('everyMinutes' in spec) {
    const n = spec.everyMinutes
    if (!Number.isInteger(n) || n < 1 || n > MAX_EVERY_MINUTES) throw new AppError('validation', `A schedule repeats every 1 to ${MAX_EVERY_MINUTES} whole minutes.`)
    return { everyMinutes: n }
  }
  throw new AppError('validation', 'A schedule needs dailyAt (HH:MM) or everyMinutes.')
}

/** The daily time on the local calendar day of `day`. */
function atLocalTime(day: Date, hhmm: string): Date {
  const m = DAILY_RE.exec(hhmm) as RegExpExecArray
  const d = new Date(day.getTime())
  d.setHours(Number(m[1]), Number(m[2]), 0, 0)
  return d
}

/**
 * The most recent due time in (anchor, now], or null when none has come yet. `anchor` is
 * when the schedule was set: a time of day that passed before the schedule existed is not
 * owed a run. Daily times are local wall-clock times (setDate keeps them right across DST).
 */
export function lastDueAt(spec: ScheduleSpec, anchor: Date, now: Date): Date | null {
  let due: Date
  if ('dailyAt' in spec) {
    due = atLocalTime(now, spec.dailyAt)
    if (due.getTime() > now.getTime()) {
      due.setDate(due.getDate() - 1)
      due = atLocalTime(due, spec.dailyAt)
    }
  } else {
    const period = spec.everyMinutes * 60_000
    const k = Math.floor((now.getTime() - anchor.getTime()) / period)
    if (k < 1) return null
    due = new Date(anchor.getTime() + k * period)
  }
  return due.getTime() > anchor.getTime() ? due : null
}

/** The first due time after `now`. */
export function nextDueAt(spec: ScheduleSpec, anchor: Date, now: Date): Date {
  if ('dailyAt' in spec) {
    const due = atLocalTime(now, spec.dailyAt)
    if (due.getTime() <= now.getTime()) {
      due.setDate(due.getDate() + 1)
      return atLocalTime(due, spec.dailyAt)
    }
    return due
  }
  const period = spec.everyMinutes * 60_000
  const k = Math.max(0, Math.floor((now.getTime() - anchor.getTime()) / period)) + 1
  return new Date(anchor.getTime() + k * period)
}
