// A local fake of the X API v2, shaped after the published OpenAPI document
// (/work/shared/contracts/x-api-v2.openapi.json) so that tests and benchmarks can
// drive a real twitter-api-v2 client against it. x.test.ts validates every
// answer against that document, so the fake cannot drift from the contract.
import type http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { listen, queryRecord, readBody, type RunningServer, sendJson } from './http'

export interface FakePublicMetrics {
  retweetCount?: number
  replyCount?: number
  likeCount?: number
  quoteCount?: number
  impressionCount?: number
  bookmarkCount?: number
}

export interface FakeTweetInput {
  id?: string
  text: string
  authorId: string
  createdAt?: Date
  conversationId?: string
  inReplyToUserId?: string
  referencedTweets?: { type: 'retweeted' | 'quoted' | 'replied_to'; id: string }[]
  lang?: string
  /** Default true: the tweet appears in the brand's mentions timeline. */
  mentionsBrand?: boolean
  publicMetrics?: FakePublicMetrics
}

export interface FakeUser {
  id: string
  username: string
  name: string
  followers?: number
  verified?: boolean
}

/** Rate limits are counted separately for each of these. */
export type FakeXEndpoint = 'mentions' | 'search' | 'me' | 'user_tweets' | 'create_tweet' | 'dm_create' | 'dm_events'

export type FakeXFailure = 500 | 502 | 503 | 'timeout' | 'reset'

/**
 * How the next POST /2/tweets (or DM) fails: an HTTP error, X's duplicate-content refusal, a
 * refusal to post at all (403), a connection reset before anything is stored, or 'accept_then_reset':
 * the post is stored and the client sees a dropped connection (a send whose answer was lost).
 */
export type FakeXPostFailure = 500 | 502 | 503 | 'forbidden' | 'duplicate' | 'reset' | 'accept_then_reset'

/** Every post and DM the brand made through the API, in order, so tests can count them. */
export interface FakeXPost {
  kind: 'tweet' | 'dm'
  id: string
  text: string
  inReplyToId?: string
  recipientId?: string
}

export interface FakeXRequest {
  method: string
  path: string
  query: Record<string, string>
  /** 0 while unanswered, and for requests failed with 'timeout' or 'reset'. */
  status: number
}

export interface FakeXOptions {
  bearerToken?: string
  /** Milliseconds; a fake clock for rate-limit windows, default created_at and ids. */
  now?: () => number
  /** max_results when the request gives none (X's default is 10). */
  pageSizeDefault?: number
  /**
   * Serve HTTPS with this PEM key and certificate instead of plain HTTP, for clients that cannot
   * be given an HTTP agent (twitter-api-v2 inside workerd uses its default https agent).
   */
  tls?: { key: string; cert: string }
}

export interface FakeX {
  url: string
  bearerToken: string
  brand: FakeUser
  addUser(user: FakeUser): void
  post(tweet: FakeTweetInput): string
  postMalformed(item: unknown): string
  /** A direct message from `senderId` to the brand; returns the event id. */
  receiveDm(senderId: string, text: string): string
  served(): Set<string>
  requests: FakeXRequest[]
  fail(times: number, how: FakeXFailure): void
  /** Fails the next `times` posts (tweets and DMs); reads are not affected. */
  failPosts(times: number, how: FakeXPostFailure): void
  /** What the brand posted through the API; failed posts are not in it. */
  posts: FakeXPost[]
  /** When each of `posts` was stored, by the fake's clock, at the same index: benchmarks time deliveries by it. */
  postedAt: number[]
  setRateLimit(limit: number, windowSeconds?: number): void
  exhaust(endpoint?: FakeXEndpoint): void
  close(): Promise<void>
}

// --- Values the contract allows (union of the 2.159 and the later 2.167 spellings) ---

