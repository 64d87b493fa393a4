/** Cancel and Retry as the user sees them: the call, and a note only when it did not work. */
import { notifyError, notifySuccess } from '../notifications/store'
import { api } from '../../lib/api'
import { plural, workflowLabel } from './format'
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

export async function undoRun(id: string): Promise<void> {
  try {
    const r = await api.invoke('workflows:undo', { id })
    notifySuccess('Consolidation undone', `${plural(r.restored, 'memory', 'memories')} restored, ${plural(r.removed, 'merged memory', 'merged memories')} removed.`)
    useWorkflowsStore.getState().scheduleRefresh(true)
  } catch (err) {
    notifyError(err, 'Could not undo the consolidation')
  }
}
