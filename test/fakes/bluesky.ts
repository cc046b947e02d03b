// A fake Bluesky PDS + AppView + chat service for the calls Earshot makes, shaped as the lexicons in
// @atproto/api say (its test checks every body it serves against them). Plain HTTP on
// 127.0.0.1; lists are newest first with keyset cursors, as the real services page.
import { createHash, randomBytes } from 'node:crypto'
import type http from 'node:http'
import { lexicons } from '@atproto/api'
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
  /** The post's thread gate leaves the brand out: its view says replyDisabled. */
  repliesDisabled?: boolean
}

export interface FakeBlueskyPost {
  uri: string
  cid: string
}

export type FakeFailure = 500 | 503 | 'timeout'
/** 'accept_then_reset': the write is done, then the connection drops before the answer. */
export type FakeWriteFailure = FakeFailure | 'accept_then_reset'

/** A record the brand wrote with com.atproto.repo.createRecord. */
export interface FakeWrite {
  uri: string
  cid: string
  rkey: string
  record: unknown
}

/** A direct message sent through the chat service (chat.bsky.convo.sendMessage). */
export interface FakeChatMessage {
  id: string
  convoId: string
  members: string[]
  sender: string
  text: string
}

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
  /** The same, with where each was written. */
  writes(): FakeWrite[]
  /** The direct messages sent through the chat service. */
  messages(): FakeChatMessage[]
  /** The post is deleted: it is gone from every view. */
  deletePost(uri: string): void
  /** This account accepts messages only from accounts it follows, which the brand is not. */
  refuseMessages(did: string): void
  /** The next `times` writes (createRecord, sendMessage) fail so, after the general failures. */
  failWrites(times: number, how: FakeWriteFailure): void
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
  const created: FakeWrite[] = []
  const handles = new Map<string, string>([[did, handle]])
  const convos = new Map<string, { id: string; members: string[] }>()
  const chat: Array<FakeChatMessage & { sentAt: string; rev: string }> = []
  const closedInboxes = new Set<string>()
  const writeFailures: FakeWriteFailure[] = []
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
    handles.set(didFor(who.handle), who.handle)
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
      ...(input.repliesDisabled ? { viewer: { replyDisabled: true } } : {}),
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

  function convoView(convo: { id: string; members: string[] }) {
    const last = chat.filter((m) => m.convoId === convo.id).at(-1)
    return {
      id: convo.id,
      rev: last?.rev ?? tid(0),
      members: convo.members.map((member) => ({ did: member, handle: handles.get(member) ?? 'handle.invalid' })),
      ...(last ? { lastMessage: { $type: 'chat.bsky.convo.defs#messageView', ...messageView(last) } } : {}),
      muted: false,
      status: 'accepted',
      unreadCount: 0,
    }
  }

  function messageView(message: (typeof chat)[number]) {
    return { id: message.id, rev: message.rev, text: message.text, sender: { did: message.sender }, sentAt: message.sentAt }
  }

  /** The chat service (api.bsky.chat), reached through the PDS with the atproto-proxy header. */
  async function chatCall(
    nsid: string,
    url: URL,
    req: http.IncomingMessage,
    reply: (status: number, body: unknown) => void,
    res: http.ServerResponse,
  ): Promise<void> {
    if (nsid === 'chat.bsky.convo.getConvoForMembers' && req.method === 'GET') {
      const members = [...new Set(url.searchParams.getAll('members'))]
      if (!members.includes(did) || members.length < 2) {
        return reply(400, { error: 'InvalidRequest', message: 'Members must include the requester and someone else' })
      }
      const closed = members.find((member) => closedInboxes.has(member))
      if (closed) return reply(400, { error: 'NotFollowedBySender', message: 'recipient requires incoming messages to come from someone they follow' })
      const id = createHash('sha256').update([...members].sort().join(',')).digest('hex').slice(0, 13)
      let convo = convos.get(id)
      if (!convo) {
        convo = { id, members }
        convos.set(id, convo)
      }
      return reply(200, { convo: convoView(convo) })
    }
    if (nsid === 'chat.bsky.convo.getMessages' && req.method === 'GET') {
      const convo = convos.get(url.searchParams.get('convoId') ?? '')
      if (!convo) return reply(400, { error: 'InvalidConvo', message: 'Convo not found' })
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 50) || 50, 100, maxPageSize)
      const before = url.searchParams.get('cursor')
      const newestFirst = chat.filter((m) => m.convoId === convo.id && (before === null || m.rev < before)).reverse()
      const items = newestFirst.slice(0, limit)
      const next = newestFirst.length > limit ? items.at(-1)?.rev : undefined
      return reply(200, { messages: items.map((m) => ({ $type: 'chat.bsky.convo.defs#messageView', ...messageView(m) })), ...(next ? { cursor: next } : {}) })
    }
    if (nsid === 'chat.bsky.convo.sendMessage' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as { convoId?: string; message?: { text?: string } }
      const convo = convos.get(body.convoId ?? '')
      if (!convo) return reply(400, { error: 'InvalidConvo', message: 'Convo not found' })
      const text = body.message?.text ?? ''
      if ([...new Intl.Segmenter().segment(text)].length > 1000) {
        return reply(400, { error: 'InvalidRequest', message: 'Input/message/text must not be longer than 1000 graphemes' })
      }
      const writeFailure = writeFailures.shift()
      if (writeFailure !== undefined && writeFailure !== 'accept_then_reset') {
        if (writeFailure === 'timeout') return
        return reply(writeFailure, { error: 'InternalServerError', message: 'Internal Server Error' })
      }
      const rev = tid(now() * 1000 + rkeyClock++)
      const message = { id: rev, rev, convoId: convo.id, members: convo.members, sender: did, text, sentAt: new Date(now()).toISOString() }
      chat.push(message)
      if (writeFailure === 'accept_then_reset') {
        res.socket?.destroy()
        return
      }
      return reply(200, messageView(message))
    }
    return reply(501, { error: 'MethodNotImplemented', message: 'Method Not Implemented' })
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

    if (nsid.startsWith('chat.bsky.')) {
      // The PDS hands chat calls on only to the service the client names.
      if (req.headers['atproto-proxy'] !== 'did:web:api.bsky.chat#bsky_chat') {
        return reply(501, { error: 'MethodNotImplemented', message: 'Method Not Implemented' })
      }
      return chatCall(nsid, url, req, reply, res)
    }

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
    if (nsid === 'app.bsky.feed.getPosts' && req.method === 'GET') {
      const uris = url.searchParams.getAll('uris')
      const found = uris.map((uri) => posts.find((p) => p.uri === uri)).filter((p) => p !== undefined)
      for (const p of found) served.add(p.uri!)
      return reply(200, { posts: found.map((p) => p.body) })
    }
    if (nsid === 'com.atproto.repo.getRecord' && req.method === 'GET') {
      const repo = url.searchParams.get('repo') ?? ''
      const uri = `at://${repo === handle ? did : repo}/${url.searchParams.get('collection')}/${url.searchParams.get('rkey')}`
      const found = posts.find((p) => p.uri === uri)
      if (!found) return reply(400, { error: 'RecordNotFound', message: `Could not locate record: ${uri}` })
      const view = found.body as { uri: string; cid: string; record: unknown }
      return reply(200, { uri: view.uri, cid: view.cid, value: view.record })
    }
    if (nsid === 'com.atproto.repo.createRecord' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as { repo?: string; collection?: string; rkey?: string; record?: unknown }
      if (body.repo !== did && body.repo !== handle) return reply(400, { error: 'InvalidRequest', message: 'Invalid repo' })
      const collection = body.collection ?? 'app.bsky.feed.post'
      if (collection === 'app.bsky.feed.post') {
        // The PDS checks records of the collections it knows against their lexicon, and their keys.
        if (body.rkey !== undefined && !tidPattern.test(body.rkey)) {
          return reply(400, { error: 'InvalidRequest', message: `Invalid record key: ${body.rkey}` })
        }
        try {
          lexicons.assertValidRecord(collection, body.record)
        } catch (error) {
          return reply(400, { error: 'InvalidRequest', message: `Invalid ${collection} record: ${error instanceof Error ? error.message : String(error)}` })
        }
      }
      const writeFailure = writeFailures.shift()
      if (writeFailure !== undefined && writeFailure !== 'accept_then_reset') {
        if (writeFailure === 'timeout') return
        return reply(writeFailure, { error: 'InternalServerError', message: 'Internal Server Error' })
      }
      const rkey = body.rkey ?? tid(now() * 1000 + rkeyClock++)
      const uri = `at://${did}/${collection}/${rkey}`
      // What the PDS does today when the key is taken: its repository refuses, and it answers 500.
      if (created.some((w) => w.uri === uri)) return reply(500, { error: 'InternalServerError', message: 'Internal Server Error' })
      const cid = cidFor(uri)
      created.push({ uri, cid, rkey, record: body.record })
      if (collection === 'app.bsky.feed.post') {
        const record = body.record as { text: string; createdAt: string }
        const indexedAt = new Date(now()).toISOString()
        const view = { uri, cid, author: authorView({ handle }), record, replyCount: 0, repostCount: 0, likeCount: 0, quoteCount: 0, indexedAt, labels: [] }
        const sortAt = Math.min(Date.parse(indexedAt), Date.parse(record.createdAt) || Infinity)
        posts.push({ seq: ++seq, at: sortAt, body: view, uri, text: record.text })
      }
      if (writeFailure === 'accept_then_reset') {
        res.socket?.destroy()
        return
      }
      return reply(200, { uri, cid, validationStatus: 'valid' })
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
    created: () => created.map((write) => write.record),
    writes: () => [...created],
    messages: () => chat.map(({ id, convoId, members, sender, text }) => ({ id, convoId, members, sender, text })),
    deletePost(uri) {
      for (const list of [posts, notifications]) {
        const at = list.findIndex((entry) => entry.uri === uri)
        if (at >= 0) list.splice(at, 1)
      }
    },
    refuseMessages(member) {
      closedInboxes.add(member)
    },
    failWrites(times, how) {
      for (let i = 0; i < times; i++) writeFailures.push(how)
    },
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
const tidPattern = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/

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
