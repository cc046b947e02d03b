import { Agent, CredentialSession, XRPCError } from '@atproto/api'
import { z } from 'zod'
import { withRetry } from '../listen/retry'
import { backfillPages, languageHint, requireSecret, secretVariable } from './common'
import { within } from '../within'
import type { SourceConfig, SourceContext, SourceDriver } from './driver'
import { describeIssues, normalizedMention, type NormalizedMention, type RejectedItem } from './mention'
import type { RateLimitState } from './rate-limit'
import { SourceError, type FetchOptions, type FetchResult, type MentionSource } from './source'

export const blueskySettings = z.object({
  /** The PDS (or entryway) to log in at; tests point this at the fake. */
  service: z.url().default('https://bsky.social'),
  /** The brand account's handle (or DID) that the app password belongs to. */
  identifier: z.string().trim().min(1, 'is empty'),
  /** The environment variable that holds the app password. */
  password_env: secretVariable('BLUESKY_APP_PASSWORD'),
  backfill_pages: backfillPages,
})
export type BlueskySettings = z.infer<typeof blueskySettings>

export const blueskyDriver: SourceDriver<typeof blueskySettings> = {
  platform: 'bluesky',
  kinds: ['mentions', 'search'],
  settings: blueskySettings,
  create: (source, context) => new BlueskySource(source, context),
}

const listNotifications = 'app.bsky.notification.listNotifications'
const searchPosts = 'app.bsky.feed.searchPosts'
const createSession = 'com.atproto.server.createSession'
const pageSize = 100 // the most either endpoint accepts

/** Notifications that are someone talking to or about the brand; likes, follows and reposts are not. */
const wantedReasons = ['mention', 'reply', 'quote']
const postType = 'app.bsky.feed.post'

/**
 * Both endpoints are read newest first, and neither ordering is strict: search is indexed
 * asynchronously and orders by `sortAt`, which is the earlier of a post's own (client-set)
 * createdAt and its indexedAt, so a post can turn up behind newer ones it was not there for on
 * the last poll. Each poll therefore reads this far back past the newest item it has seen and
 * drops the repeats by uri: a repeat costs a comparison, a gap loses a complaint.
 */
const overlapMs = 5 * 60_000
/** Uris kept in the cursor to recognise repeats; past this the oldest go, which can only cause a repeat. */
const maxSeen = 1000

// The cursor this driver stores: the newest position seen, and the uris seen within the overlap.
const windowCursor = z.object({
  newest: z.iso.datetime(),
  seen: z.record(z.string(), z.number()),
})
type WindowCursor = z.infer<typeof windowCursor>

// Sessions outlive one poll (the poller creates a source per poll) because createSession is
// limited to 30 calls per 5 minutes and 300 a day per account; the library refreshes them.
// The outbox's publisher logs in through the same entry, so sending does not cost another login.
export interface SessionEntry {
  session: CredentialSession
  login: Promise<void> | null
}
const sessions = new Map<string, SessionEntry>()

/** The kept session of one account, shared by everything in this process that uses it. */
export function sharedSession(settings: Pick<BlueskySettings, 'service' | 'identifier'>, requestTimeoutMs: number): SessionEntry {
  const key = `${settings.service}|${settings.identifier}`
  let entry = sessions.get(key)
  if (!entry) {
    entry = { session: new CredentialSession(new URL(settings.service)), login: null }
    sessions.set(key, entry)
  }
  entry.session.setFetch(timedFetch(requestTimeoutMs))
  return entry
}

/** Logs in with `login` unless a session is kept already; true when this call did log in. */
export async function ensureLogin(entry: SessionEntry, login: () => Promise<unknown>): Promise<boolean> {
  if (entry.session.hasSession) return false
  // Two users of one account at once share one login.
  entry.login ??= login()
    .then(() => undefined)
    .finally(() => {
      entry.login = null
    })
  await entry.login
  return true
}

const datetime = z.iso.datetime({ offset: true })
const atUri = z.string().regex(/^at:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+$/, 'is not an at:// record uri')
const strongRef = z.object({ uri: atUri })

