// Polling under the failures a real deployment meets. Real database, fake X server; every test
// ends by counting: each mention the fake served is stored exactly once.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { connect, type Sql } from '../../worker/db/connect'
import { pollSource, type PollDeps, type PollOutcome } from '../../worker/listen/poll'
import { RateLimiters } from '../../worker/sources/limiter'
import { startFakeX, type FakeX } from '../fakes/x'
import { FakeClock } from '../support/clock'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertBrand } from '../support/fixtures'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy'

let db: TestDatabase
let fake: FakeX
let clock: FakeClock
let sourceId: string

beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())

beforeEach(async () => {
  await db.sql`truncate brand, customer, identity, mention, source, rejected_item restart identity cascade`
  clock = new FakeClock()
  fake = await startFakeX({ now: clock.epochMs })
  for (let n = 1; n <= 20; n++) fake.addUser({ id: String(2000 + n), username: `customer${n}`, name: `Customer ${n}`, followers: n * 10 })
  const brandId = await insertBrand(db.sql)
  const [source] = await db.sql<{ id: string }[]>`
    insert into source (brand_id, platform, kind, settings, poll_interval_seconds)
    values (${brandId}, 'x', 'mentions', ${db.sql.json({ api_base_url: fake.url, user_id: fake.brand.id, backfill_pages: 20 })}, 1)
    returning id`
  sourceId = source!.id
})
afterEach(() => fake.close())

function deps(sql: Sql = db.sql, extra: Partial<PollDeps> = {}): PollDeps {
  return {
    sql,
    context: { secrets: { X_BEARER_TOKEN: fake.bearerToken }, limiters: new RateLimiters(clock), clock, requestTimeoutMs: 300 },
    ...extra,
  }
}

let posted = 0
function postMentions(count: number): string[] {
  return Array.from({ length: count }, () => {
    posted++
    return fake.post({ text: `@acme still no internet, message ${posted}`, authorId: String(2001 + (posted % 20)) })
  })
}

/** Every mention the fake served is stored exactly once; nothing else is. */
async function expectEachServedMentionStoredOnce(rejectedIds: string[] = []) {
  const stored = await db.sql<{ external_id: string }[]>`select external_id from mention where platform = 'x'`
  const storedIds = stored.map((row) => row.external_id)
  expect(new Set(storedIds).size).toBe(storedIds.length)
  const expected = [...fake.served()].filter((id) => !rejectedIds.includes(id))
  expect(storedIds.sort()).toEqual(expected.sort())
  expect(storedIds.length).toBeGreaterThan(0)
}

const ok = (outcome: PollOutcome) => expect(outcome).toMatchObject({ status: 'ok' })

