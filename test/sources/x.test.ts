// The X driver against the fake X API: what it asks for, how it pages, what it keeps and skips,
// and how each kind of failure reaches the poller.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { SourceContext } from '../../worker/sources/driver'
import { RateLimiters } from '../../worker/sources/limiter'
import { SourceError, type FetchResult } from '../../worker/sources/source'
import { xDriver, xSettings } from '../../worker/sources/x'
import { startFakeX, type FakeX } from '../fakes/x'
import { FakeClock } from '../support/clock'
import { sourceFailure } from '../support/sources'

let fake: FakeX
let clock: FakeClock
let context: SourceContext

beforeAll(async () => {
  clock = new FakeClock()
  fake = await startFakeX({ now: clock.epochMs })
  fake.addUser({ id: '2001', username: 'kati', name: 'Kati Kask', followers: 150 })
  fake.addUser({ id: '2002', username: 'press_ee', name: 'Press', followers: 90_000, verified: true })
})
afterAll(() => fake.close())
beforeEach(() => {
  context = { secrets: { X_BEARER_TOKEN: fake.bearerToken }, limiters: new RateLimiters(clock), clock, requestTimeoutMs: 500 }
})

function source(kind: 'mentions' | 'search' | 'direct_messages', settings: Record<string, unknown> = {}, query: string | null = null) {
  return xDriver.create(
    { id: '1', platform: 'x', kind, query, settings: xSettings.parse({ api_base_url: fake.url, user_id: fake.brand.id, ...settings }) },
    context,
  )
}

const poll = (kind: 'mentions' | 'search' | 'direct_messages', cursor: string | null, settings = {}, query: string | null = null) =>
  source(kind, settings, query).fetchNew(cursor, { signal: new AbortController().signal, now: clock.now() })

