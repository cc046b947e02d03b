// Sends replies and private mentions on Mastodon, and finds a status whose answer was lost so
// that it is never posted twice. Mastodon helps twice over: it honours an Idempotency-Key for an
// hour (a repeat within it answers with the first status), and the brand's own statuses,
// private mentions included, can be listed to reconcile after that.
import { createRestAPIClient, MastoHttpError, type mastodon } from 'masto'
import { z } from 'zod'
import type { Sql } from '../db/connect'
import { htmlToText, mastodonSettings, readRateLimit, type MastodonSettings } from '../sources/mastodon'
import { SourceError } from '../sources/source'
import { within } from '../within'
import { PublishError, type OutboxItem, type PublishContext, type Published, type Publisher } from './platforms'

/** Reconciliation reads the brand's statuses back to this long before the item was queued. */
const lookBackMs = 15 * 60_000
/** ...but no more than this many pages of them. */
const maxPages = 5
/** The most statuses GET /api/v1/accounts/:id/statuses returns in a page. */
const pageSize = 40

// Fields as masto hands them over (camelCase).
const sentStatus = z.object({ id: z.string().min(1), url: z.string().nullish(), uri: z.string() }).loose()
const ownStatus = z
  .object({
    id: z.string().min(1),
    url: z.string().nullish(),
    createdAt: z.iso.datetime({ offset: true }),
    content: z.string(),
    visibility: z.string(),
    inReplyToId: z.string().nullish(),
    mentions: z.array(z.object({ id: z.string(), acct: z.string() }).loose()).default([]),
  })
  .loose()
type OwnStatus = z.infer<typeof ownStatus>
const statusPage = z.array(z.unknown())
const answeredStatus = z.object({ account: z.object({ acct: z.string().min(1) }).loose() }).loose()
const credentials = z.object({ id: z.string().min(1) }).loose()

// Mastodon's mention syntax: @user or @user@domain, not inside a word or a URL path.
const mentionPattern = /(?<=^|[^/\w])@[a-z0-9_]+(?:@[a-z0-9.-]+[a-z0-9])?/gi

/** The publisher for a brand's Mastodon account, configured from its Mastodon source. */
export async function mastodonPublisherFor(sql: Sql, brandId: string, context: PublishContext): Promise<Publisher | string> {
  const [row] = await sql<{ settings: unknown }[]>`
    select settings from source
     where brand_id = ${brandId} and platform = 'mastodon'
     order by enabled desc, (kind = 'mentions') desc, id
     limit 1`
  if (!row) return 'The brand has no Mastodon source, so Earshot has no Mastodon account to send from.'
  const settings = mastodonSettings.safeParse(row.settings)
  if (!settings.success) return `The brand's Mastodon source settings are invalid: ${settings.error.issues.map((issue) => issue.message).join('; ')}`
  const token = context.secrets[settings.data.token_env]
  if (!token) return `No Mastodon access token to post with: set the environment variable ${settings.data.token_env}.`
  return new MastodonPublisher(settings.data, token, context)
}

type RawResponse = PromiseLike<{ headers: Headers; data: unknown }>

export class MastodonPublisher implements Publisher {
  private readonly client: mastodon.rest.Client
  /** Mastodon ids are per server: mentions are stored as `host:id`, and so are our posts. */
  private readonly host: string
  /** The account's one budget for all requests, shared with its sources (300 per 5 minutes). */
  private readonly accountKey: string
  /**
   * Creating statuses has a budget of its own (300 per 3 hours) and POST /api/v1/statuses reports
   * that one in its headers: kept apart so that it neither stands for nor stalls the reading.
   */
  private readonly postingKey: string
  private accountId: Promise<string> | undefined

  constructor(
    private readonly settings: MastodonSettings,
    token: string,
    private readonly context: PublishContext,
  ) {
    this.host = new URL(settings.url).host
    this.client = createRestAPIClient({ url: settings.url, accessToken: token, timeout: context.requestTimeoutMs })
    this.accountKey = `mastodon:${this.host}:${settings.token_env}`
    this.postingKey = `${this.accountKey}:statuses`
  }

