/**
 * How workflow runs read on screen: workflow and step names in words, statuses with their
 * colours, durations, times, timetables, and a run's input as a few labelled facts (never
 * raw JSON unless nothing better is known).
 */
import type { LogLevel, RunStatus, ScheduleSpec, WorkflowRun } from '../../../../shared/workflows'
import { formatCount, plural } from '../../lib/format'

export { formatCount, plural }

const KNOWN_WORKFLOWS: Record<string, string> = {
  'document.import': 'Document import',
  'chat.import': 'Chat import',
  'memories.tiering': 'Memory tiering',
  maintenance: 'Database maintenance',
  'memories.consolidate': 'Consolidation',
  'digest.daily': 'Daily digest',
  'embeddings.reembed': 'Re-embed',
  'sessions.auto_archive': 'Chat auto-archive'
}

/** "document.import" → "Document import"; unknown names are made readable the same way. */
export function workflowLabel(name: string): string {
  return KNOWN_WORKFLOWS[name] ?? humanize(name)
}

/** "next_attempt.at" → "Next attempt at". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[._:\-\s]+/g, ' ')
    .trim()
    .toLowerCase()
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : key
}

export interface StatusLook {
  label: string
  color: string
}

export const STATUS_LOOK: Record<RunStatus, StatusLook> = {
  pending: { label: 'Pending', color: 'gray' },
  running: { label: 'Running', color: 'blue' },
  succeeded: { label: 'Succeeded', color: 'teal' },
  failed: { label: 'Failed', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'orange' }
}

export const LEVEL_COLOR: Record<LogLevel, string> = { debug: 'gray', info: 'blue', warn: 'yellow', error: 'red' }

export const isFinished = (s: RunStatus): boolean => s === 'succeeded' || s === 'failed' || s === 'cancelled'
export const canCancel = (r: Pick<WorkflowRun, 'status' | 'cancelRequested'>): boolean => (r.status === 'running' || r.status === 'pending') && !r.cancelRequested
export const canRetry = (r: Pick<WorkflowRun, 'status'>): boolean => r.status === 'failed' || r.status === 'cancelled'

/** "0.4 s", "12 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  const v = Math.max(0, ms)
  if (v < 10_000) return `${(v / 1000).toFixed(1)} s`
  const s = Math.round(v / 1000)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  const h = Math.floor(m / 60)
  return `${h} h ${String(m % 60).padStart(2, '0')} min`
}

const DURATION_STEPS_S = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400]

/** Evenly spaced duration ticks in seconds, from 0 to a round top just above `longestS` (at most six). */
export function durationTicks(longestS: number): number[] {
  const want = Math.max(longestS * 1.05, 0.1)
  const step = DURATION_STEPS_S.find((st) => want / st <= 5) ?? Math.ceil(want / 5 / 86_400) * 86_400
  const top = Math.ceil(want / step) * step
  const ticks: number[] = []
  for (let i = 0; i * step <= top + 1e-9; i++) ticks.push(Math.round(i * step * 10) / 10)
  return ticks
}

