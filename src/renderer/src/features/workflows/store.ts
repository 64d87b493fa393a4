/**
 * The Workflows screen's state: the runs, newest first, in pages from `workflows:list`
 * (filtered by status and name), kept live by `workflows:run` events; the open run's
 * detail (`workflows:get`: steps and log); the durations chart (`workflows:durations`) and
 * the schedules (`workflows:schedules`).
 *
 * Progress events are gathered and applied a few times a second (an import reports every
 * 250 ms, a folder drop starts hundreds of runs). An event about a run not on screen, or a
 * run that ended, schedules one debounced refresh of what is loaded; the open run's steps
 * and log are fetched again at most about once a second while it moves.
 */
import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type { RunStatus, WorkflowDuration, WorkflowEvent, WorkflowRun, WorkflowRunDetail, WorkflowSchedule } from '../../../../shared/workflows'
import type { ChannelInput } from '../../../../shared/contract'
import { api, toAppError } from '../../lib/api'
import { isFinished } from './format'
import { singleFlight } from '../../lib/single-flight'

export const PAGE_SIZE = 50
/** The most runs one refresh reloads (the contract's page limit). */
const REFRESH_MAX = 500
export const PROGRESS_FLUSH_MS = 150
export const REFRESH_DEBOUNCE_MS = 400
export const DETAIL_RELOAD_MS = 900
export const DURATIONS_LIMIT = 500

export interface Filters {
  status: RunStatus | null
  name: string | null
}

export const NO_FILTERS: Filters = { status: null, name: null }
export const isFiltered = (f: Filters): boolean => f.status !== null || f.name !== null

interface WorkflowsStore {
  profileId: string | null
  filters: Filters
  /** Loaded runs, newest first, each id once. */
  items: WorkflowRun[]
  /** How many runs match the filters (null until the first page answers). */
  total: number | null
  nextCursor: string | null
  listLoading: boolean
  listError: AppError | null
  /** The row the keyboard is on. */
  selectedId: string | null
  /** The run shown in the detail panel. */
  openId: string | null
  detail: WorkflowRunDetail | null
  detailLoading: boolean
  detailError: AppError | null
  durations: WorkflowDuration[] | null
  durationsError: AppError | null
  schedules: WorkflowSchedule[] | null
  schedulesError: AppError | null
  /** Workflow names seen anywhere (runs, durations, schedules, events), for the name filter. */
  names: string[]
  /** Cancel or retry in flight, by run id. */
  busy: Record<string, 'cancel' | 'retry'>

  reset(profileId: string | null): void
  loadFirst(): Promise<void>
  loadMore(): Promise<void>
  setFilters(patch: Partial<Filters>): void
  select(id: string | null): void
  open(id: string): Promise<void>
  close(): void
  cancel(id: string): Promise<WorkflowRun>
  retry(id: string): Promise<WorkflowRun>
  loadDurations(): Promise<void>
  loadSchedules(): Promise<void>
  /** A `workflows:run` event. */
  applyEvent(e: WorkflowEvent): void
  /** Refresh what is on screen, soon, once (list, and with `all` the chart and schedules too). */
  scheduleRefresh(all?: boolean): void
}

const INITIAL = {
  profileId: null,
  filters: NO_FILTERS,
  items: [] as WorkflowRun[],
  total: null,
  nextCursor: null,
  listLoading: false,
  listError: null,
  selectedId: null,
  openId: null,
  detail: null,
  detailLoading: false,
  detailError: null,
  durations: null,
  durationsError: null,
  schedules: null,
  schedulesError: null,
  names: [] as string[],
  busy: {} as Record<string, 'cancel' | 'retry'>
} satisfies Partial<WorkflowsStore>

let listGeneration = 0
let detailSeq = 0
let pending = new Map<string, WorkflowEvent>()
let flushTimer: ReturnType<typeof setTimeout> | undefined
let refreshTimer: ReturnType<typeof setTimeout> | undefined
let refreshAll = false
let detailTimer: ReturnType<typeof setTimeout> | undefined
let detailLoadedAt = 0

function dedupe(runs: WorkflowRun[]): WorkflowRun[] {
  const seen = new Set<string>()
  return runs.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)))
}

