/**
 * While the Chat screen is open: load it for the active profile (sessions, proposals, the
 * model's status), follow `chat:stream`, `sessions:changed` and `proposals:changed`, and
 * reload after a bridge reconnect (events may have been missed while the socket was down).
 */
import { useEffect } from 'react'
import { api } from '../../lib/api'
import { useConnectionStore } from '../../lib/connection-store'
import { useActiveProfile } from '../profiles/store'
import { useLlmStore } from './llm'
import { useProposalsStore } from './proposals'
import { openSession } from './route'
import { useChatStore } from './store'

export function useChatEvents(): void {
  const profileId = useActiveProfile()?.id ?? null
  const reconnects = useConnectionStore((s) => s.reconnects)

  useEffect(() => {
    if (!profileId) return
    const store = useChatStore.getState()
    void useLlmStore.getState().loadStatus()
    void useProposalsStore.getState().load()
    // Back on the screen for the same profile: keep the list and the thread, catch up.
    if (store.profileId === profileId) return store.scheduleRefresh()
    // Another profile: its sessions are not this one's.
    if (store.profileId !== null) openSession(null)
    store.reset(profileId)
    useProposalsStore.getState().reset()
    void useProposalsStore.getState().load()
    void store.loadSessions()
  }, [profileId])

  useEffect(() => {
    if (reconnects === 0) return
    useChatStore.getState().scheduleRefresh()
    void useProposalsStore.getState().load()
  }, [reconnects])

  useEffect(() => {
    const offs = [
      api.on('chat:stream', (e) => useChatStore.getState().applyStream(e)),
      api.on('sessions:changed', (e) => useChatStore.getState().scheduleRefresh(e.ids)),
      api.on('proposals:changed', () => void useProposalsStore.getState().load())
    ]
    return () => offs.forEach((off) => off())
  }, [])
}