/** A duration tick's label: "0", "0.5 s", "15 s", "2 min", "1 h". */
export function formatTickSeconds(s: number): string {
  if (s === 0) return '0'
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)} s`
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : formatDuration(s * 1000)
  return s % 3600 === 0 ? `${s / 3600} h` : formatDuration(s * 1000)
}

/** How long a run (or step) took, or has taken so far; null before it started. */
export function elapsedMs(startedAt: string | null, finishedAt: string | null, now = Date.now()): number | null {
  if (!startedAt) return null
  const end = finishedAt ? new Date(finishedAt).getTime() : now
  return Math.max(0, end - new Date(startedAt).getTime())
}

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' })
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' })
const shortDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })

const sameDay = (a: Date, b: Date): boolean => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()

/** Today's times as a time ("10:32:05"), other days with their date. */
export function formatWhen(iso: string, now = new Date()): string {
  const d = new Date(iso)
  return sameDay(d, now) ? timeFormat.format(d) : dateTimeFormat.format(d)
}

export const formatFull = (iso: string): string => fullFormat.format(new Date(iso))
export const formatShortDay = (ms: number): string => shortDay.format(new Date(ms))
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })
const clockMinutes = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })

const SEC = 1000
const MIN = 60 * SEC
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const TICK_STEPS = [SEC, 2 * SEC, 5 * SEC, 10 * SEC, 15 * SEC, 30 * SEC, MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY, 365 * DAY]

/**
 * Round-numbered time ticks (at most about six) over [min, max], and how to label them, so
 * that no two ticks read the same (seconds apart show seconds, days apart show dates).
 */
export function timeTicks(min: number, max: number, most = 6): { ticks: number[]; format(ms: number): string } {
  const span = Math.max(0, max - min)
  const step = TICK_STEPS.find((s) => span / s <= most - 1) ?? TICK_STEPS[TICK_STEPS.length - 1] ?? DAY
  // Local midnight for whole days, so day ticks fall on dates.
  const offset = step >= DAY ? new Date(min).getTimezoneOffset() * MIN : 0
  const ticks: number[] = []
  for (let t = Math.ceil((min - offset) / step) * step + offset; t <= max; t += step) ticks.push(t)
  if (ticks.length === 0) ticks.push(min)
  const format = step >= DAY ? formatShortDay : span > DAY ? (ms: number) => dayAndTime.format(new Date(ms)) : step >= MIN ? (ms: number) => clockMinutes.format(new Date(ms)) : formatClock
  return { ticks, format }
}
export const formatClock = (ms: number): string => timeFormat.format(new Date(ms))

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

/** "in 4 s"-style wording for a near future or past time, in the largest sensible unit. */
export function formatRelative(iso: string, now = Date.now()): string {
  const delta = (new Date(iso).getTime() - now) / 1000
  const abs = Math.abs(delta)
  if (abs < 1) return 'now'
  if (abs < 60) return relative.format(Math.round(delta), 'second')
  if (abs < 3600) return relative.format(Math.round(delta / 60), 'minute')
  if (abs < 86_400) return relative.format(Math.round(delta / 3600), 'hour')
  return relative.format(Math.round(delta / 86_400), 'day')
}

/** "Every day at 03:30", "Every 15 minutes". */
export function formatTimetable(spec: ScheduleSpec): string {
  if ('dailyAt' in spec) return `Every day at ${spec.dailyAt}`
  const n = spec.everyMinutes
  if (n % 1440 === 0) return n === 1440 ? 'Every day' : `Every ${n / 1440} days`
  if (n % 60 === 0) return n === 60 ? 'Every hour' : `Every ${n / 60} hours`
  return n === 1 ? 'Every minute' : `Every ${n} minutes`
}

/** What the run is about, in a few words: the file it imports, or null. */
export function runSubject(input: unknown): string | null {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return null
  const o = input as Record<string, unknown>
  for (const k of ['fileName', 'name', 'title', 'path']) {
    const v = o[k]
    if (typeof v === 'string' && v.trim()) return k === 'path' ? (v.split(/[\\/]/).pop() ?? v) : v
  }
  return null
}

export interface InputFact {
  label: string
  value: string
  /** A document this run is about, for a link to it. */
  documentId?: string
}

const INPUT_LABELS: Record<string, string> = {
  fileName: 'File',
  path: 'Path',
  format: 'Format',
  documentId: 'Document',
  batchId: 'Batch'
}
/** Bookkeeping a person does not need to see. */
const HIDDEN_INPUT = new Set(['batchId', 'staged', 'password'])
const MAX_VALUE = 160

const clip = (s: string): string => (s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s)

/** A run's input as labelled facts. A staged upload's path is Engram's own copy, so it is left out. */
export function inputFacts(input: unknown): InputFact[] {
  if (input === null || input === undefined) return []
  if (typeof input !== 'object' || Array.isArray(input)) return [{ label: 'Input', value: clip(JSON.stringify(input)) }]
  const o = input as Record<string, unknown>
  const facts: InputFact[] = []
  for (const [k, v] of Object.entries(o)) {
    if (HIDDEN_INPUT.has(k) || v === null || v === undefined) continue
    if (k === 'path' && o.staged === true) continue
    const label = INPUT_LABELS[k] ?? humanize(k)
    if (k === 'documentId' && typeof v === 'string') {
      facts.push({ label, value: 'Open in Documents', documentId: v })
      continue
    }
    const value = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)
    facts.push({ label, value: clip(value) })
  }
  return facts
}

/** Colours for workflow names in the chart and the list, stable across loads. */
const PALETTE = ['blue', 'grape', 'teal', 'orange', 'cyan', 'pink', 'lime', 'indigo', 'violet', 'yellow'] as const
const FIXED: Record<string, (typeof PALETTE)[number]> = { 'document.import': 'blue', 'chat.import': 'grape', 'memories.tiering': 'orange', maintenance: 'teal' }

export function workflowColor(name: string): string {
  const fixed = FIXED[name]
  if (fixed) return fixed
  let h = 0
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return PALETTE[h % PALETTE.length] ?? 'blue'
}

/** The progress note under a bar: "Embed · 120 of 400 passages". */
export function progressLine(step: string | null, detail: string | null): string {
  const s = step ? humanize(step) : null
  if (s && detail) return `${s} · ${detail}`
  return s ?? detail ?? ''
}
