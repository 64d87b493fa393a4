/** Restore and Purge as the user sees them: the call, and a note saying what happened. */
import { useNavigation } from '../../app/navigation'
import { notifyError, useNotifications } from '../notifications/store'
import { useArchiveStore, type ArchiveKind } from './store'

const WORDS: Record<ArchiveKind, { one: string; section: 'memories' | 'documents' | 'chat'; back: string }> = {
  memories: { one: 'Memory', section: 'memories', back: 'It is back in Memories and in search.' },
  documents: { one: 'Document', section: 'documents', back: 'It is back in Documents and in search.' },
  sessions: { one: 'Chat', section: 'chat', back: 'It is back in the Chat list and in search.' }
}

export function restoreItem(kind: ArchiveKind, id: string): void {
  const w = WORDS[kind]
  useArchiveStore
    .getState()
    .restore(kind, id)
    .then(() =>
      useNotifications.getState().notify({
        kind: 'success',
        title: `${w.one} restored`,
        message: w.back,
        action: { label: 'Show', run: () => useNavigation.getState().go(w.section) }
      })
    )
    .catch((err: unknown) => notifyError(err, `Could not restore the ${w.one.toLowerCase()}`))
}

/** Deletes for good (the dialog already asked). Resolves true when it is gone. */
export async function purgeItem(kind: ArchiveKind, id: string): Promise<boolean> {
  const w = WORDS[kind]
  try {
    await useArchiveStore.getState().purge(kind, id)
    useNotifications.getState().notify({ kind: 'success', title: `${w.one} deleted for good` })
    return true
  } catch (err) {
    notifyError(err, `Could not delete the ${w.one.toLowerCase()}`)
    return false
  }
}
