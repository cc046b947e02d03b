// The in-process wake-up: a wait ends at the next wake(), at its timeout, or when aborted, and a
// wake that came while the caller was busy reading is not slept through.
import { describe, expect, it } from 'vitest'
import { waitForWake, wake, wakeGeneration } from '../../worker/live/wake'

async function timed(wait: Promise<void>): Promise<number> {
  const started = performance.now()
  await wait
  return performance.now() - started
}

describe('waitForWake', () => {
  it('ends at the next wake(), for every waiter', async () => {
    const waits = [waitForWake(10_000), waitForWake(10_000)]
    setTimeout(wake, 20)
    const elapsed = await timed(Promise.all(waits).then(() => {}))
    expect(elapsed).toBeLessThan(5_000)
  })

  it('ends after its timeout when nobody wakes it', async () => {
    const elapsed = await timed(waitForWake(50))
    expect(elapsed).toBeGreaterThanOrEqual(40)
    expect(elapsed).toBeLessThan(5_000)
  })

  it('ends when its signal aborts, and at once if it already has', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 20)
    expect(await timed(waitForWake(10_000, controller.signal))).toBeLessThan(5_000)
    expect(await timed(waitForWake(10_000, controller.signal))).toBeLessThan(50)
  })

  it('returns at once when a wake came after the given generation', async () => {
    const before = wakeGeneration()
    wake()
    expect(await timed(waitForWake(10_000, undefined, before))).toBeLessThan(50)
    const now = wakeGeneration()
    expect(await timed(waitForWake(30, undefined, now))).toBeGreaterThanOrEqual(20)
  })
})
