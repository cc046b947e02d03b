// Sends replies and direct messages on Bluesky, and finds a post whose answer was lost so that
// it is never posted twice. A reply goes under a record key derived from the outbox item, so
// the post is where the item says it is: reconciling is one read of that key, and a second
// create under it is refused by the PDS instead of posting twice.
import { createHash } from 'node:crypto'
import { Agent, AppBskyFeedPost, AppBskyRichtextFacet, RichText, XRPCError } from '@atproto/api'
import { z } from 'zod'
import type { Sql } from '../db/connect'
import { authErrors, blueskySettings, ensureLogin, readRateLimit, sharedSession, unknownStatus, type BlueskySettings, type SessionEntry } from '../sources/bluesky'
import { SourceError } from '../sources/source'
import { within } from '../within'
import { PublishError, type OutboxItem, type PublishContext, type Published, type Publisher } from './platforms'

const postCollection = 'app.bsky.feed.post'
const createSession = 'com.atproto.server.createSession'
const createRecord = 'com.atproto.repo.createRecord'
const getRecord = 'com.atproto.repo.getRecord'
const getPosts = 'app.bsky.feed.getPosts'
const getConvoForMembers = 'chat.bsky.convo.getConvoForMembers'
const sendMessage = 'chat.bsky.convo.sendMessage'
const getMessages = 'chat.bsky.convo.getMessages'
/** Bluesky's own chat service, which the PDS forwards chat.bsky.* calls to when asked by this header. */
const chatService = 'did:web:api.bsky.chat'

// The lexicons' limits: a post's text, and a chat message's.
const postLimits = { graphemes: 300, bytes: 3000 }
const messageLimits = { graphemes: 1000, bytes: 10000 }
/** Reconciling a direct message reads the conversation back to this long before the item was queued. */
const lookBackMs = 15 * 60_000

const did = z.string().regex(/^did:[a-z]+:\S+$/, 'is not a DID')
const strongRef = z.object({ uri: z.string().startsWith('at://'), cid: z.string().min(1) })
const postsPage = z.object({ posts: z.array(z.unknown()) })
const postView = z.object({
  uri: z.string(),
  cid: z.string().min(1),
  record: z.object({ reply: z.object({ root: strongRef }).loose().optional() }).loose(),
  viewer: z.object({ replyDisabled: z.boolean().optional() }).loose().optional(),
})
const created = z.object({ uri: z.string().startsWith('at://'), cid: z.string() })
const storedRecord = z.object({
  uri: z.string(),
  value: z.object({ text: z.string(), reply: z.object({ parent: z.object({ uri: z.string() }).loose() }).loose().optional() }).loose(),
})
const convo = z.object({ convo: z.object({ id: z.string().min(1) }).loose() })
const sentMessage = z.object({ id: z.string().min(1) }).loose()
const messagesPage = z.object({ messages: z.array(z.unknown()), cursor: z.string().optional() })
const messageView = z.object({ id: z.string(), text: z.string(), sender: z.object({ did: z.string() }), sentAt: z.iso.datetime({ offset: true }) })

type XrpcCall = () => Promise<{ data: unknown; headers: Record<string, string | undefined> }>

/** The publisher for a brand's Bluesky account, configured from its Bluesky source. */
export async function blueskyPublisherFor(sql: Sql, brandId: string, context: PublishContext): Promise<Publisher | string> {
  const [row] = await sql<{ settings: unknown }[]>`
    select settings from source
     where brand_id = ${brandId} and platform = 'bluesky'
     order by enabled desc, (kind = 'mentions') desc, id
     limit 1`
  if (!row) return 'The brand has no Bluesky source, so Earshot has no Bluesky account to send from.'
  const settings = blueskySettings.safeParse(row.settings)
  if (!settings.success) return `The brand's Bluesky source settings are invalid: ${settings.error.issues.map((issue) => issue.message).join('; ')}`
  const password = context.secrets[settings.data.password_env]
  if (!password) return `No Bluesky app password to post with: set the environment variable ${settings.data.password_env}.`
  return new BlueskyPublisher(settings.data, password, context)
}

export class BlueskyPublisher implements Publisher {
  private readonly entry: SessionEntry
  private readonly agent: Agent
  private readonly chat: Agent