  async publish(item: OutboxItem): Promise<Published> {
    const inReplyToId = this.threadOf(item)
    const status = await this.textFor(item)
    const visibility: mastodon.v1.StatusVisibility = item.kind === 'direct_message' ? 'direct' : 'public'
    const data = await this.request(
      'POST /api/v1/statuses',
      () =>
        this.client.v1.statuses.create.$raw(
          { status, visibility, ...(inReplyToId ? { inReplyToId } : {}) },
          { requestInit: { headers: { 'Idempotency-Key': item.idempotencyKey } } },
        ),
      { posting: true },
    )
    const sent = sentStatus.safeParse(data)
    if (!sent.success) throw new PublishError({ kind: 'retryable' }, 'Mastodon answered POST /api/v1/statuses off contract')
    return { postId: this.scoped(sent.data.id), url: sent.data.url ?? null }
  }

  async findExisting(item: OutboxItem): Promise<Published | null> {
    const accountId = await this.brandAccountId()
    const inReplyToId = this.threadOf(item)
    const recipient = item.kind === 'direct_message' ? await this.recipientAcct(item) : null
    const text = normalize(item.body)
    const since = item.createdAt.getTime() - lookBackMs
    let maxId: string | undefined
    for (let read = 0; read < maxPages; read++) {
      const params = { limit: pageSize, excludeReblogs: true, ...(maxId ? { maxId } : {}) }
      const data = await this.request(`GET /api/v1/accounts/${accountId}/statuses`, () =>
        this.client.v1.accounts.$select(accountId).statuses.list.$raw(params),
      )
      const page = statusPage.safeParse(data)
      if (!page.success) throw new PublishError({ kind: 'retryable' }, 'Mastodon answered the brand’s statuses off contract')
      if (page.data.length === 0) return null
      let older = false
      for (const raw of page.data) {
        const parsed = ownStatus.safeParse(raw)
        if (!parsed.success) continue
        const s = parsed.data
        if (Date.parse(s.createdAt) < since) older = true
        else if (this.isOurs(s, item, inReplyToId, recipient, text)) return { postId: this.scoped(s.id), url: s.url ?? null }
      }
      if (older) return null
      maxId = z.object({ id: z.string() }).safeParse(page.data.at(-1)).data?.id
      if (!maxId) return null
    }
    return null
  }

  private isOurs(s: OwnStatus, item: OutboxItem, inReplyToId: string | null, recipient: string | null, text: string): boolean {
    if ((s.inReplyToId ?? null) !== inReplyToId || normalize(htmlToText(s.content)) !== text) return false
    if (item.kind === 'public_reply') return s.visibility !== 'direct'
    return s.visibility === 'direct' && s.mentions.some((m) => m.acct.toLowerCase() === recipient?.toLowerCase())
  }

  /** The status id (on the brand's server) that the item answers, if any. */
  private threadOf(item: OutboxItem): string | null {
    if (item.kind === 'public_reply' && !item.inReplyToExternalId) {
      throw new PublishError({ kind: 'permanent' }, 'A public reply needs the post it answers.')
    }
    if (!item.inReplyToExternalId) return null
    const scoped = /^(.+):(\d+)$/.exec(item.inReplyToExternalId)
    if (!scoped) throw new PublishError({ kind: 'permanent' }, `"${item.inReplyToExternalId}" is not a Mastodon status id (host:id).`)
    if (scoped[1] !== this.host) {
      // A private mention on another server is still reachable by its account; only the thread is lost.
      if (item.kind === 'direct_message') return null
      throw new PublishError(
        { kind: 'permanent' },
        `The post being answered was read on ${scoped[1]}, but the brand's Mastodon account is on ${this.host}; Earshot can only reply from the account that saw it.`,
      )
    }
    return scoped[2]!
  }

  /** The agent's text, opening with the customer's @acct: Mastodon notifies only the accounts a status mentions. */
  private async textFor(item: OutboxItem): Promise<string> {
    const acct = await this.recipientAcct(item)
    const mentioned = (item.body.match(mentionPattern) ?? []).some((mention) => mention.slice(1).toLowerCase() === acct.toLowerCase())
    return mentioned ? item.body : `@${acct} ${item.body}`
  }