const author = z.object({
  did: z.string().regex(/^did:[a-z]+:\S+$/, 'is not a DID'),
  handle: z.string().min(1),
  displayName: z.string().optional(),
  // Only the detailed profile view carries it; notifications and search bring the basic one.
  followersCount: z.number().int().nonnegative().optional(),
})
type Author = z.infer<typeof author>

const postRecord = z.object({
  $type: z.literal(postType),
  text: z.string(),
  createdAt: z.string(),
  langs: z.array(z.string()).optional(),
  reply: z.object({ root: strongRef, parent: strongRef }).optional(),
  embed: z.object({ $type: z.string() }).loose().optional(),
})
type PostRecord = z.infer<typeof postRecord>

// Checked first and loosely, to tell what an item is before judging whether it is well formed.
const itemHead = z.object({ record: z.object({ $type: z.string() }).loose() })
const notificationHead = itemHead.extend({ reason: z.string() })

// Just enough to place an item in the order, even one that is otherwise broken.
const placed = z.object({
  uri: z.string().min(1),
  indexedAt: datetime,
  record: z.object({ createdAt: z.unknown() }).partial().optional(),
})

const notificationItem = z.object({
  uri: atUri,
  author,
  reason: z.string(),
  record: postRecord,
  indexedAt: datetime,
})

const postView = z.object({
  uri: atUri,
  author,
  record: postRecord,
  indexedAt: datetime,
  replyCount: z.number().int().nonnegative().optional(),
  repostCount: z.number().int().nonnegative().optional(),
  likeCount: z.number().int().nonnegative().optional(),
  quoteCount: z.number().int().nonnegative().optional(),
})

// Only the envelope is checked as a whole; each item on its own, so one bad item cannot hide the rest.
const notificationsPage = z.object({ cursor: z.string().optional(), notifications: z.array(z.unknown()) })
const searchPage = z.object({ cursor: z.string().optional(), posts: z.array(z.unknown()) })

interface Page {
  items: unknown[]
  next: string | undefined
  rateLimit: RateLimitState | null
}

/** Where an item sits in the newest-first order the endpoint uses. */
interface Mark {
  uri: string
  at: number
}

type Outcome = { mention: NormalizedMention } | { rejected: RejectedItem } | { skipped: true }

class BlueskySource implements MentionSource {
  readonly platform = 'bluesky'
  private readonly entry: SessionEntry
  private readonly agent: Agent
  private readonly password: string

  constructor(
    private readonly source: SourceConfig<BlueskySettings>,
    private readonly context: SourceContext,
  ) {
    const { settings } = source
    const password = requireSecret(context.secrets, settings.password_env, 'Bluesky app password')
    if (source.kind === 'search' && !source.query?.trim()) {
      throw new SourceError({ kind: 'misconfigured' }, 'A Bluesky search source needs a query')
    }
    this.password = password
    this.entry = sharedSession(settings, context.requestTimeoutMs)
    this.agent = new Agent(this.entry.session)
  }

  fetchNew(cursor: string | null, options: FetchOptions): Promise<FetchResult> {
    const { signal } = options
    if (this.source.kind === 'search') {
      const q = this.source.query ?? ''
      return this.readWindow(cursor, signal, {
        page: async (pageCursor, since) => {
          const { body, rateLimit } = await this.query(
            searchPosts,
            (callSignal) => this.agent.app.bsky.feed.searchPosts({ q, sort: 'latest', since, limit: pageSize, cursor: pageCursor }, { signal: callSignal }),
            signal,
          )
          const page = searchPage.safeParse(body)
          if (!page.success) throw offContract(searchPosts, page.error)
          return { items: page.data.posts, next: page.data.cursor, rateLimit }
        },
        mark: (raw) => markOf(raw, true),
        normalize: (raw) => this.fromPost(raw),
      })
    }
    return this.readWindow(cursor, signal, {
      page: async (pageCursor) => {
        const { body, rateLimit } = await this.query(
          listNotifications,
          (callSignal) =>
            this.agent.app.bsky.notification.listNotifications(
              { reasons: wantedReasons, limit: pageSize, cursor: pageCursor },
              { signal: callSignal },
            ),
          signal,
        )
        const page = notificationsPage.safeParse(body)
        if (!page.success) throw offContract(listNotifications, page.error)
        return { items: page.data.notifications, next: page.data.cursor, rateLimit }
      },
      mark: (raw) => markOf(raw, false),
      normalize: (raw) => this.fromNotification(raw),
    })
  }

