import http from 'node:http'
import { ApiPartialResponseError, ApiRequestError, ApiResponseError, TwitterApi, type TwitterRateLimit } from 'twitter-api-v2'
import { z } from 'zod'
import { withRetry } from '../listen/retry'
import type { SourceConfig, SourceContext, SourceDriver } from './driver'
import { describeIssues, normalizedMention, type NormalizedMention, type RejectedItem } from './mention'
import type { RateLimitState } from './rate-limit'
import { SourceError, type FetchOptions, type FetchResult, type MentionSource } from './source'
import { backfillPages, isNewerId, languageHint, requireSecret, secretVariable } from './common'
import { within } from '../within'

export const xSettings = z.object({
  /** Tests point this at the fake X server. */
  api_base_url: z.url().default('https://api.x.com'),
  /** The environment variable that holds the app's bearer token. */
  token_env: secretVariable('X_BEARER_TOKEN'),
  /** The brand account's numeric id; the mentions timeline needs it. */
  user_id: z.string().regex(/^\d+$/, 'must be a numeric X user id').optional(),
  backfill_pages: backfillPages,
  /** Quote-posts that add no words of their own flood an inbox; the design skips them unless asked. */
  include_bare_quotes: z.boolean().default(false),
})
export type XSettings = z.infer<typeof xSettings>

const tweetFields = 'created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,lang,public_metrics,entities'
const userFields = 'username,name,public_metrics,verified'
const pageSize = 100

const xUser = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  name: z.string().optional(),
  verified: z.boolean().optional(),
  public_metrics: z.object({ followers_count: z.number().int().nonnegative() }).partial().optional(),
})
type XUser = z.infer<typeof xUser>

const xTweet = z.object({
  id: z.string().regex(/^\d+$/, 'is not a numeric id'),
  text: z.string(),
  author_id: z.string().min(1),
  created_at: z.iso.datetime({ offset: true }),
  conversation_id: z.string().optional(),
  in_reply_to_user_id: z.string().optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
  lang: z.string().optional(),
  public_metrics: z
    .object({
      retweet_count: z.number().int().nonnegative(),
      reply_count: z.number().int().nonnegative(),
      like_count: z.number().int().nonnegative(),
      quote_count: z.number().int().nonnegative(),
    })
    .partial()
    .optional(),
  entities: z.object({ urls: z.array(z.object({ url: z.string() })).optional() }).loose().optional(),
})
type XTweet = z.infer<typeof xTweet>

const xDmEvent = z.object({
  id: z.string().regex(/^\d+$/, 'is not a numeric id'),
  event_type: z.string(),
  text: z.string(),
  sender_id: z.string().min(1),
  created_at: z.iso.datetime({ offset: true }),
  dm_conversation_id: z.string().optional(),
})

// Only the envelope is checked strictly; each item in `data` is checked on its own so one bad
// item cannot hide the good ones next to it.
const xPage = z.object({
  data: z.array(z.unknown()).optional(),
  includes: z.object({ users: z.array(z.unknown()).optional() }).loose().optional(),
  meta: z
    .object({
      result_count: z.number().optional(),
      newest_id: z.string().optional(),
      next_token: z.string().optional(),
    })
    .loose(),
})

export const xDriver: SourceDriver<typeof xSettings> = {
  platform: 'x',
  kinds: ['mentions', 'search', 'direct_messages'],
  settings: xSettings,
  problems(kind, settings) {
    if (settings.user_id) return []
    if (kind === 'mentions') return ['settings.user_id: the mentions timeline needs the brand account id']
    if (kind === 'direct_messages') return ['settings.user_id: direct messages need the brand account id, to tell its own messages apart']
    return []
  },
  create: (source, context) => new XSource(source, context),
}

class XSource implements MentionSource {
  readonly platform = 'x'
  private readonly client: TwitterApi
  private readonly prefix: string

