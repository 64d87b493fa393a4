import type { Handlers } from '../../ipc/router'
import { AppError } from '../../../shared/errors'
import { UNDOABLE_WORKFLOWS, type WorkflowUndoResult } from '../../../shared/workflows'
import type { WorkflowRunner } from './runner'

type WorkflowChannels =
  | 'workflows:list'
  | 'workflows:get'
  | 'workflows:cancel'
  | 'workflows:retry'
  | 'workflows:durations'
  | 'workflows:schedules'
  | 'workflows:start'
  | 'workflows:undo'

export interface WorkflowExtras {
  /** Take back what a consolidation run did. */
  undoConsolidation(runId: string): Promise<WorkflowUndoResult>
}

export const workflowsHandlers = (runner: () => Promise<WorkflowRunner>, extras?: () => Promise<WorkflowExtras>): Pick<Handlers, WorkflowChannels> => ({
  'workflows:list': async (i) => (await runner()).list(i),
  'workflows:get': async (i) => (await runner()).get(i.id),
  'workflows:cancel': async (i) => (await runner()).cancel(i.id),
  'workflows:retry': async (i) => (await runner()).retry(i.id),
  'workflows:durations': async (i) => (await runner()).durations(i),
  'workflows:schedules': async () => (await runner()).schedules(),
  'workflows:start': async (i) => {
    const r = await runner()
    const id = await r.start(i.name, i.input ?? {}, { source: 'app' })
    return (await r.get(id, { logLimit: 1 })).run
  },
  'workflows:undo': async (i) => {
    const { run } = await (await runner()).get(i.id, { logLimit: 1 })
    if (!UNDOABLE_WORKFLOWS.includes(run.name) || !extras) throw new AppError('validation', 'Only a consolidation run can be undone.')
    return (await extras()).undoConsolidation(i.id)
  }
})