  /**
   * Pages back from the newest item until it is `overlapMs` past the newest one the cursor has
   * seen (with no cursor: `backfill_pages` pages), skipping the uris already seen.
   */
  private async readWindow(
    cursor: string | null,
    signal: AbortSignal,
    endpoint: {
      page(pageCursor: string | undefined, since: string | undefined): Promise<Page>
      mark(raw: unknown): Mark | null
      normalize(raw: unknown): Outcome
    },
  ): Promise<FetchResult> {
    const stored = parseCursor(cursor)
    const result: FetchResult = { mentions: [], rejected: [], skipped: 0, nextCursor: cursor, rateLimit: null }
    const floor = stored ? Date.parse(stored.newest) - overlapMs : null
    const since = floor === null ? undefined : new Date(floor).toISOString()
    const seen = new Map(Object.entries(stored?.seen ?? {}))
    let newest = stored ? Date.parse(stored.newest) : null
    let moved = false
    let pageCursor: string | undefined
    let pages = 0
    for (;;) {
      const page = await endpoint.page(pageCursor, since)
      result.rateLimit = page.rateLimit ?? result.rateLimit
      let pastFloor = false
      for (const raw of page.items) {
        const mark = endpoint.mark(raw)
        if (mark && floor !== null && mark.at < floor) {
          pastFloor = true
          break
        }
        if (mark && seen.has(mark.uri)) continue
        if (mark) {
          seen.set(mark.uri, mark.at)
          if (newest === null || mark.at > newest) newest = mark.at
          moved = true
        }
        const outcome = endpoint.normalize(raw)
        if ('mention' in outcome) result.mentions.push(outcome.mention)
        else if ('rejected' in outcome) result.rejected.push(outcome.rejected)
        else result.skipped++
      }
      pages++
      if (pastFloor || !page.next || page.items.length === 0) break
      if (stored === null && pages >= this.source.settings.backfill_pages) break
      if (page.next === pageCursor) {
        throw new SourceError({ kind: 'bad_response' }, 'Bluesky returned the same page cursor twice')
      }
      pageCursor = page.next
    }
    if (moved && newest !== null) result.nextCursor = JSON.stringify(nextCursor(newest, seen))
    return result
  }

  private fromNotification(raw: unknown): Outcome {
    const head = notificationHead.safeParse(raw)
    if (!head.success) return reject(raw, describeIssues(head.error))
    // Asked for with `reasons`, but a server that does not know the filter sends everything.
    if (!wantedReasons.includes(head.data.reason) || head.data.record.$type !== postType) return { skipped: true }
    const item = notificationItem.safeParse(raw)
    if (!item.success) return reject(raw, describeIssues(item.error))
    const { uri, record, indexedAt } = item.data
    return this.toMention(uri, item.data.author, record, indexedAt, {}, raw)
  }

  private fromPost(raw: unknown): Outcome {
    const head = itemHead.safeParse(raw)
    if (!head.success) return reject(raw, describeIssues(head.error))
    if (head.data.record.$type !== postType) return { skipped: true }
    const item = postView.safeParse(raw)
    if (!item.success) return reject(raw, describeIssues(item.error))
    const { uri, record, indexedAt } = item.data
    const engagement = {
      reposts: item.data.repostCount,
      replies: item.data.replyCount,
      likes: item.data.likeCount,
      quotes: item.data.quoteCount,
    }
    return this.toMention(uri, item.data.author, record, indexedAt, engagement, raw)
  }