  constructor(
    private readonly source: SourceConfig<XSettings>,
    private readonly context: SourceContext,
  ) {
    const token = requireSecret(context.secrets, source.settings.token_env, 'X bearer token')
    const base = source.settings.api_base_url.replace(/\/+$/, '')
    // twitter-api-v2 sends through https.request; a plain-http base (the fake in tests) needs an http agent.
    this.client = new TwitterApi(token, base.startsWith('http:') ? { httpAgent: new http.Agent({ keepAlive: true }) } : {})
    this.prefix = `${base}/2/`
  }

  async fetchNew(cursor: string | null, options: FetchOptions): Promise<FetchResult> {
    if (this.source.kind === 'direct_messages') return this.fetchDirectMessages(cursor, options)
    const { kind, query, settings } = this.source
    const endpoint = kind === 'mentions' ? `users/${settings.user_id}/mentions` : 'tweets/search/recent'
    // The mention timeline pages with pagination_token, recent search with next_token.
    const pageParam = kind === 'mentions' ? 'pagination_token' : 'next_token'
    const limiterKey = kind === 'mentions' ? `x:user:${settings.user_id}:mentions` : `x:app:${settings.token_env}:search`
    const base: Record<string, string | number> = {
      max_results: pageSize,
      'tweet.fields': tweetFields,
      expansions: 'author_id',
      'user.fields': userFields,
    }
    if (kind === 'search') base.query = query ?? ''
    if (cursor) base.since_id = cursor

    const result: FetchResult = { mentions: [], rejected: [], skipped: 0, nextCursor: cursor, rateLimit: null }
    let newest = cursor
    let pageToken: string | undefined
    let pages = 0
    // With a cursor every page back to it must be read before the cursor may move; the first
    // poll has no such bound, so it takes a set number of pages of recent history.
    do {
      const params = pageToken ? { ...base, [pageParam]: pageToken } : base
      const page = await withRetry(() => this.get(endpoint, params, limiterKey), {
        clock: this.context.clock,
        signal: options.signal,
      })
      result.rateLimit = page.rateLimit ?? result.rateLimit
      const users = includedUsers(page.body.includes?.users)
      for (const raw of page.body.data ?? []) {
        const item = this.normalize(raw, users)
        if (item.mention) result.mentions.push(item.mention)
        else if (item.rejected) result.rejected.push(item.rejected)
        else result.skipped++
        if (item.id && isNewerId(item.id, newest)) newest = item.id
      }
      if (page.body.meta.newest_id && isNewerId(page.body.meta.newest_id, newest)) newest = page.body.meta.newest_id
      pageToken = page.body.meta.next_token
      pages++
    } while (pageToken && (cursor !== null || pages < settings.backfill_pages))
    result.nextCursor = newest
    return result
  }

  /**
   * GET /2/dm_events has no since_id: it pages newest first, so pages are read until one reaches
   * the cursor (the newest event id already stored). Event ids are snowflakes like tweet ids.
   */
  private async fetchDirectMessages(cursor: string | null, options: FetchOptions): Promise<FetchResult> {
    const { settings } = this.source
    const limiterKey = `x:user:${settings.user_id}:dm_events`
    const base: Record<string, string | number> = {
      max_results: pageSize,
      event_types: 'MessageCreate',
      'dm_event.fields': 'created_at,sender_id,dm_conversation_id',
      expansions: 'sender_id',
      'user.fields': userFields,
    }
    const result: FetchResult = { mentions: [], rejected: [], skipped: 0, nextCursor: cursor, rateLimit: null }
    let newest = cursor
    let pageToken: string | undefined
    let pages = 0
    let reachedCursor = false
    do {
      const params = pageToken ? { ...base, pagination_token: pageToken } : base
      const page = await withRetry(() => this.get('dm_events', params, limiterKey), { clock: this.context.clock, signal: options.signal })
      result.rateLimit = page.rateLimit ?? result.rateLimit
      const users = includedUsers(page.body.includes?.users)
      for (const raw of page.body.data ?? []) {
        const id = idOf(raw)
        if (id !== null && cursor !== null && !isNewerId(id, cursor)) {
          reachedCursor = true
          continue
        }
        const item = this.directMessage(raw, users)
        if (item.mention) result.mentions.push(item.mention)
        else if (item.rejected) result.rejected.push(item.rejected)
        else result.skipped++
        if (id !== null && isNewerId(id, newest)) newest = id
      }
      pageToken = page.body.meta.next_token
      pages++
    } while (pageToken && !reachedCursor && (cursor !== null || pages < settings.backfill_pages))
    result.nextCursor = newest
    return result
  }

