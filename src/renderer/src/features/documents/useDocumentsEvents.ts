/**
 * Keeping the Documents state live. `useImportEvents` runs for the whole app frame: it
 * binds the state to the active profile (before any drop, which may start on another
 * screen), and gathers import progress (`workflows:run`) even while another section is
 * shown, so the drop summary and the progress bars are right on return. `useDocumentsScreen`
 * runs while the screen is open: it loads the list, and refreshes on `documents:changed`
 * and after a bridge reconnect (events may have been missed).
 */
import { useEffect } from 'react'
import { api } from '../../lib/api'
import { useConnectionStore } from '../../lib/connection-store'
import { useActiveProfile } from '../profiles/store'
import { useDocumentsStore } from './store'

export function useImportEvents(): void {
  const profileId = useActiveProfile()?.id ?? null

  useEffect(() => {
    const store = useDocumentsStore.getState()
    if (!profileId || store.profileId === profileId) return
    store.reset(profileId)
    // Loaded ahead (one page), so the screen opens with its list instead of a spinner.
    void store.loadFirst()
  }, [profileId])

  useEffect(() => {
    const offs = [
      api.on('workflows:run', (e) => useDocumentsStore.getState().applyRunEvent(e)),
      api.on('documents:changed', (e) => useDocumentsStore.getState().scheduleRefresh(e.ids))
    ]
    return () => offs.forEach((off) => off())
  }, [])
}

export function useDocumentsScreen(): void {
  const profileId = useActiveProfile()?.id ?? null
  const reconnects = useConnectionStore((s) => s.reconnects)

  useEffect(() => {
    if (!profileId) return
    const store = useDocumentsStore.getState()
    if (store.profileId !== profileId) store.reset(profileId)
    // Back on the screen with a list: keep it and its scroll, and catch up on what changed meanwhile.
    store.setActive(true)
    if (store.total === null) void store.loadFirst()
    return () => store.setActive(false)
  }, [profileId])

  useEffect(() => {
    if (reconnects === 0) return
    const store = useDocumentsStore.getState()
    store.scheduleRefresh()
    void store.reconcileRuns()
  }, [reconnects])
}
