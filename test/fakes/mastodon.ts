// A fake Mastodon server for the calls Earshot makes. Entities are built as masto's types
// describe them (so a drift in masto's types breaks tsc here) and go out in Mastodon's own
// snake_case. Paging follows Mastodon: newest first; max_id / since_id / min_id exclusive;
// min_id answers the oldest items above it (still newest first); Link headers for next/prev.
import type http from 'node:http'
import type { mastodon } from 'masto'
import { listen, readBody, sendJson } from './http'

export interface FakeMastodonOptions {
  token?: string
  /** Milliseconds since the epoch; tests pass a fake clock to cross a rate-limit reset at once. */
  now?: () => number
  /** The most items a page holds, whatever `limit` asks for. */
  maxPageSize?: number
  rateLimit?: { limit: number; windowSeconds: number }
  /**
   * Mastodon's second budget, for creating statuses (300 per 3 hours by default): POST
   * /api/v1/statuses answers with these headers instead of the account's general ones.
   */
  statusRateLimit?: { limit: number; windowSeconds: number }
  /** False plays a server that ignores `types[]`. */
  honorTypes?: boolean
}

export interface FakeMastodonPostInput {
  /** Status HTML as Mastodon renders it; defaults to `text` in a paragraph. */
  content?: string
  text?: string
  author?: { username: string; displayName?: string; followers?: number; domain?: string }
  /** Mentions the brand, so it arrives as a notification (default true). */
  mention?: boolean
  tags?: string[]
  inReplyToId?: string
  language?: string | null
  spoilerText?: string
  /** 'direct' is a private message: it reaches the brand's notifications, never a tag timeline. */
  visibility?: mastodon.v1.StatusVisibility
}

export type FakeFailure = 500 | 503 | 'timeout'
/** 'accept_then_reset': the status is created, then the connection drops before the answer. */
export type FakePostFailure = FakeFailure | 'accept_then_reset'

export interface FakeMastodon {
  url: string
  /** host:port, what the driver scopes ids with. */
  host: string
  post(input: FakeMastodonPostInput): mastodon.v1.Status
  /** Someone boosts a status: a reblog notification, and the boost in the status's tag timelines. */
  reblog(statusId: string, by?: { username: string }): mastodon.v1.Status
  /** An item served exactly as given, to the notifications or to a tag's timeline. */
  postMalformed(raw: unknown, where?: 'notifications' | { tag: string }): void
  /** `host:statusId` of every status the fake has served. */
  served(): Set<string>
  /** The brand account, as the token's owner. */
  brand: mastodon.v1.Account
  /** Statuses created through POST /api/v1/statuses. */
  created(): mastodon.v1.Status[]
  requests(): Array<{ method: string; path: string; query: URLSearchParams }>
  /** The next `times` API requests fail with this status, or never answer. */
  fail(times: number, how: FakeFailure): void
  /** The next `times` POST /api/v1/statuses fail so (after the general failures above). */
  failPosts(times: number, how: FakePostFailure): void
  /** Spends the rate-limit window: every request is refused with 429 until it resets. */
  exhaust(): void
  /** Spends the status-creation budget only: posting is refused with 429, reading goes on. */
  exhaustPosting(): void
  close(): Promise<void>
}

interface Entry {
  id: bigint
  body: unknown
  statusId: string | null
  tags: string[]
}

