/**
 * A drop (or a pick) as the summary banner sees it: each file is sending, running, done,
 * failed or cancelled, from what is known best: its upload, its run's latest event, or its
 * document's status in the list. Pure functions over the store's state.
 */
import type { DocumentSummary } from '../../../../shared/types'
import type { RunStatus } from '../../../../shared/workflows'

export interface RunProgress {
  status: RunStatus
  /** 0..1 over the whole import. */
  progress: number
  step: string | null
  detail: string | null
}

export type DropPhase = 'waiting' | 'sending' | 'sent' | 'refused' | 'failed'

export interface DropFile {
  key: string
  name: string
  size: number | null
  phase: DropPhase
  documentId: string | null
  runId: string | null
  /** Why it was refused or could not start, in words. */
  error: string | null
}

export interface DropBatch {
  id: number
  files: DropFile[]
  /** Desktop drops whose files main is still listing (folders are walked there). */
  preparing: number
  dismissed: boolean
}

export type FileState = 'sending' | 'running' | 'done' | 'failed' | 'cancelled'

export function fileState(f: DropFile, runs: Readonly<Record<string, RunProgress>>, docs: ReadonlyMap<string, DocumentSummary>): { state: FileState; progress: number } {
  if (f.phase === 'refused' || f.phase === 'failed') return { state: 'failed', progress: 1 }
  if (f.phase !== 'sent') return { state: 'sending', progress: 0 }
  const r = f.runId ? runs[f.runId] : undefined
  if (r?.status === 'succeeded') return { state: 'done', progress: 1 }
  if (r?.status === 'failed') return { state: 'failed', progress: 1 }
  if (r?.status === 'cancelled') return { state: 'cancelled', progress: 1 }
  const d = f.documentId ? docs.get(f.documentId) : undefined
  if (d?.status === 'ready') return { state: 'done', progress: 1 }
  if (d?.status === 'failed') return { state: 'failed', progress: 1 }
  if (d?.status === 'cancelled') return { state: 'cancelled', progress: 1 }
  return { state: 'running', progress: r ? Math.max(0, Math.min(1, r.progress)) : 0 }
}

export interface DropSummary {
  total: number
  done: number
  failed: number
  cancelled: number
  /** Still sending or importing. */
  active: number
  /** 0..1 over all files. */
  progress: number
  finished: boolean
  /** Files that never became documents (too big for the browser, or refused), with why. */
  refused: Array<{ name: string; error: string }>
}

export function summarizeDrop(batch: DropBatch, runs: Readonly<Record<string, RunProgress>>, docs: ReadonlyMap<string, DocumentSummary>): DropSummary {
  const s: DropSummary = { total: batch.files.length, done: 0, failed: 0, cancelled: 0, active: 0, progress: 0, finished: false, refused: [] }
  let sum = 0
  for (const f of batch.files) {
    const { state, progress } = fileState(f, runs, docs)
    sum += progress
    if (state === 'done') s.done++
    else if (state === 'failed') s.failed++
    else if (state === 'cancelled') s.cancelled++
    else s.active++
    if ((f.phase === 'refused' || f.phase === 'failed') && f.error) s.refused.push({ name: f.name, error: f.error })
  }
  s.progress = s.total ? sum / s.total : 0
  s.finished = s.active === 0 && batch.preparing === 0
  return s
}

/** "Importing 12 files: 9 done, 1 failed" ("Finished importing …" once nothing is left to do). */
export function dropHeadline(s: DropSummary, preparing: number): string {
  const n = (x: number, one: string, many: string): string => `${x} ${x === 1 ? one : many}`
  if (s.total === 0) return preparing > 0 ? 'Getting the files ready…' : 'Nothing to import'
  const parts = [`${s.done} done`]
  if (s.failed) parts.push(`${s.failed} failed`)
  if (s.cancelled) parts.push(`${s.cancelled} cancelled`)
  return `${s.finished ? 'Finished importing' : 'Importing'} ${n(s.total, 'file', 'files')}: ${parts.join(', ')}`
}