  private toMention(
    uri: string,
    who: Author,
    record: PostRecord,
    indexedAt: string,
    engagement: NormalizedMention['engagement'],
    raw: unknown,
  ): Outcome {
    // A quote-post that adds no words of its own is a repost by another name (see the design).
    if (isQuote(record) && record.text.trim() === '') return { skipped: true }
    // `handle.invalid` is what the network reports when a handle no longer resolves; the DID always does.
    const profile = `https://bsky.app/profile/${who.handle === 'handle.invalid' ? who.did : who.handle}`
    const candidate = normalizedMention.safeParse({
      platform: 'bluesky',
      externalId: uri,
      author: {
        platformUserId: who.did,
        handle: who.handle,
        displayName: who.displayName || null,
        followers: who.followersCount ?? null,
        verified: false,
        profileUrl: profile,
      },
      text: record.text,
      languageHint: languageHint(record.langs?.[0]),
      postedAt: new Date(datetime.safeParse(record.createdAt).success ? record.createdAt : indexedAt),
      conversationId: record.reply?.root.uri ?? uri,
      inReplyToId: record.reply?.parent.uri ?? null,
      url: `${profile}/post/${uri.split('/').pop()}`,
      engagement,
      raw,
    })
    if (!candidate.success) return reject(raw, describeIssues(candidate.error))
    return { mention: candidate.data }
  }

  /** One XRPC call with a session, retried while the failure is transient. */
  private query(
    nsid: string,
    call: (signal: AbortSignal) => Promise<{ data: unknown; headers: Record<string, string | undefined> }>,
    signal: AbortSignal,
  ): Promise<{ body: unknown; rateLimit: RateLimitState | null }> {
    return withRetry(
      async () => {
        const fresh = await this.ensureSession()
        try {
          return await this.send(nsid, () => call(signal), { lenient: true })
        } catch (error) {
          // A session past what the library can refresh (the refresh token lasts about two
          // months) is refused with 401: log in again once with the app password.
          if (fresh || !(error instanceof SourceError && error.failure.kind === 'auth')) throw error
          this.entry.session.session = undefined
          await this.ensureSession()
          return await this.send(nsid, () => call(signal), { lenient: true })
        }
      },
      { clock: this.context.clock, signal },
    )
  }

  /** Logs in unless a session is kept already; true when this call did log in. */
  private ensureSession(): Promise<boolean> {
    return ensureLogin(this.entry, () =>
      this.send(createSession, () => this.entry.session.login({ identifier: this.source.settings.identifier, password: this.password })),
    )
  }

  /**
   * Sends one request through the account's limiter and reports its rate-limit headers.
   * `lenient`: the library checks whole responses against the lexicon, so one malformed item
   * fails the page; then the body is handed on for the items to be judged one by one.
   */
  private async send(
    nsid: string,
    request: () => Promise<{ data: unknown; headers: Record<string, string | undefined> }>,
    { lenient = false } = {},
  ): Promise<{ body: unknown; rateLimit: RateLimitState | null }> {
    const { limiters, requestTimeoutMs } = this.context
    const key = `bluesky:${this.source.settings.identifier}:${nsid}`
    try {
      const response = await limiters.schedule(key, () => within(requestTimeoutMs, request(), `Bluesky ${nsid}`))
      const rateLimit = readRateLimit(response.headers)
      await limiters.observe(key, rateLimit)
      return { body: response.data, rateLimit }
    } catch (error) {
      if (lenient && isInvalidResponse(error)) return { body: error.responseBody, rateLimit: null }
      throw await this.failure(error, nsid, key)
    }
  }

  private async failure(error: unknown, nsid: string, key: string): Promise<SourceError> {
    if (error instanceof SourceError) return error
    if (error instanceof XRPCError) {
      const rateLimit = readRateLimit(error.headers ?? {})
      await this.context.limiters.observe(key, rateLimit)
      const detail = `Bluesky ${nsid} answered ${error.status}${error.error ? ` ${error.error}` : ''}: ${error.message}`
      if (error.status === 429) {
        const resetAt = rateLimit?.resetAt ? new Date(rateLimit.resetAt) : new Date(this.context.clock.now().getTime() + 5 * 60_000)
        return new SourceError({ kind: 'rate_limited', resetAt, rateLimit }, detail, { cause: error })
      }
      if (error.status === 401 || error.status === 403 || authErrors.has(error.error)) {
        const { identifier, password_env } = this.source.settings
        return new SourceError(
          { kind: 'auth' },
          `${detail}. Check the app password for ${identifier} in ${password_env}.`,
          { cause: error },
        )
      }
      // XRPC's "Unknown" status: no response at all (network error, timeout).
      if (error.status >= 500 || error.status === unknownStatus) {
        return new SourceError({ kind: 'transient' }, detail, { cause: error })
      }
      return new SourceError({ kind: 'bad_response' }, detail, { cause: error })
    }
    const message = error instanceof Error ? error.message : String(error)
    return new SourceError({ kind: 'transient' }, `Bluesky ${nsid} failed: ${message}`, { cause: error })
  }
}

