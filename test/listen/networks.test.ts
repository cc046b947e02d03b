// Polling Bluesky and Mastodon under the failures a real deployment meets, as poll.test.ts does
// for X: a real database, each driver talking to its fake server through pollSource. Every test
// ends by counting: each item the fake served is stored exactly once, or filed as rejected.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { pollSource, type PollDeps, type PollOutcome } from '../../worker/listen/poll'
import type { SourceKind } from '../../worker/sources/driver'
import { RateLimiters } from '../../worker/sources/limiter'
import type { RateLimitState } from '../../worker/sources/rate-limit'
import { startFakeBluesky } from '../fakes/bluesky'
import { startFakeMastodon } from '../fakes/mastodon'
import { FakeClock } from '../support/clock'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertBrand } from '../support/fixtures'

// Smaller than every batch the tests post, so that each poll has to follow the paging.
const pageSize = 10
const pollIntervalSeconds = 60

/** One network's fake server, seen through what the tests need to do to it. */
interface FakeNetwork {
  query: string | null
  settings: Record<string, string | number>
  /** The environment the driver reads credentials from; a test may change them under it. */
  secrets: Record<string, string>
  /** One valid item that this source will see. */
  post(text: string): void
  /** Broken items of several kinds; returns how each must be filed (external id null: none readable). */
  postMalformed(round: number): MalformedItem[]
  fail(times: number, how: 500 | 503 | 'timeout'): void
  exhaust(): void
  /** The platform stops accepting the credentials the source holds, as after a password change. */
  refuseCredentials(): void
  /** What `last_error` must say then, so that a person knows what to fix. */
  credentialsProblem: RegExp
  requestCount(): number
  /** What the fake served, in the form the driver stores as `mention.external_id`. */
  servedExternalIds(): Set<string>
  close(): Promise<void>
}

interface MalformedItem {
  externalId: string | null
  reason: RegExp
}

interface Network {
  name: string
  platform: 'bluesky' | 'mastodon'
  kind: SourceKind
  start(clock: FakeClock): Promise<FakeNetwork>
}

const blueskyPassword = 'abcd-efgh-ijkl-mnop'

async function fakeBluesky(kind: 'mentions' | 'search', clock: FakeClock): Promise<FakeNetwork> {
  const fake = await startFakeBluesky({ now: clock.epochMs, password: blueskyPassword, maxPageSize: pageSize })
  const secrets: Record<string, string> = { BLUESKY_APP_PASSWORD: blueskyPassword }
  return {
    query: kind === 'search' ? 'acme' : null,
    settings: { service: fake.url, identifier: fake.handle, backfill_pages: 20 },
    secrets,
    // 'none' keeps a search source honest: the post is not also delivered as a notification.
    post: (text) => void fake.post({ text, reason: kind === 'search' ? 'none' : 'mention' }),
    postMalformed(round) {
      const at = clock.now().toISOString()
      // Every one carries the search word: search must find them for the driver to judge them.
      const item = (n: number) => ({
        uri: `at://did:plc:brokenclient/app.bsky.feed.post/3kbad${round}x${n}`,
        cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
        author: { did: 'did:plc:brokenclient', handle: 'broken.bsky.social' },
        reason: 'mention',
        record: { $type: 'app.bsky.feed.post', text: `@acme broken item ${round}.${n}`, createdAt: at },
        indexedAt: at,
      })
      const broken = [
        { raw: { ...item(1), author: { did: 'brokenclient', handle: 'broken.bsky.social' } }, reason: /^author\.did: is not a DID/ },
        { raw: { ...item(2), record: { ...item(2).record, text: `@acme nul \u0000 ${round}` } }, reason: /^text: contains a NUL/ },
        { raw: { ...item(3), record: { ...item(3).record, createdAt: 5 } }, reason: /^record\.createdAt: / },
        // Cannot even be placed in the order, so it is judged again on every poll that reaches it.
        { raw: { ...item(4), indexedAt: undefined }, reason: /^indexedAt: / },
        { raw: { ...item(5), uri: undefined }, reason: /^uri: / },
      ]
      for (const { raw } of broken) fake.postMalformed(raw, kind === 'search' ? 'search' : 'notifications')
      return broken.map(({ raw, reason }) => ({ externalId: raw.uri ?? null, reason }))
    },
    fail: (times, how) => fake.fail(times, how),
    exhaust: () => fake.exhaust(),
    refuseCredentials() {
      fake.revokeSessions()
      secrets.BLUESKY_APP_PASSWORD = 'the-old-app-password'
    },
    credentialsProblem: /401.*BLUESKY_APP_PASSWORD/,
    requestCount: () => fake.requests().length,
    // The driver keeps a post's at:// uri as its id.
    servedExternalIds: () => fake.served(),
    close: () => fake.close(),
  }
}

