/** User-level document actions shared by the list's keys, its buttons and the reader, with their notes. */
import { notifyError, notifySuccess, useNotifications } from '../notifications/store'
import { useDocumentsStore } from './store'

export function cancelImport(id: string): void {
  useDocumentsStore
    .getState()
    .cancel(id)
    .catch((err: unknown) => notifyError(err, 'Could not cancel the import'))
}

export function retryImport(id: string, password?: string): Promise<boolean> {
  return useDocumentsStore
    .getState()
    .retry(id, password)
    .then(() => true)
    .catch((err: unknown) => {
      notifyError(err, 'Could not try again')
      return false
    })
}

export function archiveDocument(id: string, name: string): void {
  useDocumentsStore
    .getState()
    .archive(id)
    .then(() =>
      useNotifications.getState().notify({
        kind: 'info',
        title: 'Document archived',
        message: `${name} is out of the list and out of search. Find it under Archived.`,
        action: { label: 'Undo', run: () => restoreDocument(id) }
      })
    )
    .catch((err: unknown) => notifyError(err, 'Could not archive the document'))
}

export function restoreDocument(id: string): void {
  useDocumentsStore
    .getState()
    .restore(id)
    .then(() => notifySuccess('Document restored'))
    .catch((err: unknown) => notifyError(err, 'Could not restore the document'))
}

export async function deleteDocument(id: string): Promise<boolean> {
  try {
    await useDocumentsStore.getState().remove(id)
    notifySuccess('Document deleted')
    return true
  } catch (err) {
    notifyError(err, 'Could not delete the document')
    return false
  }
}
