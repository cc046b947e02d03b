// Delivers due outbox items: queued -> sending -> sent | failed (or back to queued for a retry).
// An item is marked `sending` and committed BEFORE the platform is called; an item found in
// `sending` afterwards (a crash, a lost answer) is reconciled by looking for its post on the
// platform before anything is sent again, so nothing is ever posted twice.
import type { Sql } from '../db/connect'
import type { Clock } from '../listen/clock'
import { notify } from '../notify/notify'
import { blueskyPublisherFor } from './bluesky'
import { demoPublisher } from './demo'
import { mastodonPublisherFor } from './mastodon'
import { PublishError, type OutboxItem, type PublishContext, type Published, type Publisher, type PublisherLookup } from './platforms'
import { xPublisherFor } from './x'

export interface SenderOptions {
  clock: Clock
  /** Which publisher sends an item; by default looked up from the brand's sources. */
  publishers: PublisherLookup
  /** Items claimed per run. */
  batchSize?: number
  /** How long a claimed item stays ours; after that another run reconciles it. */
  leaseMs?: number
  /** Retryable failures (5xx, timeouts) before the item fails for good. Rate limits never count. */
  maxAttempts?: number
  random?: () => number
}

/** An item this run owns: `attempt` fences our writes against a run that took it over later. */
export interface ClaimedItem extends OutboxItem {
  attempt: number
  /** An earlier try may have reached the platform (a crash in `sending`, a lost answer): look before sending. */
  reconcile: boolean
  /** Earlier tries that failed in a way that counts towards giving up. */
  failures: number
}

export interface SendReport {
  claimed: number
  sent: number
  reconciled: number
  retried: number
  rate_limited: number
  failed: number
}

const defaultLeaseMs = 2 * 60_000
const defaultMaxAttempts = 8

/** Looks publishers up from the brand's sources, once per brand and platform per run. */
export function sourcePublishers(sql: Sql, context: PublishContext): PublisherLookup {
  const cache = new Map<string, Promise<Publisher | string>>()
  return async (item) => {
    const key = `${item.brandId}:${item.platform}`
    let found = cache.get(key)
    if (!found) {
      found = lookup(sql, item, context)
      cache.set(key, found)
    }
    const publisher = await found
    if (typeof publisher === 'string') throw new PublishError({ kind: 'permanent' }, publisher)
    return publisher
  }
}

async function lookup(sql: Sql, item: OutboxItem, context: PublishContext): Promise<Publisher | string> {
  switch (item.platform) {
    case 'x':
      return xPublisherFor(sql, item.brandId, context)
    case 'bluesky':
      return blueskyPublisherFor(sql, item.brandId, context)
    case 'mastodon':
      return mastodonPublisherFor(sql, item.brandId, context)
    case 'demo':
      return demoPublisher
  }
}

/** Claims due items and commits them as `sending` before any platform is called. */
export async function claimDue(sql: Sql, now: Date, { batchSize = 20, leaseMs = defaultLeaseMs } = {}): Promise<ClaimedItem[]> {
  const rows = await sql<{
    id: string; case_id: string; brand_id: string; event_id: string | null; kind: OutboxItem['kind']; platform: OutboxItem['platform']
    in_reply_to_external_id: string | null; recipient_user_id: string | null; recipient_handle: string | null
    idempotency_key: string; body: string; created_at: Date; attempts: number; previous_status: string; maybe_sent: boolean; failures: number
  }[]>`
    with due as (
      select o.id, o.status as previous_status
        from outbox o
       where o.status in ('queued', 'sending') and o.next_attempt_at <= ${now}
       order by o.next_attempt_at, o.id
       limit ${batchSize}
         for update skip locked
    ), claimed as (
      update outbox o
         set status = 'sending', attempts = o.attempts + 1, next_attempt_at = ${new Date(now.getTime() + leaseMs)}
        from due
       where o.id = due.id
      returning o.*, due.previous_status
    )
    select o.id, o.case_id, c.brand_id, o.event_id, o.kind, o.platform, o.in_reply_to_external_id,
           i.platform_user_id as recipient_user_id, i.handle as recipient_handle,
           o.idempotency_key, o.body, o.created_at, o.attempts, o.previous_status, o.maybe_sent, o.failures
      from claimed o
      join care_case c on c.id = o.case_id
      left join identity i on i.id = o.recipient_identity_id
     order by o.id`
  return rows.map((row) => ({
    id: row.id,
    caseId: row.case_id,
    brandId: row.brand_id,
    eventId: row.event_id,
    kind: row.kind,
    platform: row.platform,
    inReplyToExternalId: row.in_reply_to_external_id,
    recipient: row.recipient_user_id ? { platformUserId: row.recipient_user_id, handle: row.recipient_handle ?? '' } : null,
    idempotencyKey: row.idempotency_key,
    body: row.body,
    createdAt: row.created_at,
    attempt: row.attempts,
    reconcile: row.previous_status === 'sending' || row.maybe_sent,
    failures: row.failures,
  }))
}

export type Outcome =
  | { status: 'sent'; published: Published; reconciled: boolean }
  | { status: 'retry'; error: string; at: Date; rateLimited: boolean }
  | { status: 'failed'; error: string }