  /** The customer's account as the brand's server names it: `user` if local, `user@domain` if not. */
  private async recipientAcct(item: OutboxItem): Promise<string> {
    if (item.recipient?.handle) {
      const handle = item.recipient.handle.replace(/^@/, '')
      const host = /^(.+):\d+$/.exec(item.recipient.platformUserId)?.[1]
      // A local account's acct has no domain; seen from another server it needs that server's.
      return host && host !== this.host && !handle.includes('@') ? `${handle}@${host}` : handle
    }
    const statusId = this.threadOf(item)
    if (item.kind === 'direct_message' || !statusId) {
      throw new PublishError({ kind: 'permanent' }, 'A private message needs the customer’s Mastodon account, and Earshot does not know it.')
    }
    // Only a reply queued without the customer's account (an automatic acknowledgement) gets here.
    const data = await this.request(`GET /api/v1/statuses/${statusId}`, () => this.client.v1.statuses.$select(statusId).fetch.$raw())
    const answered = answeredStatus.safeParse(data)
    if (!answered.success) throw new PublishError({ kind: 'retryable' }, `Mastodon answered GET /api/v1/statuses/${statusId} off contract`)
    return answered.data.account.acct
  }

  private brandAccountId(): Promise<string> {
    this.accountId ??= this.request('GET /api/v1/accounts/verify_credentials', () => this.client.v1.accounts.verifyCredentials.$raw()).then((data) => {
      const me = credentials.safeParse(data)
      if (!me.success) throw new PublishError({ kind: 'retryable' }, 'Mastodon answered verify_credentials off contract')
      return me.data.id
    })
    // A failure is not kept: the next call asks again.
    this.accountId.catch(() => {
      this.accountId = undefined
    })
    return this.accountId
  }

  private scoped(id: string): string {
    return `${this.host}:${id}`
  }

  /** One request through the account's limiter (and the posting one for a POST), its rate limit observed. */
  private async request(what: string, call: () => RawResponse, { posting = false } = {}): Promise<unknown> {
    const { limiters, requestTimeoutMs } = this.context
    const observed = posting ? this.postingKey : this.accountKey
    try {
      const send = () => limiters.schedule(this.accountKey, () => within(requestTimeoutMs, Promise.resolve(call()), `Mastodon ${what}`))
      const response = posting ? await limiters.schedule(this.postingKey, send) : await send()
      await limiters.observe(observed, readRateLimit(response.headers))
      return response.data
    } catch (error) {
      throw await this.failure(error, what, observed)
    }
  }

  private async failure(error: unknown, what: string, limiterKey: string): Promise<PublishError> {
    if (error instanceof PublishError) return error
    if (error instanceof SourceError && error.failure.kind === 'rate_limited') {
      return new PublishError({ kind: 'rate_limited', resetAt: error.failure.resetAt }, error.message, { cause: error })
    }
    if (error instanceof MastoHttpError) {
      const response = error.cause instanceof Response ? error.cause : null
      const rateLimit = response ? readRateLimit(response.headers) : null
      await this.context.limiters.observe(limiterKey, rateLimit)
      const message = `Mastodon refused: ${error.message} (${what} answered ${error.statusCode})`
      if (error.statusCode === 429) {
        const resetAt = rateLimit?.resetAt ? new Date(rateLimit.resetAt) : new Date(this.context.clock.now().getTime() + 5 * 60_000)
        return new PublishError({ kind: 'rate_limited', resetAt }, message, { cause: error })
      }
      if (error.statusCode >= 500 || error.statusCode === 408) return new PublishError({ kind: 'retryable' }, message, { cause: error })
      if (error.statusCode === 401 || error.statusCode === 403) {
        return new PublishError(
          { kind: 'permanent' },
          `${message}. Check the access token in ${this.settings.token_env}: it must be the brand account's and allow posting (write:statuses).`,
          { cause: error },
        )
      }
      // 404 (the status answered is gone), 422 (too long, blank): no retry changes the answer.
      // Mastodon has no duplicate-text refusal; a repeat with our Idempotency-Key gets the first status.
      return new PublishError({ kind: 'permanent' }, message, { cause: error })
    }
    // Timeouts, dropped connections, and a proxy's error pages that masto cannot read: the
    // status may or may not exist, which the next attempt finds out before sending.
    const message = error instanceof Error ? error.message : String(error)
    return new PublishError({ kind: 'retryable' }, `Mastodon ${what} failed: ${message}`, { cause: error })
  }
}

/**
 * What a status says, for comparing ours with what the server kept: the server renders mentions
 * as links showing only the username (and we may have added one), so they are left out, and
 * whitespace is evened out as the HTML loses it.
 */
function normalize(text: string): string {
  return text.replace(mentionPattern, '').replace(/\s+/g, ' ').trim()
}
