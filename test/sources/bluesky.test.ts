// The Bluesky driver against a fake PDS/AppView whose bodies are checked against the lexicons
// that @atproto/api ships: cursors without gaps or repeats, bad items kept apart, failures mapped.
import { lexicons } from '@atproto/api'
import { afterEach, describe, expect, it } from 'vitest'
import { blueskyDriver, blueskySettings } from '../../worker/sources/bluesky'
import type { SourceContext, SourceKind } from '../../worker/sources/driver'
import { RateLimiters } from '../../worker/sources/limiter'
import { SourceError, type FetchResult, type MentionSource } from '../../worker/sources/source'
import { manualClock, sourceFailure } from '../support/sources'
import { startFakeBluesky, type FakeBluesky, type FakeBlueskyOptions } from '../fakes/bluesky'

const password = 'abcd-efgh-ijkl-mnop'
const timeoutMs = 300

const fakes: FakeBluesky[] = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
})

async function setup(options: FakeBlueskyOptions & { kind?: SourceKind; query?: string; backfill?: number; secret?: string | null } = {}) {
  const time = manualClock()
  const server = await startFakeBluesky({ now: time.ms, password, ...options })
  fakes.push(server)
  const context: SourceContext = {
    secrets: options.secret === null ? {} : { BLUESKY_APP_PASSWORD: options.secret ?? password },
    limiters: new RateLimiters(time.clock),
    clock: time.clock,
    requestTimeoutMs: timeoutMs,
  }
  const settings = blueskySettings.parse({ service: server.url, identifier: server.handle, backfill_pages: options.backfill ?? 3 })
  const create = (): MentionSource =>
    blueskyDriver.create({ id: 'src-1', platform: 'bluesky', kind: options.kind ?? 'mentions', query: options.query ?? null, settings }, context)
  const poll = (cursor: string | null): Promise<FetchResult> =>
    create().fetchNew(cursor, { signal: new AbortController().signal, now: time.clock.now() })
  return { fake: server, time, context, create, poll }
}

const texts = (result: FetchResult) => result.mentions.map((m) => m.text)
const ids = (result: FetchResult) => result.mentions.map((m) => m.externalId)

