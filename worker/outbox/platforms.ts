// What the sender needs from a network to deliver one outbox item, and how a delivery can fail.
// A new network is one new Publisher; the sender's state machine stays the same.
import type { SourceContext } from '../sources/driver'

export type OutboxKind = 'public_reply' | 'direct_message'
export type OutboxPlatform = 'x' | 'bluesky' | 'mastodon' | 'demo'

/** An outbox row as a publisher needs it. */
export interface OutboxItem {
  id: string
  caseId: string
  brandId: string
  eventId: string | null
  kind: OutboxKind
  platform: OutboxPlatform
  /** The post being answered (public replies). */
  inReplyToExternalId: string | null
  /** The customer's account on the platform (direct messages). */
  recipient: { platformUserId: string; handle: string } | null
  idempotencyKey: string
  body: string
  createdAt: Date
}

export interface Published {
  postId: string
  url: string | null
}

export type PublishFailure =
  /** 5xx, timeouts, dropped connections: the post may or may not exist; reconcile, then retry later. */
  | { kind: 'retryable' }
  /** Over the platform's limit: wait until `resetAt`, never drop. */
  | { kind: 'rate_limited'; resetAt: Date }
  /** The platform refused the text as a duplicate of an earlier post. */
  | { kind: 'duplicate' }
  /** Refused for good (permissions, deleted target, bad request): show the platform's message. */
  | { kind: 'permanent' }

export class PublishError extends Error {
  constructor(
    readonly failure: PublishFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'PublishError'
  }
}

export interface Publisher {
  /** Sends the item once. Throws PublishError. */
  publish(item: OutboxItem): Promise<Published>
  /** The item's post if it is already on the platform (a send whose answer was lost), else null. */
  findExisting(item: OutboxItem): Promise<Published | null>
}

/** Everything a publisher may use: credentials, the shared rate limiters, a clock, a timeout. */
export type PublishContext = SourceContext

/**
 * Finds the publisher for an item, or null when Earshot cannot send on that platform (yet),
 * in which case the item fails with a message saying so.
 */
export type PublisherLookup = (item: OutboxItem) => Promise<Publisher | null>