function mergeNames(current: string[], more: Iterable<string>): string[] {
  const all = new Set(current)
  let added = false
  for (const n of more)
    if (!all.has(n)) {
      all.add(n)
      added = true
    }
  return added ? [...all].sort() : current
}

/** An event's news applied to a run (step-less events keep the last step and note). */
function withEvent(run: WorkflowRun, e: WorkflowEvent): WorkflowRun {
  const step = e.step ?? run.progressDetail.step
  const detail = e.step || e.detail ? e.detail : run.progressDetail.detail
  return {
    ...run,
    status: e.status,
    progress: e.progress,
    progressDetail: { step, detail }
  }
}

export const useWorkflowsStore = create<WorkflowsStore>((set, get) => {
  function listInput(cursor: string | undefined, limit = PAGE_SIZE): ChannelInput<'workflows:list'> {
    const f = get().filters
    return { limit, ...(f.status ? { status: f.status } : {}), ...(f.name ? { name: f.name } : {}), ...(cursor ? { cursor } : {}) }
  }

  function applyRun(run: WorkflowRun): void {
    const { items, detail } = get()
    set({
      items: items.some((r) => r.id === run.id) ? items.map((r) => (r.id === run.id ? run : r)) : items,
      detail: detail && detail.run.id === run.id ? { ...detail, run } : detail
    })
  }

  /** Reloads every loaded run (up to 500) in one call, so the list stays one consistent snapshot. */
  async function refreshList(): Promise<void> {
    const gen = listGeneration
    const { items } = get()
    if (items.length === 0 && get().total === null) return get().loadFirst()
    const limit = Math.min(REFRESH_MAX, Math.max(PAGE_SIZE, items.length))
    const page = await api.invoke('workflows:list', listInput(undefined, limit))
    if (gen !== listGeneration) return
    const beyond = items.length > limit ? items.slice(limit) : []
    set({
      items: dedupe([...page.items, ...beyond]),
      total: page.total,
      nextCursor: beyond.length ? get().nextCursor : page.nextCursor,
      listError: null,
      names: mergeNames(get().names, page.items.map((r) => r.name))
    })
  }

  async function reloadDetail(id: string): Promise<void> {
    const seq = ++detailSeq
    detailLoadedAt = Date.now()
    try {
      const detail = await api.invoke('workflows:get', { id })
      if (seq !== detailSeq || get().openId !== id) return
      // Events newer than this answer are still waiting to be applied: keep the fresher progress.
      const queued = pending.get(id)
      set({ detail: queued ? { ...detail, run: withEvent(detail.run, queued) } : detail, detailError: null, detailLoading: false })
      applyRun(get().detail?.run ?? detail.run)
    } catch (err) {
      if (seq !== detailSeq || get().openId !== id) return
      set({ detailError: toAppError(err), detailLoading: false })
    }
  }

  /** The open run's steps and log, again: soon, but not more than about once a second. */
  function scheduleDetailReload(): void {
    const id = get().openId
    if (!id || detailTimer !== undefined) return
    const wait = Math.max(0, DETAIL_RELOAD_MS - (Date.now() - detailLoadedAt))
    detailTimer = setTimeout(() => {
      detailTimer = undefined
      const open = get().openId
      if (open) void reloadDetail(open)
    }, wait)
  }

  function flush(): void {
    flushTimer = undefined
    if (pending.size === 0) return
    const events = pending
    pending = new Map()
    const { items, detail } = get()
    let unknown = false
    const byId = new Map(items.map((r) => [r.id, r]))
    for (const e of events.values()) {
      const run = byId.get(e.runId)
      if (run) byId.set(e.runId, withEvent(run, e))
      else unknown = true
    }
    const nextDetail = detail && events.get(detail.run.id) ? { ...detail, run: withEvent(detail.run, events.get(detail.run.id) as WorkflowEvent) } : detail
    set({
      items: items.map((r) => byId.get(r.id) ?? r),
      detail: nextDetail,
      names: mergeNames(get().names, [...events.values()].map((e) => e.name))
    })
    // A run started (or one outside the loaded pages moved): its row comes with a refresh.
    if (unknown) get().scheduleRefresh()
  }

  async function refreshOnce(): Promise<void> {
    const all = refreshAll
    refreshAll = false
    const jobs: Array<Promise<unknown>> = [refreshList()]
    if (all) jobs.push(get().loadDurations(), get().loadSchedules())
    const failed = (await Promise.allSettled(jobs)).find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) set({ listError: toAppError(failed.reason) })
  }

  /** A refresh is running; another request waits for it, then runs once more. */
  const flushRefresh = singleFlight(refreshOnce)

  /** Cancel or retry: the run is marked busy until the answer, then the list and the open run follow. */
  async function act(id: string, kind: 'cancel' | 'retry'): Promise<WorkflowRun> {
    set({ busy: { ...get().busy, [id]: kind } })
    try {
      const run = await api.invoke(kind === 'cancel' ? 'workflows:cancel' : 'workflows:retry', { id })
      applyRun(run)
      if (get().openId === id) scheduleDetailReload()
      get().scheduleRefresh()
      return run
    } finally {
      const { [id]: _, ...rest } = get().busy
      set({ busy: rest })
    }
  }

  return {
    ...INITIAL,

    reset(profileId) {
      listGeneration++
      detailSeq++
      clearTimeout(flushTimer)
      clearTimeout(refreshTimer)
      clearTimeout(detailTimer)
      flushTimer = refreshTimer = detailTimer = undefined
      pending = new Map()
      refreshAll = false
      set({ ...INITIAL, profileId })
    },

    async loadFirst() {
      const gen = ++listGeneration
      set({ listLoading: true })
      try {
        const page = await api.invoke('workflows:list', listInput(undefined))
        if (gen !== listGeneration) return
        set({
          items: dedupe(page.items),
          total: page.total,
          nextCursor: page.nextCursor,
          listLoading: false,
          listError: null,
          names: mergeNames(get().names, page.items.map((r) => r.name))
        })
      } catch (err) {
        if (gen !== listGeneration) return
        set({ listLoading: false, listError: toAppError(err) })
      }
    },

    async loadMore() {
      const { nextCursor, listLoading } = get()
      if (!nextCursor || listLoading) return
      const gen = listGeneration
      set({ listLoading: true })
      try {
        const page = await api.invoke('workflows:list', listInput(nextCursor))
        if (gen !== listGeneration) return
        set({ items: dedupe([...get().items, ...page.items]), total: page.total, nextCursor: page.nextCursor, listLoading: false, listError: null })
      } catch (err) {
        if (gen !== listGeneration) return
        set({ listLoading: false, listError: toAppError(err) })
      }
    },

    setFilters(patch) {
      set({ filters: { ...get().filters, ...patch }, items: [], total: null, nextCursor: null })
      void get().loadFirst()
    },

    select(id) {
      set({ selectedId: id })
    },

    async open(id) {
      const same = get().detail?.run.id === id
      clearTimeout(detailTimer)
      detailTimer = undefined
      set({ openId: id, selectedId: id, detailLoading: !same, detailError: null, ...(same ? {} : { detail: null }) })
      await reloadDetail(id)
    },

    close() {
      detailSeq++
      clearTimeout(detailTimer)
      detailTimer = undefined
      set({ openId: null, detail: null, detailLoading: false, detailError: null })
    },

    cancel(id) {
      return act(id, 'cancel')
    },

    retry(id) {
      return act(id, 'retry')
    },

    async loadDurations() {
      try {
        const durations = await api.invoke('workflows:durations', { limit: DURATIONS_LIMIT })
        set({ durations, durationsError: null, names: mergeNames(get().names, durations.map((d) => d.name)) })
      } catch (err) {
        set({ durationsError: toAppError(err) })
      }
    },

    async loadSchedules() {
      try {
        const schedules = await api.invoke('workflows:schedules', {})
        set({ schedules, schedulesError: null, names: mergeNames(get().names, schedules.map((s) => s.name)) })
      } catch (err) {
        set({ schedulesError: toAppError(err) })
      }
    },

    applyEvent(e) {
      pending.set(e.runId, e)
      if (!flushTimer) flushTimer = setTimeout(flush, PROGRESS_FLUSH_MS)
      if (e.runId === get().openId) scheduleDetailReload()
      // An ended run changes the list's facts (finish time, error), the chart and the schedules.
      if (isFinished(e.status)) get().scheduleRefresh(true)
    },

    scheduleRefresh(all = false) {
      if (all) refreshAll = true
      if (refreshTimer !== undefined) return
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined
        void flushRefresh()
      }, REFRESH_DEBOUNCE_MS)
    }
  }
})
