import { SourceError } from '../sources/source'
import type { Clock } from './clock'

export interface RetryOptions {
  clock: Clock
  signal: AbortSignal
  attempts?: number
  baseMs?: number
  capMs?: number
  random?: () => number
}

/**
 * Retries transient failures (5xx, timeouts, dropped connections) with exponential backoff and
 * full jitter, so that many pollers hitting one failing API do not retry in step. Everything
 * else (auth, rate limits, bad responses) is for the caller to decide.
 */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { clock, signal, attempts = 3, baseMs = 250, capMs = 4000, random = Math.random } = options
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      const transient = error instanceof SourceError && error.failure.kind === 'transient'
      if (!transient || attempt >= attempts || signal.aborted) throw error
      await clock.sleep(backoffMs(attempt, baseMs, capMs, random), signal)
    }
  }
}

export function backoffMs(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)))
}
