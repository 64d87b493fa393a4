/** User-level actions shared by the list's keys and the detail panel's buttons, with their notes. */
import { notifyError, notifySuccess, useNotifications } from '../notifications/store'
import { useMemoriesStore } from './store'

/** How long the "Undo" note stays (the core keeps the undo for 10 minutes). */
export const UNDO_NOTE_MS = 10_000

/** Deletes now and offers Undo for a few seconds. Resolves true when it was deleted. */
export async function deleteWithUndo(id: string): Promise<boolean> {
  const store = useMemoriesStore.getState()
  let token: string
  try {
    token = await store.remove(id)
  } catch (err) {
    notifyError(err, 'Could not delete the memory')
    return false
  }
  useNotifications.getState().notify({
    kind: 'info',
    title: 'Memory deleted',
    message: 'It is gone from search and lists.',
    lifetimeMs: UNDO_NOTE_MS,
    action: {
      label: 'Undo',
      run: () => {
        useMemoriesStore
          .getState()
          .undoDelete(token)
          .then(() => notifySuccess('Memory restored'))
          .catch((err: unknown) => notifyError(err, 'Could not undo the delete'))
      }
    }
  })
  return true
}

/** Pins or unpins, saying so only when it fails. */
export function togglePin(id: string, pinned: boolean): void {
  useMemoriesStore
    .getState()
    .patch(id, { pinned })
    .catch((err: unknown) => notifyError(err, pinned ? 'Could not pin the memory' : 'Could not unpin the memory'))
}
