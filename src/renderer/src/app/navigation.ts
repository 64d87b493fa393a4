/**
 * Where the user is, mirrored in the URL hash (`#/memories`) so a reload stays put and the
 * quick-capture window can be opened as `#/capture`.
 */
import { create } from 'zustand'
import { isSectionId, type SectionId } from './sections'

export type Route = { kind: 'capture' } | { kind: 'section'; section: SectionId }

export function routeFromHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? ''
  if (name === 'capture') return { kind: 'capture' }
  return { kind: 'section', section: isSectionId(name) ? name : 'chat' }
}

interface NavigationStore {
  route: Route
  go(section: SectionId): void
  sync(): void
}

export const useNavigation = create<NavigationStore>((set) => ({
  route: routeFromHash(window.location.hash),
  go(section) {
    if (window.location.hash !== `#/${section}`) window.location.hash = `#/${section}`
    set({ route: { kind: 'section', section } })
  },
  sync() {
    set({ route: routeFromHash(window.location.hash) })
  }
}))

window.addEventListener('hashchange', () => useNavigation.getState().sync())

/** The current section (Chat when the route is the capture view). */
export const useSection = (): SectionId => useNavigation((s) => (s.route.kind === 'section' ? s.route.section : 'chat'))
