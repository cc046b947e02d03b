import { classifyAllPending } from '../classify/pending'
import { routeAllPending } from '../cases/route'
import { wake } from '../live/wake'
import type { Clock } from './clock'
import { pollSource, type PollDeps, type PollOutcome } from './poll'

export interface ListenOptions {
  signal: AbortSignal
  /** The longest the listener sleeps without looking for new or changed sources. */
  idleMs?: number
  /** How many sources are polled at once. */
  concurrency?: number
  onPoll?: (outcome: PollOutcome) => void
}

/** Polls every source that is due now, several at a time; each is held by its own lease. */
export async function pollDueSources(deps: PollDeps, { concurrency = 8 } = {}): Promise<PollOutcome[]> {
  const now = deps.context.clock.now()
  const due = await deps.sql<{ id: string }[]>`
    select id from source
     where enabled
       and (next_poll_at is null or next_poll_at <= ${now})
       and (lease_expires_at is null or lease_expires_at < now())
     order by next_poll_at nulls first
     limit 100`
  const outcomes: PollOutcome[] = []
  let index = 0
  const workers = Array.from({ length: Math.min(concurrency, due.length) }, async () => {
    while (index < due.length) {
      const { id } = due[index++]!
      outcomes.push(await pollSource(deps, id))
    }
  })
  await Promise.all(workers)
  return outcomes
}

/**
 * Keeps polling until `signal` aborts, sleeping exactly until the next source falls due so that
 * a 1-second interval means a 1-second delay. Node runs it for as long as the process lives;
 * the Worker's cron runs it for most of each minute.
 */
export async function listen(deps: PollDeps, options: ListenOptions): Promise<void> {
  const { signal, idleMs = 5000, concurrency, onPoll } = options
  const clock = deps.context.clock
  while (!signal.aborted) {
    try {
      const outcomes = await pollDueSources(deps, { concurrency })
      if (outcomes.some((outcome) => outcome.status === 'ok' && outcome.stored > 0)) await triageNew(deps)
      if (onPoll) outcomes.forEach(onPoll)
      await sleepUntilDue(deps, clock, idleMs, signal)
    } catch (error) {
      if (signal.aborted) break
      // The database is down or restarting; say so once a round and keep trying.
      console.error('listener:', error instanceof Error ? error.message : error)
      await clock.sleep(idleMs, signal).catch(() => {})
    }
  }
}

/** Classifies and routes what the polls just stored, so a mention reaches the inbox triaged and owned. */
async function triageNew(deps: PollDeps) {
  try {
    await classifyAllPending(deps.sql)
    await routeAllPending(deps.sql, { now: () => deps.context.clock.now() })
    wake()
  } catch (error) {
    // Unclassified or unrouted mentions are kept and picked up by the next round or the scheduled job.
    console.error('triaging new mentions failed:', error instanceof Error ? error.message : error)
  }
}

async function sleepUntilDue(deps: PollDeps, clock: Clock, idleMs: number, signal: AbortSignal) {
  const [next] = await deps.sql<{ at: Date | null }[]>`
    select min(coalesce(greatest(next_poll_at, lease_expires_at), now())) as at from source where enabled`
  const now = clock.now().getTime()
  const wait = next?.at ? Math.min(idleMs, Math.max(0, next.at.getTime() - now)) : idleMs
  await clock.sleep(Math.max(wait, 10), signal).catch(() => {})
}
