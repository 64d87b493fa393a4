/**
 * One run of `task` at a time. A call made while it runs does not start a second one
 * alongside: it is folded into a single further run once the current one ends (so the
 * last change is never missed, and a burst of events costs at most two refreshes).
 */
export function singleFlight(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null
  let again = false
  const run = async (): Promise<void> => {
    if (running) {
      again = true
      return
    }
    running = task()
    try {
      await running
    } finally {
      running = null
    }
    if (again) {
      again = false
      await run()
    }
  }
  return run
}