describe('X direct messages', () => {
  it('reads the customer’s messages as private mentions of their conversation, never the brand’s own', async () => {
    const start = (await poll('direct_messages', null)).nextCursor
    const first = fake.receiveDm('2001', 'Here is my account number: 5521')
    const result = await poll('direct_messages', start)
    expect(result.mentions).toEqual([
      expect.objectContaining({
        platform: 'x',
        externalId: `dm:${first}`,
        private: true,
        text: 'Here is my account number: 5521',
        author: expect.objectContaining({ platformUserId: '2001', handle: 'kati' }),
        conversationId: expect.stringMatching(/^dm:\d+-\d+$/),
        url: null,
      }),
    ])
    expect(result.nextCursor).toBe(first)
    expect(fake.requests.at(-1)!.query).toMatchObject({ event_types: 'MessageCreate', expansions: 'sender_id' })
  })

  it('pages back to the cursor and no further, skipping the brand’s messages', async () => {
    const start = (await poll('direct_messages', null)).nextCursor
    const ids = Array.from({ length: 130 }, (_, n) => fake.receiveDm(n % 2 ? '2001' : '2002', `message ${n}`))
    // The brand answers one of them, as the outbox would.
    const answer = await fetch(`${fake.url}/2/dm_conversations/with/2001/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.bearerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Thanks, we are on it' }),
    })
    expect(answer.status).toBe(201)
    const answerId = ((await answer.json()) as { data: { dm_event_id: string } }).data.dm_event_id
    const result = await poll('direct_messages', start)
    expect(result.mentions.map((mention) => mention.externalId).sort()).toEqual(ids.map((id) => `dm:${id}`).sort())
    expect(result.skipped).toBe(1)
    // The cursor passes the brand's own message too, so it is not read again.
    expect(result.nextCursor).toBe(answerId)
    const again = await poll('direct_messages', result.nextCursor)
    expect(again.mentions).toEqual([])
    expect(again.nextCursor).toBe(answerId)
  })
})

describe('X mentions', () => {
  it('normalizes a mention with its author, language, thread and engagement', async () => {
    fake.post({ text: '@acme earlier', authorId: '2001' })
    const first = await poll('mentions', null)
    const id = fake.post({
      text: '@acme no internet since Monday, 3rd time I write',
      authorId: '2001',
      lang: 'en',
      conversationId: '42',
      referencedTweets: [{ type: 'replied_to', id: '41' }],
      publicMetrics: { likeCount: 4, retweetCount: 1, replyCount: 2, quoteCount: 0 },
    })
    const result = await poll('mentions', first.nextCursor)
    expect(result.mentions).toHaveLength(1)
    expect(result.mentions[0]).toMatchObject({
      platform: 'x',
      externalId: id,
      author: { platformUserId: '2001', handle: 'kati', displayName: 'Kati Kask', followers: 150, verified: false },
      text: '@acme no internet since Monday, 3rd time I write',
      languageHint: 'en',
      conversationId: '42',
      inReplyToId: '41',
      url: `https://x.com/kati/status/${id}`,
      engagement: { likes: 4, reposts: 1, replies: 2, quotes: 0 },
    })
    expect(result.nextCursor).toBe(id)
    // It asked for exactly the fields the issue names.
    const request = fake.requests.at(-1)!
    expect(request.query).toMatchObject({
      since_id: first.nextCursor,
      expansions: 'author_id',
      'user.fields': 'username,name,public_metrics,verified',
    })
    expect(request.query['tweet.fields']!.split(',').sort()).toEqual(
      ['author_id', 'conversation_id', 'created_at', 'entities', 'in_reply_to_user_id', 'lang', 'public_metrics', 'referenced_tweets'],
    )
  })

  it('reads every page back to the cursor before moving it, and nothing twice', async () => {
    const start = (await poll('mentions', null)).nextCursor
    const ids = Array.from({ length: 250 }, (_, n) => fake.post({ text: `@acme outage report ${n}`, authorId: '2001' }))
    const result = await poll('mentions', start)
    expect(result.mentions.map((mention) => mention.externalId).sort()).toEqual([...ids].sort())
    expect(result.nextCursor).toBe(ids.at(-1))
    const again = await poll('mentions', result.nextCursor)
    expect(again.mentions).toEqual([])
    expect(again.nextCursor).toBe(result.nextCursor)
  })

  it('takes only the set number of pages on the first poll', async () => {
    for (let n = 0; n < 120; n++) fake.post({ text: `@acme backlog ${n}`, authorId: '2001' })
    const result = await poll('mentions', null, { backfill_pages: 1 })
    expect(result.mentions).toHaveLength(100)
  })

  it('skips reposts and bare quote-posts, counting them, and keeps quotes with words of their own', async () => {
    const start = (await poll('mentions', null)).nextCursor
    fake.post({ text: 'RT @kati: @acme down again', authorId: '2002', referencedTweets: [{ type: 'retweeted', id: '1' }] })
    fake.post({ text: 'https://t.co/abc', authorId: '2002', referencedTweets: [{ type: 'quoted', id: '1' }] })
    const quote = fake.post({ text: 'Same here in Tartu @acme https://t.co/abc', authorId: '2002', referencedTweets: [{ type: 'quoted', id: '1' }] })
    const result = await poll('mentions', start)
    expect(result.mentions.map((mention) => mention.externalId)).toEqual([quote])
    expect(result.skipped).toBe(2)
    expect((await poll('mentions', start, { include_bare_quotes: true })).mentions).toHaveLength(2)
  })

  it('rejects malformed items with a reason and keeps the valid ones around them', async () => {
    const start = (await poll('mentions', null)).nextCursor
    const createdAt = clock.now().toISOString()
    // The fake serves these verbatim; each gets the id the fake assigned, as a real item would have.
    const malformed = (fields: Record<string, unknown>) => {
      const item: Record<string, unknown> = { ...fields }
      item.id = fake.postMalformed(item)
      return item.id as string
    }
    const before = fake.post({ text: '@acme first', authorId: '2001' })
    const wrongType = malformed({ text: 42, author_id: '2001', created_at: createdAt })
    const noAuthor = malformed({ text: '@acme who am I', created_at: createdAt })
    const nul = malformed({ text: '@acme bad\u0000text', author_id: '2001', created_at: createdAt })
    const huge = malformed({ text: 'x'.repeat(30_000), author_id: '2001', created_at: createdAt })
    const extra = malformed({ text: '@acme extra fields are fine', author_id: '2001', created_at: createdAt, shiny: { new: true } })
    const noId = fake.postMalformed({ text: '@acme no id at all', author_id: '2001', created_at: createdAt })
    const after = fake.post({ text: '@acme last', authorId: '2001' })
    const result = await poll('mentions', start)
    expect(result.mentions.map((mention) => mention.externalId).sort()).toEqual([before, extra, after].sort())
    const reasons = new Map(result.rejected.map((item) => [item.externalId, item.reason]))
    expect(reasons.get(wrongType)).toMatch(/text/)
    expect(reasons.get(noAuthor)).toMatch(/author_id/)
    expect(reasons.get(nul)).toMatch(/NUL/)
    expect(reasons.get(huge)).toMatch(/longer than 25000/)
    expect(reasons.get(null)).toMatch(/id/)
    expect(noId).toBeTruthy()
    expect(result.nextCursor).toBe(after)
  })
})