// @atproto/xrpc's ResponseType values; the enum itself is not re-exported by @atproto/api.
export const unknownStatus = 1
const invalidResponseStatus = 2
export const authErrors = new Set(['AuthenticationRequired', 'ExpiredToken', 'InvalidToken', 'AuthFactorTokenRequired', 'AccountTakedown'])

function isInvalidResponse(error: unknown): error is XRPCError & { responseBody: unknown } {
  return error instanceof XRPCError && error.status === invalidResponseStatus && 'responseBody' in error
}

/** Every request (the login included) gives up after `ms`, and the body read with it. */
function timedFetch(ms: number): typeof fetch {
  return (input, init) => {
    const given = init?.signal ?? (input instanceof Request ? input.signal : undefined)
    const signal = given ? AbortSignal.any([given, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms)
    return fetch(input, { ...init, signal })
  }
}

export function readRateLimit(headers: Record<string, string | undefined>): RateLimitState | null {
  const limit = count(headers['ratelimit-limit'])
  const remaining = count(headers['ratelimit-remaining'])
  const reset = count(headers['ratelimit-reset'])
  if (limit === null && remaining === null && reset === null) return null
  // Unix seconds, as the PDS sends them.
  return { limit, remaining, resetAt: reset === null ? null : new Date(reset * 1000).toISOString() }
}

function count(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : null
}

function parseCursor(cursor: string | null): WindowCursor | null {
  if (cursor === null) return null
  try {
    const parsed = windowCursor.safeParse(JSON.parse(cursor))
    if (parsed.success) return parsed.data
  } catch {
    // Falls through to the error below.
  }
  // Reading from scratch instead could skip past a backlog; better to stop and say so.
  throw new SourceError({ kind: 'bad_response' }, `The stored cursor is not a Bluesky cursor: ${cursor.slice(0, 100)}`)
}

function nextCursor(newest: number, seen: Map<string, number>): WindowCursor {
  const kept = [...seen]
    .filter(([, at]) => at >= newest - overlapMs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxSeen)
  return { newest: new Date(newest).toISOString(), seen: Object.fromEntries(kept) }
}

/**
 * An item's uri and its place in the order: notifications sort by indexedAt, search by sortAt,
 * the earlier of createdAt and indexedAt. Null when the item is too broken to place.
 */
function markOf(raw: unknown, bySortAt: boolean): Mark | null {
  const item = placed.safeParse(raw)
  if (!item.success) return null
  let at = Date.parse(item.data.indexedAt)
  const createdAt = item.data.record?.createdAt
  if (bySortAt && typeof createdAt === 'string' && datetime.safeParse(createdAt).success) {
    at = Math.min(at, Date.parse(createdAt))
  }
  return { uri: item.data.uri, at }
}

function isQuote(record: PostRecord): boolean {
  const type = record.embed?.$type
  return type === 'app.bsky.embed.record' || type === 'app.bsky.embed.recordWithMedia'
}

function reject(raw: unknown, reason: string): { rejected: RejectedItem } {
  const uri = z.object({ uri: z.string().min(1).max(256) }).safeParse(raw)
  return { rejected: { externalId: uri.success ? uri.data.uri : null, reason, raw } }
}

function offContract(nsid: string, error: z.ZodError): SourceError {
  return new SourceError({ kind: 'bad_response' }, `Bluesky ${nsid} answered off contract: ${describeIssues(error)}`)
}