const TWEET_FIELDS = new Set([
  'article', 'article_title', 'attachments', 'author_id', 'card_uri', 'community_id', 'context_annotations',
  'conversation_id', 'created_at', 'display_text_range', 'edit_controls', 'edit_history_tweet_ids', 'entities',
  'geo', 'id', 'in_reply_to_user_id', 'lang', 'matched_media_notes', 'media_metadata', 'non_public_metrics',
  'note_post', 'note_request_suggestions', 'note_tweet', 'organic_metrics', 'paid_partnership',
  'possibly_sensitive', 'promoted_metrics', 'public_metrics', 'referenced_tweets', 'reply_settings', 'scopes',
  'source', 'suggested_source_links', 'suggested_source_links_with_counts', 'text', 'withheld',
])
const USER_FIELDS = new Set([
  'affiliation', 'confirmed_email', 'connection_status', 'created_at', 'description', 'entities', 'id',
  'is_identity_verified', 'location', 'most_recent_tweet_id', 'name', 'parody', 'pinned_tweet_id',
  'profile_banner_url', 'profile_image_url', 'protected', 'public_metrics', 'receives_your_dm',
  'subscribes_to_you', 'subscription', 'subscription_type', 'url', 'username', 'verified',
  'verified_followers_count', 'verified_type', 'withheld',
])
const TWEET_EXPANSIONS = new Set([
  'article.cover_media', 'article.media_entities', 'attachments.media_keys', 'attachments.media_source_tweet',
  'attachments.poll_ids', 'author_id', 'edit_history_tweet_ids', 'edit_history_post_ids',
  'entities.mentions.username', 'geo.place_id', 'in_reply_to_user_id', 'entities.note.mentions.username',
  'referenced_tweets.id', 'referenced_tweets.id.attachments.media_keys', 'referenced_tweets.id.author_id',
  'referenced_posts', 'username',
])
const USER_EXPANSIONS = new Set([
  'affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id', 'affiliation', 'most_recent_post_id',
  'pinned_post_id',
])
const DM_EVENT_FIELDS = new Set([
  'attachments', 'created_at', 'dm_conversation_id', 'entities', 'event_type', 'id', 'participant_ids',
  'referenced_tweets', 'sender_id', 'text',
])
const DM_EXPANSIONS = new Set(['attachments.media_keys', 'participant_ids', 'referenced_tweets.id', 'referenced_posts', 'sender_id'])
const DM_EVENT_TYPES = new Set(['MessageCreate', 'ParticipantsJoin', 'ParticipantsLeave'])
// TweetCreateRequest has additionalProperties: false.
const TWEET_CREATE_KEYS = new Set([
  'card_uri', 'community_id', 'direct_message_deep_link', 'edit_options', 'for_super_followers_only', 'geo',
  'media', 'nullcast', 'poll', 'quote_tweet_id', 'reply', 'reply_settings', 'share_with_followers', 'text',
])
const TWEET_PARAMS = ['tweet.fields', 'post.fields', 'expansions', 'media.fields', 'poll.fields', 'user.fields', 'place.fields']

const ID_PATTERN = /^[0-9]{1,19}$/
const TWITTER_EPOCH_MS = 1288834974657
const QUERY_MAX_LENGTH = 512

// --- Problem bodies ---

type Json = Record<string, unknown>
interface ParamError { parameters: Record<string, string[]>; message: string }

function generic(status: number, title: string, detail = title): Json {
  return { title, type: 'about:blank', status, detail }
}

function invalidRequest(errors: ParamError[]): Json {
  return {
    errors,
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  }
}

const FAILURE_TITLES: Record<500 | 502 | 503, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

// --- Stored data ---

interface StoredTweet {
  id: string
  text: string
  authorId: string
  createdAt: number
  conversationId: string
  inReplyToUserId?: string
  referencedTweets: { type: 'retweeted' | 'quoted' | 'replied_to'; id: string }[]
  lang: string
  metrics: Required<FakePublicMetrics>
}

type Entry =
  | { id: bigint; createdAt: number; mentionsBrand: boolean; tweet: StoredTweet }
  | { id: bigint; createdAt: number; mentionsBrand: boolean; raw: unknown }

interface DmEvent {
  id: bigint
  text: string
  senderId: string
  conversationId: string
  createdAt: number
}

// Pagination tokens carry a position (ids strictly below it), never an offset,
// so pages stay stable while new tweets arrive. Padded to 16 characters because
// the DM endpoint's PaginationToken32 has minLength 16.
function encodeToken(before: bigint): string {
  return before.toString(36).padStart(16, '0')
}

function decodeToken(token: string): bigint | undefined {
  if (!/^[0-9a-z]{1,32}$/.test(token)) return undefined
  let value = 0n
  for (const char of token) value = value * 36n + BigInt(parseInt(char, 36))
  return value
}

/** Reads and validates query parameters, collecting errors the way X reports them: all at once. */
class Params {
  readonly errors: ParamError[] = []

  constructor(private readonly query: URLSearchParams, allowed: readonly string[]) {
    for (const name of new Set(query.keys())) {
      if (!allowed.includes(name)) {
        this.errors.push({
          parameters: { [name]: query.getAll(name) },
          message: `The query parameter [${name}] is not one of [${allowed.join(',')}]`,
        })
      }
    }
  }

  /** Records an error about `name`; its values default to what the query held. */
  reject(name: string, message: string, values = this.query.getAll(name)): undefined {
    this.errors.push({ parameters: { [name]: values }, message })
    return undefined
  }

  pathId(name: string, value: string): void {
    if (!ID_PATTERN.test(value)) this.reject(name, `The \`${name}\` path parameter value [${value}] does not match ^[0-9]{1,19}$`, [value])
  }

  string(name: string): string | undefined {
    return this.query.get(name) ?? undefined
  }

  id(name: string): bigint | undefined {
    const value = this.query.get(name)
    if (value === null) return undefined
    if (!ID_PATTERN.test(value)) return this.reject(name, `The \`${name}\` query parameter value [${value}] does not match ^[0-9]{1,19}$`)
    return BigInt(value)
  }

