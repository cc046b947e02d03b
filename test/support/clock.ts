import type { Clock } from '../../worker/listen/clock'

/** A clock that moves only when told to; sleeping moves it at once, so backoffs cost no real time. */
export class FakeClock implements Clock {
  constructor(private time = Date.parse('2026-11-20T09:00:00Z')) {}

  now(): Date {
    return new Date(this.time)
  }

  epochMs = (): number => this.time

  advance(ms: number): void {
    this.time += ms
  }

  set(at: Date): void {
    this.time = at.getTime()
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason
    this.time += ms
    // Let other promises run, as a real sleep would.
    await new Promise((resolve) => setImmediate(resolve))
  }
}
