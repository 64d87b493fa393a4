/**
 * The shapes workflows show to the outside (IPC outputs, pushed events). Pure TypeScript
 * with no imports, so that it can move into `src/shared/types.ts` unchanged once the
 * workflow channels join the contract.
 */

export const RUN_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]
export type StepStatus = RunStatus
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface WorkflowRun {
  id: string
  name: string
  status: RunStatus
  /** 0..1 over the whole run. */
  progress: number
  /** The step in progress and its last progress note. */
  progressDetail: { step: string | null; detail: string | null }
  input: unknown
  /** The last step's output once the run succeeded. */
  output: unknown
  /** Plain words for the person using the app; null unless failed. */
  error: string | null
  errorCode: string | null
  /** 1 for the first go; each manual retry adds one. */
  attempts: number
  cancelRequested: boolean
  heavy: boolean
  /** Not started before this time (a schedule, or a retry waiting out its backoff). */
  scheduledFor: string | null
  heartbeatAt: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
}

export interface WorkflowStepInfo {
  id: string
  index: number
  name: string
  status: StepStatus
  progress: number
  output: unknown
  error: string | null
  attempts: number
  maxAttempts: number
  nextAttemptAt: string | null
  startedAt: string | null
  finishedAt: string | null
}

export interface WorkflowLog {
  id: number
  stepId: string | null
  level: LogLevel
  message: string
  createdAt: string
}

export interface WorkflowRunDetail {
  run: WorkflowRun
  steps: WorkflowStepInfo[]
  logs: WorkflowLog[]
}

export interface WorkflowRunPage {
  items: WorkflowRun[]
  total: number
  nextCursor: string | null
}

/** One finished run for the durations chart. */
export interface WorkflowDuration {
  id: string
  name: string
  status: RunStatus
  startedAt: string
  finishedAt: string
  durationMs: number
}

export type ScheduleSpec = { dailyAt: string } | { everyMinutes: number }

export interface WorkflowSchedule {
  key: string
  name: string
  spec: ScheduleSpec
  input: unknown
  enabled: boolean
  lastDueAt: string | null
  lastRunId: string | null
  /** The next time this schedule is due. */
  nextDueAt: string
}

/** Pushed as things happen (suggested event name `workflows:run`). */
export interface WorkflowEvent {
  runId: string
  name: string
  status: RunStatus
  progress: number
  /** The step the event is about, if any. */
  step: string | null
  /** A short note: a progress detail, "retrying in 4 s", an error in plain words. */
  detail: string | null
}

// ---- Workflows: start, undo ----
/** Workflows a person can start from the Workflows screen (`workflows:start`). */
export const STARTABLE_WORKFLOWS = ['memories.consolidate', 'digest.daily', 'memories.tiering', 'maintenance', 'embeddings.reembed', 'sessions.auto_archive'] as const
export type StartableWorkflow = (typeof STARTABLE_WORKFLOWS)[number]
/** Runs whose effect `workflows:undo` can take back. */
export const UNDOABLE_WORKFLOWS: readonly string[] = ['memories.consolidate']

export interface WorkflowUndoResult {
  runId: string
  /** Memories put back as they were. */
  restored: number
  /** Memories the run had made, removed. */
  removed: number
}

/** The embedding space search and new vectors use (`embeddings.active` setting). */
export interface ActiveEmbedding {
  model: string
  dim: number
}
