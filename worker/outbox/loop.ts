// On Node the outbox does not wait for the minute's job run: a reply committed by this process
// wakes the loop and goes out at once; items due later (retries, rate-limit waits) are picked up
// by the loop's own timer. The Worker relies on its cron, as the brief allows.
import type { Services } from '../env'
import { sendOutbox } from '../jobs/send-outbox'
import { waitForWake, wakeGeneration } from '../live/wake'

export async function sendLoop(services: Services, { signal, intervalMs = 5000 }: { signal: AbortSignal; intervalMs?: number }): Promise<void> {
  while (!signal.aborted) {
    const since = wakeGeneration()
    try {
      await sendOutbox.run(services, new Date())
    } catch (error) {
      // The database may be restarting; the next turn tries again and nothing is lost meanwhile.
      console.error(`outbox: ${error instanceof Error ? error.message : String(error)}`)
    }
    await waitForWake(intervalMs, signal, since)
  }
}
