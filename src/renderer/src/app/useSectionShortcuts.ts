/** Ctrl/Cmd+1…6 jump to the sections in navigation order. */
import { useEffect } from 'react'
import { isMac } from '../lib/platform'
import { useNavigation } from './navigation'
import { SECTIONS } from './sections'

export function useSectionShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const mod = isMac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey
      if (!mod || e.altKey || e.shiftKey || e.repeat) return
      const m = /^(?:Digit|Numpad)([1-9])$/.exec(e.code)
      const section = m ? SECTIONS[Number(m[1]) - 1] : undefined
      if (!section) return
      e.preventDefault()
      useNavigation.getState().go(section.id)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