describe('X search', () => {
  it('pages with next_token and keeps only matching posts', async () => {
    const start = (await poll('search', null, {}, 'nordlink')).nextCursor
    const hits = Array.from({ length: 130 }, (_, n) => fake.post({ text: `nordlink down in Narva ${n}`, authorId: '2002', mentionsBrand: false }))
    fake.post({ text: 'unrelated', authorId: '2002', mentionsBrand: false })
    const result = await poll('search', start, {}, 'nordlink')
    expect(result.mentions.map((mention) => mention.externalId).sort()).toEqual([...hits].sort())
    expect(fake.requests.filter((request) => request.query.next_token).length).toBeGreaterThan(0)
  })
})

describe('X failures', () => {
  it('turns a refused token into an auth failure naming the variable', async () => {
    context.secrets = { X_BEARER_TOKEN: 'wrong' }
    const error = await sourceFailure(poll('mentions', null))
    expect(error.failure.kind).toBe('auth')
    expect(error.message).toMatch(/401.*X_BEARER_TOKEN/)
  })

  it('stops before asking when no token is set', async () => {
    context.secrets = {}
    expect(() => source('mentions')).toThrow(/set the environment variable X_BEARER_TOKEN/)
  })

  it('reports a 429 with the reset time from the headers, then refuses without asking until the reset', async () => {
    const start = (await poll('mentions', null)).nextCursor
    fake.exhaust('mentions')
    const error = await sourceFailure(poll('mentions', start))
    expect(error.failure).toMatchObject({ kind: 'rate_limited' })
    const resetAt = error.failure.kind === 'rate_limited' ? error.failure.resetAt : new Date(0)
    expect(resetAt.getTime()).toBeGreaterThan(clock.now().getTime())
    const asked = fake.requests.length
    expect((await sourceFailure(poll('mentions', start))).failure.kind).toBe('rate_limited')
    expect(fake.requests.length).toBe(asked)
    clock.set(new Date(resetAt.getTime() + 1000))
    const id = fake.post({ text: '@acme after the reset', authorId: '2001' })
    expect((await poll('mentions', start)).mentions.map((mention) => mention.externalId)).toContain(id)
  })

  it('retries 5xx, timeouts and dropped connections, then succeeds', async () => {
    const start = (await poll('mentions', null)).nextCursor
    const id = fake.post({ text: '@acme flaky', authorId: '2001' })
    for (const how of [503, 'timeout', 'reset'] as const) {
      fake.fail(1, how)
      expect((await poll('mentions', start)).mentions.map((mention) => mention.externalId)).toEqual([id])
    }
  })

  it('gives up on a lasting outage with a transient failure', async () => {
    fake.fail(3, 500)
    expect((await sourceFailure(poll('mentions', null))).failure.kind).toBe('transient')
  })
})
