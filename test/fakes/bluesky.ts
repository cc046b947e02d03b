// A fake Bluesky PDS + AppView for the calls Earshot makes, shaped as the lexicons in
// @atproto/api say (its test checks every body it serves against them). Plain HTTP on
// 127.0.0.1; lists are newest first with keyset cursors, as the real services page.
import { createHash, randomBytes } from 'node:crypto'
import type http from 'node:http'
import { listen, readBody, sendJson } from './http'

export interface FakeBlueskyOptions {
  /** The brand account. */
  handle?: string
  password?: string
  /** Milliseconds since the epoch; tests pass a fake clock to cross a rate-limit reset at once. */
  now?: () => number
  /** The most items a page holds, whatever `limit` asks for (servers may send fewer). */
  maxPageSize?: number
  rateLimit?: { limit: number; windowSeconds: number }
  /** False plays a server that does not know listNotifications' `reasons` filter. */
  honorReasons?: boolean
}

export interface FakePostInput {
  text: string
  author?: { handle: string; displayName?: string }
  /** How it reaches the brand's notifications; 'none' makes it visible to search only. */
  reason?: 'mention' | 'reply' | 'quote' | 'none'
  langs?: string[]
  /** Client-set, so it may lie; defaults to now. */
  createdAt?: string
  /** The uri of the post this replies to. */
  replyTo?: string
  /** For quotes: the uri of the quoted post. */
  quotes?: string
}

export interface FakeBlueskyPost {
  uri: string
  cid: string
}

export type FakeFailure = 500 | 503 | 'timeout'

export interface FakeBluesky {
  url: string
  did: string
  handle: string
  post(input: FakePostInput): FakeBlueskyPost
  /** Someone reposts or likes a post: a notification that is not a mention. */
  notify(reason: 'repost' | 'like', subject: string, by?: { handle: string }): void
  /** An item served exactly as given, to `notifications` or `search` results. */
  postMalformed(raw: unknown, where?: 'notifications' | 'search'): void
  /** The uris of every item the fake has served. */
  served(): Set<string>
  /** The records created through com.atproto.repo.createRecord. */
  created(): unknown[]
  /** Every request: method NSID and query. */
  requests(): Array<{ nsid: string; params: URLSearchParams }>
  /** Every JSON body answered with 200, for the contract check. */
  responses(): Array<{ nsid: string; body: unknown }>
  /** The next `times` data requests (not logins) fail with this status, or never answer. */
  fail(times: number, how: FakeFailure): void
  /** Spends the rate-limit window: every request is refused with 429 until it resets. */
  exhaust(): void
  /** Expires every session: access and refresh tokens stop working, a new login is needed. */
  revokeSessions(): void
  close(): Promise<void>
}

interface Entry {
  seq: number
  at: number
  body: unknown
  uri: string | null
  text: string
}

const fakeAuthors = [
  { handle: 'kati.bsky.social', displayName: 'Kati' },
  { handle: 'marco.bsky.social', displayName: 'Marco Rossi' },
  { handle: 'olga.example.com', displayName: '' },
]