const mastodonToken = 'fake-mastodon-token'
const hashtag = 'AcmeOutage'

async function fakeMastodon(kind: 'mentions' | 'hashtag', clock: FakeClock): Promise<FakeNetwork> {
  const fake = await startFakeMastodon({ now: clock.epochMs, token: mastodonToken, maxPageSize: pageSize })
  const secrets: Record<string, string> = { MASTODON_ACCESS_TOKEN: mastodonToken }
  let malformedNotifications = 0
  return {
    query: kind === 'hashtag' ? `#${hashtag}` : null,
    settings: { url: fake.url, backfill_pages: 20 },
    secrets,
    post(text) {
      if (kind === 'hashtag') fake.post({ text: `${text} #${hashtag}`, tags: [hashtag], mention: false })
      else fake.post({ text })
    },
    postMalformed(round) {
      // Each broken status borrows the id of a status the source never sees, so that it sits in
      // arrival order as a real one would; min_id paging relies on that order.
      const unseen = () => fake.post({ text: `not for this source ${round}`, mention: false })
      const [a, b, c, d, e] = [unseen(), unseen(), unseen(), unseen(), unseen()]
      // A notification's reasons point into its status.
      const field = (path: string) => new RegExp(`^${kind === 'hashtag' ? '' : 'status\\.'}${path}: `)
      const broken: Array<{ status: unknown } & MalformedItem> = [
        { status: { ...a, content: undefined }, externalId: `${fake.host}:${a.id}`, reason: field('content') },
        { status: { ...b, createdAt: 'yesterday' }, externalId: `${fake.host}:${b.id}`, reason: field('createdAt') },
        { status: { ...c, content: '<p> </p>' }, externalId: `${fake.host}:${c.id}`, reason: /^text: is empty/ },
        { status: { ...d, account: { ...d.account, id: '' } }, externalId: `${fake.host}:${d.id}`, reason: field('account\\.id') },
        // No readable status id: filed by a hash of the item.
        kind === 'hashtag'
          ? { status: { ...e, id: undefined }, externalId: null, reason: /^id: / }
          : { status: undefined, externalId: null, reason: /^status: / },
      ]
      for (const { status } of broken) {
        if (kind === 'hashtag') fake.postMalformed(status, { tag: hashtag })
        else {
          // Ids far ahead of the fake's own keep the notifications in arrival order as well.
          const id = String(1_000_000 * ++malformedNotifications)
          fake.postMalformed({ id, type: 'mention', createdAt: clock.now().toISOString(), account: a.account, status })
        }
      }
      return broken.map(({ externalId, reason }) => ({ externalId, reason }))
    },
    fail: (times, how) => fake.fail(times, how),
    exhaust: () => fake.exhaust(),
    refuseCredentials() {
      secrets.MASTODON_ACCESS_TOKEN = 'revoked-token'
    },
    credentialsProblem: /401.*MASTODON_ACCESS_TOKEN/,
    requestCount: () => fake.requests().length,
    // Already `host:statusId`, the form the driver stores: ids are only unique per server.
    servedExternalIds: () => fake.served(),
    close: () => fake.close(),
  }
}

const networks: Network[] = [
  { name: 'Bluesky mentions', platform: 'bluesky', kind: 'mentions', start: (clock) => fakeBluesky('mentions', clock) },
  { name: 'Bluesky search', platform: 'bluesky', kind: 'search', start: (clock) => fakeBluesky('search', clock) },
  { name: 'Mastodon mentions', platform: 'mastodon', kind: 'mentions', start: (clock) => fakeMastodon('mentions', clock) },
  { name: 'Mastodon hashtag', platform: 'mastodon', kind: 'hashtag', start: (clock) => fakeMastodon('hashtag', clock) },
]

interface SourceRow {
  cursor: string | null
  enabled: boolean
  stopped_at: Date | null
  last_error: string | null
  next_poll_at: Date | null
  consecutive_failures: number
  rate_limit: RateLimitState | null
}

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())

