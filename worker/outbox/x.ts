// Sends replies and direct messages on X, and finds a post whose answer was lost (a crash or a
// dropped connection after X accepted it) so that it is never posted twice.
import http from 'node:http'
import { ApiPartialResponseError, ApiRequestError, ApiResponseError, TwitterApi } from 'twitter-api-v2'
import { z } from 'zod'
import type { Sql } from '../db/connect'
import { secretVariable } from '../sources/common'
import { SourceError } from '../sources/source'
import { errorDetail, toRateLimit, xSettings } from '../sources/x'
import { within } from '../within'
import { PublishError, type OutboxItem, type PublishContext, type Published, type Publisher } from './platforms'

/**
 * The brand's X source settings, plus an optional separate token for posting: X lets an app-only
 * bearer token read but not post, so a deployment usually sets a user-context token here.
 */
export const xPublishSettings = xSettings.extend({
  post_token_env: secretVariable('X_BEARER_TOKEN').optional(),
})
export type XPublishSettings = z.infer<typeof xPublishSettings>

/** Reconciliation reads the brand's latest posts this many to a page, and at most this many pages. */
const lookBack = 100
const maxReconcilePages = 10

const createdTweet = z.object({ data: z.object({ id: z.string().min(1), text: z.string().optional() }) })
const createdDm = z.object({ data: z.object({ dm_event_id: z.string().min(1), dm_conversation_id: z.string().optional() }) })
const timeline = z.object({
  meta: z.object({ next_token: z.string().optional() }).loose().optional(),
  data: z
    .array(
      z.object({
        id: z.string(),
        text: z.string(),
        referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
      }).loose(),
    )
    .optional(),
}).loose()
const dmList = z.object({
  data: z
    .array(z.object({ id: z.string(), text: z.string().optional(), sender_id: z.string().optional(), dm_conversation_id: z.string().optional() }).loose())
    .optional(),
}).loose()
const me = z.object({ data: z.object({ id: z.string() }) })

/** The publisher for a brand's X account, configured from its X source; null when it has none. */
export async function xPublisherFor(sql: Sql, brandId: string, context: PublishContext): Promise<Publisher | string> {
  const [row] = await sql<{ settings: unknown }[]>`
    select settings from source
     where brand_id = ${brandId} and platform = 'x'
     order by enabled desc, (kind = 'mentions') desc, id
     limit 1`
  if (!row) return 'The brand has no X source, so Earshot has no X account to send from.'
  const settings = xPublishSettings.safeParse(row.settings)
  if (!settings.success) return `The brand's X source settings are invalid: ${settings.error.issues.map((issue) => issue.message).join('; ')}`
  const variable = settings.data.post_token_env ?? settings.data.token_env
  const token = context.secrets[variable]
  if (!token) return `No X token to post with: set the environment variable ${variable}.`
  return new XPublisher(settings.data, token, context)
}

export class XPublisher implements Publisher {
  private readonly client: TwitterApi
  private readonly prefix: string
  private userId: string | undefined

  constructor(
    settings: XPublishSettings,
    token: string,
    private readonly context: PublishContext,
  ) {
    const base = settings.api_base_url.replace(/\/+$/, '')
    // As in the X source: a plain-http base (the fake in tests) needs an http agent.
    this.client = new TwitterApi(token, base.startsWith('http:') ? { httpAgent: new http.Agent({ keepAlive: true }) } : {})
    this.prefix = `${base}/2/`
    this.userId = settings.user_id
  }

  async publish(item: OutboxItem): Promise<Published> {
    const userId = await this.brandId()
    if (item.kind === 'public_reply') {
      if (!item.inReplyToExternalId) throw new PublishError({ kind: 'permanent' }, 'A public reply needs the post it answers.')
      const data = await this.request('post', 'tweets', { text: item.body, reply: { in_reply_to_tweet_id: item.inReplyToExternalId } }, `x:user:${userId}:post`)
      const body = createdTweet.safeParse(data)
      if (!body.success) throw new PublishError({ kind: 'retryable' }, 'X answered POST /2/tweets off contract')
      return { postId: body.data.data.id, url: tweetUrl(body.data.data.id) }
    }
    if (!item.recipient) throw new PublishError({ kind: 'permanent' }, 'A direct message needs the customer’s X account.')
    const path = `dm_conversations/with/${encodeURIComponent(item.recipient.platformUserId)}/messages`
    const data = await this.request('post', path, { text: item.body }, `x:user:${userId}:dm`)
    const body = createdDm.safeParse(data)
    if (!body.success) throw new PublishError({ kind: 'retryable' }, `X answered POST /2/${path} off contract`)
    return { postId: body.data.data.dm_event_id, url: null }
  }