  constructor(
    private readonly settings: BlueskySettings,
    private readonly password: string,
    private readonly context: PublishContext,
  ) {
    this.entry = sharedSession(settings, context.requestTimeoutMs)
    this.agent = new Agent(this.entry.session)
    this.chat = this.agent.withProxy('bsky_chat', chatService)
  }

  async publish(item: OutboxItem): Promise<Published> {
    if (item.kind === 'direct_message') return this.sendMessage(item)
    const answered = item.inReplyToExternalId
    if (!answered) throw new PublishError({ kind: 'permanent' }, 'A public reply needs the post it answers.')
    const text = richText(item, postLimits, 'A Bluesky post')
    const parent = await this.post(answered)
    if (!parent) {
      throw new PublishError({ kind: 'permanent' }, 'The post being answered is no longer on Bluesky (deleted, or hidden from the brand); send a direct message instead.')
    }
    if (parent.viewer?.replyDisabled) {
      throw new PublishError({ kind: 'permanent' }, 'The customer’s post does not allow replies from the brand; send a direct message instead.')
    }
    const repo = await this.me()
    const record = {
      $type: postCollection,
      text: text.text,
      ...(text.facets?.length ? { facets: text.facets } : {}),
      reply: { root: parent.record.reply?.root ?? { uri: parent.uri, cid: parent.cid }, parent: { uri: parent.uri, cid: parent.cid } },
      createdAt: this.context.clock.now().toISOString(),
    }
    const valid = AppBskyFeedPost.validateRecord(record)
    if (!valid.success) throw new PublishError({ kind: 'permanent' }, `Bluesky would not accept this post: ${valid.error.message}`)
    const rkey = recordKeyFor(item)
    const data = await this.call(createRecord, () => this.agent.com.atproto.repo.createRecord({ repo, collection: postCollection, rkey, record }))
    const body = created.safeParse(data)
    if (!body.success) throw new PublishError({ kind: 'retryable' }, `Bluesky answered ${createRecord} off contract`)
    return { postId: body.data.uri, url: postUrl(repo, rkey) }
  }

  async findExisting(item: OutboxItem): Promise<Published | null> {
    if (item.kind === 'direct_message') return this.findMessage(item)
    const repo = await this.me()
    const rkey = recordKeyFor(item)
    const data = await this.call(getRecord, () =>
      this.agent.com.atproto.repo.getRecord({ repo, collection: postCollection, rkey }).catch((error: unknown) => {
        // Not there: the create never happened (or the post was deleted since, and may be made again).
        if (error instanceof XRPCError && error.error === 'RecordNotFound') return { data: null, headers: error.headers ?? {} }
        throw error
      }),
    )
    if (data === null) return null
    const stored = storedRecord.safeParse(data)
    if (!stored.success) throw new PublishError({ kind: 'retryable' }, `Bluesky answered ${getRecord} off contract`)
    if (stored.data.value.reply?.parent.uri !== item.inReplyToExternalId) {
      // Two items whose keys collide: sixty million microseconds times 1024 make it next to impossible.
      throw new PublishError({ kind: 'permanent' }, `The record key ${rkey} already holds another of the brand’s posts; queue the reply again.`)
    }
    return { postId: stored.data.uri, url: postUrl(repo, rkey) }
  }

  private async sendMessage(item: OutboxItem): Promise<Published> {
    const text = richText(item, messageLimits, 'A Bluesky direct message')
    const convoId = await this.conversationWith(item)
    const message = { text: text.text, ...(text.facets?.length ? { facets: text.facets } : {}) }
    const data = await this.call(sendMessage, () => this.chat.chat.bsky.convo.sendMessage({ convoId, message }))
    const body = sentMessage.safeParse(data)
    if (!body.success) throw new PublishError({ kind: 'retryable' }, `Bluesky answered ${sendMessage} off contract`)
    return { postId: body.data.id, url: null }
  }

  /** Chat messages carry no key of ours: the brand's latest messages in the conversation are compared by text. */
  private async findMessage(item: OutboxItem): Promise<Published | null> {
    const me = await this.me()
    const convoId = await this.conversationWith(item)
    const text = normalize(item.body)
    const since = item.createdAt.getTime() - lookBackMs
    let cursor: string | undefined
    for (let pages = 0; pages < 5; pages++) {
      const data = await this.call(getMessages, () => this.chat.chat.bsky.convo.getMessages({ convoId, limit: 100, cursor }))
      const page = messagesPage.safeParse(data)
      if (!page.success) throw new PublishError({ kind: 'retryable' }, `Bluesky answered ${getMessages} off contract`)
      let older = false
      for (const raw of page.data.messages) {
        // Deleted and system messages have other shapes; they are not ours to find.
        const message = messageView.safeParse(raw)
        if (!message.success) continue
        if (Date.parse(message.data.sentAt) < since) older = true
        else if (message.data.sender.did === me && normalize(message.data.text) === text) return { postId: message.data.id, url: null }
      }
      if (older || !page.data.cursor) return null
      cursor = page.data.cursor
    }
    return null
  }