export async function startFakeMastodon(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  const token = options.token ?? 'fake-mastodon-token'
  const now = options.now ?? Date.now
  const maxPageSize = options.maxPageSize ?? 80
  const { limit: windowLimit, windowSeconds } = options.rateLimit ?? { limit: 300, windowSeconds: 300 }
  const statusBudget = options.statusRateLimit ?? { limit: 300, windowSeconds: 3 * 3600 }
  const honorTypes = options.honorTypes ?? true

  const notifications: Entry[] = []
  const statuses: Entry[] = []
  const created: mastodon.v1.Status[] = []
  const byIdempotencyKey = new Map<string, mastodon.v1.Status>()
  const served = new Set<string>()
  const log: Array<{ method: string; path: string; query: URLSearchParams }> = []
  const failures: FakeFailure[] = []
  const postFailures: FakePostFailure[] = []
  let notificationSeq = 0n
  let statusSeq = 0n
  let window = { resetAt: now() + windowSeconds * 1000, remaining: windowLimit }
  let statusWindow = { resetAt: now() + statusBudget.windowSeconds * 1000, remaining: statusBudget.limit }
  let origin = ''
  let host = ''

  const brand = account({ username: 'brand', displayName: 'Acme Support', followers: 12_000 })

  function spend(): boolean {
    if (now() >= window.resetAt) window = { resetAt: now() + windowSeconds * 1000, remaining: windowLimit }
    if (window.remaining === 0) return false
    window.remaining--
    return true
  }

  function spendStatus(): boolean {
    if (now() >= statusWindow.resetAt) statusWindow = { resetAt: now() + statusBudget.windowSeconds * 1000, remaining: statusBudget.limit }
    if (statusWindow.remaining === 0) return false
    statusWindow.remaining--
    return true
  }

  function rateHeaders(budget = { limit: windowLimit, ...window }): Record<string, string> {
    // Mastodon writes the reset with microseconds.
    const reset = new Date(budget.resetAt).toISOString().replace('Z', '000Z')
    return { 'x-ratelimit-limit': String(budget.limit), 'x-ratelimit-remaining': String(budget.remaining), 'x-ratelimit-reset': reset }
  }

  /** Snowflake-like, as Mastodon's status ids: milliseconds in the high bits, so they outgrow doubles. */
  function nextStatusId(): bigint {
    return (BigInt(now()) << 16n) + ++statusSeq
  }

  function account(who: { username: string; displayName?: string; followers?: number; domain?: string }): mastodon.v1.Account {
    const acct = who.domain ? `${who.username}@${who.domain}` : who.username
    const url = `https://${who.domain ?? 'fake.social'}/@${who.username}`
    return {
      id: String(100 + [...acct].reduce((sum, c) => sum + c.charCodeAt(0), 0)),
      username: who.username,
      acct,
      url,
      displayName: who.displayName ?? '',
      note: '',
      avatar: 'https://fake.social/avatars/original/missing.png',
      avatarStatic: 'https://fake.social/avatars/original/missing.png',
      header: 'https://fake.social/headers/original/missing.png',
      headerStatic: 'https://fake.social/headers/original/missing.png',
      locked: false,
      fields: [],
      emojis: [],
      bot: false,
      group: false,
      discoverable: true,
      createdAt: '2023-01-01T00:00:00.000Z',
      lastStatusAt: '2026-03-01',
      statusesCount: 10,
      followersCount: who.followers ?? 42,
      followingCount: 7,
      roles: [],
      featureApproval: { automatic: [], manual: [], current_user: 'automatic' },
    } satisfies mastodon.v1.Account
  }

  function status(fields: {
    content: string
    account: mastodon.v1.Account
    tags?: string[]
    inReplyToId?: string | null
    language?: string | null
    spoilerText?: string
    reblog?: mastodon.v1.Status | null
    visibility?: mastodon.v1.StatusVisibility
    mentions?: mastodon.v1.StatusMention[]
    inReplyToAccountId?: string | null
  }): mastodon.v1.Status {
    const id = String(nextStatusId())
    const createdAt = new Date(now()).toISOString()
    return {
      id,
      uri: `https://fake.social/users/${fields.account.username}/statuses/${id}`,
      url: `https://fake.social/@${fields.account.username}/${id}`,
      createdAt,
      editedAt: null,
      account: fields.account,
      content: fields.content,
      visibility: fields.visibility ?? 'public',
      sensitive: false,
      spoilerText: fields.spoilerText ?? '',
      mediaAttachments: [],
      application: { name: 'Web', website: null },
      mentions: fields.mentions ?? [{ id: brand.id, username: brand.username, url: brand.url, acct: brand.acct }],
      tags: (fields.tags ?? []).map((name, i) => ({ id: String(i + 1), name, url: `https://fake.social/tags/${name}` })),
      emojis: [],
      reblogsCount: 1,
      favouritesCount: 3,
      repliesCount: 0,
      quotesCount: 0,
      quoteApproval: { automatic: ['public'], manual: [], currentUser: 'automatic' },
      inReplyToId: fields.inReplyToId ?? null,
      inReplyToAccountId: fields.inReplyToId ? (fields.inReplyToAccountId ?? brand.id) : null,
      reblog: fields.reblog ?? null,
      poll: null,
      card: null,
      language: fields.language === undefined ? 'en' : fields.language,
      favourited: false,
      reblogged: false,
      muted: false,
      bookmarked: false,
    } satisfies mastodon.v1.Status
  }

  function notification(type: 'mention' | 'reblog', of: mastodon.v1.Status, by: mastodon.v1.Account): Entry {
    const id = ++notificationSeq
    const body = {
      id: String(id),
      type,
      createdAt: new Date(now()).toISOString(),
      account: by,
      groupKey: `${type}-${of.id}`,
      status: of,
    } satisfies mastodon.v1.Notification
    return { id, body, statusId: of.id, tags: [] }
  }

  function post(input: FakeMastodonPostInput): mastodon.v1.Status {
    const author = account(input.author ?? { username: 'kati', displayName: 'Kati Kask', domain: 'example.ee' })
    const content = input.content ?? `<p>${escapeHtml(input.text ?? '')}</p>`
    const created = status({
      content,
      account: author,
      tags: input.tags,
      inReplyToId: input.inReplyToId,
      language: input.language,
      spoilerText: input.spoilerText,
      visibility: input.visibility,
    })
    const tags = input.visibility === 'direct' ? [] : (input.tags ?? []).map((t) => t.toLowerCase())
    statuses.push({ id: BigInt(created.id), body: created, statusId: created.id, tags })
    if (input.mention ?? true) notifications.push(notification('mention', created, author))
    return created
  }

  function reblog(statusId: string, by = { username: 'marco', domain: 'mastodon.social' }): mastodon.v1.Status {
    const original = statuses.find((s) => s.statusId === statusId)
    if (!original) throw new Error(`no status ${statusId}`)
    const of = original.body as mastodon.v1.Status
    const booster = account(by)
    const boost = status({ content: '', account: booster, reblog: of, language: null })
    // Mastodon itself leaves boosts out of tag timelines; some servers do not, and the driver must cope.
    statuses.push({ id: BigInt(boost.id), body: boost, statusId: boost.id, tags: original.tags })
    notifications.push(notification('reblog', of, booster))
    return boost
  }

  function postMalformed(raw: unknown, where: 'notifications' | { tag: string } = 'notifications'): void {
    const fields = (raw ?? {}) as { id?: unknown; status?: { id?: unknown } }
    if (where === 'notifications') {
      const statusId = typeof fields.status?.id === 'string' ? fields.status.id : null
      const id = typeof fields.id === 'string' && /^\d+$/.test(fields.id) ? BigInt(fields.id) : ++notificationSeq
      if (id > notificationSeq) notificationSeq = id
      notifications.push({ id, body: raw, statusId, tags: [] })
    } else {
      const id = typeof fields.id === 'string' && /^\d+$/.test(fields.id) ? BigInt(fields.id) : nextStatusId()
      statuses.push({ id, body: raw, statusId: typeof fields.id === 'string' ? fields.id : null, tags: [where.tag.toLowerCase()] })
    }
  }

  /** Mastodon's paging: see the header of this file. */
  function page(entries: Entry[], query: URLSearchParams, defaultLimit: number, maxLimit: number) {
    const limit = Math.min(Number(query.get('limit') ?? defaultLimit) || defaultLimit, maxLimit, maxPageSize)
    const id = (name: string) => (query.get(name) && /^\d+$/.test(query.get(name)!) ? BigInt(query.get(name)!) : null)
    const maxId = id('max_id')
    const sinceId = id('since_id')
    const minId = id('min_id')
    let chosen = entries.filter(
      (e) => (maxId === null || e.id < maxId) && (sinceId === null || e.id > sinceId) && (minId === null || e.id > minId),
    )
    chosen.sort((a, b) => (a.id < b.id ? 1 : -1))
    chosen = minId !== null ? chosen.slice(-limit) : chosen.slice(0, limit)
    for (const entry of chosen) if (entry.statusId) served.add(`${host}:${entry.statusId}`)
    return chosen
  }

  function link(path: string, query: URLSearchParams, items: Entry[]): Record<string, string> {
    if (items.length === 0) return {}
    const keep = new URLSearchParams()
    for (const [key, value] of query) if (key === 'limit' || key.startsWith('types') || key.startsWith('exclude_types')) keep.append(key, value)
    const at = (name: string, value: bigint) => {
      const q = new URLSearchParams(keep)
      q.set(name, String(value))
      return `${origin}${path}?${q}`
    }
    return { link: `<${at('max_id', items.at(-1)!.id)}>; rel="next", <${at('min_id', items[0]!.id)}>; rel="prev"` }
  }

  const server = await listen(async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const method = req.method ?? 'GET'
    log.push({ method, path: url.pathname, query: url.searchParams })
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      sendJson(res, status, snakeKeys(body), { ...rateHeaders(), ...headers })

    if (req.headers.authorization !== `Bearer ${token}`) {
      return sendJson(res, 401, { error: 'The access token is invalid' }, { 'www-authenticate': 'Bearer error="invalid_token"' })
    }
    if (!spend()) return reply(429, { error: 'Too many requests' })
    const fail = (how: FakeFailure): void => {
      if (how === 'timeout') return // never answers; close() drops the socket
      if (how === 503) {
        // What a proxy in front of a struggling server sends: HTML, not JSON.
        res.writeHead(503, { 'content-type': 'text/html', ...rateHeaders() })
        res.end('<html><body><h1>503 Service Unavailable</h1></body></html>')
        return
      }
      reply(500, { error: "We're sorry, but something went wrong on our end." })
    }
    const failure = failures.shift()
    if (failure) return fail(failure)

    if (method === 'GET' && url.pathname === '/api/v1/notifications') {
      const types = url.searchParams.getAll('types[]')
      const excluded = url.searchParams.getAll('exclude_types[]')
      const typeOf = (e: Entry) => String((e.body as { type?: unknown } | null)?.type)
      const visible = honorTypes
        ? notifications.filter((e) => (types.length === 0 || types.includes(typeOf(e))) && !excluded.includes(typeOf(e)))
        : notifications
      const items = page(visible, url.searchParams, 40, 80)
      return reply(200, items.map((e) => e.body), link(url.pathname, url.searchParams, items))
    }
    const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname)
    if (method === 'GET' && tag) {
      const name = decodeURIComponent(tag[1]!).toLowerCase()
      const items = page(statuses.filter((e) => e.tags.includes(name)), url.searchParams, 20, 40)
      return reply(200, items.map((e) => e.body), link(url.pathname, url.searchParams, items))
    }
    if (method === 'GET' && url.pathname === '/api/v1/accounts/verify_credentials') {
      const credentials = {
        ...brand,
        source: {
          attributionDomains: [],
          note: '',
          fields: [],
          privacy: 'public',
          sensitive: false,
          language: 'en',
          followRequestsCount: 0,
          indexable: true,
          quotePolicy: 'public',
          role: { id: 0, name: '', color: '', position: 0, permissions: 0, highlighted: false, createdAt: '', updatedAt: '', collectionLimit: 0 },
        },
        role: { id: 0, name: '', color: '', position: 0, permissions: 0, highlighted: false, createdAt: '', updatedAt: '', collectionLimit: 0 },
      } satisfies mastodon.v1.AccountCredentials
      return reply(200, credentials)
    }
    const ofAccount = /^\/api\/v1\/accounts\/(\d+)\/statuses$/.exec(url.pathname)
    if (method === 'GET' && ofAccount) {
      // The owner sees all their statuses, private mentions included; others only what is public.
      const own = ofAccount[1] === brand.id
      const excludeReplies = url.searchParams.get('exclude_replies') === 'true'
      const excludeReblogs = url.searchParams.get('exclude_reblogs') === 'true'
      const theirs = statuses.filter((e) => {
        const s = e.body as Partial<mastodon.v1.Status> | null
        if (!s || s.account?.id !== ofAccount[1]) return false
        if (!own && (s.visibility === 'direct' || s.visibility === 'private')) return false
        return !(excludeReplies && s.inReplyToId) && !(excludeReblogs && s.reblog)
      })
      const items = page(theirs, url.searchParams, 20, 40)
      return reply(200, items.map((e) => e.body), link(url.pathname, url.searchParams, items))
    }
    const one = /^\/api\/v1\/statuses\/(\d+)$/.exec(url.pathname)
    if (method === 'GET' && one) {
      const found = statuses.find((e) => e.statusId === one[1])
      return found ? reply(200, found.body) : reply(404, { error: 'Record not found' })
    }
    if (method === 'POST' && url.pathname === '/api/v1/statuses') {
      const postFailure = postFailures.shift()
      if (postFailure !== undefined && postFailure !== 'accept_then_reset') return fail(postFailure)
      // POST /api/v1/statuses reports the status-creation budget in its headers, not the general one.
      const posting = () => rateHeaders({ limit: statusBudget.limit, ...statusWindow })
      const key = req.headers['idempotency-key']
      const repeat = typeof key === 'string' ? byIdempotencyKey.get(key) : undefined
      if (repeat) return reply(200, repeat, posting())
      if (!spendStatus()) return reply(429, { error: 'Too many requests' }, posting())
      const body = JSON.parse((await readBody(req)) || '{}') as { status?: string; in_reply_to_id?: string; visibility?: string }
      if (!body.status?.trim()) return reply(422, { error: "Validation failed: Text can't be blank" }, posting())
      if (countableLength(body.status) > 500) return reply(422, { error: 'Validation failed: Text character limit of 500 exceeded' }, posting())
      const parent = body.in_reply_to_id ? statuses.find((s) => s.statusId === body.in_reply_to_id) : undefined
      if (body.in_reply_to_id && !parent) {
        return reply(404, { error: 'The post you are trying to reply to does not appear to exist.' }, posting())
      }
      const visibility = (['public', 'unlisted', 'private', 'direct'] as const).find((v) => v === body.visibility) ?? 'public'
      const mentioned = mentionsIn(body.status).map(({ username, domain }) => account({ username, domain }))
      const sent = status({
        content: `<p>${renderMentions(escapeHtml(body.status))}</p>`,
        account: brand,
        inReplyToId: body.in_reply_to_id ?? null,
        inReplyToAccountId: (parent?.body as mastodon.v1.Status | undefined)?.account.id ?? null,
        visibility,
        mentions: mentioned.map((a) => ({ id: a.id, username: a.username, url: a.url, acct: a.acct })),
      })
      created.push(sent)
      statuses.push({ id: BigInt(sent.id), body: sent, statusId: sent.id, tags: [] })
      if (typeof key === 'string') byIdempotencyKey.set(key, sent)
      if (postFailure === 'accept_then_reset') {
        res.socket?.destroy()
        return
      }
      return reply(200, sent, posting())
    }
    return reply(404, { error: 'Record not found' })
  })
  origin = server.url
  host = new URL(server.url).host

  return {
    url: server.url,
    host,
    brand,
    post,
    reblog,
    postMalformed,
    served: () => new Set(served),
    created: () => [...created],
    requests: () => [...log],
    fail(times, how) {
      for (let i = 0; i < times; i++) failures.push(how)
    },
    failPosts(times, how) {
      for (let i = 0; i < times; i++) postFailures.push(how)
    },
    exhaust() {
      if (now() >= window.resetAt) window = { resetAt: now() + windowSeconds * 1000, remaining: windowLimit }
      window.remaining = 0
    },
    exhaustPosting() {
      spendStatus()
      statusWindow.remaining = 0
    },
    close: () => server.close(),
  }
}

