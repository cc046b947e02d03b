// What the driver tests share: a clock moved by hand, and catching the SourceError a fetch fails with.
import { expect } from 'vitest'
import type { Clock } from '../../worker/listen/clock'
import { SourceError } from '../../worker/sources/source'

/** One time for a fake server and the driver under test; sleeping does not move it. */
export function manualClock(start = '2026-03-02T09:00:00.000Z') {
  let now = Date.parse(start)
  const clock: Clock = { now: () => new Date(now), sleep: async () => {} }
  return { clock, ms: () => now, advance: (ms: number) => void (now += ms) }
}

/** The SourceError `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function sourceFailure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => null,
    (rejection: unknown) => rejection,
  )
  expect(error).toBeInstanceOf(SourceError)
  return error as SourceError
}
