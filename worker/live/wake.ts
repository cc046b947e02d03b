// An in-process wake-up for the live event streams. On Node, whoever commits a case_event calls
// wake() and every stream in the process reads at once instead of at its next poll. It carries no
// data and guarantees nothing: the streams read the table either way, so a missed wake-up costs
// at most one poll interval, never an event. A Worker isolate serves unrelated requests and must
// not resolve one request's promises from another, so streams there only poll.

let generation = 0
const waiters = new Set<() => void>()

/** Tells every stream waiting in this process that something was committed. Call it after the commit. */
export function wake(): void {
  generation++
  const woken = [...waiters]
  waiters.clear()
  for (const resolve of woken) resolve()
}

/** How many wake-ups have happened so far; pass it to waitForWake to catch one that comes before the wait. */
export function wakeGeneration(): number {
  return generation
}

/**
 * Resolves at the next wake(), after `ms`, or when `signal` aborts, whichever comes first; never
 * rejects. With `since` (a wakeGeneration() taken before the caller's last read) it resolves at
 * once if a wake-up already came in between, so a commit landing during a read is not slept through.
 */
export function waitForWake(ms: number, signal?: AbortSignal, since?: number): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || (since !== undefined && since !== generation)) {
      resolve()
      return
    }
    const done = () => {
      clearTimeout(timer)
      waiters.delete(done)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    waiters.add(done)
    signal?.addEventListener('abort', done, { once: true })
  })
}