/** masto's camelCase entities back into Mastodon's wire format. */
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(v)]))
  }
  return value
}

// As Mastodon escapes text into status HTML.
const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!).replace(/\n/g, '<br />')
}

// Mastodon's mention syntax: @user or @user@domain, not inside a word or a URL path.
const mentionPattern = /(?<=^|[^/\w])@([a-z0-9_]+)(?:@([a-z0-9.-]+[a-z0-9]))?/gi

function mentionsIn(text: string): Array<{ username: string; domain?: string }> {
  return [...text.matchAll(mentionPattern)].map((m) => ({ username: m[1]!, ...(m[2] ? { domain: m[2] } : {}) }))
}

/** As Mastodon links a mention: an h-card that shows the username only. */
function renderMentions(html: string): string {
  return html.replace(mentionPattern, (_all, username: string, domain: string | undefined) => {
    const url = `https://${domain ?? 'fake.social'}/@${username}`
    return `<span class="h-card" translate="no"><a href="${url}" class="u-url mention">@<span>${username}</span></a></span>`
  })
}

/** Mastodon's count: a link is 23 characters, a mention counts without its domain, graphemes not code units. */
function countableLength(text: string): number {
  const countable = text.replace(/https?:\/\/\S+/g, 'x'.repeat(23)).replace(mentionPattern, (_all, username: string) => `@${username}`)
  return [...new Intl.Segmenter().segment(countable)].length
}
