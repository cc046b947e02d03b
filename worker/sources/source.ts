import type { NormalizedMention, Platform, RejectedItem } from './mention'
import type { RateLimitState } from './rate-limit'

/** What one poll of a source brings back. */
export interface FetchResult {
  mentions: NormalizedMention[]
  rejected: RejectedItem[]
  /** Items left out on purpose, such as reposts; counted so nothing disappears unaccounted. */
  skipped: number
  /** Where the next poll starts; the same cursor when nothing new arrived. */
  nextCursor: string | null
  rateLimit: RateLimitState | null
}

export interface FetchOptions {
  signal: AbortSignal
  now: Date
}

/**
 * A network Earshot listens to. Given the stored cursor it reads everything new (every page)
 * and hands it back normalized; storing and moving the cursor is the poller's job, in one
 * transaction. A new network is one new file implementing this.
 */
export interface MentionSource {
  readonly platform: Platform
  fetchNew(cursor: string | null, options: FetchOptions): Promise<FetchResult>
}

/** How a fetch failed, which decides what the poller does next. */
export type SourceFailure =
  /** Over the platform's limit: rest until `resetAt`, then go on. */
  | { kind: 'rate_limited'; resetAt: Date; rateLimit: RateLimitState | null }
  /** Credentials refused or missing: the source stops until someone fixes it. */
  | { kind: 'auth' }
  /** Settings the platform cannot work with (no query, a bad hashtag): stops like auth, until fixed. */
  | { kind: 'misconfigured' }
  /** 5xx, timeouts, dropped connections: back off and try again. */
  | { kind: 'transient' }
  /** A response that is not what the platform's contract promises: back off, and show it. */
  | { kind: 'bad_response' }

export class SourceError extends Error {
  constructor(
    readonly failure: SourceFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'SourceError'
  }
}
