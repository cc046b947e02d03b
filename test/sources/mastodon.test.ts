// The Mastodon driver against a fake server typed with masto's entities: cursors without gaps
// or repeats, bad items kept apart, boosts skipped, failures mapped, status HTML made plain.
import { createRestAPIClient } from 'masto'
import { afterEach, describe, expect, it } from 'vitest'
import type { SourceContext, SourceKind } from '../../worker/sources/driver'
import { RateLimiters } from '../../worker/sources/limiter'
import { htmlToText, mastodonDriver, mastodonSettings } from '../../worker/sources/mastodon'
import { SourceError, type FetchResult, type MentionSource } from '../../worker/sources/source'
import { manualClock, sourceFailure } from '../support/sources'
import { startFakeMastodon, type FakeMastodon, type FakeMastodonOptions } from '../fakes/mastodon'

const token = 'fake-mastodon-token'
const timeoutMs = 300

const fakes: FakeMastodon[] = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
})

async function setup(options: FakeMastodonOptions & { kind?: SourceKind; query?: string; backfill?: number; secret?: string | null } = {}) {
  const time = manualClock()
  const fake = await startFakeMastodon({ now: time.ms, token, ...options })
  fakes.push(fake)
  const context: SourceContext = {
    secrets: options.secret === null ? {} : { MASTODON_ACCESS_TOKEN: options.secret ?? token },
    limiters: new RateLimiters(time.clock),
    clock: time.clock,
    requestTimeoutMs: timeoutMs,
  }
  const settings = mastodonSettings.parse({ url: fake.url, backfill_pages: options.backfill ?? 3 })
  const create = (): MentionSource =>
    mastodonDriver.create({ id: 'src-1', platform: 'mastodon', kind: options.kind ?? 'mentions', query: options.query ?? null, settings }, context)
  const poll = (cursor: string | null): Promise<FetchResult> =>
    create().fetchNew(cursor, { signal: new AbortController().signal, now: time.clock.now() })
  return { fake, time, context, create, poll }
}

const texts = (result: FetchResult) => result.mentions.map((m) => m.text)
const listCalls = (fake: FakeMastodon) => fake.requests().filter((r) => r.method === 'GET' && !r.path.endsWith('verify_credentials'))

