import Bottleneck from 'bottleneck'
import type { Clock } from '../listen/clock'
import type { RateLimitState } from './rate-limit'
import { SourceError } from './source'

/** A key's window as the platform's headers last described it. */
interface Window {
  state: RateLimitState
  /** The headers' remaining less every request sent since them; null when the platform gave no count. */
  left: number | null
}

/**
 * One Bottleneck limiter per account and endpoint (the unit the platforms count in), fed by
 * the limits the platform itself reports rather than by numbers we assume: paid tiers differ
 * by an order of magnitude and change without notice.
 */
export class RateLimiters {
  private readonly limiters = new Map<string, Bottleneck>()
  private readonly windows = new Map<string, Window>()
  /** Per key: requests sent, and how many had been sent when the last one to finish was. */
  private readonly sent = new Map<string, { started: number; finished: number }>()

  constructor(private readonly clock: Clock) {}

  /**
   * Runs `request` in turn for `key`. Refuses, rather than sends or queues, while the window is
   * known to be spent: a request sent anyway is a 429, and one waiting for the window would hold
   * its poll until the process ends; the platform's reset is the poller's to wait for. Checked
   * again when the request's turn comes, because the requests queued ahead of it may spend the rest.
   */
  async schedule<T>(key: string, request: () => Promise<T>): Promise<T> {
    this.refuseIfSpent(key)
    return this.limiter(key).schedule(async () => {
      this.refuseIfSpent(key)
      const window = this.windows.get(key)
      if (window && window.left !== null) window.left--
      const sent = this.sentFor(key)
      const number = ++sent.started
      try {
        return await request()
      } finally {
        sent.finished = number
      }
    })
  }

  /** Records what the platform's headers said after a response (or a 429). */
  async observe(key: string, state: RateLimitState | null): Promise<void> {
    if (!state) return
    // The headers answer the request that finished last. The next one may already be on its way
    // (the queue moves on before its caller gets here), and they do not count it yet: we must.
    const sent = this.sentFor(key)
    const unanswered = sent.started - sent.finished
    this.windows.set(key, { state, left: state.remaining === null ? null : Math.max(0, state.remaining - unanswered) })
  }

  state(key: string): RateLimitState | null {
    return this.windows.get(key)?.state ?? null
  }

  private refuseIfSpent(key: string): void {
    const window = this.windows.get(key)
    if (!window) return
    const { state } = window
    if (state.resetAt && new Date(state.resetAt) <= this.clock.now()) {
      // The window has reset by our clock; what the last headers said no longer holds.
      this.windows.delete(key)
    } else if (window.left === 0) {
      // Also when requests since the last headers (timeouts, say) have used up what was left.
      const resetAt = state.resetAt ? new Date(state.resetAt) : new Date(this.clock.now().getTime() + 60_000)
      throw new SourceError(
        { kind: 'rate_limited', resetAt, rateLimit: state },
        `rate limit for ${key} is spent until ${resetAt.toISOString()}`,
      )
    }
  }

  private sentFor(key: string): { started: number; finished: number } {
    let sent = this.sent.get(key)
    if (!sent) {
      sent = { started: 0, finished: 0 }
      this.sent.set(key, sent)
    }
    return sent
  }

  private limiter(key: string): Bottleneck {
    let limiter = this.limiters.get(key)
    if (!limiter) {
      limiter = new Bottleneck({ maxConcurrent: 1 })
      this.limiters.set(key, limiter)
    }
    return limiter
  }
}
