import { createRestAPIClient, MastoDeserializeError, MastoHttpError, type mastodon } from 'masto'
import { z } from 'zod'
import { withRetry } from '../listen/retry'
import { backfillPages, isNewerId, languageHint, requireSecret, secretVariable } from './common'
import { within } from '../within'
import type { SourceConfig, SourceContext, SourceDriver } from './driver'
import { describeIssues, normalizedMention, type NormalizedMention, type RejectedItem } from './mention'
import type { RateLimitState } from './rate-limit'
import { SourceError, type FetchOptions, type FetchResult, type MentionSource } from './source'

export const mastodonSettings = z.object({
  /** The brand account's server, e.g. https://mastodon.social; tests point it at the fake. */
  url: z.url({ protocol: /^https?$/ }),
  /** The environment variable that holds the account's access token. */
  token_env: secretVariable('MASTODON_ACCESS_TOKEN'),
  backfill_pages: backfillPages,
})
export type MastodonSettings = z.infer<typeof mastodonSettings>

export const mastodonDriver: SourceDriver<typeof mastodonSettings> = {
  platform: 'mastodon',
  kinds: ['mentions', 'hashtag'],
  settings: mastodonSettings,
  create: (source, context) => new MastodonSource(source, context),
}

// The most a tag timeline page holds (notifications allow 80); servers may send fewer.
const pageSize = 40
// Reading upwards (below) a poll may stop after any page without leaving a gap; this bounds one
// poll after a long outage, and the next poll carries on from where it stopped.
const maxPagesPerPoll = 50

const count = z.number().int().nonnegative()

// Fields as masto hands them over: it turns Mastodon's snake_case keys into camelCase.
const account = z.object({
  id: z.string().min(1),
  acct: z.string().min(1),
  displayName: z.string().optional(),
  followersCount: count.optional(),
  url: z.string().nullish(),
})

const status = z.object({
  id: z.string().min(1),
  uri: z.string().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  account,
  content: z.string(),
  spoilerText: z.string().optional(),
  language: z.string().nullish(),
  inReplyToId: z.string().nullish(),
  url: z.string().nullish(),
  reblogsCount: count.optional(),
  repliesCount: count.optional(),
  favouritesCount: count.optional(),
  quotesCount: count.optional(),
  visibility: z.string().optional(),
})
type Status = z.infer<typeof status>

// Checked first and loosely, to tell what an item is before judging whether it is well formed.
const statusHead = z.object({ reblog: z.unknown().optional() })
const notificationHead = z.object({ type: z.string() })
const mentionNotification = z.object({ id: z.string().min(1), type: z.literal('mention'), status })

// Only the envelope is checked as a whole; each item on its own, so one bad item cannot hide the rest.
const page = z.array(z.unknown())

type Outcome = { mention: NormalizedMention } | { rejected: RejectedItem } | { skipped: true }

/**
 * Reads through masto's REST client: its `$raw` variants hand back the response headers (for
 * the rate limit) with the parsed body, and its errors keep the status code and the response.
 * Paging is done here by ids rather than by following Link headers, which Mastodon documents
 * as equivalent, so that each step is explicit.
 */
class MastodonSource implements MentionSource {
  readonly platform = 'mastodon'
  private readonly client: mastodon.rest.Client
  /** Mastodon ids are per server: the host makes them unique across servers. */
  private readonly host: string
  private readonly tag: string | null
  private readonly limiterKey: string
  private readonly endpoint: string