export async function startFakeBluesky(options: FakeBlueskyOptions = {}): Promise<FakeBluesky> {
  const handle = options.handle ?? 'brand.bsky.social'
  const password = options.password ?? 'abcd-efgh-ijkl-mnop'
  const now = options.now ?? Date.now
  const maxPageSize = options.maxPageSize ?? 100
  const { limit: windowLimit, windowSeconds } = options.rateLimit ?? { limit: 3000, windowSeconds: 300 }
  const honorReasons = options.honorReasons ?? true
  const did = didFor(handle)

  const notifications: Entry[] = []
  const posts: Entry[] = []
  const created: unknown[] = []
  const served = new Set<string>()
  const log: Array<{ nsid: string; params: URLSearchParams }> = []
  const okBodies: Array<{ nsid: string; body: unknown }> = []
  const accessTokens = new Set<string>()
  const refreshTokens = new Set<string>()
  const failures: FakeFailure[] = []
  let seq = 0
  let rkeyClock = 0
  let window = { resetAt: now() + windowSeconds * 1000, remaining: windowLimit }

  function rateHeaders(): Record<string, string> {
    return {
      'ratelimit-limit': String(windowLimit),
      'ratelimit-remaining': String(window.remaining),
      'ratelimit-reset': String(Math.ceil(window.resetAt / 1000)),
      'ratelimit-policy': `${windowLimit};w=${windowSeconds}`,
    }
  }

  /** Counts the request against the window; false when the window is spent. */
  function spend(): boolean {
    if (now() >= window.resetAt) window = { resetAt: now() + windowSeconds * 1000, remaining: windowLimit }
    if (window.remaining === 0) return false
    window.remaining--
    return true
  }

  function authorView(who: { handle: string; displayName?: string }) {
    return {
      did: didFor(who.handle),
      handle: who.handle,
      ...(who.displayName ? { displayName: who.displayName } : {}),
      avatar: `https://cdn.bsky.app/img/avatar/plain/${didFor(who.handle)}/abc@jpeg`,
      labels: [],
      createdAt: '2023-05-01T10:00:00.000Z',
      indexedAt: '2023-05-01T10:00:00.000Z',
      viewer: { muted: false, blockedBy: false },
    }
  }

  function newUri(authorDid: string, collection: string): string {
    return `at://${authorDid}/${collection}/${tid(now() * 1000 + rkeyClock++)}`
  }

  function post(input: FakePostInput): FakeBlueskyPost {
    const who = input.author ?? fakeAuthors[seq % fakeAuthors.length]!
    const authorDid = didFor(who.handle)
    const uri = newUri(authorDid, 'app.bsky.feed.post')
    const cid = cidFor(uri)
    const indexedAt = new Date(now()).toISOString()
    const parent = input.replyTo ? findPost(input.replyTo) : undefined
    const record = {
      $type: 'app.bsky.feed.post',
      text: input.text,
      createdAt: input.createdAt ?? indexedAt,
      ...(input.langs ? { langs: input.langs } : {}),
      ...(input.replyTo
        ? {
            reply: {
              root: parent?.root ?? { uri: input.replyTo, cid: cidFor(input.replyTo) },
              parent: { uri: input.replyTo, cid: cidFor(input.replyTo) },
            },
          }
        : {}),
      ...(input.quotes
        ? { embed: { $type: 'app.bsky.embed.record', record: { uri: input.quotes, cid: cidFor(input.quotes) } } }
        : {}),
    }
    const view = {
      uri,
      cid,
      author: authorView(who),
      record,
      replyCount: 0,
      repostCount: seq % 3,
      likeCount: seq % 5,
      quoteCount: 0,
      indexedAt,
      labels: [],
    }
    const sortAt = Math.min(Date.parse(indexedAt), Date.parse(record.createdAt) || Infinity)
    posts.push({ seq: ++seq, at: sortAt, body: view, uri, text: input.text })
    const reason = input.reason ?? 'mention'
    if (reason !== 'none') {
      const notification = {
        uri,
        cid,
        author: view.author,
        reason,
        ...(reason === 'reply' || reason === 'quote' ? { reasonSubject: input.replyTo ?? input.quotes ?? uri } : {}),
        record,
        isRead: false,
        indexedAt,
        labels: [],
      }
      notifications.push({ seq: ++seq, at: Date.parse(indexedAt), body: notification, uri, text: input.text })
    }
    return { uri, cid }
  }

  function findPost(uri: string): { root: { uri: string; cid: string } } | undefined {
    const entry = posts.find((p) => p.uri === uri)
    if (!entry) return undefined
    const record = (entry.body as { record: { reply?: { root: { uri: string; cid: string } } } }).record
    return { root: record.reply?.root ?? { uri, cid: cidFor(uri) } }
  }

  function notify(reason: 'repost' | 'like', subject: string, by = fakeAuthors[0]!): void {
    const collection = reason === 'repost' ? 'app.bsky.feed.repost' : 'app.bsky.feed.like'
    const uri = newUri(didFor(by.handle), collection)
    const indexedAt = new Date(now()).toISOString()
    const body = {
      uri,
      cid: cidFor(uri),
      author: authorView(by),
      reason,
      reasonSubject: subject,
      record: { $type: collection, subject: { uri: subject, cid: cidFor(subject) }, createdAt: indexedAt },
      isRead: false,
      indexedAt,
      labels: [],
    }
    notifications.push({ seq: ++seq, at: Date.parse(indexedAt), body, uri, text: '' })
  }

  function postMalformed(raw: unknown, where: 'notifications' | 'search' = 'notifications'): void {
    const fields = (raw ?? {}) as { uri?: unknown; indexedAt?: unknown; record?: { text?: unknown } }
    const at = typeof fields.indexedAt === 'string' && !Number.isNaN(Date.parse(fields.indexedAt)) ? Date.parse(fields.indexedAt) : now()
    const entry: Entry = {
      seq: ++seq,
      at,
      body: raw,
      uri: typeof fields.uri === 'string' ? fields.uri : null,
      text: typeof fields.record?.text === 'string' ? fields.record.text : '',
    }
    ;(where === 'notifications' ? notifications : posts).push(entry)
  }

  /** Newest first by (at, seq); the cursor is the last key served, so new arrivals do not shift pages. */
  function page(entries: Entry[], params: URLSearchParams, defaultLimit: number) {
    const limit = Math.min(Number(params.get('limit') ?? defaultLimit), maxPageSize)
    const after = params.get('cursor')?.split('::').map(Number)
    const sorted = [...entries].sort((a, b) => b.at - a.at || b.seq - a.seq)
    const rest = after ? sorted.filter((e) => e.at < after[0]! || (e.at === after[0] && e.seq < after[1]!)) : sorted
    const items = rest.slice(0, limit)
    const last = items.at(-1)
    for (const item of items) if (item.uri) served.add(item.uri)
    return { items: items.map((e) => e.body), cursor: last && rest.length > limit ? `${last.at}::${last.seq}` : undefined }
  }

  function bearer(req: http.IncomingMessage): string | null {
    const header = req.headers.authorization ?? ''
    return header.startsWith('Bearer ') ? header.slice(7) : null
  }

  function issueSession() {
    const accessJwt = `access-${randomBytes(8).toString('hex')}`
    const refreshJwt = `refresh-${randomBytes(8).toString('hex')}`
    accessTokens.add(accessJwt)
    refreshTokens.add(refreshJwt)
    return { accessJwt, refreshJwt, handle, did, active: true }
  }

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const nsid = url.pathname.replace(/^\/xrpc\//, '')
    log.push({ nsid, params: url.searchParams })
    const reply = (status: number, body: unknown) => {
      if (status === 200) okBodies.push({ nsid, body })
      sendJson(res, status, body, rateHeaders())
    }
    if (!spend()) return reply(429, { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' })

    if (nsid === 'com.atproto.server.createSession' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as { identifier?: string; password?: string }
      if ((body.identifier !== handle && body.identifier !== did) || body.password !== password) {
        return reply(401, { error: 'AuthenticationRequired', message: 'Invalid identifier or password' })
      }
      return reply(200, { ...issueSession(), emailConfirmed: true, emailAuthFactor: false })
    }
    if (nsid === 'com.atproto.server.refreshSession' && req.method === 'POST') {
      const token = bearer(req)
      if (!token || !refreshTokens.delete(token)) return reply(400, { error: 'ExpiredToken', message: 'Token has been revoked' })
      return reply(200, issueSession())
    }

    const token = bearer(req)
    if (!token) return reply(401, { error: 'AuthenticationRequired', message: 'Authentication Required' })
    if (!accessTokens.has(token)) return reply(400, { error: 'ExpiredToken', message: 'Token has expired' })

    const failure = failures.shift()
    if (failure === 'timeout') return // never answers; close() drops the socket
    if (failure) return reply(failure, { error: 'InternalServerError', message: 'Internal Server Error' })

    if (nsid === 'app.bsky.notification.listNotifications' && req.method === 'GET') {
      const reasons = url.searchParams.getAll('reasons')
      const visible =
        honorReasons && reasons.length > 0
          ? notifications.filter((n) => reasons.includes(String((n.body as { reason?: unknown } | null)?.reason)))
          : notifications
      const { items, cursor } = page(visible, url.searchParams, 50)
      return reply(200, { notifications: items, ...(cursor ? { cursor } : {}), priority: false })
    }
    if (nsid === 'app.bsky.feed.searchPosts' && req.method === 'GET') {
      const q = url.searchParams.get('q')
      if (!q) return reply(400, { error: 'InvalidRequest', message: 'Error: Params must have the property "q"' })
      const since = url.searchParams.get('since')
      const sinceMs = since ? Date.parse(since) : -Infinity
      const words = q.toLowerCase().split(/\s+/).filter(Boolean)
      const matching = posts.filter((p) => p.at >= sinceMs && words.every((w) => p.text.toLowerCase().includes(w)))
      const { items, cursor } = page(matching, url.searchParams, 25)
      return reply(200, { posts: items, ...(cursor ? { cursor } : {}) })
    }
    if (nsid === 'com.atproto.repo.createRecord' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as { repo?: string; collection?: string; record?: unknown }
      if (body.repo !== did && body.repo !== handle) return reply(400, { error: 'InvalidRequest', message: 'Invalid repo' })
      const uri = newUri(did, body.collection ?? 'app.bsky.feed.post')
      created.push(body.record)
      return reply(200, { uri, cid: cidFor(uri), validationStatus: 'valid' })
    }
    return reply(501, { error: 'MethodNotImplemented', message: 'Method Not Implemented' })
  })

  return {
    url: server.url,
    did,
    handle,
    post,
    notify,
    postMalformed,
    served: () => new Set(served),
    created: () => [...created],
    requests: () => [...log],
    responses: () => [...okBodies],
    fail(times, how) {
      for (let i = 0; i < times; i++) failures.push(how)
    },
    exhaust() {
      if (now() >= window.resetAt) window = { resetAt: now() + windowSeconds * 1000, remaining: windowLimit }
      window.remaining = 0
    },
    revokeSessions() {
      accessTokens.clear()
      refreshTokens.clear()
    },
    close: () => server.close(),
  }
}

// Syntactically real identifiers, so that the lexicon's format checks pass.
const base32 = 'abcdefghijklmnopqrstuvwxyz234567'
const sortable = '234567abcdefghijklmnopqrstuvwxyz'

function didFor(handle: string): string {
  const digest = createHash('sha256').update(handle).digest()
  return `did:plc:${[...digest.subarray(0, 24)].map((b) => base32[b & 31]).join('')}`
}

/** A record key in the TID format: 13 sortable base32 characters of a microsecond clock. */
function tid(micros: number): string {
  let value = BigInt(Math.floor(micros)) << 10n
  let out = ''
  for (let i = 0; i < 13; i++) {
    out = sortable[Number(value & 31n)] + out
    value >>= 5n
  }
  return out
}

/** A CIDv1 (dag-cbor, sha-256) in base32, derived from the uri so it is stable. */
function cidFor(uri: string): string {
  const bytes = Buffer.concat([Buffer.from([0x01, 0x71, 0x12, 0x20]), createHash('sha256').update(uri).digest()])
  let bits = 0
  let value = 0
  let out = 'b'
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += base32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += base32[(value << (5 - bits)) & 31]
  return out
}
