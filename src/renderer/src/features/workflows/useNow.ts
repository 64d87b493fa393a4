/** The current time, ticking while `active` (elapsed times and "in 4 s" countdowns). */
import { useEffect, useState } from 'react'

export function useNow(active: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    const tick = (): void => setNow(Date.now())
    const first = window.setTimeout(tick, 0)
    const t = window.setInterval(tick, everyMs)
    return () => {
      window.clearTimeout(first)
      window.clearInterval(t)
    }
  }, [active, everyMs])
  return now
}
