import { systemClock } from '../listen/clock'
import { RateLimiters } from '../sources/limiter'
import { sendDue, sourcePublishers } from '../outbox/sender'
import type { Job } from './job'

// One set per process (per isolate on Workers), as for the listener: the platform's limits are per account.
const processLimiters = new RateLimiters(systemClock)

/** Sends due replies and messages; reconciles items a crashed run left in `sending` before resending. */
export const sendOutbox: Job = {
  name: 'send-outbox',
  async run(services) {
    const context = { secrets: services.secrets, limiters: processLimiters, clock: systemClock, requestTimeoutMs: services.config.SOURCE_TIMEOUT_MS }
    const report = await sendDue(services.sql, { clock: systemClock, publishers: sourcePublishers(services.sql, context) })
    return { ...report }
  },
}