describe('Bluesky mentions', () => {
  it('reads all mentions and replies on the first poll and normalizes them', async () => {
    const { fake, time, poll } = await setup({ maxPageSize: 2 })
    const root = fake.post({ text: 'Our status page', author: { handle: fake.handle }, reason: 'none' })
    const first = fake.post({
      text: 'Internet down since Monday @brand.bsky.social',
      author: { handle: 'kati.bsky.social', displayName: 'Kati Kask' },
      langs: ['et-EE'],
    })
    time.advance(1000)
    const reply = fake.post({ text: 'Still nothing, 3 days now', author: { handle: 'kati.bsky.social' }, reason: 'reply', replyTo: root.uri })
    time.advance(1000)
    fake.post({ text: 'Called 5 times', langs: ['und'] })
    fake.post({ text: 'Quoting this', reason: 'quote', quotes: root.uri })

    const result = await poll(null)
    expect(texts(result)).toEqual(['Quoting this', 'Called 5 times', 'Still nothing, 3 days now', 'Internet down since Monday @brand.bsky.social'])
    expect(result.rejected).toEqual([])
    expect(result.skipped).toBe(0)

    const mention = result.mentions.find((m) => m.externalId === first.uri)!
    const rkey = first.uri.split('/').pop()
    expect(mention).toMatchObject({
      platform: 'bluesky',
      author: {
        platformUserId: expect.stringMatching(/^did:plc:/),
        handle: 'kati.bsky.social',
        displayName: 'Kati Kask',
        followers: null,
        verified: false,
        profileUrl: 'https://bsky.app/profile/kati.bsky.social',
      },
      languageHint: 'et',
      postedAt: new Date('2026-03-02T09:00:00.000Z'),
      conversationId: first.uri,
      inReplyToId: null,
      url: `https://bsky.app/profile/kati.bsky.social/post/${rkey}`,
      engagement: {},
    })
    expect(mention.raw).toMatchObject({ uri: first.uri, reason: 'mention' })
    const replied = result.mentions.find((m) => m.externalId === reply.uri)!
    expect(replied).toMatchObject({ conversationId: root.uri, inReplyToId: root.uri })
    expect(result.mentions.find((m) => m.text === 'Called 5 times')?.languageHint).toBeNull()

    // Only the reasons that are mentions are asked for, a page at a time.
    const calls = fake.requests().filter((r) => r.nsid === 'app.bsky.notification.listNotifications')
    expect(calls).toHaveLength(2)
    expect(calls[0]!.params.getAll('reasons')).toEqual(['mention', 'reply', 'quote'])
    expect(new Set(ids(result))).toEqual(fake.served())

    const cursor = JSON.parse(result.nextCursor!) as { newest: string; seen: Record<string, number> }
    expect(cursor.newest).toBe('2026-03-02T09:00:02.000Z')
    expect(Object.keys(cursor.seen).sort()).toEqual([...fake.served()].sort())
    expect(result.rateLimit).toMatchObject({ limit: 3000, remaining: expect.any(Number) })
  })

  it('backfills only backfill_pages pages when there is no cursor', async () => {
    const { fake, time, poll } = await setup({ maxPageSize: 2, backfill: 2 })
    for (let i = 1; i <= 7; i++) {
      fake.post({ text: `complaint ${i}` })
      time.advance(1000)
    }
    const result = await poll(null)
    expect(texts(result)).toEqual(['complaint 7', 'complaint 6', 'complaint 5', 'complaint 4'])
  })

  it('reads exactly what is new on the next polls, across pages, without gaps or repeats', async () => {
    const { fake, time, poll } = await setup({ maxPageSize: 3 })
    for (let i = 1; i <= 4; i++) {
      fake.post({ text: `old ${i}` })
      time.advance(1000)
    }
    const first = await poll(null)
    expect(first.mentions).toHaveLength(4)

    // Two of the new ones share a timestamp with the newest already seen.
    time.advance(-1000)
    fake.post({ text: 'same millisecond as old 4' })
    time.advance(1000)
    for (let i = 1; i <= 8; i++) {
      fake.post({ text: `new ${i}` })
      time.advance(60_000)
    }
    const second = await poll(first.nextCursor)
    expect(texts(second).sort()).toEqual(['new 1', 'new 2', 'new 3', 'new 4', 'new 5', 'new 6', 'new 7', 'new 8', 'same millisecond as old 4'].sort())

    const third = await poll(second.nextCursor)
    expect(third.mentions).toEqual([])
    expect(third.nextCursor).toBe(second.nextCursor)

    // The reading goes back five minutes past the newest item seen (new 8), and no further:
    // pages [an hour later, new 8, new 7], [new 6, new 5, new 4], [new 3, new 2: older, stop].
    time.advance(60 * 60_000)
    fake.post({ text: 'an hour later' })
    const before = fake.requests().length
    const fourth = await poll(third.nextCursor)
    expect(texts(fourth)).toEqual(['an hour later'])
    expect(fake.requests().length - before).toBe(3)
  })

  it('keeps malformed items apart with a reason and still delivers the items around them', async () => {
    const { fake, time, poll } = await setup({ maxPageSize: 10 })
    fake.post({ text: 'before the bad ones' })
    time.advance(1000)
    const at = new Date(time.ms()).toISOString()
    // Lexicon-valid (a record is "unknown" to the lexicon) but without the text a post has.
    fake.postMalformed({
      uri: 'at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbadnotext22',
      cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
      author: { did: 'did:plc:abcdefghijklmnopqrstuvwx', handle: 'broken.bsky.social' },
      reason: 'mention',
      record: { $type: 'app.bsky.feed.post', createdAt: at },
      isRead: false,
      indexedAt: at,
    })
    // Fails the lexicon (no author handle), so the library refuses the whole page.
    fake.postMalformed({
      uri: 'at://did:plc:bbcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbadauthor2',
      cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
      author: { did: 'did:plc:bbcdefghijklmnopqrstuvwx' },
      reason: 'mention',
      record: { $type: 'app.bsky.feed.post', text: 'hello', createdAt: at },
      isRead: false,
      indexedAt: at,
    })
    fake.post({ text: '   ' })
    time.advance(1000)
    fake.post({ text: 'after the bad ones' })

    const result = await poll(null)
    // The page as a whole breaks the lexicon, so the driver had to judge its items one by one.
    const page = fake.responses().at(-1)!
    expect(() => lexicons.assertValidXrpcOutput(page.nsid, page.body)).toThrow(/handle/)
    expect(texts(result)).toEqual(['after the bad ones', 'before the bad ones'])
    expect(result.rejected).toHaveLength(3)
    const reasons = Object.fromEntries(result.rejected.map((r) => [r.externalId?.split('/').pop(), r.reason]))
    expect(reasons['3lbadnotext22']).toMatch(/record\.text/)
    expect(reasons['3lbadauthor2']).toMatch(/author\.handle/)
    expect(result.rejected.find((r) => r.reason.startsWith('text'))?.reason).toBe('text: is empty')
    for (const rejected of result.rejected) expect(rejected.raw).toBeTypeOf('object')
    expect(JSON.parse(result.nextCursor!).newest).toBe(new Date(time.ms()).toISOString())
  })

  it('skips reposts, likes and bare quotes, and counts them', async () => {
    const { fake, poll } = await setup({ honorReasons: false })
    const own = fake.post({ text: 'Maintenance tonight', author: { handle: 'brand.bsky.social' }, reason: 'none' })
    fake.notify('repost', own.uri)
    fake.notify('like', own.uri)
    fake.post({ text: '', reason: 'quote', quotes: own.uri })
    fake.post({ text: 'this again?!', reason: 'quote', quotes: own.uri })
    const result = await poll(null)
    expect(texts(result)).toEqual(['this again?!'])
    expect(result.skipped).toBe(3)
    expect(result.rejected).toEqual([])
  })

  it('keeps one session across polls and logs in again when it has expired', async () => {
    const { fake, poll } = await setup()
    fake.post({ text: 'one' })
    const first = await poll(null)
    fake.post({ text: 'two' })
    await poll(first.nextCursor)
    const logins = () => fake.requests().filter((r) => r.nsid === 'com.atproto.server.createSession').length
    expect(logins()).toBe(1)

    fake.revokeSessions()
    fake.post({ text: 'three' })
    const third = await poll(first.nextCursor)
    expect(texts(third)).toEqual(['three', 'two'])
    expect(logins()).toBe(2)
  })

  it('fails with auth when the app password is refused or missing', async () => {
    const wrong = await setup({ secret: 'not-the-password' })
    const refused = await sourceFailure(wrong.poll(null))
    expect(refused.failure).toEqual({ kind: 'auth' })
    expect(refused.message).toMatch(/BLUESKY_APP_PASSWORD/)

    const missing = await setup({ secret: null })
    const error = await sourceFailure(Promise.resolve().then(() => missing.create()))
    expect(error.failure).toEqual({ kind: 'auth' })
    expect(error.message).toContain('BLUESKY_APP_PASSWORD')
  })

  it('reports 429 as rate_limited until the reset the headers gave, then goes on', async () => {
    const { fake, time, poll } = await setup()
    fake.post({ text: 'one' })
    const first = await poll(null)
    fake.exhaust()
    const error = await sourceFailure(poll(first.nextCursor))
    const resetSeconds = Math.ceil((time.ms() + 300_000) / 1000)
    expect(error.failure).toMatchObject({ kind: 'rate_limited', resetAt: new Date(resetSeconds * 1000) })

    // Until then the limiter refuses without asking the server again.
    const before = fake.requests().length
    expect((await sourceFailure(poll(first.nextCursor))).failure.kind).toBe('rate_limited')
    expect(fake.requests().length).toBe(before)

    time.advance(301_000)
    fake.post({ text: 'two' })
    expect(texts(await poll(first.nextCursor))).toEqual(['two'])
  })

  it('retries a 5xx and delivers the items', async () => {
    const { fake, poll } = await setup()
    fake.post({ text: 'one' })
    await poll(null) // logged in
    fake.post({ text: 'two' })
    fake.fail(1, 503)
    fake.fail(1, 500)
    const result = await poll(null)
    expect(texts(result)).toEqual(['two', 'one'])
  })

  it('gives up on a request after requestTimeoutMs and reports it as transient', async () => {
    const { fake, poll } = await setup()
    fake.post({ text: 'one' })
    await poll(null)
    fake.fail(1, 'timeout')
    expect(texts(await poll(null))).toEqual(['one'])

    fake.fail(5, 'timeout')
    const started = Date.now()
    const error = await sourceFailure(poll(null))
    expect(error.failure).toEqual({ kind: 'transient' })
    // withRetry's three attempts, each cut off at the timeout (its backoff sleeps are instant here).
    expect(Date.now() - started).toBeLessThan(3 * timeoutMs + 1000)
  })
})