describe('Mastodon mentions', () => {
  it('reads all mentions on the first poll and normalizes them', async () => {
    const { fake, time, poll } = await setup({ maxPageSize: 4 })
    const first = fake.post({
      content:
        '<p><span class="h-card"><a href="https://fake.social/@brand" class="u-url mention">@<span>brand</span></a></span> No internet since Monday &amp; nobody answers.<br />Ticket &lt;123&gt;</p><p>See <a href="https://example.ee/long/path"><span class="invisible">https://</span><span class="ellipsis">example.ee/long</span><span class="invisible">/path</span></a> &#128545;</p>',
      author: { username: 'kati', displayName: 'Kati Kask', followers: 321, domain: 'example.ee' },
      language: 'et',
    })
    for (let i = 2; i <= 11; i++) {
      time.advance(1000)
      fake.post({ text: `complaint ${i}`, inReplyToId: i === 11 ? first.id : undefined })
    }

    const result = await poll(null)
    expect(texts(result)).toHaveLength(11)
    expect(result.rejected).toEqual([])
    expect(result.skipped).toBe(0)
    // Notification ids 1..11: "11" is the newest, which a string comparison would get wrong.
    expect(result.nextCursor).toBe('11')

    const mention = result.mentions.find((m) => m.externalId === `${fake.host}:${first.id}`)!
    expect(mention).toMatchObject({
      platform: 'mastodon',
      author: {
        platformUserId: `${fake.host}:${first.account.id}`,
        handle: 'kati@example.ee',
        displayName: 'Kati Kask',
        followers: 321,
        verified: false,
        profileUrl: 'https://example.ee/@kati',
      },
      text: '@brand No internet since Monday & nobody answers.\nTicket <123>\n\nSee https://example.ee/long/path 😡',
      languageHint: 'et',
      postedAt: new Date('2026-03-02T09:00:00.000Z'),
      conversationId: null,
      inReplyToId: null,
      url: first.url,
      engagement: { reposts: 1, replies: 0, likes: 3, quotes: 0 },
    })
    expect(mention.raw).toMatchObject({ type: 'mention', status: { id: first.id } })
    expect(result.mentions.find((m) => m.text === 'complaint 11')?.inReplyToId).toBe(`${fake.host}:${first.id}`)
    expect(new Set(result.mentions.map((m) => m.externalId))).toEqual(fake.served())

    const calls = listCalls(fake)
    expect(calls).toHaveLength(3)
    expect(calls[0]!.query.getAll('types[]')).toEqual(['mention'])
    expect(calls[1]!.query.get('max_id')).toBe('8')
    expect(result.rateLimit).toMatchObject({ limit: 300, remaining: expect.any(Number), resetAt: '2026-03-02T09:05:00.000Z' })
  })

  it('reads a direct mention as a private message, and a public one as public', async () => {
    const { fake, poll } = await setup()
    fake.post({ text: '@brand my account number is 5521', visibility: 'direct' })
    fake.post({ text: '@brand still down' })
    const result = await poll(null)
    expect(result.mentions.map((mention) => [mention.text, mention.private]).sort()).toEqual([
      ['@brand my account number is 5521', true],
      ['@brand still down', false],
    ])
  })

  it('backfills only backfill_pages pages when there is no cursor', async () => {
    const { fake, poll } = await setup({ maxPageSize: 4, backfill: 2 })
    for (let i = 1; i <= 10; i++) fake.post({ text: `complaint ${i}` })
    const result = await poll(null)
    expect(texts(result)).toEqual(['complaint 10', 'complaint 9', 'complaint 8', 'complaint 7', 'complaint 6', 'complaint 5', 'complaint 4', 'complaint 3'])
  })

  it('reads everything newer than the cursor upwards with min_id: no gap, no repeat', async () => {
    const { fake, poll } = await setup({ maxPageSize: 4 })
    for (let i = 1; i <= 3; i++) fake.post({ text: `old ${i}` })
    const first = await poll(null)
    expect(first.nextCursor).toBe('3')

    // More than a page: since_id would answer only the newest four and lose new 1..5.
    for (let i = 1; i <= 9; i++) fake.post({ text: `new ${i}` })
    const before = listCalls(fake).length
    const second = await poll(first.nextCursor)
    expect(texts(second).sort()).toEqual(['new 1', 'new 2', 'new 3', 'new 4', 'new 5', 'new 6', 'new 7', 'new 8', 'new 9'])
    expect(second.nextCursor).toBe('12')
    const calls = listCalls(fake).slice(before)
    expect(calls.map((c) => c.query.get('min_id'))).toEqual(['3', '7', '11', '12'])
    expect(calls.every((c) => c.query.get('since_id') === null)).toBe(true)

    const third = await poll(second.nextCursor)
    expect(third.mentions).toEqual([])
    expect(third.nextCursor).toBe('12')
  })

  it('keeps malformed items apart with a reason and still delivers the items around them', async () => {
    const { fake, poll } = await setup()
    fake.post({ text: 'before the bad ones' })
    const good = fake.post({ text: 'template', mention: false })
    const wire = (overrides: Record<string, unknown>) => ({ ...snake(good), ...overrides })
    fake.postMalformed({ id: '2', type: 'mention', created_at: good.createdAt, account: snake(good.account), status: wire({ id: '999', content: undefined }) })
    fake.postMalformed({ id: '3', type: 'mention', created_at: good.createdAt, account: snake(good.account), status: wire({ id: '998', created_at: 'yesterday' }) })
    fake.postMalformed({ id: '4', type: 'mention', created_at: good.createdAt, account: snake(good.account) })
    fake.postMalformed({ id: '5', type: 'mention', created_at: good.createdAt, account: snake(good.account), status: wire({ id: '997', content: '<p> </p>' }) })
    fake.post({ text: 'after the bad ones' })

    const result = await poll(null)
    expect(texts(result)).toEqual(['after the bad ones', 'before the bad ones'])
    expect(result.rejected.map((r) => [r.externalId, r.reason])).toEqual([
      [`${fake.host}:997`, 'text: is empty'],
      [null, expect.stringMatching(/^status: /)],
      [`${fake.host}:998`, expect.stringMatching(/^status\.createdAt: /)],
      [`${fake.host}:999`, expect.stringMatching(/^status\.content: /)],
    ])
    expect(result.nextCursor).toBe('6')
  })

  it('skips notifications that are not mentions when the server ignores types[]', async () => {
    const { fake, poll } = await setup({ honorTypes: false })
    const own = fake.post({ text: 'Maintenance tonight', mention: false, author: { username: 'brand' } })
    fake.reblog(own.id)
    fake.post({ text: 'is it over yet?' })
    const result = await poll(null)
    expect(texts(result)).toEqual(['is it over yet?'])
    expect(result.skipped).toBe(1)
  })

  it('fails with auth when the token is refused or missing', async () => {
    const wrong = await setup({ secret: 'revoked-token' })
    const refused = await sourceFailure(wrong.poll(null))
    expect(refused.failure).toEqual({ kind: 'auth' })
    expect(refused.message).toMatch(/401.*MASTODON_ACCESS_TOKEN/)

    const missing = await setup({ secret: null })
    const error = await sourceFailure(Promise.resolve().then(() => missing.create()))
    expect(error.failure).toEqual({ kind: 'auth' })
    expect(error.message).toContain('MASTODON_ACCESS_TOKEN')
  })

  it('reports 429 as rate_limited until the reset the headers gave, then goes on', async () => {
    const { fake, time, poll } = await setup()
    fake.post({ text: 'one' })
    const first = await poll(null)
    fake.exhaust()
    const error = await sourceFailure(poll(first.nextCursor))
    expect(error.failure).toMatchObject({
      kind: 'rate_limited',
      resetAt: new Date('2026-03-02T09:05:00.000Z'),
      rateLimit: { limit: 300, remaining: 0, resetAt: '2026-03-02T09:05:00.000Z' },
    })

    const before = fake.requests().length
    expect((await sourceFailure(poll(first.nextCursor))).failure.kind).toBe('rate_limited')
    expect(fake.requests().length).toBe(before)

    time.advance(301_000)
    fake.post({ text: 'two' })
    expect(texts(await poll(first.nextCursor))).toEqual(['two'])
  })

  it('retries 5xx answers, JSON or a proxy error page, and delivers the items', async () => {
    const { fake, poll } = await setup()
    fake.post({ text: 'one' })
    fake.fail(1, 500)
    fake.fail(1, 503)
    expect(texts(await poll(null))).toEqual(['one'])
    // Three tries of the first page, then the (empty) page below it.
    expect(listCalls(fake)).toHaveLength(4)

    fake.fail(3, 503)
    expect((await sourceFailure(poll(null))).failure).toEqual({ kind: 'transient' })
  })

  it('gives up on a request after requestTimeoutMs and reports it as transient', async () => {
    const { fake, poll } = await setup()
    fake.post({ text: 'one' })
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

describe('Mastodon hashtag', () => {
  it('reads the tag timeline, skips boosts, then only what is new', async () => {
    const { fake, time, poll } = await setup({ kind: 'hashtag', query: '#AcmeOutage', maxPageSize: 2 })
    const first = fake.post({ text: 'down again #AcmeOutage', tags: ['AcmeOutage'], mention: false })
    fake.post({ text: 'unrelated', tags: ['cats'], mention: false })
    time.advance(1000)
    fake.reblog(first.id)
    fake.post({ text: 'me too #acmeoutage', tags: ['acmeoutage'], mention: false, spoilerText: 'rant' })
    const one = await poll(null)
    expect(texts(one)).toEqual(['rant\n\nme too #acmeoutage', 'down again #AcmeOutage'])
    expect(one.skipped).toBe(1)
    expect(listCalls(fake)[0]!.path).toBe('/api/v1/timelines/tag/AcmeOutage')

    time.advance(1000)
    const fresh = [1, 2, 3, 4, 5].map((i) => fake.post({ text: `#AcmeOutage day ${i}`, tags: ['AcmeOutage'], mention: false }))
    const two = await poll(one.nextCursor)
    expect(texts(two).sort()).toEqual(['#AcmeOutage day 1', '#AcmeOutage day 2', '#AcmeOutage day 3', '#AcmeOutage day 4', '#AcmeOutage day 5'])
    // The cursor is the newest status id: a snowflake past 2^53, kept exact as a string.
    expect(two.nextCursor).toBe(fresh.at(-1)!.id)
    expect(BigInt(two.nextCursor!)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER))

    const three = await poll(two.nextCursor)
    expect(three.mentions).toEqual([])
    expect(three.nextCursor).toBe(two.nextCursor)
  })

  it('needs a hashtag', async () => {
    const { create } = await setup({ kind: 'hashtag', query: 'two words' })
    expect((await sourceFailure(Promise.resolve().then(create))).message).toMatch(/hashtag/)
  })
})

describe('htmlToText', () => {
  it('keeps the words and the lines, drops the markup', () => {
    expect(htmlToText('<p>one</p><p>two<br>three<br/>four</p>')).toBe('one\n\ntwo\nthree\nfour')
    expect(htmlToText('<p>a &amp;lt;b&amp;gt; is &lt;b&gt;</p>')).toBe('a &lt;b&gt; is <b>')
    expect(htmlToText('<p>&quot;fix&quot; &#39;it&#39; &#x1F621; &nbsp;&copy;</p>')).toBe('"fix" \'it\' 😡  &copy;')
    expect(htmlToText('<p>bad &#0; &#xD800; &#99999999;</p>')).toBe('bad \uFFFD \uFFFD \uFFFD')
    expect(htmlToText('<ul><li>one</li><li>two</li></ul><blockquote><p>quoted</p></blockquote>')).toBe('one\ntwo\nquoted')
    expect(htmlToText('')).toBe('')
  })
})

describe('the fake Mastodon server', () => {
  it('speaks what masto expects for replies and credentials', async () => {
    const { fake } = await setup()
    const complaint = fake.post({ text: 'no signal' })
    const client = createRestAPIClient({ url: fake.url, accessToken: token })
    const me = await client.v1.accounts.verifyCredentials()
    expect(me.acct).toBe('brand')
    const sent = await client.v1.statuses.create({ status: 'Sorry! We are on it.', inReplyToId: complaint.id }, { requestInit: { headers: { 'Idempotency-Key': 'k1' } } })
    const again = await client.v1.statuses.create({ status: 'Sorry! We are on it.', inReplyToId: complaint.id }, { requestInit: { headers: { 'Idempotency-Key': 'k1' } } })
    expect(sent).toMatchObject({ inReplyToId: complaint.id, content: '<p>Sorry! We are on it.</p>', account: { acct: 'brand' } })
    expect(again.id).toBe(sent.id)
    expect(fake.created()).toHaveLength(1)
    const page = await fetch(`${fake.url}/api/v1/notifications?limit=1`, { headers: { authorization: `Bearer ${token}` } })
    const [notification] = (await page.json()) as Array<Record<string, unknown>>
    expect(Object.keys(notification!)).toEqual(expect.arrayContaining(['id', 'type', 'created_at', 'group_key', 'status']))
    expect(page.headers.get('link')).toMatch(/max_id=1>; rel="next", <.*min_id=1>; rel="prev"/)
    expect(page.headers.get('x-ratelimit-reset')).toMatch(/\.\d{6}Z$/)
  })
})

/** The wire form of one of masto's entities, for building malformed items next to real ones. */
function snake(value: unknown): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(value, function (this: unknown, _key, v: unknown) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), inner]))
    }),
  ) as Record<string, unknown>
}