  int(name: string, min: number, max: number, fallback: number): number {
    const value = this.query.get(name)
    if (value === null) return fallback
    const n = Number(value)
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      this.reject(name, `The \`${name}\` query parameter value [${value}] is not between ${min} and ${max}`)
      return fallback
    }
    return n
  }

  time(name: string): number | undefined {
    const value = this.query.get(name)
    if (value === null) return undefined
    const ms = Date.parse(value)
    // Date.parse accepts far more than RFC 3339; require the shape X documents.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(ms)) {
      return this.reject(name, `The \`${name}\` query parameter value [${value}] is not a valid RFC 3339 date-time`)
    }
    return ms
  }

  token(name: string): bigint | undefined {
    const value = this.query.get(name)
    if (value === null) return undefined
    return decodeToken(value) ?? this.reject(name, `The \`${name}\` query parameter value [${value}] is not a valid token`)
  }

  /** Comma-separated lists; several names are read as one (tweet.fields and post.fields). */
  list(names: string[], allowed: ReadonlySet<string>): Set<string> {
    const out = new Set<string>()
    for (const name of names) {
      const value = this.query.get(name)
      if (value === null) continue
      for (const item of value.split(',')) {
        if (!allowed.has(item)) {
          this.reject(name, `The \`${name}\` query parameter value [${item}] is not one of [${[...allowed].join(',')}]`)
        } else {
          out.add(item)
        }
      }
    }
    return out
  }
}

interface Route {
  endpoint: FakeXEndpoint
  read: boolean
  params: string[]
}