describe.each(networks)('polling $name', (network) => {
  let clock: FakeClock
  let fake: FakeNetwork
  // One per test, as one process keeps its limiters across polls.
  let limiters: RateLimiters
  let sourceId: string
  let posted = 0

  beforeEach(async () => {
    await db.sql`truncate brand, customer, identity, mention, source, rejected_item restart identity cascade`
    clock = new FakeClock()
    limiters = new RateLimiters(clock)
    fake = await network.start(clock)
    const brandId = await insertBrand(db.sql)
    const [source] = await db.sql<{ id: string }[]>`
      insert into source (brand_id, platform, kind, query, settings, poll_interval_seconds)
      values (${brandId}, ${network.platform}, ${network.kind}, ${fake.query}, ${db.sql.json(fake.settings)}, ${pollIntervalSeconds})
      returning id`
    sourceId = source!.id
  })
  afterEach(() => fake.close())

  function poll({ force = false, faults }: { force?: boolean; faults?: PollDeps['faults'] } = {}): Promise<PollOutcome> {
    const context = { secrets: fake.secrets, limiters, clock, requestTimeoutMs: 300 }
    return pollSource({ sql: db.sql, context, ...(faults ? { faults } : {}) }, sourceId, { force })
  }

  /** Items arriving a second apart, as complaints do. */
  function postItems(count: number): void {
    for (let n = 0; n < count; n++) {
      posted++
      fake.post(`@acme still no internet, message ${posted}`)
      clock.advance(1000)
    }
  }

  async function sourceRow(): Promise<SourceRow> {
    const [row] = await db.sql<SourceRow[]>`
      select cursor, enabled, stopped_at, last_error, next_poll_at, consecutive_failures, rate_limit
        from source where id = ${sourceId}`
    return row!
  }

  async function mentionCount(): Promise<number> {
    const [row] = await db.sql<{ count: number }[]>`select count(*)::int as count from mention`
    return row!.count
  }

  /** Every item the fake served is stored exactly once; nothing else is. */
  async function expectEachServedItemStoredOnce(rejected: ReadonlyArray<string | null> = []) {
    const rows = await db.sql<{ external_id: string }[]>`select external_id from mention where platform = ${network.platform}`
    const stored = rows.map((row) => row.external_id).sort()
    const expected = [...fake.servedExternalIds()].filter((id) => !rejected.includes(id)).sort()
    expect(stored).toEqual(expected)
    expect(stored.length).toBeGreaterThan(0)
  }

  it('stores poll after poll as items arrive, across pages, and moves the cursor', async () => {
    let cursor: string | null = null
    for (let round = 0; round < 3; round++) {
      postItems(25)
      const before = fake.requestCount()
      expect(await poll()).toMatchObject({ status: 'ok', fetched: 25, stored: 25, duplicates: 0, rejected: 0 })
      expect(fake.requestCount() - before).toBeGreaterThanOrEqual(Math.ceil(25 / pageSize))
      const moved = (await sourceRow()).cursor
      expect(moved).not.toBeNull()
      expect(moved).not.toBe(cursor)
      cursor = moved
      expect(await poll()).toMatchObject({ status: 'skipped' })
      clock.advance(pollIntervalSeconds * 1000)
    }
    expect(await poll()).toMatchObject({ status: 'ok', fetched: 0, stored: 0 })
    expect(await mentionCount()).toBe(75)
    await expectEachServedItemStoredOnce()
  })

  it('survives a crash between storing the items and moving the cursor', async () => {
    postItems(15)
    expect(await poll()).toMatchObject({ status: 'ok', stored: 15 })
    const { cursor } = await sourceRow()

    postItems(25)
    let crashes = 1
    const faults = {
      beforeCursorMove: () => {
        if (crashes-- > 0) throw new Error('process killed')
      },
    }
    expect(await poll({ force: true, faults })).toMatchObject({ status: 'failed', failure: 'database' })
    expect(await mentionCount()).toBe(15)
    expect(await sourceRow()).toMatchObject({ cursor, last_error: 'process killed' })

    postItems(10)
    expect(await poll({ force: true, faults })).toMatchObject({ status: 'ok', stored: 35, duplicates: 0 })
    expect((await sourceRow()).cursor).not.toBe(cursor)
    await expectEachServedItemStoredOnce()
  })

  it('retries 5xx and timeouts within a poll, and backs off from a lasting outage', async () => {
    postItems(15)
    fake.fail(1, 503)
    fake.fail(1, 'timeout')
    expect(await poll({ force: true })).toMatchObject({ status: 'ok', stored: 15 })

    postItems(5)
    fake.fail(3, 500)
    expect(await poll({ force: true })).toMatchObject({ status: 'failed', failure: 'transient' })
    const failing = await sourceRow()
    expect(failing).toMatchObject({ enabled: true, consecutive_failures: 1, last_error: expect.stringMatching(/500/) })
    expect(failing.next_poll_at!.getTime()).toBeGreaterThan(clock.now().getTime())
    expect(await poll()).toMatchObject({ status: 'skipped' })

    clock.set(failing.next_poll_at!)
    expect(await poll()).toMatchObject({ status: 'ok', stored: 5 })
    expect(await sourceRow()).toMatchObject({ consecutive_failures: 0, last_error: null })
    await expectEachServedItemStoredOnce()
  })

  it('rests while rate limited, without asking the platform, and resumes at the reset', async () => {
    postItems(15)
    expect(await poll()).toMatchObject({ status: 'ok', stored: 15 })

    postItems(5)
    clock.advance(pollIntervalSeconds * 1000)
    fake.exhaust()
    expect(await poll()).toMatchObject({ status: 'failed', failure: 'rate_limited' })
    const limited = await sourceRow()
    const resetAt = Date.parse(limited.rate_limit!.resetAt!)
    expect(limited.rate_limit).toMatchObject({ remaining: 0 })
    expect(resetAt).toBeGreaterThan(clock.now().getTime())
    expect(limited.next_poll_at!.getTime()).toBeGreaterThanOrEqual(resetAt)
    // Not the source's fault: no backoff builds up.
    expect(limited.consecutive_failures).toBe(0)

    clock.set(new Date(resetAt - 1000))
    expect(await poll()).toMatchObject({ status: 'skipped' })
    // Even a forced poll is refused here, by the limiter, before a request goes out.
    const before = fake.requestCount()
    expect(await poll({ force: true })).toMatchObject({ status: 'failed', failure: 'rate_limited' })
    expect(fake.requestCount()).toBe(before)

    clock.set((await sourceRow()).next_poll_at!)
    expect(await poll()).toMatchObject({ status: 'ok', stored: 5 })
    await expectEachServedItemStoredOnce()
  })

  it('files malformed items as rejected without blocking the items around them', async () => {
    const rejected: MalformedItem[] = []
    for (let round = 0; round < 3; round++) {
      postItems(5)
      rejected.push(...fake.postMalformed(round))
      postItems(5)
    }
    expect(await poll({ force: true })).toMatchObject({ status: 'ok', stored: 30, rejected: 15 })

    // From a reset cursor every item is served again: still once each, on both sides.
    await db.sql`update source set cursor = null where id = ${sourceId}`
    expect(await poll({ force: true })).toMatchObject({ status: 'ok', stored: 0, duplicates: 30, rejected: 0 })
    const rows = await db.sql<{ external_id: string | null; reason: string }[]>`
      select external_id, reason from rejected_item where source_id = ${sourceId}`
    const byId = (a: { external_id: string | null }, b: { external_id: string | null }) =>
      String(a.external_id).localeCompare(String(b.external_id))
    const filed = rejected.map((item) => ({ external_id: item.externalId, reason: expect.stringMatching(item.reason) }))
    expect([...rows].sort(byId)).toEqual(filed.sort(byId))
    await expectEachServedItemStoredOnce(rejected.map((item) => item.externalId))
  })

  it('stops the source when the platform refuses its credentials', async () => {
    postItems(15)
    expect(await poll()).toMatchObject({ status: 'ok', stored: 15 })

    fake.refuseCredentials()
    postItems(5)
    clock.advance(pollIntervalSeconds * 1000)
    expect(await poll()).toMatchObject({ status: 'failed', failure: 'auth', retryAt: null })
    const stopped = await sourceRow()
    expect(stopped).toMatchObject({ enabled: false, next_poll_at: null, last_error: expect.stringMatching(fake.credentialsProblem) })
    expect(stopped.stopped_at).toBeInstanceOf(Date)

    // It waits for a person now, not for a timer.
    const before = fake.requestCount()
    expect(await poll({ force: true })).toMatchObject({ status: 'skipped' })
    expect(fake.requestCount()).toBe(before)
    await expectEachServedItemStoredOnce()
  })
})
