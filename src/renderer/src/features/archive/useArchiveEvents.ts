/**
 * While the Archive screen is open: load its tabs for the active profile, refresh a tab
 * when its kind changes anywhere (`memories:changed`, `documents:changed`,
 * `sessions:changed`), and reload
 * after a bridge reconnect (events may have been missed).
 */
import { useEffect } from 'react'
import { api } from '../../lib/api'
import { useConnectionStore } from '../../lib/connection-store'
import { useActiveProfile } from '../profiles/store'
import { ARCHIVE_KINDS, useArchiveStore } from './store'

export function useArchiveEvents(): void {
  const profileId = useActiveProfile()?.id ?? null
  const reconnects = useConnectionStore((s) => s.reconnects)

  useEffect(() => {
    if (!profileId) return
    const store = useArchiveStore.getState()
    if (store.profileId === profileId) {
      // Back on the screen: keep the tab and search text, catch up on what changed.
      for (const k of ARCHIVE_KINDS) store.scheduleRefresh(k)
      return
    }
    store.reset(profileId)
    for (const k of ARCHIVE_KINDS) void store.load(k)
  }, [profileId])

  useEffect(() => {
    if (reconnects === 0) return
    for (const k of ARCHIVE_KINDS) useArchiveStore.getState().scheduleRefresh(k)
  }, [reconnects])

  useEffect(() => {
    const offs = [
      api.on('memories:changed', (e) => {
        // Embedding progress and tier moves do not change what the archive shows.
        if (e.reason !== 'embedded' && e.reason !== 'tiered') useArchiveStore.getState().scheduleRefresh('memories')
      }),
      api.on('documents:changed', () => useArchiveStore.getState().scheduleRefresh('documents')),
      api.on('sessions:changed', () => useArchiveStore.getState().scheduleRefresh('sessions'))
    ]
    return () => offs.forEach((off) => off())
  }, [])
}
