// The outbox sender against a real database and the fake X: every item is posted exactly once,
// whatever fails (a crash on either side of the send, 429s, 5xx, refusals, two senders at once).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { SessionUser } from '../../worker/auth/session'
import { claimDue, sendDue, sourcePublishers, type SenderOptions } from '../../worker/outbox/sender'
import { RateLimiters } from '../../worker/sources/limiter'
import { startFakeX, type FakeX } from '../fakes/x'
import { FakeClock } from '../support/clock'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertAgent, insertRoutingBrand, type RoutingBrand } from '../support/routing'
import { outboxHelpers } from '../support/outbox'

let db: TestDatabase
let fake: FakeX
let clock: FakeClock
let limiters: RateLimiters
let brand: RoutingBrand
let agent: SessionUser
const { reply, outbox, deliveries, settleOthers } = outboxHelpers(() => db.sql, () => agent)
let customers = 0

beforeAll(async () => {
  db = await createTestDatabase()
  clock = new FakeClock(Date.now())
  fake = await startFakeX({ now: clock.epochMs })
  fake.addUser({ id: '2001', username: 'kati', name: 'Kati Kask' })
  brand = await insertRoutingBrand(db.sql, 'outbox')
  await db.sql`
    insert into source (brand_id, platform, kind, settings)
    values (${brand.brandId}, 'x', 'mentions', ${JSON.stringify({ api_base_url: fake.url, user_id: fake.brand.id })}::text::jsonb)`
  const user = await insertAgent(db.sql, { email: 'anna@outbox.example', name: 'Anna', languages: ['en'], shifts: [], teamId: brand.teamId })
  agent = { id: user.id, email: 'anna@outbox.example', name: 'Anna', role: 'agent' }
})
afterAll(async () => {
  await fake.close()
  await db.close()
})
beforeEach(() => {
  limiters = new RateLimiters(clock)
  // Rows take the database's now(): keep the fake clock (which only moves forward) past it.
  clock.set(new Date(Math.max(clock.epochMs(), Date.now()) + 1000))
  // Fresh rate-limit windows at the fake: 450 requests per 15 minutes, X's usual numbers.
  fake.setRateLimit(450, 900)
})

function options(overrides: Partial<SenderOptions> = {}): SenderOptions {
  const context = { secrets: { X_BEARER_TOKEN: fake.bearerToken }, limiters, clock, requestTimeoutMs: 2000 }
  return { clock, publishers: sourcePublishers(db.sql, context), random: () => 0.5, ...overrides }
}
const send = (overrides: Partial<SenderOptions> = {}) => sendDue(db.sql, options(overrides))

/** A case on `platform` whose latest post is a customer's tweet on the fake; returns both. */
async function caseWithMention(platform: 'x' | 'mastodon' | 'demo' = 'x') {
  const n = ++customers
  const tweetId = platform === 'x' ? fake.post({ text: `@acme my line is dead ${n}`, authorId: '2001' }) : `${platform}-post-${n}`
  const [customer] = await db.sql<{ id: string }[]>`insert into customer (display_name) values (${`customer ${n}`}) returning id`
  const [identity] = await db.sql<{ id: string }[]>`
    insert into identity (customer_id, platform, platform_user_id, handle)
    values (${customer!.id}, ${platform}, ${platform === 'x' ? '2001' : `${platform}-user-${n}`}, 'kati')
    on conflict (platform, platform_user_id) do update set handle = excluded.handle returning id`
  const [care] = await db.sql<{ id: string }[]>`
    insert into care_case (brand_id, customer_id, status, priority, team_id, owner_id)
    values (${brand.brandId}, ${customer!.id}, 'open', 3, ${brand.teamId}, ${agent.id}) returning id`
  await db.sql`
    insert into mention (platform, external_id, brand_id, identity_id, case_id, text, posted_at, raw)
    values (${platform}, ${tweetId}, ${brand.brandId}, ${identity!.id}, ${care!.id}, 'my line is dead', now(), '{}')`
  return { caseId: care!.id, tweetId, identityId: identity!.id }
}




const postsTo = (tweetId: string) => fake.posts.filter((post) => post.inReplyToId === tweetId)
const leaseLater = () => clock.advance(3 * 60_000)


