import type { Services } from '../env'
import { RateLimiters } from '../sources/limiter'
import { systemClock } from './clock'
import type { PollDeps } from './poll'

// One set per process (per isolate on Workers): limits are the platform's, shared by every poll.
const processLimiters = new RateLimiters(systemClock)

export function listenerDeps(services: Services): PollDeps {
  return {
    sql: services.sql,
    context: {
      secrets: services.secrets,
      limiters: processLimiters,
      clock: systemClock,
      requestTimeoutMs: services.config.SOURCE_TIMEOUT_MS,
    },
  }
}