  async findExisting(item: OutboxItem): Promise<Published | null> {
    const userId = await this.brandId()
    const text = normalize(item.body)
    if (item.kind === 'public_reply') {
      // Everything the brand posted since shortly before the item was queued, page by page: a busy
      // brand may post more than one page between a lost answer and this look.
      let pageToken: string | undefined
      for (let pages = 0; pages < maxReconcilePages; pages++) {
        const data = await this.request(
          'get',
          `users/${userId}/tweets`,
          {
            max_results: lookBack,
            'tweet.fields': 'referenced_tweets,created_at',
            start_time: new Date(item.createdAt.getTime() - 15 * 60_000).toISOString(),
            ...(pageToken ? { pagination_token: pageToken } : {}),
          },
          `x:user:${userId}:tweets`,
        )
        const page = timeline.safeParse(data)
        if (!page.success) throw new PublishError({ kind: 'retryable' }, 'X answered the brand timeline off contract')
        const found = (page.data.data ?? []).find(
          (tweet) =>
            tweet.referenced_tweets?.some((reference) => reference.type === 'replied_to' && reference.id === item.inReplyToExternalId) &&
            normalize(tweet.text) === text,
        )
        if (found) return { postId: found.id, url: tweetUrl(found.id) }
        pageToken = page.data.meta?.next_token
        if (!pageToken) return null
      }
      // Not found within what may be read: sending again could post twice, so wait and look again later.
      throw new PublishError({ kind: 'retryable' }, `The brand posted more than ${maxReconcilePages * lookBack} times since this reply was queued; Earshot looks again before sending`)
    }
    if (!item.recipient) return null
    const data = await this.request('get', 'dm_events', { max_results: lookBack, 'dm_event.fields': 'sender_id,dm_conversation_id,created_at' }, `x:user:${userId}:dm_events`)
    const page = dmList.safeParse(data)
    if (!page.success) throw new PublishError({ kind: 'retryable' }, 'X answered the DM list off contract')
    const recipient = item.recipient.platformUserId
    const found = (page.data.data ?? []).find(
      (event) => event.sender_id === userId && (event.dm_conversation_id?.split('-') ?? []).includes(recipient) && normalize(event.text ?? '') === text,
    )
    return found ? { postId: found.id, url: null } : null
  }

  private async brandId(): Promise<string> {
    if (!this.userId) {
      const body = me.safeParse(await this.request('get', 'users/me', {}, 'x:app:me'))
      if (!body.success) throw new PublishError({ kind: 'retryable' }, 'X answered GET /2/users/me off contract')
      this.userId = body.data.data.id
    }
    return this.userId
  }

  private async request(method: 'get' | 'post', endpoint: string, params: Record<string, unknown>, limiterKey: string): Promise<unknown> {
    const { limiters, requestTimeoutMs } = this.context
    const what = `X ${method.toUpperCase()} /2/${endpoint}`
    try {
      const response = await limiters.schedule(limiterKey, () =>
        within(
          requestTimeoutMs,
          method === 'get'
            ? this.client.v2.get(endpoint, params as Record<string, string | number>, { fullResponse: true, prefix: this.prefix, timeout: requestTimeoutMs })
            : this.client.v2.post(endpoint, params, { fullResponse: true, prefix: this.prefix, timeout: requestTimeoutMs }),
          what,
        ),
      )
      await limiters.observe(limiterKey, toRateLimit(response.rateLimit))
      return response.data
    } catch (error) {
      throw await this.failure(error, what, limiterKey)
    }
  }

  private async failure(error: unknown, what: string, limiterKey: string): Promise<PublishError> {
    if (error instanceof PublishError) return error
    if (error instanceof SourceError && error.failure.kind === 'rate_limited') {
      return new PublishError({ kind: 'rate_limited', resetAt: error.failure.resetAt }, error.message, { cause: error })
    }
    if (error instanceof ApiResponseError) {
      const rateLimit = toRateLimit(error.rateLimit)
      await this.context.limiters.observe(limiterKey, rateLimit)
      const message = `X refused: ${errorDetail(error)} (${what} answered ${error.code})`
      if (error.code === 429) {
        const resetAt = rateLimit?.resetAt ? new Date(rateLimit.resetAt) : new Date(this.context.clock.now().getTime() + 15 * 60_000)
        return new PublishError({ kind: 'rate_limited', resetAt }, message, { cause: error })
      }
      if (error.code >= 500) return new PublishError({ kind: 'retryable' }, message, { cause: error })
      if (error.code === 403 && /duplicate content/i.test(errorDetail(error))) return new PublishError({ kind: 'duplicate' }, message, { cause: error })
      return new PublishError({ kind: 'permanent' }, message, { cause: error })
    }
    if (error instanceof ApiRequestError || error instanceof ApiPartialResponseError) {
      return new PublishError({ kind: 'retryable' }, `${what} failed: ${error.message}`, { cause: error })
    }
    const message = error instanceof Error ? error.message : String(error)
    return new PublishError({ kind: 'retryable' }, `${what} failed: ${message}`, { cause: error })
  }
}

/** X may trim or re-space a text; links are rewritten to t.co, so they are compared without them. */
function normalize(text: string): string {
  return text.replace(/https?:\/\/\S+/g, '').replace(/\s+/g, ' ').trim()
}

function tweetUrl(id: string): string {
  return `https://x.com/i/web/status/${id}`
}

