/** Model usage for Settings: tokens per day per model (`traces:usage`) and the latest calls (`traces:list`). */
import { create } from 'zustand'
import type { TraceRow, UsagePoint } from '../../../../shared/chat'
import type { AppError } from '../../../../shared/errors'
import { api, toAppError } from '../../lib/api'

export const USAGE_DAYS = 30
export const TRACE_LIMIT = 50

interface UsageStore {
  usage: UsagePoint[] | null
  traces: TraceRow[] | null
  error: AppError | null
  loading: boolean
  load(): Promise<void>
}

let seq = 0

export const useUsageStore = create<UsageStore>((set) => ({
  usage: null,
  traces: null,
  error: null,
  loading: false,
  async load() {
    const mine = ++seq
    set({ loading: true })
    try {
      const [usage, traces] = await Promise.all([api.invoke('traces:usage', { days: USAGE_DAYS }), api.invoke('traces:list', { limit: TRACE_LIMIT })])
      if (mine === seq) set({ usage, traces, error: null, loading: false })
    } catch (err) {
      if (mine === seq) set({ error: toAppError(err), loading: false })
    }
  }
}))