/** Talks to the platform for one claimed item; writes nothing. */
export async function deliver(item: ClaimedItem, options: SenderOptions): Promise<Outcome> {
  const now = options.clock.now()
  const maxAttempts = options.maxAttempts ?? defaultMaxAttempts
  let publisher: Publisher | null = null
  try {
    publisher = await options.publishers(item)
    if (!publisher) return { status: 'failed', error: `Earshot cannot send on ${item.platform} yet; the reply was recorded but not delivered.` }
    if (item.reconcile) {
      const existing = await publisher.findExisting(item)
      if (existing) return { status: 'sent', published: existing, reconciled: true }
    }
    return { status: 'sent', published: await publisher.publish(item), reconciled: false }
  } catch (error) {
    if (!(error instanceof PublishError)) throw error
    const { failure } = error
    switch (failure.kind) {
      case 'rate_limited':
        // Never dropped: back in the queue until the platform's window resets.
        return { status: 'retry', error: error.message, at: failure.resetAt > now ? failure.resetAt : new Date(now.getTime() + 1000), rateLimited: true }
      case 'retryable':
        if (item.failures + 1 >= maxAttempts) return { status: 'failed', error: `Gave up after ${item.failures + 1} attempts: ${error.message}` }
        return { status: 'retry', error: error.message, at: new Date(now.getTime() + backoffMs(item.failures + 1, options.random)), rateLimited: false }
      case 'duplicate': {
        // Our own earlier send of this item counts as delivered; anything else is a clear refusal.
        const existing = publisher ? await publisher.findExisting(item).catch(() => null) : null
        if (existing) return { status: 'sent', published: existing, reconciled: true }
        return {
          status: 'failed',
          error: `${error.message}. The platform already has a post with this exact text, so it was not sent again; reword the reply to send it.`,
        }
      }
      case 'permanent':
        return { status: 'failed', error: error.message }
    }
  }
}

/** 30 s doubling to 30 min, with jitter over the upper half so retries never bunch up at zero. */
export function backoffMs(attempt: number, random = Math.random): number {
  const ceiling = Math.min(30 * 60_000, 30_000 * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** Records an outcome, unless another run has taken the item over since (then it writes nothing). */
export async function record(sql: Sql, item: ClaimedItem, outcome: Outcome, now: Date): Promise<boolean> {
  return sql.begin(async (tx) => {
    const [row] = await tx<{ kind: string; channel: string | null }[]>`
      select coalesce(e.kind, 'reply') as kind, e.body->>'channel' as channel
        from outbox o left join case_event e on e.id = o.event_id
       where o.id = ${item.id} and o.status = 'sending' and o.attempts = ${item.attempt}
         for update of o`
    if (!row) return false
    if (outcome.status === 'retry') {
      await tx`
        update outbox set status = 'queued', next_attempt_at = ${outcome.at}, last_error = ${outcome.error},
                          maybe_sent = maybe_sent or ${!outcome.rateLimited},
                          failures = failures + ${outcome.rateLimited ? 0 : 1}
         where id = ${item.id}`
      return true
    }
    const channel = row.channel ?? (item.kind === 'direct_message' ? 'private' : 'public')
    const base = { delivery_of: item.eventId, outbox_id: item.id, channel, text: item.body }
    if (outcome.status === 'sent') {
      await tx`
        update outbox
           set status = 'sent', sent_at = ${now}, platform_post_id = ${outcome.published.postId}, platform_url = ${outcome.published.url}, last_error = null
         where id = ${item.id}`
      const body = { ...base, delivery: 'sent', post_id: outcome.published.postId, url: outcome.published.url, reconciled: outcome.reconciled }
      await tx`insert into case_event (case_id, kind, occurred_at, body) values (${item.caseId}, ${row.kind}, ${now}, ${JSON.stringify(body)}::text::jsonb)`
    } else {
      await tx`update outbox set status = 'failed', last_error = ${outcome.error} where id = ${item.id}`
      const body = { ...base, delivery: 'failed', error: outcome.error }
      await tx`insert into case_event (case_id, kind, occurred_at, body) values (${item.caseId}, ${row.kind}, ${now}, ${JSON.stringify(body)}::text::jsonb)`
      // A reply that never reached the customer must not look answered: whoever wrote it and the
      // case's owner hear of it, not only the timeline.
      const [people] = await tx<{ created_by: string | null; owner_id: string | null }[]>`
        select o.created_by, c.owner_id from outbox o join care_case c on c.id = o.case_id where o.id = ${item.id}`
      const notice = { outbox_id: item.id, channel, error: outcome.error, text: item.body.slice(0, 200) }
      await notify(tx, [people?.created_by ?? null, people?.owner_id ?? null].map((userId) => ({
        userId, caseId: item.caseId, kind: 'send_failed' as const, body: notice, dedupeKey: `send_failed:${item.id}`,
      })))
    }
    return true
  })
}

/** One sender run: claim, deliver, record. Safe to run in many processes at once. */
export async function sendDue(sql: Sql, options: SenderOptions): Promise<SendReport> {
  const now = options.clock.now()
  const items = await claimDue(sql, now, { batchSize: options.batchSize, leaseMs: options.leaseMs })
  const report: SendReport = { claimed: items.length, sent: 0, reconciled: 0, retried: 0, rate_limited: 0, failed: 0 }
  for (const item of items) {
    let outcome: Outcome
    try {
      outcome = await deliver(item, options)
    } catch (error) {
      // A bug or a database hiccup: leave the item in `sending`; the next run reconciles it.
      console.error(`outbox item ${item.id}: ${error instanceof Error ? error.message : String(error)}`)
      continue
    }
    if (!(await record(sql, item, outcome, options.clock.now()))) continue
    if (outcome.status === 'sent') outcome.reconciled ? report.reconciled++ : report.sent++
    else if (outcome.status === 'failed') report.failed++
    else if (outcome.rateLimited) report.rate_limited++
    else report.retried++
  }
  return report
}