describe('Bluesky search', () => {
  it('searches the latest posts, then only what came since, including late-indexed posts', async () => {
    const { fake, time, poll } = await setup({ kind: 'search', query: 'acme outage', maxPageSize: 2 })
    fake.post({ text: 'ACME outage again', reason: 'none' })
    fake.post({ text: 'unrelated post', reason: 'none' })
    time.advance(1000)
    fake.post({ text: 'acme outage in Tartu', reason: 'none' })
    fake.post({ text: 'is acme down?', reason: 'none' })
    const first = await poll(null)
    expect(texts(first)).toEqual(['acme outage in Tartu', 'ACME outage again'])
    expect(first.mentions[0]!.engagement).toEqual({ reposts: expect.any(Number), replies: 0, likes: expect.any(Number), quotes: 0 })

    time.advance(60_000)
    for (let i = 1; i <= 5; i++) {
      fake.post({ text: `acme outage ${i}`, reason: 'none' })
      time.advance(1000)
    }
    const second = await poll(first.nextCursor)
    expect(texts(second)).toEqual(['acme outage 5', 'acme outage 4', 'acme outage 3', 'acme outage 2', 'acme outage 1'])

    // Written 90 s ago by its author's clock and indexed only now, so it sorts behind posts the
    // last poll already saw; the overlap still finds it, and nothing seen comes twice.
    fake.post({ text: 'acme outage, posted late', reason: 'none', createdAt: new Date(time.ms() - 90_000).toISOString() })
    const third = await poll(second.nextCursor)
    expect(texts(third)).toEqual(['acme outage, posted late'])

    const search = fake.requests().filter((r) => r.nsid === 'app.bsky.feed.searchPosts')
    expect(search[0]!.params.get('q')).toBe('acme outage')
    expect(search[0]!.params.get('sort')).toBe('latest')
    expect(search[0]!.params.get('since')).toBeNull()
    const since = search.at(-1)!.params.get('since')!
    expect(Date.parse(since)).toBe(Date.parse(JSON.parse(second.nextCursor!).newest) - 5 * 60_000)

    const fourth = await poll(third.nextCursor)
    expect(fourth.mentions).toEqual([])
    expect(fourth.nextCursor).toBe(third.nextCursor)
  })

  it('needs a query', async () => {
    const { create } = await setup({ kind: 'search' })
    expect((await sourceFailure(Promise.resolve().then(create))).message).toMatch(/query/)
  })
})

