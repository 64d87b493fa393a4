/**
 * One parked worker thread, kept for a while after a job so that the next job on the same
 * script does not pay the thread's start-up. The parsing thread (index.ts) and the PDF
 * thread (pdf.ts) each keep one. A parked thread is unref'd: it never holds the process open.
 */
import type { Worker } from 'node:worker_threads'

export interface IdleWorkerSlot {
  /** The parked thread running `path`, taken out of the slot and ref'd again; null when there is none. */
  take(path: string): Worker | null
  /** Parks `w` (replacing and terminating the thread parked before); it is terminated after `keepMs` unless taken. */
  park(w: Worker, path: string): void
  /** Terminates the parked thread now (tests, shutdown). */
  close(): Promise<void>
}

export function idleWorkerSlot(keepMs: number): IdleWorkerSlot {
  let idle: { worker: Worker; path: string; timer: NodeJS.Timeout } | null = null
  return {
    take(path) {
      if (!idle || idle.path !== path) return null
      const w = idle.worker
      clearTimeout(idle.timer)
      idle = null
      w.ref()
      return w
    },
    park(w, path) {
      if (idle) void idle.worker.terminate()
      w.unref()
      const timer = setTimeout(() => {
        if (idle?.worker === w) idle = null
        void w.terminate()
      }, keepMs)
      timer.unref()
      idle = { worker: w, path, timer }
    },
    async close() {
      const i = idle
      idle = null
      if (i) {
        clearTimeout(i.timer)
        await i.worker.terminate()
      }
    }
  }
}