describe('sending', () => {
  beforeEach(settleOthers)

  it('posts a reply under the customer’s tweet once and puts the post on the timeline', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId, eventId } = await reply(caseId, 'Sorry to hear that, we are looking into it.')
    expect(await send()).toMatchObject({ claimed: 1, sent: 1 })
    const posted = postsTo(tweetId)
    expect(posted).toHaveLength(1)
    expect(posted[0]!.text).toBe('Sorry to hear that, we are looking into it.')
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: posted[0]!.id, platform_url: `https://x.com/i/web/status/${posted[0]!.id}`, attempts: 1 })
    expect(await deliveries(caseId)).toEqual([
      { kind: 'reply', body: expect.objectContaining({ delivery: 'sent', delivery_of: eventId, outbox_id: outboxId, post_id: posted[0]!.id }) },
    ])
    // Nothing more to do.
    expect(await send()).toMatchObject({ claimed: 0 })
    expect(postsTo(tweetId)).toHaveLength(1)
  })

  it('(1b) finds the lost post behind more than a page of the brand’s later posts', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'A technician is on the way.')
    const [item] = await claimDue(db.sql, clock.now())
    const publisher = await options().publishers(item!)
    await publisher!.publish(item!)
    // A busy afternoon: the brand posts 150 times before anyone looks.
    for (let n = 0; n < 150; n++) fake.post({ text: `Service update ${n}`, authorId: fake.brand.id })
    leaseLater()
    expect(await send()).toMatchObject({ claimed: 1, reconciled: 1, sent: 0 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect((await outbox(outboxId!)).status).toBe('sent')
  })

  it('(1) crash after the send, before recording: the next run finds the post and does not post again', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'We have found the fault on your line.')
    // The sender's own steps, with the process "dying" after the platform call.
    const [item] = await claimDue(db.sql, clock.now())
    const publisher = await options().publishers(item!)
    await publisher!.publish(item!)
    expect(postsTo(tweetId)).toHaveLength(1)
    expect((await outbox(outboxId!)).status).toBe('sending')
    // Within the lease nobody touches it.
    expect(await send()).toMatchObject({ claimed: 0 })
    leaseLater()
    expect(await send()).toMatchObject({ claimed: 1, reconciled: 1, sent: 0 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: postsTo(tweetId)[0]!.id })
    expect((await deliveries(caseId))[0]!.body).toMatchObject({ delivery: 'sent', reconciled: true })
  })

  it('(1b) X accepts the post but the connection drops: reconciled on the retry, posted once', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'A technician is booked for tomorrow.')
    fake.failPosts(1, 'accept_then_reset')
    expect(await send()).toMatchObject({ claimed: 1, retried: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'queued' })
    clock.advance(60_000)
    expect(await send()).toMatchObject({ reconciled: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect((await outbox(outboxId!)).status).toBe('sent')
  })

  it('(2) crash before the send: the item left in sending is sent once', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'We will call you today.')
    await claimDue(db.sql, clock.now())
    expect(postsTo(tweetId)).toHaveLength(0)
    leaseLater()
    expect(await send()).toMatchObject({ claimed: 1, sent: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('(3) a 429 delays the item to the platform’s reset, never drops it', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Thanks for your patience.')
    fake.exhaust('create_tweet')
    expect(await send()).toMatchObject({ claimed: 1, rate_limited: 1 })
    const waiting = await outbox(outboxId!)
    expect(waiting.status).toBe('queued')
    expect(waiting.last_error).toMatch(/429/)
    // The window opened with this test: X's x-rate-limit-reset says 15 minutes from now (in whole seconds).
    const resetAt = waiting.next_attempt_at.getTime()
    expect(resetAt).toBe(Math.ceil((clock.epochMs() + 900_000) / 1000) * 1000)
    expect(postsTo(tweetId)).toHaveLength(0)
    // Not before the reset.
    clock.advance(60_000)
    expect(await send()).toMatchObject({ claimed: 0 })
    clock.set(new Date(resetAt + 1000))
    const timelineReads = () => fake.requests.filter((request) => request.path.endsWith('/tweets') && request.method === 'GET').length
    const readsBefore = timelineReads()
    expect(await send()).toMatchObject({ claimed: 1, sent: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    // A 429 sent nothing, so there was nothing to look for: the timeline (with its own limit) was not read.
    expect(timelineReads()).toBe(readsBefore)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', last_error: null })
  })

  it('(4) 5xx answers are retried with growing backoff, then sent once', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Checking with the network team.')
    fake.failPosts(2, 503)
    const started = clock.epochMs()
    expect(await send()).toMatchObject({ retried: 1 })
    const first = (await outbox(outboxId!)).next_attempt_at.getTime() - started
    expect(first).toBeGreaterThanOrEqual(15_000)
    expect(first).toBeLessThanOrEqual(30_000)
    clock.set(new Date(started + first))
    expect(await send()).toMatchObject({ retried: 1 })
    const second = (await outbox(outboxId!)).next_attempt_at.getTime() - clock.epochMs()
    expect(second).toBeGreaterThan(first)
    expect(await send()).toMatchObject({ claimed: 0 })
    clock.advance(second)
    expect(await send()).toMatchObject({ sent: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', attempts: 3 })
  })

  it('(4b) gives up after the last attempt, saying why', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'One more try.')
    fake.failPosts(2, 500)
    expect(await send({ maxAttempts: 2 })).toMatchObject({ retried: 1 })
    clock.advance(60_000)
    expect(await send({ maxAttempts: 2 })).toMatchObject({ failed: 1 })
    expect((await outbox(outboxId!)).last_error).toMatch(/^Gave up after 2 attempts: .*500/)
    expect(postsTo(tweetId)).toHaveLength(0)
  })

  it('(5) a permanent 403 fails the item with X’s own message, on the timeline', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Please DM us.')
    fake.failPosts(1, 'forbidden')
    expect(await send()).toMatchObject({ failed: 1 })
    const row = await outbox(outboxId!)
    expect(row.status).toBe('failed')
    expect(row.last_error).toContain('You are not permitted to perform this action.')
    expect((await deliveries(caseId))[0]!.body).toMatchObject({ delivery: 'failed', error: row.last_error })
    clock.advance(24 * 3600_000)
    expect(await send()).toMatchObject({ claimed: 0 })
    expect(postsTo(tweetId)).toHaveLength(0)
  })

  it('(6) a duplicate-content refusal is failed with a clear reason and not retried', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'We are sorry for the trouble.')
    fake.failPosts(1, 'duplicate')
    expect(await send()).toMatchObject({ failed: 1 })
    const row = await outbox(outboxId!)
    expect(row.status).toBe('failed')
    expect(row.last_error).toContain('You are not allowed to create a Tweet with duplicate content.')
    expect(row.last_error).toContain('not sent again')
    clock.advance(24 * 3600_000)
    expect(await send()).toMatchObject({ claimed: 0 })
    expect(postsTo(tweetId)).toHaveLength(0)
  })

  it('(6b) a duplicate refusal for our own lost post counts as sent', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Your refund is on its way.')
    const [item] = await claimDue(db.sql, clock.now())
    await (await options().publishers(item!))!.publish(item!)
    // As if the next run's reconciliation had missed it: X itself says "duplicate".
    await db.sql`update outbox set status = 'queued', attempts = 0, next_attempt_at = now() - interval '1 hour' where id = ${outboxId!}`
    fake.failPosts(1, 'duplicate')
    expect(await send()).toMatchObject({ reconciled: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect((await outbox(outboxId!)).status).toBe('sent')
  })

  it('(7) two senders at once never post an item twice', async () => {
    const made = []
    for (let n = 0; n < 6; n++) {
      const { caseId, tweetId } = await caseWithMention()
      made.push({ tweetId, ...(await reply(caseId, `Update number ${n} for you.`)) })
    }
    const reports = await Promise.all([send({ batchSize: 4 }), send({ batchSize: 4 }), send({ batchSize: 4 })])
    expect(reports.reduce((sum, report) => sum + report.claimed, 0)).toBe(6)
    expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBe(6)
    for (const { tweetId, outboxId } of made) {
      expect(postsTo(tweetId)).toHaveLength(1)
      expect((await outbox(outboxId!)).status).toBe('sent')
    }
  })

  it('sends a private reply as an X direct message to the customer', async () => {
    const { caseId } = await caseWithMention()
    const before = fake.posts.length
    const { outboxId } = await reply(caseId, 'Could you send us your account number?', 'private')
    expect(await send()).toMatchObject({ sent: 1 })
    const dms = fake.posts.slice(before)
    expect(dms).toEqual([expect.objectContaining({ kind: 'dm', recipientId: '2001', text: 'Could you send us your account number?' })])
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: dms[0]!.id, platform_url: null })
  })

  it('a brand with no account on the platform keeps the reply, fails the item clearly and tells the agent', async () => {
    const { caseId } = await caseWithMention('mastodon')
    const { outboxId } = await reply(caseId, 'We hear you.')
    expect(await send()).toMatchObject({ failed: 1 })
    expect((await outbox(outboxId!)).last_error).toBe('The brand has no Mastodon source, so Earshot has no Mastodon account to send from.')
    const [event] = await db.sql`select body from case_event where case_id = ${caseId} and kind = 'reply' order by id limit 1`
    expect(event!.body).toMatchObject({ delivery: 'queued', text: 'We hear you.' })
    const told = await db.sql<{ user_id: string; body: { error: string } }[]>`
      select user_id, body from notification where case_id = ${caseId} and kind = 'send_failed'`
    expect(told).toEqual([{ user_id: agent.id, body: expect.objectContaining({ error: expect.stringContaining('no Mastodon source') }) }])
  })

  it('the demo platform records the delivery locally under a synthetic id', async () => {
    const { caseId } = await caseWithMention('demo')
    const { outboxId } = await reply(caseId, 'Demo reply.')
    expect(await send()).toMatchObject({ sent: 1 })
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: `demo-${outboxId}` })
  })

  it('queued acknowledgements go out too, their delivery on the timeline as an acknowledgement', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const [event] = await db.sql<{ id: string }[]>`
      insert into case_event (case_id, kind, body) values (${caseId}, 'acknowledgement', '{"text":"Thanks, we are on it","automatic":true}') returning id`
    await db.sql`
      insert into outbox (case_id, event_id, kind, platform, in_reply_to_external_id, idempotency_key, body)
      values (${caseId}, ${event!.id}, 'public_reply', 'x', ${tweetId}, ${`acknowledgement:${caseId}:test`}, 'Thanks, we are on it')`
    expect(await send()).toMatchObject({ sent: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect(await deliveries(caseId)).toEqual([{ kind: 'acknowledgement', body: expect.objectContaining({ delivery: 'sent', delivery_of: event!.id }) }])
  })
})
