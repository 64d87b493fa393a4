/** Cancel and Retry as the user sees them: the call, and a note only when it did not work. */
import { notifyError, notifySuccess } from '../notifications/store'
import { workflowLabel } from './format'
import { useWorkflowsStore } from './store'

export function cancelRun(id: string): void {
  useWorkflowsStore
    .getState()
    .cancel(id)
    .catch((err: unknown) => notifyError(err, 'Could not cancel the run'))
}

export function retryRun(id: string): void {
  useWorkflowsStore
    .getState()
    .retry(id)
    .then((run) => notifySuccess(`${workflowLabel(run.name)} is running again`, 'It continues from its first unfinished step.'))
    .catch((err: unknown) => notifyError(err, 'Could not retry the run'))
}