  private directMessage(raw: unknown, users: Map<string, XUser>): { mention?: NormalizedMention; rejected?: RejectedItem } {
    const event = xDmEvent.safeParse(raw)
    const rawId = idOf(raw)
    if (!event.success) return { rejected: { externalId: rawId && `dm:${rawId}`, reason: describeIssues(event.error), raw } }
    const e = event.data
    // The brand's own messages (its replies) are in the same list; they are not the customer's.
    if (e.event_type !== 'MessageCreate' || e.sender_id === this.source.settings.user_id) return {}
    const externalId = `dm:${e.id}`
    const author = users.get(e.sender_id)
    if (!author) return { rejected: { externalId, reason: `sender ${e.sender_id} is missing from includes.users`, raw } }
    const candidate = normalizedMention.safeParse({
      platform: 'x',
      externalId,
      author: authorOf(author),
      text: e.text,
      languageHint: null,
      postedAt: new Date(e.created_at),
      conversationId: e.dm_conversation_id ? `dm:${e.dm_conversation_id}` : null,
      inReplyToId: null,
      url: null,
      engagement: {},
      private: true,
      raw: { dm_event: raw, author },
    })
    if (!candidate.success) return { rejected: { externalId, reason: describeIssues(candidate.error), raw } }
    return { mention: candidate.data }
  }

  private async get(endpoint: string, params: Record<string, string | number>, limiterKey: string) {
    const { limiters, requestTimeoutMs } = this.context
    try {
      const response = await limiters.schedule(limiterKey, () =>
        within(
          requestTimeoutMs,
          this.client.v2.get(endpoint, params, { fullResponse: true, prefix: this.prefix, timeout: requestTimeoutMs }),
          `X ${endpoint}`,
        ),
      )
      const rateLimit = toRateLimit(response.rateLimit)
      await limiters.observe(limiterKey, rateLimit)
      const body = xPage.safeParse(response.data)
      if (!body.success) {
        throw new SourceError({ kind: 'bad_response' }, `X ${endpoint} answered off contract: ${describeIssues(body.error)}`)
      }
      return { body: body.data, rateLimit }
    } catch (error) {
      throw await this.failure(error, endpoint, limiterKey)
    }
  }

  private async failure(error: unknown, endpoint: string, limiterKey: string): Promise<unknown> {
    if (error instanceof SourceError) return error
    if (error instanceof ApiResponseError) {
      const rateLimit = toRateLimit(error.rateLimit)
      await this.context.limiters.observe(limiterKey, rateLimit)
      const detail = `X ${endpoint} answered ${error.code}: ${errorDetail(error)}`
      if (error.code === 429) {
        const resetAt = rateLimit?.resetAt ? new Date(rateLimit.resetAt) : new Date(this.context.clock.now().getTime() + 15 * 60_000)
        return new SourceError({ kind: 'rate_limited', resetAt, rateLimit }, detail, { cause: error })
      }
      if (error.code === 401 || error.code === 403) {
        return new SourceError({ kind: 'auth' }, `${detail}. Check the token in ${this.source.settings.token_env}.`, { cause: error })
      }
      if (error.code >= 500) return new SourceError({ kind: 'transient' }, detail, { cause: error })
      return new SourceError({ kind: 'bad_response' }, detail, { cause: error })
    }
    if (error instanceof ApiRequestError || error instanceof ApiPartialResponseError) {
      return new SourceError({ kind: 'transient' }, `X ${endpoint} failed: ${error.message}`, { cause: error })
    }
    const message = error instanceof Error ? error.message : String(error)
    return new SourceError({ kind: 'transient' }, `X ${endpoint} failed: ${message}`, { cause: error })
  }

