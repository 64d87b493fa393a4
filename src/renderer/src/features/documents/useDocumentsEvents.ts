/**
 * Keeping the Documents state live. `useImportEvents` runs for the whole app frame: import
 * progress (`workflows:run`) is gathered even while another section is shown, so the drop
 * summary and the progress bars are right on return. `useDocumentsScreen` runs while the
 * screen is open: it loads the list for the active profile, and refreshes on
 * `documents:changed` and after a bridge reconnect (events may have been missed).
 */
import { useEffect } from 'react'
import { api } from '../../lib/api'
import { useConnectionStore } from '../../lib/connection-store'
import { useActiveProfile } from '../profiles/store'
import { useDocumentsStore } from './store'

/** True while the Documents screen is mounted; otherwise a change only marks the list stale. */
let screenOpen = false
let stale = false

export function useImportEvents(): void {
  useEffect(() => {
    const offs = [
      api.on('workflows:run', (e) => useDocumentsStore.getState().applyRunEvent(e)),
      api.on('documents:changed', (e) => {
        if (screenOpen) useDocumentsStore.getState().scheduleRefresh(e.ids)
        else stale = true
      })
    ]
    return () => offs.forEach((off) => off())
  }, [])
}

export function useDocumentsScreen(): void {
  const profileId = useActiveProfile()?.id ?? null
  const reconnects = useConnectionStore((s) => s.reconnects)

  useEffect(() => {
    screenOpen = true
    return () => {
      screenOpen = false
    }
  }, [])

  useEffect(() => {
    if (!profileId) return
    const store = useDocumentsStore.getState()
    if (store.profileId === profileId) {
      if (stale || store.drop) store.scheduleRefresh()
      stale = false
      return
    }
    stale = false
    store.reset(profileId)
    void store.loadFirst()
  }, [profileId])

  useEffect(() => {
    if (reconnects === 0) return
    const store = useDocumentsStore.getState()
    store.scheduleRefresh()
    void store.reconcileRuns()
  }, [reconnects])
}
