import type { Sql } from '../db/connect'
import type { SourceContext, SourceKind } from '../sources/driver'
import { describeIssues, type Platform } from '../sources/mention'
import { driverFor } from '../sources/registry'
import { SourceError, type FetchResult, type SourceFailure } from '../sources/source'
import { backoffMs } from './retry'
import { storeMentions, storeRejected } from './store'

export interface PollDeps {
  sql: Sql
  context: SourceContext
  /** How long a poller may hold a source; past it another poller may take over. */
  leaseSeconds?: number
  /** Test hooks for the failures a real process meets: a crash at the worst moment. */
  faults?: { afterFetch?: () => Promise<void> | void; beforeCursorMove?: () => Promise<void> | void }
}

export interface PollStats {
  fetched: number
  stored: number
  duplicates: number
  rejected: number
  skipped: number
}

export type PollOutcome =
  | { sourceId: string; status: 'skipped'; reason: 'not found, paused, busy or not due' }
  | ({ sourceId: string; status: 'ok'; ms: number } & PollStats)
  | { sourceId: string; status: 'failed'; failure: SourceFailure['kind'] | 'database'; error: string; retryAt: Date | null }

interface ClaimedSource {
  id: string
  brand_id: string
  platform: Platform
  kind: SourceKind
  query: string | null
  settings: unknown
  cursor: string | null
  poll_interval_seconds: number
  consecutive_failures: number
}

// The longest a failing source waits between tries, so that it recovers soon after the API does.
const maxBackoffMs = 15 * 60_000

/**
 * One poll of one source: take its lease, fetch everything new, then in one transaction store
 * the mentions, the rejected items and the advanced cursor. A crash anywhere before that commit
 * leaves the old cursor, so the next poll fetches the same items again and the unique key on
 * mentions makes the repeat a no-op: nothing lost, nothing twice.
 */
export async function pollSource(deps: PollDeps, sourceId: string, { force = false } = {}): Promise<PollOutcome> {
  const { sql, context } = deps
  const started = context.clock.now()
  const token = crypto.randomUUID()
  const leaseSeconds = deps.leaseSeconds ?? 120
  const [source] = await sql<ClaimedSource[]>`
    update source
       set lease_token = ${token},
           lease_expires_at = now() + make_interval(secs => ${leaseSeconds}),
           last_polled_at = ${started}
     where id = ${sourceId}
       and enabled
       and (lease_expires_at is null or lease_expires_at < now())
       and (${force} or next_poll_at is null or next_poll_at <= ${started})
    returning id, brand_id, platform, kind, query, settings, cursor, poll_interval_seconds, consecutive_failures`
  if (!source) return { sourceId, status: 'skipped', reason: 'not found, paused, busy or not due' }

  let fetched: FetchResult
  try {
    const driver = driverFor(source.platform)
    const settings = driver.settings.safeParse(source.settings)
    if (!settings.success) {
      throw new SourceError({ kind: 'misconfigured' }, `The source's settings are invalid: ${describeIssues(settings.error)}`)
    }
    const reader = driver.create({ ...source, settings: settings.data }, context)
    // A fetch that outlives the lease could not commit anyway; stop its retries then.
    const signal = AbortSignal.timeout(leaseSeconds * 1000)
    fetched = await reader.fetchNew(source.cursor, { signal, now: started })
  } catch (error) {
    return recordFailure(deps, source, token, error)
  }

  await deps.faults?.afterFetch?.()
  const target = { brandId: source.brand_id, sourceId: source.id, platform: source.platform }
  const intervalMs = source.poll_interval_seconds * 1000
  try {
    const stats = await sql.begin(async (tx) => {
      // The lease is the fence: a poller that outlived it must not write over its successor.
      const [held] = await tx<{ held: boolean }[]>`
        select lease_token = ${token} as held from source where id = ${source.id} for update`
      if (!held?.held) throw new LeaseLost(source.id)
      const { stored, duplicates } = await storeMentions(tx, target, fetched.mentions)
      const rejected = await storeRejected(tx, target, fetched.rejected)
      await deps.faults?.beforeCursorMove?.()
      const stats: PollStats = {
        fetched: fetched.mentions.length + fetched.rejected.length + fetched.skipped,
        stored,
        duplicates,
        rejected,
        skipped: fetched.skipped,
      }
      await tx`
        update source
           set cursor = ${fetched.nextCursor},
               lease_token = null, lease_expires_at = null,
               last_success_at = ${context.clock.now()},
               last_error = null, last_error_at = null, consecutive_failures = 0,
               rate_limit = ${fetched.rateLimit ? tx.json(fetched.rateLimit) : null},
               last_poll_stats = ${tx.json({ ...stats })},
               next_poll_at = ${new Date(started.getTime() + intervalMs)},
               updated_at = now()
         where id = ${source.id}`
      return stats
    })
    return { sourceId, status: 'ok', ms: context.clock.now().getTime() - started.getTime(), ...stats }
  } catch (error) {
    if (error instanceof LeaseLost) {
      return { sourceId, status: 'failed', failure: 'database', error: error.message, retryAt: null }
    }
    return recordFailure(deps, source, token, error)
  }
}

class LeaseLost extends Error {
  constructor(sourceId: string) {
    super(`source ${sourceId}: the poll outlived its lease; another poller has it, nothing was written`)
  }
}

/** Shows the error on the source and decides when it is tried again, or stops it. */
async function recordFailure(deps: PollDeps, source: ClaimedSource, token: string, error: unknown): Promise<PollOutcome> {
  const now = deps.context.clock.now()
  const message = error instanceof Error ? error.message : String(error)
  const failure: SourceFailure['kind'] | 'database' = error instanceof SourceError ? error.failure.kind : 'database'
  const failures = source.consecutive_failures + 1
  let retryAt: Date | null
  if (error instanceof SourceError && error.failure.kind === 'rate_limited') {
    // Not the source's fault: wait for the window to reset, then carry on as before.
    retryAt = new Date(Math.max(error.failure.resetAt.getTime(), now.getTime()) + 1000)
  } else if (failure === 'auth' || failure === 'misconfigured') {
    retryAt = null
  } else {
    const base = Math.max(source.poll_interval_seconds * 1000, 1000)
    retryAt = new Date(now.getTime() + Math.max(1000, backoffMs(failures, base, maxBackoffMs)))
  }
  const rateLimit = error instanceof SourceError && error.failure.kind === 'rate_limited' ? error.failure.rateLimit : null
  // Waiting cannot fix refused credentials or unusable settings; a person must, then resume it.
  const stopped = failure === 'auth' || failure === 'misconfigured'
  try {
    await deps.sql`
      update source
         set lease_token = null, lease_expires_at = null,
             last_error = ${message.slice(0, 2000)}, last_error_at = ${now},
             consecutive_failures = ${failure === 'rate_limited' ? source.consecutive_failures : failures},
             rate_limit = coalesce(${rateLimit ? deps.sql.json(rateLimit) : null}, rate_limit),
             next_poll_at = ${retryAt},
             enabled = enabled and not ${stopped},
             stopped_at = case when ${stopped} then ${now}::timestamptz else stopped_at end,
             updated_at = now()
       where id = ${source.id} and lease_token = ${token}`
  } catch (recordError) {
    // The database is what failed; the lease runs out by itself and the next poll starts over.
    console.error(`source ${source.id}: could not record the failure:`, recordError)
  }
  if (failure !== 'rate_limited') console.error(`source ${source.id} (${source.platform} ${source.kind}): ${message}`)
  return { sourceId: source.id, status: 'failed', failure, error: message, retryAt }
}