describe('polling X', () => {
  it('stores a poll and moves the cursor; a repeat stores nothing new', async () => {
    const ids = postMentions(120)
    const first = await pollSource(deps(), sourceId)
    expect(first).toMatchObject({ status: 'ok', fetched: 120, stored: 120, duplicates: 0 })
    const [source] = await db.sql`select cursor, last_poll_stats, next_poll_at from source where id = ${sourceId}`
    expect(source!.cursor).toBe(ids.at(-1))
    expect(await pollSource(deps(), sourceId)).toMatchObject({ status: 'skipped' })
    clock.advance(1000)
    expect(await pollSource(deps(), sourceId)).toMatchObject({ status: 'ok', fetched: 0 })
    await expectEachServedMentionStoredOnce()
  })

  it('survives a crash between storing the mentions and moving the cursor', async () => {
    postMentions(150)
    let crashes = 1
    const crashing = deps(db.sql, {
      faults: {
        beforeCursorMove: () => {
          if (crashes-- > 0) throw new Error('process killed')
        },
      },
    })
    expect(await pollSource(crashing, sourceId)).toMatchObject({ status: 'failed', failure: 'database' })
    const [count] = await db.sql<{ count: number }[]>`select count(*)::int as count from mention`
    expect(count!.count).toBe(0)
    const [source] = await db.sql`select cursor, last_error from source where id = ${sourceId}`
    expect(source).toMatchObject({ cursor: null, last_error: 'process killed' })

    postMentions(30)
    ok(await pollSource(crashing, sourceId, { force: true }))
    await expectEachServedMentionStoredOnce()
  })

  it('waits out the lease of a poller that died holding it, then takes over', async () => {
    postMentions(40)
    await db.sql`update source set lease_token = gen_random_uuid(), lease_expires_at = now() + interval '1 second' where id = ${sourceId}`
    expect(await pollSource(deps(), sourceId, { force: true })).toMatchObject({ status: 'skipped' })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    ok(await pollSource(deps(), sourceId, { force: true }))
    await expectEachServedMentionStoredOnce()
  })

  it('survives the database connection dropping mid-poll', async () => {
    const proxy: TcpProxy = await startTcpProxy(db.url)
    const sql = connect(proxy.url, { max: db.kind === 'postgres' ? 4 : 1 })
    try {
      postMentions(80)
      // On PostgreSQL the connection goes inside the commit's transaction. pglite-socket wedges
      // when a client vanishes mid-statement (electric-sql/pglite#1046), so there it goes
      // between the fetch and the commit.
      const drop = () => void proxy.dropAll()
      const dropping = deps(sql, { faults: db.kind === 'postgres' ? { beforeCursorMove: drop } : { afterFetch: drop } })
      const outcome = await pollSource(dropping, sourceId, { force: true })
      // Between statements the pool may notice the drop and reconnect in time; what counts is the tally.
      if (db.kind === 'postgres') expect(outcome).toMatchObject({ status: 'failed', failure: 'database' })
      else expect(outcome.status).not.toBe('skipped')
      postMentions(20)
      // The pool reconnects through the proxy on the next query.
      const recovering = await pollSource(deps(sql), sourceId, { force: true })
      if (recovering.status === 'skipped') {
        // The failure could not be recorded on the dropped connection, so the lease runs out first.
        await db.sql`update source set lease_token = null, lease_expires_at = null where id = ${sourceId}`
        ok(await pollSource(deps(sql), sourceId, { force: true }))
      } else ok(recovering)
      await expectEachServedMentionStoredOnce()
    } finally {
      await sql.end({ timeout: 1 })
      await proxy.close()
    }
  })

  it('rides out a storm of 429s and resumes at the reset time', async () => {
    fake.setRateLimit(3, 60)
    const limits = deps()
    const outcomes: PollOutcome[] = []
    // Two minutes of fake time: mentions keep arriving, the window runs out every few polls.
    for (let second = 0; second < 120; second++) {
      postMentions(second % 3)
      outcomes.push(await pollSource(limits, sourceId))
      clock.advance(1000)
    }
    const failures = outcomes.filter((outcome) => outcome.status === 'failed')
    expect(failures.length).toBeGreaterThan(0)
    expect(failures.every((outcome) => outcome.status === 'failed' && outcome.failure === 'rate_limited')).toBe(true)
    // While spent, the source was not due: no request went out until the reset.
    const refused = fake.requests.filter((request) => request.status === 429).length
    expect(refused).toBeLessThanOrEqual(2)
    const [source] = await db.sql`select consecutive_failures, rate_limit from source where id = ${sourceId}`
    expect(source!.consecutive_failures).toBe(0)
    clock.advance(61_000)
    ok(await pollSource(limits, sourceId))
    await expectEachServedMentionStoredOnce()
  })

  it('retries 5xx and timeouts within a poll, and backs off from a lasting outage', async () => {
    postMentions(60)
    fake.fail(1, 503)
    fake.fail(1, 'timeout')
    ok(await pollSource(deps(), sourceId, { force: true }))

    postMentions(10)
    fake.fail(3, 500)
    const failed = await pollSource(deps(), sourceId, { force: true })
    expect(failed).toMatchObject({ status: 'failed', failure: 'transient' })
    const [source] = await db.sql<{ consecutive_failures: number; next_poll_at: Date; last_error: string }[]>`
      select consecutive_failures, next_poll_at, last_error from source where id = ${sourceId}`
    expect(source!.consecutive_failures).toBe(1)
    expect(source!.last_error).toMatch(/500/)
    expect(source!.next_poll_at.getTime()).toBeGreaterThan(clock.now().getTime())
    expect(await pollSource(deps(), sourceId)).toMatchObject({ status: 'skipped' })
    clock.set(source!.next_poll_at)
    ok(await pollSource(deps(), sourceId))
    await expectEachServedMentionStoredOnce()
  })

  it('stores malformed items as rejected without blocking the good ones', async () => {
    const createdAt = clock.now().toISOString()
    const rejectedIds: string[] = []
    for (let round = 0; round < 3; round++) {
      postMentions(15)
      for (const fields of [{ text: 7 }, { text: '' }, { text: 'a\u0000b' }, { author_id: '2001' }]) {
        const item: Record<string, unknown> = { author_id: '2001', created_at: createdAt, ...fields }
        item.id = fake.postMalformed(item)
        rejectedIds.push(item.id as string)
      }
      postMentions(15)
    }
    ok(await pollSource(deps(), sourceId, { force: true }))
    // A second poll from the old cursor serves them all again: still once each.
    await db.sql`update source set cursor = null where id = ${sourceId}`
    ok(await pollSource(deps(), sourceId, { force: true }))
    const rejected = await db.sql<{ external_id: string; reason: string }[]>`select external_id, reason from rejected_item`
    expect(rejected.map((row) => row.external_id).sort()).toEqual([...rejectedIds].sort())
    expect(rejected.every((row) => row.reason.length > 0)).toBe(true)
    await expectEachServedMentionStoredOnce(rejectedIds)
  })

  it('lets one poller at a time hold a source, across separate connection pools', async () => {
    // On PostgreSQL, four pools stand for four processes. The embedded database allows one
    // process and one connection, so there the four pollers share it, as listener and admin would.
    const separate = db.kind === 'postgres'
    const pools = separate ? Array.from({ length: 4 }, () => connect(db.url, { max: 2 })) : [db.sql, db.sql, db.sql, db.sql]
    try {
      for (let round = 0; round < 8; round++) {
        postMentions(25)
        const outcomes = await Promise.all(pools.map((sql) => pollSource(deps(sql), sourceId, { force: true })))
        expect(outcomes.filter((outcome) => outcome.status === 'ok')).toHaveLength(1)
        expect(outcomes.filter((outcome) => outcome.status === 'skipped')).toHaveLength(3)
      }
      // Exactly one request per round reached the API.
      expect(fake.requests.filter((request) => request.path.endsWith('/mentions'))).toHaveLength(8)
      await expectEachServedMentionStoredOnce()
    } finally {
      if (separate) await Promise.all(pools.map((sql) => sql.end({ timeout: 1 })))
    }
  })
})
