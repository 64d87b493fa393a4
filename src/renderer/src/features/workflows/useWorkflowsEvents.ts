/**
 * While the Workflows screen is open: load it for the active profile, follow
 * `workflows:run` events, reload after a bridge reconnect (events may have been missed),
 * and keep the open run in the URL (`#/workflows/<run id>`) so a reload or a link from
 * elsewhere opens it.
 */
import { useEffect } from 'react'
import { api } from '../../lib/api'
import { useConnectionStore } from '../../lib/connection-store'
import { useActiveProfile } from '../profiles/store'
import { useWorkflowsStore } from './store'

const ROUTE_RE = /^#\/?workflows\/([0-9a-fA-F-]{36})$/

/** The run id in `#/workflows/<id>`, if any. */
export const runIdFromHash = (hash: string): string | null => ROUTE_RE.exec(hash)?.[1]?.toLowerCase() ?? null

/** The URL a run opens at; other screens may link to it. */
export const runHash = (id: string): string => `#/workflows/${id}`

export function useWorkflowsEvents(): void {
  const profileId = useActiveProfile()?.id ?? null
  const reconnects = useConnectionStore((s) => s.reconnects)
  const openId = useWorkflowsStore((s) => s.openId)

  useEffect(() => {
    if (!profileId) return
    const store = useWorkflowsStore.getState()
    const fromUrl = runIdFromHash(window.location.hash)
    if (store.profileId === profileId) {
      // Back on the screen: keep filters and the open run, catch up on what happened meanwhile.
      store.scheduleRefresh(true)
      if (fromUrl && fromUrl !== store.openId) void store.open(fromUrl)
      else if (store.openId) void store.open(store.openId)
      return
    }
    store.reset(profileId)
    void store.loadFirst()
    void store.loadDurations()
    void store.loadSchedules()
    if (fromUrl) void store.open(fromUrl)
  }, [profileId])

  useEffect(() => {
    if (reconnects > 0) useWorkflowsStore.getState().scheduleRefresh(true)
  }, [reconnects])

  useEffect(() => api.on('workflows:run', (e) => useWorkflowsStore.getState().applyEvent(e)), [])

  // The open run in the URL, without a history entry per row (the arrows move through runs).
  useEffect(() => {
    const want = openId ? runHash(openId) : '#/workflows'
    if (window.location.hash.startsWith('#/workflows') && window.location.hash !== want) window.history.replaceState(null, '', want)
  }, [openId])

  // A link to another run while the screen is open (a hash change from outside).
  useEffect(() => {
    const onHash = (): void => {
      const id = runIdFromHash(window.location.hash)
      if (id && id !== useWorkflowsStore.getState().openId) void useWorkflowsStore.getState().open(id)
    }
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
}
