/**
 * While the Memories screen is open: load it for the active profile, follow the core's
 * `memories:changed` and `embeddings:status` events, and reload after a bridge reconnect
 * (events may have been missed while the socket was down).
 */
import { useEffect } from 'react'
import { api } from '../../lib/api'
import { useConnectionStore } from '../../lib/connection-store'
import { useActiveProfile } from '../profiles/store'
import { EMBEDDED_REFRESH_MS, REFRESH_DEBOUNCE_MS, useMemoriesStore } from './store'

export function useMemoriesEvents(): void {
  const profileId = useActiveProfile()?.id ?? null
  const reconnects = useConnectionStore((s) => s.reconnects)

  useEffect(() => {
    if (!profileId) return
    const store = useMemoriesStore.getState()
    // Back on the screen for the same profile: keep filters and scroll, catch up on changes.
    if (store.profileId === profileId) return store.scheduleRefresh()
    store.reset(profileId)
    void store.loadFirst()
    store.loadTimeline().catch(() => undefined)
    store.loadEmbedding().catch(() => undefined)
  }, [profileId])

  useEffect(() => {
    if (reconnects > 0) useMemoriesStore.getState().scheduleRefresh()
  }, [reconnects])

  useEffect(() => {
    const offs = [
      api.on('memories:changed', (e) =>
        useMemoriesStore.getState().scheduleRefresh(e.ids, e.reason === 'embedded' || e.reason === 'tiered' ? EMBEDDED_REFRESH_MS : REFRESH_DEBOUNCE_MS)
      ),
      api.on('embeddings:status', (info) => useMemoriesStore.getState().applyEmbedding(info))
    ]
    return () => offs.forEach((off) => off())
  }, [])
}
