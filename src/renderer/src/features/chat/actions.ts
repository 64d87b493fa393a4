/** User-level chat actions with their notes: extracting memories from a session, archiving, restoring or deleting one. */
import { notifyError, notifySuccess, useNotifications } from '../notifications/store'
import { useProposalsStore } from './proposals'
import { openSession } from './route'
import { useChatStore } from './store'
import { plural } from './format'

/** Asks the model what in a session is worth remembering; the proposals wait in the inbox. */
export function extractFrom(sessionId: string): void {
  const notify = useNotifications.getState().notify
  useProposalsStore
    .getState()
    .extract(sessionId)
    .then((r) => {
      const pending = r.proposals.filter((p) => p.status === 'pending').length
      const parts: string[] = []
      if (r.autoConfirmed > 0) parts.push(`${plural(r.autoConfirmed, 'memory was', 'memories were')} saved at once (auto-confirm is on).`)
      if (r.skipped > 0) parts.push(`${plural(r.skipped, 'thing was', 'things were')} already known.`)
      if (pending > 0)
        notify({
          kind: 'success',
          title: `${plural(pending, 'memory', 'memories')} to review`,
          message: parts.join(' ') || 'Confirm or reject them in the inbox.',
          action: { label: 'Review', run: () => useProposalsStore.getState().setOpened(true) }
        })
      else if (r.autoConfirmed > 0) notify({ kind: 'success', title: 'Memories saved', message: parts.join(' ') })
      else notify({ kind: 'info', title: 'Nothing new to remember', message: parts.join(' ') || 'The model found nothing in this chat worth keeping.' })
    })
    .catch((err: unknown) => notifyError(err, 'Could not extract memories'))
}

/** Moves a session to the archive, or (with `restore`) back out of it, and says so. */
export function setSessionArchived(id: string, archived: boolean): void {
  const chat = useChatStore.getState()
  if (archived)
    chat
      .archive(id)
      .then(() => notifySuccess('Chat archived', 'Find it under Archived.'))
      .catch((err: unknown) => notifyError(err, 'Could not archive the chat'))
  else
    chat
      .restore(id)
      .then(() => notifySuccess('Chat restored'))
      .catch((err: unknown) => notifyError(err, 'Could not restore the chat'))
}

/** Deletes a session for good (after the confirmation); an open one gives way to a new chat. */
export async function deleteSession(id: string): Promise<boolean> {
  const wasOpen = useChatStore.getState().sessionId === id
  try {
    await useChatStore.getState().remove(id)
  } catch (err) {
    notifyError(err, 'Could not delete the chat')
    return false
  }
  if (wasOpen) openSession(null)
  useNotifications.getState().notify({ kind: 'success', title: 'Chat deleted' })
  return true
}