function matchRoute(method: string, path: string): Route | undefined {
  if (method === 'GET') {
    if (path === '/2/users/me') return { endpoint: 'me', read: true, params: [] }
    if (path === '/2/tweets/search/recent') return { endpoint: 'search', read: true, params: [] }
    if (path === '/2/dm_events') return { endpoint: 'dm_events', read: true, params: [] }
    const user = /^\/2\/users\/([^/]+)\/(mentions|tweets)$/.exec(path)
    if (user?.[2] === 'mentions') return { endpoint: 'mentions', read: true, params: [decodeURIComponent(user[1]!)] }
    if (user?.[2] === 'tweets') return { endpoint: 'user_tweets', read: true, params: [decodeURIComponent(user[1]!)] }
  }
  if (method === 'POST') {
    if (path === '/2/tweets') return { endpoint: 'create_tweet', read: false, params: [] }
    const dm = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/.exec(path)
    if (dm) return { endpoint: 'dm_create', read: false, params: [decodeURIComponent(dm[1]!)] }
  }
  return undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Offsets in code points, which is how X counts entity indices. */
function codePointIndex(text: string, utf16Index: number): number {
  return Array.from(text.slice(0, utf16Index)).length
}

export async function startFakeX(options: FakeXOptions = {}): Promise<FakeX> {
  const bearerToken = options.bearerToken ?? 'test-bearer'
  const now = options.now ?? Date.now
  const pageSizeDefault = options.pageSizeDefault ?? 10
  const brand: FakeUser = { id: '1000', username: 'acme', name: 'Acme', followers: 12000, verified: true }

  const users = new Map<string, FakeUser>([[brand.id, brand]])
  const tweetCounts = new Map<string, number>()
  const entries: Entry[] = [] // ascending by id
  const tweetsById = new Map<string, StoredTweet>()
  const dmEvents: DmEvent[] = [] // ascending by id
  const servedIds = new Set<string>()
  const requests: FakeXRequest[] = []
  const failures: FakeXFailure[] = []
  const postFailures: FakeXPostFailure[] = []
  const posts: FakeXPost[] = []
  const postedAt: number[] = []
  let rateLimit = 450
  let windowMs = 900_000
  const windows = new Map<FakeXEndpoint, { resetMs: number; remaining: number }>()
  let lastId = 0n

  // Snowflake-like: the time in the high bits, strictly increasing even when the
  // clock stands still or tests supplied their own ids.
  function nextId(): bigint {
    const snowflake = BigInt(Math.max(0, Math.floor(now()) - TWITTER_EPOCH_MS)) << 22n
    lastId = snowflake > lastId ? snowflake : lastId + 1n
    return lastId
  }

  function insert(entry: Entry): void {
    let lo = 0
    let hi = entries.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (entries[mid]!.id < entry.id) lo = mid + 1
      else hi = mid
    }
    entries.splice(lo, 0, entry)
  }

  function userById(id: string): FakeUser {
    // Tweets may come from authors a test never registered; X always knows its users.
    return users.get(id) ?? { id, username: `user_${id.slice(-10)}`, name: `User ${id}` }
  }

  function userByUsername(username: string): FakeUser | undefined {
    const lower = username.toLowerCase()
    for (const user of users.values()) if (user.username.toLowerCase() === lower) return user
    return undefined
  }

  function store(input: FakeTweetInput & { mentionsBrand: boolean }): StoredTweet {
    if (input.id !== undefined && (!ID_PATTERN.test(input.id) || tweetsById.has(input.id))) {
      throw new Error(`fake X: tweet id ${input.id} is not a new numeric id`)
    }
    let id: bigint
    if (input.id === undefined) {
      id = nextId()
    } else {
      id = BigInt(input.id)
      if (id > lastId) lastId = id
    }
    const references = input.referencedTweets ?? []
    const parent = tweetsById.get(references.find((r) => r.type === 'replied_to')?.id ?? '')
    const m = input.publicMetrics ?? {}
    const tweet: StoredTweet = {
      id: id.toString(),
      text: input.text,
      authorId: input.authorId,
      createdAt: input.createdAt?.getTime() ?? now(),
      conversationId: input.conversationId ?? parent?.conversationId ?? id.toString(),
      inReplyToUserId: input.inReplyToUserId ?? parent?.authorId,
      referencedTweets: references,
      lang: input.lang ?? 'en',
      metrics: {
        retweetCount: m.retweetCount ?? 0,
        replyCount: m.replyCount ?? 0,
        likeCount: m.likeCount ?? 0,
        quoteCount: m.quoteCount ?? 0,
        impressionCount: m.impressionCount ?? 0,
        bookmarkCount: m.bookmarkCount ?? 0,
      },
    }
    tweetsById.set(tweet.id, tweet)
    tweetCounts.set(tweet.authorId, (tweetCounts.get(tweet.authorId) ?? 0) + 1)
    insert({ id, createdAt: tweet.createdAt, mentionsBrand: input.mentionsBrand, tweet })
    return tweet
  }

  // --- Rendering: only the requested fields, as X does ---

  function entities(text: string): Json | undefined {
    const mentions: Json[] = []
    for (const match of text.matchAll(/(?<![\w@])@(\w{1,15})/g)) {
      const start = codePointIndex(text, match.index)
      const username = match[1]!
      const known = userByUsername(username)
      mentions.push({ start, end: start + 1 + username.length, username, ...(known ? { id: known.id } : {}) })
    }
    const hashtags: Json[] = []
    for (const match of text.matchAll(/(?<![\w#])#(\w*[^\W\d]\w*)/g)) {
      const start = codePointIndex(text, match.index)
      hashtags.push({ start, end: start + 1 + match[1]!.length, tag: match[1]! })
    }
    // The schema's entity arrays have minItems 1: leave empty ones out.
    if (mentions.length === 0 && hashtags.length === 0) return undefined
    return { ...(mentions.length ? { mentions } : {}), ...(hashtags.length ? { hashtags } : {}) }
  }

  function renderTweet(t: StoredTweet, fields: Set<string>): Json {
    // id, text and edit_history_tweet_ids are X's default fields, always present.
    const out: Json = { id: t.id, text: t.text, edit_history_tweet_ids: [t.id] }
    if (fields.has('author_id')) out.author_id = t.authorId
    if (fields.has('created_at')) out.created_at = new Date(t.createdAt).toISOString()
    if (fields.has('conversation_id')) out.conversation_id = t.conversationId
    if (fields.has('in_reply_to_user_id') && t.inReplyToUserId) out.in_reply_to_user_id = t.inReplyToUserId
    if (fields.has('referenced_tweets') && t.referencedTweets.length) out.referenced_tweets = t.referencedTweets.map((r) => ({ ...r }))
    if (fields.has('lang')) out.lang = t.lang
    if (fields.has('possibly_sensitive')) out.possibly_sensitive = false
    if (fields.has('reply_settings')) out.reply_settings = 'everyone'
    if (fields.has('entities')) {
      const found = entities(t.text)
      if (found) out.entities = found
    }
    if (fields.has('edit_controls')) {
      out.edit_controls = { is_edit_eligible: false, editable_until: new Date(t.createdAt + 3_600_000).toISOString(), edits_remaining: 5 }
    }
    if (fields.has('public_metrics')) {
      const m = t.metrics
      out.public_metrics = {
        retweet_count: m.retweetCount,
        reply_count: m.replyCount,
        like_count: m.likeCount,
        quote_count: m.quoteCount,
        bookmark_count: m.bookmarkCount,
        impression_count: m.impressionCount,
      }
    }
    return out
  }

  function renderUser(u: FakeUser, fields: Set<string>): Json {
    const out: Json = { id: u.id, name: u.name, username: u.username }
    if (fields.has('description')) out.description = ''
    if (fields.has('protected')) out.protected = false
    if (fields.has('verified')) out.verified = u.verified ?? false
    if (fields.has('verified_type')) out.verified_type = u.verified ? 'blue' : 'none'
    if (fields.has('public_metrics')) {
      out.public_metrics = {
        followers_count: u.followers ?? 0,
        following_count: 0,
        tweet_count: tweetCounts.get(u.id) ?? 0,
        listed_count: 0,
        like_count: 0,
      }
    }
    return out
  }

  interface Fieldset { tweet: Set<string>; user: Set<string>; expansions: Set<string> }

  /** includes and partial errors for a page of tweets, as the expansions ask. */
  function expand(tweets: StoredTweet[], f: Fieldset): { includes?: Json; errors?: Json[] } {
    const userIds = new Set<string>()
    const included = new Map<string, StoredTweet>()
    const errors: Json[] = []
    const wantsReferenced = f.expansions.has('referenced_tweets.id') || f.expansions.has('referenced_posts')
    for (const t of tweets) {
      if (f.expansions.has('author_id')) userIds.add(t.authorId)
      if (f.expansions.has('in_reply_to_user_id') && t.inReplyToUserId) userIds.add(t.inReplyToUserId)
      if (f.expansions.has('entities.mentions.username')) {
        for (const match of t.text.matchAll(/(?<![\w@])@(\w{1,15})/g)) {
          const known = userByUsername(match[1]!)
          if (known) userIds.add(known.id)
        }
      }
      if (!wantsReferenced) continue
      for (const ref of t.referencedTweets) {
        const target = tweetsById.get(ref.id)
        if (target) {
          included.set(target.id, target)
          if (f.expansions.has('referenced_tweets.id.author_id')) userIds.add(target.authorId)
        } else {
          errors.push({
            value: ref.id,
            detail: `Could not find tweet with referenced_tweets.id: [${ref.id}].`,
            title: 'Not Found Error',
            resource_type: 'tweet',
            parameter: 'referenced_tweets.id',
            resource_id: ref.id,
            type: 'https://api.twitter.com/2/problems/resource-not-found',
          })
        }
      }
    }
    const includes: Json = {}
    if (userIds.size) includes.users = [...userIds].map((id) => renderUser(userById(id), f.user))
    if (included.size) {
      includes.tweets = [...included.values()].map((t) => renderTweet(t, f.tweet))
      for (const id of included.keys()) servedIds.add(id)
    }
    return {
      ...(Object.keys(includes).length ? { includes } : {}),
      ...(errors.length ? { errors } : {}),
    }
  }

  function fieldsets(p: Params): Fieldset {
    return {
      tweet: p.list(['tweet.fields', 'post.fields'], TWEET_FIELDS),
      user: p.list(['user.fields'], USER_FIELDS),
      expansions: p.list(['expansions'], TWEET_EXPANSIONS),
    }
  }

  // --- Timelines ---

  interface Window {
    sinceId?: bigint
    untilId?: bigint
    before?: bigint
    startMs?: number
    endMs?: number
    max: number
  }

  /** Newest first, one more than asked so we know whether a next page exists. */
  function scan(w: Window, matches: (e: Entry) => boolean): { page: Entry[]; more: boolean } {
    let upper = w.untilId
    if (w.before !== undefined && (upper === undefined || w.before < upper)) upper = w.before
    let i = entries.length - 1
    if (upper !== undefined) {
      let lo = 0
      let hi = entries.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (entries[mid]!.id < upper) lo = mid + 1
        else hi = mid
      }
      i = lo - 1
    }
    const found: Entry[] = []
    for (; i >= 0 && found.length <= w.max; i--) {
      const e = entries[i]!
      if (w.sinceId !== undefined && e.id <= w.sinceId) break
      // since_id/until_id take precedence over start_time/end_time, as documented.
      if (w.sinceId === undefined && w.startMs !== undefined && e.createdAt < w.startMs) continue
      if (w.untilId === undefined && w.endMs !== undefined && e.createdAt >= w.endMs) continue
      if (matches(e)) found.push(e)
    }
    return { page: found.slice(0, w.max), more: found.length > w.max }
  }

  function timelineBody(page: Entry[], more: boolean, f: Fieldset): Json {
    const tweets = page.flatMap((e) => ('tweet' in e ? [e.tweet] : []))
    const data = page.map((e) => ('tweet' in e ? renderTweet(e.tweet, f.tweet) : e.raw))
    for (const t of tweets) servedIds.add(t.id)
    const meta: Json = { result_count: page.length }
    const newest = page[0]
    const oldest = page.at(-1)
    if (newest && oldest) {
      meta.newest_id = newest.id.toString()
      meta.oldest_id = oldest.id.toString()
      if (more) meta.next_token = encodeToken(oldest.id)
    }
    return { ...(data.length ? { data } : {}), ...expand(tweets, f), meta }
  }

  function readWindow(p: Params, min: number, tokenNames: string[]): Window {
    let before: bigint | undefined
    for (const name of tokenNames) before = p.token(name) ?? before
    return {
      sinceId: p.id('since_id'),
      untilId: p.id('until_id'),
      before,
      startMs: p.time('start_time'),
      endMs: p.time('end_time'),
      max: p.int('max_results', min, 100, pageSizeDefault),
    }
  }

  function searchMatcher(query: string): (e: Entry) => boolean {
    // Deliberately simple: every plain word must occur, operators are ignored.
    const terms = query
      .replace(/[()"]/g, ' ')
      .split(/\s+/)
      .filter((t) => t && t !== 'OR' && t !== 'AND' && !t.startsWith('-') && !t.includes(':'))
      .map((t) => t.toLowerCase())
    return (e) => {
      const haystack = ('tweet' in e ? e.tweet.text : JSON.stringify(e.raw) ?? '').toLowerCase()
      return terms.every((t) => haystack.includes(t))
    }
  }

  // --- Endpoints: each returns [status, body] ---

  type Answer = [number, Json]

  function mentions(userId: string, query: URLSearchParams): Answer {
    const p = new Params(query, ['since_id', 'until_id', 'max_results', 'pagination_token', 'start_time', 'end_time', ...TWEET_PARAMS])
    p.pathId('id', userId)
    const w = readWindow(p, 5, ['pagination_token'])
    const f = fieldsets(p)
    if (p.errors.length) return [400, invalidRequest(p.errors)]
    const mentioned = userId === brand.id ? undefined : users.get(userId)
    const handle = mentioned && `@${mentioned.username.toLowerCase()}`
    const { page, more } = scan(w, (e) => {
      if (userId === brand.id) return e.mentionsBrand
      return handle !== undefined && 'tweet' in e && e.tweet.text.toLowerCase().includes(handle)
    })
    return [200, timelineBody(page, more, f)]
  }

  function search(query: URLSearchParams): Answer {
    const p = new Params(query, [
      'query', 'start_time', 'end_time', 'since_id', 'until_id', 'max_results', 'next_token', 'pagination_token',
      'sort_order', ...TWEET_PARAMS,
    ])
    const q = p.string('query')
    if (q === undefined || q.length === 0) {
      p.reject('query', 'The `query` query parameter can not be empty')
    } else if (q.length > QUERY_MAX_LENGTH) {
      p.reject('query', `The \`query\` query parameter value [${q}] is not between 1 and ${QUERY_MAX_LENGTH} characters`)
    }
    const order = p.string('sort_order')
    if (order !== undefined && order !== 'recency' && order !== 'relevancy') {
      p.reject('sort_order', `The \`sort_order\` query parameter value [${order}] is not one of [recency,relevancy]`)
    }
    const w = readWindow(p, 10, ['next_token', 'pagination_token'])
    const f = fieldsets(p)
    if (p.errors.length || q === undefined) return [400, invalidRequest(p.errors)]
    const { page, more } = scan(w, searchMatcher(q))
    return [200, timelineBody(page, more, f)]
  }

  function userTweets(userId: string, query: URLSearchParams): Answer {
    const p = new Params(query, ['since_id', 'until_id', 'max_results', 'pagination_token', 'exclude', 'start_time', 'end_time', ...TWEET_PARAMS])
    p.pathId('id', userId)
    const exclude = p.list(['exclude'], new Set(['replies', 'retweets']))
    const w = readWindow(p, 5, ['pagination_token'])
    const f = fieldsets(p)
    if (p.errors.length) return [400, invalidRequest(p.errors)]
    const { page, more } = scan(w, (e) => {
      if (!('tweet' in e) || e.tweet.authorId !== userId) return false
      const types = e.tweet.referencedTweets.map((r) => r.type)
      if (exclude.has('replies') && types.includes('replied_to')) return false
      return !(exclude.has('retweets') && types.includes('retweeted'))
    })
    return [200, timelineBody(page, more, f)]
  }

  function me(query: URLSearchParams): Answer {
    const p = new Params(query, ['user.fields', 'expansions', 'tweet.fields', 'post.fields'])
    const userFields = p.list(['user.fields'], USER_FIELDS)
    p.list(['expansions'], USER_EXPANSIONS)
    p.list(['tweet.fields', 'post.fields'], TWEET_FIELDS)
    if (p.errors.length) return [400, invalidRequest(p.errors)]
    return [200, { data: renderUser(brand, userFields) }]
  }

  function bodyError(message: string): Answer {
    return [400, invalidRequest([{ parameters: {}, message }])]
  }

  function createTweet(body: unknown): Answer {
    if (!isRecord(body)) return bodyError('The request body must be a JSON object')
    const unknown = Object.keys(body).filter((k) => !TWEET_CREATE_KEYS.has(k))
    if (unknown.length) return bodyError(`$.${unknown[0]}: is not defined in the schema and the schema does not allow additional properties`)
    // X also accepts media-only posts; the fake models text posts only.
    if (typeof body.text !== 'string') return bodyError('$.text: is missing but it is required')
    const references: StoredTweet['referencedTweets'] = []
    if (body.reply !== undefined) {
      const target = isRecord(body.reply) ? body.reply.in_reply_to_tweet_id : undefined
      if (typeof target !== 'string' || !ID_PATTERN.test(target)) return bodyError('$.reply.in_reply_to_tweet_id: does not match ^[0-9]{1,19}$')
      if (!tweetsById.has(target)) {
        return [403, generic(403, 'Forbidden', 'You attempted to reply to a Tweet that is deleted or not visible to you.')]
      }
      references.push({ type: 'replied_to', id: target })
    }
    if (body.quote_tweet_id !== undefined) {
      const quoted = body.quote_tweet_id
      if (typeof quoted !== 'string' || !ID_PATTERN.test(quoted)) return bodyError('$.quote_tweet_id: does not match ^[0-9]{1,19}$')
      references.push({ type: 'quoted', id: quoted })
    }
    const tweet = store({ text: body.text, authorId: brand.id, referencedTweets: references, mentionsBrand: false })
    const replyTo = references.find((r) => r.type === 'replied_to')?.id
    posts.push({ kind: 'tweet', id: tweet.id, text: tweet.text, ...(replyTo ? { inReplyToId: replyTo } : {}) })
    postedAt.push(now())
    return [201, { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } }]
  }

  function conversationWith(userId: string): string {
    return BigInt(userId) < BigInt(brand.id) ? `${userId}-${brand.id}` : `${brand.id}-${userId}`
  }

  function addDm(senderId: string, otherId: string, text: string): DmEvent {
    const event: DmEvent = { id: nextId(), text, senderId, conversationId: conversationWith(otherId), createdAt: now() }
    dmEvents.push(event)
    return event
  }

  function createDm(participantId: string, body: unknown): Answer {
    const p = new Params(new URLSearchParams(), [])
    p.pathId('participant_id', participantId)
    if (p.errors.length) return [400, invalidRequest(p.errors)]
    if (!isRecord(body)) return bodyError('The request body must be a JSON object')
    // CreateTextMessageRequest: text with minLength 1 (attachment-only messages are not modelled).
    if (typeof body.text !== 'string' || body.text.length === 0) return bodyError('$.text: is missing but it is required')
    const event = addDm(brand.id, participantId, body.text)
    posts.push({ kind: 'dm', id: event.id.toString(), text: body.text, recipientId: participantId })
    postedAt.push(now())
    return [201, { data: { dm_conversation_id: event.conversationId, dm_event_id: event.id.toString() } }]
  }

  function listDms(query: URLSearchParams): Answer {
    const p = new Params(query, [
      'max_results', 'pagination_token', 'event_types', 'dm_event.fields', 'expansions', 'media.fields', 'user.fields',
      'tweet.fields', 'post.fields',
    ])
    const max = p.int('max_results', 1, 100, 100)
    const before = p.token('pagination_token')
    const types = p.list(['event_types'], DM_EVENT_TYPES)
    const fields = p.list(['dm_event.fields'], DM_EVENT_FIELDS)
    const expansions = p.list(['expansions'], DM_EXPANSIONS)
    const userFields = p.list(['user.fields'], USER_FIELDS)
    p.list(['tweet.fields', 'post.fields'], TWEET_FIELDS)
    if (p.errors.length) return [400, invalidRequest(p.errors)]
    // Every stored event is a MessageCreate.
    const candidates = types.size && !types.has('MessageCreate') ? [] : dmEvents
    const newestFirst = candidates.filter((e) => before === undefined || e.id < before).reverse()
    const page = newestFirst.slice(0, max)
    const data = page.map((e) => {
      // id, event_type and text are the default DmEvent fields.
      const out: Json = { id: e.id.toString(), event_type: 'MessageCreate', text: e.text }
      if (fields.has('created_at')) out.created_at = new Date(e.createdAt).toISOString()
      if (fields.has('sender_id')) out.sender_id = e.senderId
      if (fields.has('dm_conversation_id')) out.dm_conversation_id = e.conversationId
      return out
    })
    const meta: Json = { result_count: page.length }
    const last = page.at(-1)
    if (last && newestFirst.length > max) meta.next_token = encodeToken(last.id)
    const senders = expansions.has('sender_id') ? [...new Set(page.map((e) => e.senderId))] : []
    return [200, {
      ...(data.length ? { data } : {}),
      ...(senders.length ? { includes: { users: senders.map((id) => renderUser(userById(id), userFields)) } } : {}),
      meta,
    }]
  }

  // --- Rate limits ---

  function currentWindow(endpoint: FakeXEndpoint): { resetMs: number; remaining: number } {
    let w = windows.get(endpoint)
    if (!w || now() >= w.resetMs) {
      w = { resetMs: now() + windowMs, remaining: rateLimit }
      windows.set(endpoint, w)
    }
    return w
  }

  function rateHeaders(w: { resetMs: number; remaining: number }): Record<string, string> {
    return {
      'x-rate-limit-limit': String(rateLimit),
      'x-rate-limit-remaining': String(w.remaining),
      // Rounded up: a client that waits until the advertised second must find the window reset.
      'x-rate-limit-reset': String(Math.ceil(w.resetMs / 1000)),
    }
  }

  // --- HTTP ---

  const PROBLEM = 'application/problem+json'

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid')
    const method = req.method ?? 'GET'
    const logged: FakeXRequest = { method, path: url.pathname, query: queryRecord(url.searchParams), status: 0 }
    requests.push(logged)
    const answer = (status: number, body: Json, headers: Record<string, string> = {}): void => {
      logged.status = status
      sendJson(res, status, body, headers, status >= 400 ? PROBLEM : undefined)
    }

    const route = matchRoute(method, url.pathname)
    if (!route) return answer(404, generic(404, 'Not Found'))

    if (route.read) {
      const failure = failures.shift()
      if (failure === 'timeout') return // never answered; the client has to give up
      if (failure === 'reset') {
        req.socket.resetAndDestroy()
        return
      }
      if (failure !== undefined) return answer(failure, generic(failure, FAILURE_TITLES[failure]))
    }

    if (req.headers.authorization !== `Bearer ${bearerToken}`) return answer(401, generic(401, 'Unauthorized'))

    const w = currentWindow(route.endpoint)
    if (w.remaining <= 0) return answer(429, generic(429, 'Too Many Requests'), rateHeaders(w))
    w.remaining -= 1
    const headers = rateHeaders(w)

    let body: unknown
    if (!route.read) {
      const text = await readBody(req)
      try {
        body = text ? JSON.parse(text) : undefined
      } catch {
        return answer(400, invalidRequest([{ parameters: {}, message: 'The request body is not valid JSON' }]), headers)
      }
    }

    const postFailure = route.read ? undefined : postFailures.shift()
    if (postFailure === 'reset') {
      req.socket.resetAndDestroy()
      return
    }
    if (typeof postFailure === 'number') return answer(postFailure, generic(postFailure, FAILURE_TITLES[postFailure]), headers)
    if (postFailure === 'forbidden') {
      return answer(403, generic(403, 'Forbidden', 'You are not permitted to perform this action.'), headers)
    }
    if (postFailure === 'duplicate') {
      return answer(403, generic(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.'), headers)
    }

    const id = route.params[0] ?? ''
    const [status, result] = (() => {
      switch (route.endpoint) {
        case 'mentions': return mentions(id, url.searchParams)
        case 'search': return search(url.searchParams)
        case 'user_tweets': return userTweets(id, url.searchParams)
        case 'me': return me(url.searchParams)
        case 'create_tweet': return createTweet(body)
        case 'dm_create': return createDm(id, body)
        case 'dm_events': return listDms(url.searchParams)
      }
    })()
    if (postFailure === 'accept_then_reset' && status < 300) {
      logged.status = status
      req.socket.resetAndDestroy()
      return
    }
    answer(status, result, headers)
  }

  const onRequest: http.RequestListener = (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the fake must show up in the test, not hang it.
      console.error('fake X failed', error)
      if (!res.headersSent) sendJson(res, 500, generic(500, 'Internal Server Error'), {}, PROBLEM)
      else res.destroy()
    })
  }
  const server = options.tls ? await listenTls(onRequest, options.tls) : await listen(onRequest)

  return {
    url: server.url,
    bearerToken,
    brand,
    requests,
    addUser(user) {
      users.set(user.id, user)
    },
    post(tweet) {
      return store({ ...tweet, mentionsBrand: tweet.mentionsBrand ?? true }).id
    },
    postMalformed(item) {
      const id = nextId()
      insert({ id, createdAt: now(), mentionsBrand: true, raw: item })
      return id.toString()
    },
    receiveDm(senderId, text) {
      return addDm(senderId, senderId, text).id.toString()
    },
    served: () => new Set(servedIds),
    fail(times, how) {
      for (let i = 0; i < times; i++) failures.push(how)
    },
    failPosts(times, how) {
      for (let i = 0; i < times; i++) postFailures.push(how)
    },
    posts,
    postedAt,
    setRateLimit(limit, windowSeconds = 900) {
      rateLimit = limit
      windowMs = windowSeconds * 1000
      windows.clear()
    },
    exhaust(endpoint) {
      const all: FakeXEndpoint[] = ['mentions', 'search', 'me', 'user_tweets', 'create_tweet', 'dm_create', 'dm_events']
      for (const e of endpoint ? [endpoint] : all) currentWindow(e).remaining = 0
    },
    close: () => server.close(),
  }
}

/** Like `listen` in ./http, over TLS: 127.0.0.1, a random port, a close() that does not wait. */
async function listenTls(handler: http.RequestListener, tls: { key: string; cert: string }): Promise<RunningServer> {
  const server = https.createServer({ key: tls.key, cert: tls.cert }, handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // As in ./http: unanswered requests and kept-alive sockets must not block shutdown.
        server.closeAllConnections()
      }),
  }
}
