import type { Handlers } from '../../ipc/router'
import type { WorkflowRunner } from './runner'

type WorkflowChannels = 'workflows:list' | 'workflows:get' | 'workflows:cancel' | 'workflows:retry' | 'workflows:durations' | 'workflows:schedules'

export const workflowsHandlers = (runner: () => Promise<WorkflowRunner>): Pick<Handlers, WorkflowChannels> => ({
  'workflows:list': async (i) => (await runner()).list(i),
  'workflows:get': async (i) => (await runner()).get(i.id),
  'workflows:cancel': async (i) => (await runner()).cancel(i.id),
  'workflows:retry': async (i) => (await runner()).retry(i.id),
  'workflows:durations': async (i) => (await runner()).durations(i),
  'workflows:schedules': async () => (await runner()).schedules()
})
