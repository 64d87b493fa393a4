/**
 * Keeps the stores in step with the core: pushed events, errors that mean "the profile is
 * locked now", and reconnects of the browser bridge (events may have been missed).
 */
import { useEffect } from 'react'
import { api } from '../lib/api'
import { useConnectionStore } from '../lib/connection-store'
import { notifyError } from '../features/notifications/store'
import { useProfilesStore } from '../features/profiles/store'
import { useSettingsStore } from '../features/settings/store'

export function reloadAll(): void {
  useProfilesStore.getState().load().catch((err) => notifyError(err, 'Could not load profiles'))
  useSettingsStore.getState().loadInfo().catch((err) => notifyError(err, 'Could not load app settings'))
}

export function useCoreEvents(): void {
  const reconnects = useConnectionStore((s) => s.reconnects)

  useEffect(() => {
    const offs = [
      api.on('profiles:changed', (state) => useProfilesStore.getState().apply(state)),
      api.on('app:changed', (info) => useSettingsStore.getState().applyInfo(info)),
      api.onError((err) => {
        if (err.code === 'locked' || err.code === 'no_profile') useProfilesStore.getState().load().catch(() => undefined)
      })
    ]
    return () => offs.forEach((off) => off())
  }, [])

  useEffect(() => {
    reloadAll()
  }, [reconnects])
}
