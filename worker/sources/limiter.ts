import Bottleneck from 'bottleneck'
import type { Clock } from '../listen/clock'
import type { RateLimitState } from './rate-limit'
import { SourceError } from './source'

/**
 * One Bottleneck limiter per account and endpoint (the unit the platforms count in), fed by
 * the limits the platform itself reports rather than by numbers we assume: paid tiers differ
 * by an order of magnitude and change without notice.
 */
export class RateLimiters {
  private readonly limiters = new Map<string, Bottleneck>()
  private readonly states = new Map<string, RateLimitState>()

  constructor(private readonly clock: Clock) {}

  /**
   * Runs `request` in turn for `key`. Refuses at once, rather than queueing, while the window is
   * known to be spent: a request waiting on an empty reservoir would hold its poll until the
   * process ends, and the platform's reset is the poller's to wait for.
   */
  async schedule<T>(key: string, request: () => Promise<T>): Promise<T> {
    const limiter = this.limiter(key)
    const state = this.states.get(key)
    if (state?.resetAt && new Date(state.resetAt) <= this.clock.now()) {
      // The window has reset by our clock; what the last headers said no longer holds.
      this.states.delete(key)
      await limiter.updateSettings({ reservoir: null })
    } else if (state && (state.remaining === 0 || (await limiter.currentReservoir()) === 0)) {
      // Also when requests since the last headers (timeouts, say) have used up what was left.
      const resetAt = state.resetAt ? new Date(state.resetAt) : new Date(this.clock.now().getTime() + 60_000)
      throw new SourceError(
        { kind: 'rate_limited', resetAt, rateLimit: state },
        `rate limit for ${key} is spent until ${resetAt.toISOString()}`,
      )
    }
    return limiter.schedule(request)
  }

  /** Records what the platform's headers said after a response (or a 429). */
  async observe(key: string, state: RateLimitState | null): Promise<void> {
    if (!state) return
    this.states.set(key, state)
    // Never send more than the platform says is left in this window.
    await this.limiter(key).updateSettings({ reservoir: state.remaining })
  }

  state(key: string): RateLimitState | null {
    return this.states.get(key) ?? null
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