  private async conversationWith(item: OutboxItem): Promise<string> {
    const recipient = did.safeParse(item.recipient?.platformUserId)
    if (!recipient.success) throw new PublishError({ kind: 'permanent' }, 'A direct message needs the customer’s Bluesky account, and Earshot does not know it.')
    const me = await this.me()
    const data = await this.call(getConvoForMembers, () => this.chat.chat.bsky.convo.getConvoForMembers({ members: [me, recipient.data] }))
    const body = convo.safeParse(data)
    if (!body.success) throw new PublishError({ kind: 'retryable' }, `Bluesky answered ${getConvoForMembers} off contract`)
    return body.data.convo.id
  }

  /** The post being answered, with its cid (a reply must name both), or null when it is gone. */
  private async post(uri: string): Promise<z.infer<typeof postView> | null> {
    const data = await this.call(getPosts, () => this.agent.app.bsky.feed.getPosts({ uris: [uri] }))
    const page = postsPage.safeParse(data)
    if (!page.success) throw new PublishError({ kind: 'retryable' }, `Bluesky answered ${getPosts} off contract`)
    for (const raw of page.data.posts) {
      const view = postView.safeParse(raw)
      if (view.success && view.data.uri === uri) return view.data
    }
    return null
  }

  /** The brand account's DID, from the session. */
  private async me(): Promise<string> {
    await this.login()
    const own = this.entry.session.did
    if (!own) throw new PublishError({ kind: 'retryable' }, 'Bluesky gave a session without a DID')
    return own
  }

  private async login(): Promise<boolean> {
    try {
      return await ensureLogin(this.entry, () =>
        this.send(createSession, () => this.entry.session.login({ identifier: this.settings.identifier, password: this.password })),
      )
    } catch (error) {
      throw await this.failure(error, createSession)
    }
  }

  /** One XRPC call with a session; a session the library could not refresh gets one new login. */
  private async call(nsid: string, request: XrpcCall): Promise<unknown> {
    const fresh = await this.login()
    try {
      return await this.send(nsid, request)
    } catch (error) {
      if (fresh || !isAuthFailure(error)) throw await this.failure(error, nsid)
    }
    // Refused at the door, so nothing was written: asking again is safe.
    this.entry.session.session = undefined
    await this.login()
    try {
      return await this.send(nsid, request)
    } catch (error) {
      throw await this.failure(error, nsid)
    }
  }

  /** Through the account's limiter for this method, as the Bluesky source counts them. */
  private async send(nsid: string, request: XrpcCall): Promise<unknown> {
    const { limiters, requestTimeoutMs } = this.context
    const key = this.limiterKey(nsid)
    const response = await limiters.schedule(key, () => within(requestTimeoutMs, request(), `Bluesky ${nsid}`))
    await limiters.observe(key, readRateLimit(response.headers))
    return response.data
  }

  private limiterKey(nsid: string): string {
    return `bluesky:${this.settings.identifier}:${nsid}`
  }