  private normalize(
    raw: unknown,
    users: Map<string, XUser>,
  ): { id: string | null; mention?: NormalizedMention; rejected?: RejectedItem } {
    const rawId = idOf(raw)
    const tweet = xTweet.safeParse(raw)
    if (!tweet.success) return { id: rawId, rejected: { externalId: rawId, reason: describeIssues(tweet.error), raw } }
    const t = tweet.data
    if (t.referenced_tweets?.some((reference) => reference.type === 'retweeted')) return { id: t.id }
    if (!this.source.settings.include_bare_quotes && isBareQuote(t)) return { id: t.id }
    const author = users.get(t.author_id)
    if (!author) {
      return { id: t.id, rejected: { externalId: t.id, reason: `author ${t.author_id} is missing from includes.users`, raw } }
    }
    const candidate = normalizedMention.safeParse({
      platform: 'x',
      externalId: t.id,
      author: authorOf(author),
      text: t.text,
      languageHint: languageHint(t.lang),
      postedAt: new Date(t.created_at),
      conversationId: t.conversation_id ?? null,
      inReplyToId: t.referenced_tweets?.find((reference) => reference.type === 'replied_to')?.id ?? null,
      url: `https://x.com/${author.username}/status/${t.id}`,
      engagement: {
        reposts: t.public_metrics?.retweet_count,
        replies: t.public_metrics?.reply_count,
        likes: t.public_metrics?.like_count,
        quotes: t.public_metrics?.quote_count,
      },
      raw: { tweet: raw, author },
    })
    if (!candidate.success) return { id: t.id, rejected: { externalId: t.id, reason: describeIssues(candidate.error), raw } }
    return { id: t.id, mention: candidate.data }
  }
}

/** The page's `includes.users` by id; a malformed one is left out (its posts are then rejected, with the reason). */
function includedUsers(raw: unknown[] | undefined): Map<string, XUser> {
  const users = new Map<string, XUser>()
  for (const item of raw ?? []) {
    const user = xUser.safeParse(item)
    if (user.success) users.set(user.data.id, user.data)
  }
  return users
}

function authorOf(user: XUser) {
  return {
    platformUserId: user.id,
    handle: user.username,
    displayName: user.name ?? null,
    followers: user.public_metrics?.followers_count ?? null,
    verified: user.verified ?? false,
    profileUrl: `https://x.com/${user.username}`,
  }
}

/** A quote-post whose text is nothing but links (the quoted post's URL among them). */
function isBareQuote(tweet: XTweet): boolean {
  if (!tweet.referenced_tweets?.some((reference) => reference.type === 'quoted')) return false
  let own = tweet.text
  for (const { url } of tweet.entities?.urls ?? []) own = own.replaceAll(url, '')
  return own.replace(/https?:\/\/\S+/g, '').trim().length === 0
}

function idOf(raw: unknown): string | null {
  if (raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' && raw.id.length > 0 && raw.id.length <= 256) {
    return raw.id
  }
  return null
}

/** X's rate-limit headers as Earshot keeps them; shared with the outbox's X publisher. */
export function toRateLimit(limit: TwitterRateLimit | undefined): RateLimitState | null {
  if (!limit || !Number.isFinite(limit.reset)) return null
  return {
    limit: Number.isFinite(limit.limit) ? limit.limit : null,
    remaining: Number.isFinite(limit.remaining) ? limit.remaining : null,
    resetAt: new Date(limit.reset * 1000).toISOString(),
  }
}

/** The most telling message in an X error answer. */
export function errorDetail(error: ApiResponseError): string {
  const data: unknown = error.data
  if (data && typeof data === 'object') {
    if ('detail' in data && typeof data.detail === 'string') return data.detail
    if ('errors' in data && Array.isArray(data.errors)) {
      const first: unknown = data.errors[0]
      if (first && typeof first === 'object' && 'message' in first && typeof first.message === 'string') return first.message
    }
    if ('title' in data && typeof data.title === 'string') return data.title
  }
  return error.message
}
