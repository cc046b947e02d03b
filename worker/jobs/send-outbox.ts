import { systemClock } from '../listen/clock'
import { RateLimiters } from '../sources/limiter'
import { sendDue, sourcePublishers, type SendReport } from '../outbox/sender'
import type { Job } from './job'

// One set per process (per isolate on Workers), as for the listener: the platform's limits are per account.
const processLimiters = new RateLimiters(systemClock)

/** A run keeps claiming batches for this long, so a backlog drains within the minute's cron. */
const runBudgetMs = 40_000

/** Sends due replies and messages; reconciles items a crashed run left in `sending` before resending. */
export const sendOutbox: Job = {
  name: 'send-outbox',
  async run(services) {
    const context = { secrets: services.secrets, limiters: processLimiters, clock: systemClock, requestTimeoutMs: services.config.SOURCE_TIMEOUT_MS }
    const total: SendReport = { claimed: 0, sent: 0, reconciled: 0, retried: 0, rate_limited: 0, failed: 0 }
    const started = Date.now()
    const batchSize = 20
    for (;;) {
      // A fresh lookup per batch: a brand's settings or token may change while a backlog drains.
      const report = await sendDue(services.sql, { clock: systemClock, publishers: sourcePublishers(services.sql, context), batchSize })
      for (const key of Object.keys(total) as (keyof SendReport)[]) total[key] += report[key]
      // Items that wait (a rate limit, a backoff) are due later, so a full batch always means more is due now.
      if (report.claimed < batchSize || Date.now() - started > runBudgetMs) return { ...total }
    }
  },
}