  private async failure(error: unknown, nsid: string): Promise<PublishError> {
    if (error instanceof PublishError) return error
    if (error instanceof SourceError) {
      // The limiter's refusal, or a login shared with a source that failed.
      const { failure } = error
      if (failure.kind === 'rate_limited') return new PublishError({ kind: 'rate_limited', resetAt: failure.resetAt }, error.message, { cause: error })
      if (failure.kind === 'auth' || failure.kind === 'misconfigured') return new PublishError({ kind: 'permanent' }, error.message, { cause: error })
      return new PublishError({ kind: 'retryable' }, error.message, { cause: error })
    }
    if (error instanceof XRPCError) {
      const rateLimit = readRateLimit(error.headers ?? {})
      await this.context.limiters.observe(this.limiterKey(nsid), rateLimit)
      const message = `Bluesky refused: ${error.message}${error.error && error.error !== error.message ? ` (${error.error})` : ''} (${nsid} answered ${error.status})`
      if (error.status === 429) {
        const resetAt = rateLimit?.resetAt ? new Date(rateLimit.resetAt) : new Date(this.context.clock.now().getTime() + 5 * 60_000)
        return new PublishError({ kind: 'rate_limited', resetAt }, message, { cause: error })
      }
      // A PDS answers 500 to a create under a key that is taken (our own earlier send): retried,
      // the next attempt finds that post before creating anything.
      if (error.status >= 500 || error.status === unknownStatus) return new PublishError({ kind: 'retryable' }, message, { cause: error })
      if (/already exists/i.test(`${error.error} ${error.message}`)) return new PublishError({ kind: 'duplicate' }, message, { cause: error })
      if (error.error === 'NotFollowedBySender' || error.error === 'MessagesDisabled') {
        return new PublishError({ kind: 'permanent' }, `${message}. The customer does not take direct messages from the brand on Bluesky; reply in public instead.`, { cause: error })
      }
      if (isAuthFailure(error)) {
        const hint = nsid.startsWith('chat.')
          ? `the app password in ${this.settings.password_env} must be allowed to access direct messages`
          : `check the app password for ${this.settings.identifier} in ${this.settings.password_env}`
        return new PublishError({ kind: 'permanent' }, `${message}; ${hint}.`, { cause: error })
      }
      // The library's check of the answer against the lexicon (2, InvalidResponse) lands here too:
      // the write may have happened, so it is retried and reconciled rather than given up.
      if (error.status < 100) return new PublishError({ kind: 'retryable' }, message, { cause: error })
      return new PublishError({ kind: 'permanent' }, message, { cause: error })
    }
    const message = error instanceof Error ? error.message : String(error)
    return new PublishError({ kind: 'retryable' }, `Bluesky ${nsid} failed: ${message}`, { cause: error })
  }
}

function isAuthFailure(error: unknown): boolean {
  return error instanceof XRPCError && (error.status === 401 || error.status === 403 || authErrors.has(error.error))
}

/**
 * The item's text with its links and tags marked up as Bluesky clients do. Mentions need a DID;
 * the customer's is known, any other is left as plain text rather than resolved over the network.
 */
function richText(item: OutboxItem, limits: { graphemes: number; bytes: number }, what: string): RichText {
  const text = new RichText({ text: item.body })
  if (text.graphemeLength > limits.graphemes || text.length > limits.bytes) {
    throw new PublishError(
      { kind: 'permanent' },
      `${what} holds at most ${limits.graphemes} characters; this one has ${text.graphemeLength}. Shorten it${what.includes('post') ? ' or send it as a direct message' : ''}.`,
    )
  }
  text.detectFacetsWithoutResolution()
  const customer = item.recipient
  text.facets = text.facets
    ?.map((facet) => ({
      ...facet,
      features: facet.features.flatMap((feature) => {
        if (!AppBskyRichtextFacet.isMention(feature)) return [feature]
        // Detection leaves the handle where the DID belongs.
        return customer && feature.did.toLowerCase() === customer.handle.replace(/^@/, '').toLowerCase() ? [{ ...feature, did: customer.platformUserId }] : []
      }),
    }))
    .filter((facet) => facet.features.length > 0)
  return text
}

/**
 * The record key for an item's post: a TID (what the lexicon asks of post keys) whose time is
 * up to a minute before the item was queued, and whose low bits come from its idempotency key.
 * The same item always gets the same key; items queued together (same created_at) get different ones.
 */
export function recordKeyFor(item: Pick<OutboxItem, 'idempotencyKey' | 'createdAt'>): string {
  const digest = createHash('sha256').update(item.idempotencyKey).digest()
  const before = BigInt(digest.readUIntBE(0, 6) % 60_000_000)
  const clockId = BigInt(digest.readUInt16BE(6) & 0x3ff)
  const micros = BigInt(item.createdAt.getTime()) * 1000n - before
  let value = (micros << 10n) | clockId
  let key = ''
  for (let i = 0; i < 13; i++) {
    key = sortableBase32[Number(value & 31n)] + key
    value >>= 5n
  }
  return key
}

const sortableBase32 = '234567abcdefghijklmnopqrstuvwxyz'

function postUrl(repo: string, rkey: string): string {
  return `https://bsky.app/profile/${repo}/post/${rkey}`
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