  constructor(
    private readonly source: SourceConfig<MastodonSettings>,
    private readonly context: SourceContext,
  ) {
    const { settings } = source
    const token = requireSecret(context.secrets, settings.token_env, 'Mastodon access token')
    this.tag = null
    if (source.kind === 'hashtag') {
      const tag = source.query?.trim().replace(/^#/, '') ?? ''
      if (!/^[\p{L}\p{N}_]+$/u.test(tag)) {
        throw new SourceError({ kind: 'misconfigured' }, `A Mastodon hashtag source needs a hashtag as its query, not "${source.query ?? ''}"`)
      }
      this.tag = tag
    }
    this.host = new URL(settings.url).host
    this.client = createRestAPIClient({ url: settings.url, accessToken: token, timeout: context.requestTimeoutMs })
    // Mastodon counts all of an account's requests against one budget (300 per 5 minutes by
    // default), not per endpoint, so every source using this token shares one limiter.
    this.limiterKey = `mastodon:${this.host}:${settings.token_env}`
    this.endpoint = this.tag === null ? 'notifications' : `timelines/tag/${this.tag}`
  }

  /**
   * With a cursor, pages go upwards with `min_id`: each answer is the oldest items newer than
   * the id given, so nothing between the cursor and the newest item is ever skipped, however
   * many arrived. (`since_id` answers the newest items instead: with more than a page of them,
   * the ones just above the cursor would be left out, a gap.) Without a cursor the newest
   * `backfill_pages` pages are read downwards with `max_id`.
   */
  async fetchNew(cursor: string | null, { signal }: FetchOptions): Promise<FetchResult> {
    const result: FetchResult = { mentions: [], rejected: [], skipped: 0, nextCursor: cursor, rateLimit: null }
    let newest = cursor
    let position: { minId?: string; maxId?: string } = cursor === null ? {} : { minId: cursor }
    const pages = cursor === null ? this.source.settings.backfill_pages : maxPagesPerPoll
    for (let read = 0; read < pages; read++) {
      const { items, rateLimit } = await this.page(position, signal)
      result.rateLimit = rateLimit ?? result.rateLimit
      if (items.length === 0) break
      const ids: string[] = []
      for (const raw of items) {
        const id = idOf(raw)
        if (id !== null) ids.push(id)
        const outcome = this.tag === null ? this.fromNotification(raw) : this.fromStatus(raw, raw)
        if ('mention' in outcome) result.mentions.push(outcome.mention)
        else if ('rejected' in outcome) result.rejected.push(outcome.rejected)
        else result.skipped++
      }
      const top = ids.reduce<string | null>((a, b) => (isNewerId(b, a) ? b : a), null)
      const bottom = ids.reduce<string | null>((a, b) => (a === null || isNewerId(a, b) ? b : a), null)
      if (top === null || bottom === null) {
        throw new SourceError({ kind: 'bad_response' }, `Mastodon ${this.endpoint} sent a page without one readable id`)
      }
      if (isNewerId(top, newest)) newest = top
      if (position.minId !== undefined) {
        if (!isNewerId(top, position.minId)) {
          throw new SourceError({ kind: 'bad_response' }, `Mastodon ${this.endpoint} answered min_id=${position.minId} with nothing newer`)
        }
        position = { minId: top }
      } else {
        position = { maxId: bottom }
      }
    }
    result.nextCursor = newest
    return result
  }

  private fromNotification(raw: unknown): Outcome {
    const head = notificationHead.safeParse(raw)
    if (!head.success) return this.reject(raw, null, describeIssues(head.error))
    // Asked for with types[]=mention; a server that ignores the filter sends everything.
    if (head.data.type !== 'mention') return { skipped: true }
    const notification = mentionNotification.safeParse(raw)
    if (!notification.success) return this.reject(raw, statusIdOf(raw, true), describeIssues(notification.error))
    return this.fromStatus(notification.data.status, raw)
  }

  /** `raw` is the whole item as the endpoint listed it: the notification, or the status itself. */
  private fromStatus(item: unknown, raw: unknown): Outcome {
    const head = statusHead.safeParse(item)
    if (head.success && head.data.reblog != null) return { skipped: true }
    const parsed = status.safeParse(item)
    if (!parsed.success) return this.reject(raw, statusIdOf(item), describeIssues(parsed.error))
    const s: Status = parsed.data
    const candidate = normalizedMention.safeParse({
      platform: 'mastodon',
      externalId: this.scoped(s.id),
      author: {
        platformUserId: this.scoped(s.account.id),
        handle: s.account.acct,
        displayName: s.account.displayName || null,
        followers: s.account.followersCount ?? null,
        verified: false,
        profileUrl: s.account.url ?? null,
      },
      text: statusText(s),
      languageHint: languageHint(s.language),
      postedAt: new Date(s.createdAt),
      // Mastodon does not expose a status's thread id; the reply chain is all there is.
      conversationId: null,
      inReplyToId: s.inReplyToId ? this.scoped(s.inReplyToId) : null,
      url: s.url ?? s.uri,
      engagement: { reposts: s.reblogsCount, replies: s.repliesCount, likes: s.favouritesCount, quotes: s.quotesCount },
      // A direct mention is Mastodon's private message: answered in private, never in public.
      private: s.visibility === 'direct',
      raw,
    })
    if (!candidate.success) return this.reject(raw, s.id, describeIssues(candidate.error))
    return { mention: candidate.data }
  }

  private scoped(id: string): string {
    return `${this.host}:${id}`
  }

  private reject(raw: unknown, statusId: string | null, reason: string): { rejected: RejectedItem } {
    return { rejected: { externalId: statusId === null ? null : this.scoped(statusId), reason, raw } }
  }

  /** One page, through the account's limiter, retried while the failure is transient. */
  private async page(position: { minId?: string; maxId?: string }, signal: AbortSignal) {
    const meta = { requestInit: { signal } }
    const params = { limit: pageSize, ...position }
    const request = (): PromiseLike<{ headers: Headers; data: unknown }> =>
      this.tag === null
        ? this.client.v1.notifications.fetch.$raw({ ...params, types: ['mention'] }, meta)
        : this.client.v1.timelines.tag.$select(encodeURIComponent(this.tag)).list.$raw(params, meta)
    const { body, rateLimit } = await withRetry(() => this.send(request), { clock: this.context.clock, signal })
    const items = page.safeParse(body)
    if (!items.success) {
      throw new SourceError({ kind: 'bad_response' }, `Mastodon ${this.endpoint} answered off contract: ${describeIssues(items.error)}`)
    }
    return { items: items.data, rateLimit }
  }

  private async send(request: () => PromiseLike<{ headers: Headers; data: unknown }>) {
    const { limiters, requestTimeoutMs } = this.context
    try {
      const response = await limiters.schedule(this.limiterKey, () =>
        within(requestTimeoutMs, Promise.resolve(request()), `Mastodon ${this.endpoint}`),
      )
      const rateLimit = readRateLimit(response.headers)
      await limiters.observe(this.limiterKey, rateLimit)
      return { body: response.data, rateLimit }
    } catch (error) {
      throw await this.failure(error)
    }
  }

  private async failure(error: unknown): Promise<SourceError> {
    if (error instanceof SourceError) return error
    if (error instanceof MastoHttpError) {
      const response = error.cause instanceof Response ? error.cause : null
      const rateLimit = response ? readRateLimit(response.headers) : null
      await this.context.limiters.observe(this.limiterKey, rateLimit)
      const detail = `Mastodon ${this.endpoint} answered ${error.statusCode}: ${error.message}`
      if (error.statusCode === 429) {
        const resetAt = rateLimit?.resetAt ? new Date(rateLimit.resetAt) : new Date(this.context.clock.now().getTime() + 5 * 60_000)
        return new SourceError({ kind: 'rate_limited', resetAt, rateLimit }, detail, { cause: error })
      }
      if (error.statusCode === 401 || error.statusCode === 403) {
        return new SourceError({ kind: 'auth' }, `${detail}. Check the token in ${this.source.settings.token_env}.`, { cause: error })
      }
      if (error.statusCode >= 500) return new SourceError({ kind: 'transient' }, detail, { cause: error })
      return new SourceError({ kind: 'bad_response' }, detail, { cause: error })
    }
    if (error instanceof MastoDeserializeError) {
      return new SourceError({ kind: 'bad_response' }, `Mastodon ${this.endpoint} sent a body that does not parse`, { cause: error })
    }
    // Timeouts, dropped connections, and error pages from a proxy in front of the server
    // (masto cannot read a non-JSON error body and fails with a TypeError or MastoUnexpectedError).
    const message = error instanceof Error ? error.message : String(error)
    return new SourceError({ kind: 'transient' }, `Mastodon ${this.endpoint} failed: ${message}`, { cause: error })
  }
}

export function readRateLimit(headers: Headers): RateLimitState | null {
  const limit = whole(headers.get('x-ratelimit-limit'))
  const remaining = whole(headers.get('x-ratelimit-remaining'))
  const reset = headers.get('x-ratelimit-reset')
  // An ISO time, with microseconds ("2026-03-02T09:05:00.123456Z").
  const resetMs = reset === null ? Number.NaN : Date.parse(reset)
  const resetAt = Number.isNaN(resetMs) ? null : new Date(resetMs).toISOString()
  if (limit === null && remaining === null && resetAt === null) return null
  return { limit, remaining, resetAt }
}

function whole(value: string | null): number | null {
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : null
}

/** The item's own id: the notification's for mentions (the cursor pages by it), the status's for a tag. */
function idOf(raw: unknown): string | null {
  const item = z.object({ id: z.string().min(1).max(64) }).safeParse(raw)
  return item.success ? item.data.id : null
}

/** The status id a rejected item is filed under: a notification's status, or the status itself. */
function statusIdOf(raw: unknown, inNotification = false): string | null {
  if (!inNotification) return idOf(raw)
  const item = z.object({ status: z.unknown() }).safeParse(raw)
  return item.success && item.data.status !== undefined ? idOf(item.data.status) : null
}

/** What the author wrote, as plain text; a content warning is part of it. */
function statusText(s: Status): string {
  const body = htmlToText(s.content)
  const warning = s.spoilerText?.trim()
  return warning ? `${warning}\n\n${body}` : body
}

/**
 * Mastodon's sanitized status HTML as plain text: line breaks and paragraphs become newlines,
 * every other tag goes (its text stays, so a link shortened with hidden spans reads whole), and
 * entities are decoded last, so that an escaped "&lt;b&gt;" stays the text "<b>".
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(?:p|blockquote|pre|h[1-6])\s*>/gi, '\n\n')
    .replace(/<\/li\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
  return decodeEntities(text)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (entity, body: string) => {
    if (!body.startsWith('#')) return namedEntities[body] ?? entity
    const code = /^#[xX]/.test(body) ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10)
    // NUL, surrogates and numbers past Unicode are not characters (PostgreSQL refuses NUL).
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
    return valid ? String.fromCodePoint(code) : '\uFFFD'
  })
}