describe('the fake Bluesky server', () => {
  it('answers within the lexicons @atproto/api ships', async () => {
    const { fake, time, poll } = await setup({ maxPageSize: 2 })
    const root = fake.post({ text: 'status update', author: { handle: fake.handle }, reason: 'none' })
    fake.post({ text: 'a mention', langs: ['en'] })
    fake.post({ text: 'a reply', reason: 'reply', replyTo: root.uri })
    fake.post({ text: 'a quote', reason: 'quote', quotes: root.uri })
    fake.notify('repost', root.uri)
    time.advance(1000)
    await poll(null)
    const search = await setup({ kind: 'search', query: 'a' })
    search.fake.post({ text: 'a search hit', reason: 'none' })
    await search.poll(null)

    const create = await fetch(`${search.fake.url}/xrpc/com.atproto.server.createSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: search.fake.handle, password }),
    })
    const { accessJwt } = (await create.json()) as { accessJwt: string }
    await fetch(`${search.fake.url}/xrpc/com.atproto.repo.createRecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessJwt}` },
      body: JSON.stringify({
        repo: search.fake.did,
        collection: 'app.bsky.feed.post',
        record: { $type: 'app.bsky.feed.post', text: 'Sorry! We are on it.', createdAt: new Date().toISOString() },
      }),
    })
    expect(search.fake.created()).toHaveLength(1)

    const bodies = [...fake.responses(), ...search.fake.responses()]
    expect(new Set(bodies.map((b) => b.nsid))).toEqual(
      new Set([
        'com.atproto.server.createSession',
        'app.bsky.notification.listNotifications',
        'app.bsky.feed.searchPosts',
        'com.atproto.repo.createRecord',
      ]),
    )
    for (const { nsid, body } of bodies) expect(() => lexicons.assertValidXrpcOutput(nsid, body), nsid).not.toThrow()
  })
})
