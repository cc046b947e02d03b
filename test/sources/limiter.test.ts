// The per-account limiter: it never sends past what the platform said is left, and never
// leaves a request waiting on a window that only the platform's reset can refill.
import { describe, expect, it } from 'vitest'
import { RateLimiters } from '../../worker/sources/limiter'
import type { RateLimitState } from '../../worker/sources/rate-limit'
import { SourceError } from '../../worker/sources/source'
import { FakeClock } from '../support/clock'
import { sourceFailure } from '../support/sources'

const key = 'x:user:1000:mentions'

describe('RateLimiters', () => {
  it('refuses without sending while the window is spent, and sends again after the reset', async () => {
    const clock = new FakeClock()
    const limiters = new RateLimiters(clock)
    const resetAt = new Date(clock.now().getTime() + 60_000)
    await limiters.observe(key, { limit: 15, remaining: 0, resetAt: resetAt.toISOString() })
    let sent = 0
    const error = await sourceFailure(limiters.schedule(key, async () => ++sent))
    expect(error.failure).toEqual({ kind: 'rate_limited', resetAt, rateLimit: { limit: 15, remaining: 0, resetAt: resetAt.toISOString() } })
    expect(sent).toBe(0)
    clock.set(resetAt)
    expect(await limiters.schedule(key, async () => ++sent)).toBe(1)
  })

  it('counts requests that failed without headers against what was left, instead of hanging', async () => {
    const clock = new FakeClock()
    const limiters = new RateLimiters(clock)
    const resetAt = new Date(clock.now().getTime() + 60_000)
    await limiters.observe(key, { limit: 15, remaining: 1, resetAt: resetAt.toISOString() })
    await expect(limiters.schedule(key, () => Promise.reject(new Error('timed out')))).rejects.toThrow('timed out')
    expect((await sourceFailure(limiters.schedule(key, async () => 'sent'))).failure.kind).toBe('rate_limited')
    clock.set(resetAt)
    expect(await limiters.schedule(key, async () => 'sent')).toBe('sent')
  })

  it('never sends past the window with several callers at once, and leaves none of them waiting', async () => {
    const clock = new FakeClock()
    const limiters = new RateLimiters(clock)
    const resetAt = new Date(clock.now().getTime() + 60_000).toISOString()
    // A platform with 10 requests left; its headers reach the caller only after the queue has moved on.
    let left = 10
    let overLimit = 0
    const platform = async (): Promise<RateLimitState> => {
      await new Promise((resolve) => setImmediate(resolve))
      if (left === 0) overLimit++
      else left--
      return { limit: 10, remaining: left, resetAt }
    }
    const call = async (): Promise<'sent' | 'refused'> => {
      try {
        await limiters.observe(key, await limiters.schedule(key, platform))
        return 'sent'
      } catch (error) {
        if (error instanceof SourceError && error.failure.kind === 'rate_limited') return 'refused'
        throw error
      }
    }
    const caller = async () => {
      const outcomes: string[] = []
      for (let n = 0; n < 8; n++) outcomes.push(await call())
      return outcomes
    }
    const outcomes = (await Promise.all([caller(), caller(), caller(), caller()])).flat()
    expect(overLimit).toBe(0)
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(10)
    expect(outcomes.filter((outcome) => outcome === 'refused')).toHaveLength(22)
  })

  it('keeps accounts and endpoints apart', async () => {
    const clock = new FakeClock()
    const limiters = new RateLimiters(clock)
    await limiters.observe(key, { limit: 15, remaining: 0, resetAt: new Date(clock.now().getTime() + 60_000).toISOString() })
    expect(await limiters.schedule('x:user:1000:search', async () => 'sent')).toBe('sent')
  })
})
