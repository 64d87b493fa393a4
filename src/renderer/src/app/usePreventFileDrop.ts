/**
 * A file dropped outside a drop zone must not navigate the window to it (in Electron that
 * would load a local file into the app's window). Drop zones handle their own events first.
 */
import { useEffect } from 'react'

export function usePreventFileDrop(): void {
  useEffect(() => {
    const stop = (e: DragEvent): void => e.preventDefault()
    window.addEventListener('dragover', stop)
    window.addEventListener('drop', stop)
    return () => {
      window.removeEventListener('dragover', stop)
      window.removeEventListener('drop', stop)
    }
  }, [])
}
