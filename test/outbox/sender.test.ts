// The outbox sender against a real database and the fake X: every item is posted exactly once,
// whatever fails (a crash on either side of the send, 429s, 5xx, refusals, two senders at once).
import { describe, expect, it } from 'vitest'
import { claimDue } from '../../worker/outbox/sender'
import { startFakeX } from '../fakes/x'
import { useOutboxTest } from '../support/outbox'

const setup = useOutboxTest({
  slug: 'outbox',
  platform: 'x',
  start: async (clock) => {
    const fake = await startFakeX({ now: clock.epochMs })
    fake.addUser({ id: '2001', username: 'kati', name: 'Kati Kask' })
    return fake
  },
  settings: (fake) => ({ api_base_url: fake.url, user_id: fake.brand.id }),
  secrets: (fake) => ({ X_BEARER_TOKEN: fake.bearerToken }),
  startAfterMs: 1000,
  // Fresh rate-limit windows at the fake: 450 requests per 15 minutes, X's usual numbers.
  beforeEach: (fake) => fake.setRateLimit(450, 900),
})
const { options, send, reply, outbox, deliveries } = setup
let customers = 0

/** A case on `platform` whose latest post is a customer's tweet on the fake; returns both. */
async function caseWithMention(platform: 'x' | 'mastodon' | 'demo' = 'x') {
  const n = ++customers
  const tweetId = platform === 'x' ? setup.fake.post({ text: `@acme my line is dead ${n}`, authorId: '2001' }) : `${platform}-post-${n}`
  const platformUserId = platform === 'x' ? '2001' : `${platform}-user-${n}`
  const { caseId, identityId } = await setup.insertCase({ platform, externalId: tweetId, platformUserId, handle: 'kati' })
  return { caseId, tweetId, identityId }
}

const postsTo = (tweetId: string) => setup.fake.posts.filter((post) => post.inReplyToId === tweetId)
const leaseLater = () => setup.clock.advance(3 * 60_000)


describe('sending', () => {
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
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
    const publisher = await options().publishers(item!)
    await publisher!.publish(item!)
    // A busy afternoon: the brand posts 150 times before anyone looks.
    for (let n = 0; n < 150; n++) setup.fake.post({ text: `Service update ${n}`, authorId: setup.fake.brand.id })
    leaseLater()
    expect(await send()).toMatchObject({ claimed: 1, reconciled: 1, sent: 0 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect((await outbox(outboxId!)).status).toBe('sent')
  })

  it('(1) crash after the send, before recording: the next run finds the post and does not post again', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'We have found the fault on your line.')
    // The sender's own steps, with the process "dying" after the platform call.
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
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
    setup.fake.failPosts(1, 'accept_then_reset')
    expect(await send()).toMatchObject({ claimed: 1, retried: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'queued' })
    setup.clock.advance(60_000)
    expect(await send()).toMatchObject({ reconciled: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect((await outbox(outboxId!)).status).toBe('sent')
  })

  it('(2) crash before the send: the item left in sending is sent once', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'We will call you today.')
    await claimDue(setup.db.sql, setup.clock.now())
    expect(postsTo(tweetId)).toHaveLength(0)
    leaseLater()
    expect(await send()).toMatchObject({ claimed: 1, sent: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('(3) a 429 delays the item to the platform’s reset, never drops it', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Thanks for your patience.')
    setup.fake.exhaust('create_tweet')
    expect(await send()).toMatchObject({ claimed: 1, rate_limited: 1 })
    const waiting = await outbox(outboxId!)
    expect(waiting.status).toBe('queued')
    expect(waiting.last_error).toMatch(/429/)
    // The window opened with this test: X's x-rate-limit-reset says 15 minutes from now (in whole seconds).
    const resetAt = waiting.next_attempt_at.getTime()
    expect(resetAt).toBe(Math.ceil((setup.clock.epochMs() + 900_000) / 1000) * 1000)
    expect(postsTo(tweetId)).toHaveLength(0)
    // Not before the reset.
    setup.clock.advance(60_000)
    expect(await send()).toMatchObject({ claimed: 0 })
    setup.clock.set(new Date(resetAt + 1000))
    const timelineReads = () => setup.fake.requests.filter((request) => request.path.endsWith('/tweets') && request.method === 'GET').length
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
    setup.fake.failPosts(2, 503)
    const started = setup.clock.epochMs()
    expect(await send()).toMatchObject({ retried: 1 })
    const first = (await outbox(outboxId!)).next_attempt_at.getTime() - started
    expect(first).toBeGreaterThanOrEqual(15_000)
    expect(first).toBeLessThanOrEqual(30_000)
    setup.clock.set(new Date(started + first))
    expect(await send()).toMatchObject({ retried: 1 })
    const second = (await outbox(outboxId!)).next_attempt_at.getTime() - setup.clock.epochMs()
    expect(second).toBeGreaterThan(first)
    expect(await send()).toMatchObject({ claimed: 0 })
    setup.clock.advance(second)
    expect(await send()).toMatchObject({ sent: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', attempts: 3 })
  })

  it('(4b) gives up after the last attempt, saying why', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'One more try.')
    setup.fake.failPosts(2, 500)
    expect(await send({ maxAttempts: 2 })).toMatchObject({ retried: 1 })
    setup.clock.advance(60_000)
    expect(await send({ maxAttempts: 2 })).toMatchObject({ failed: 1 })
    expect((await outbox(outboxId!)).last_error).toMatch(/^Gave up after 2 attempts: .*500/)
    expect(postsTo(tweetId)).toHaveLength(0)
  })

  it('(5) a permanent 403 fails the item with X’s own message, on the timeline', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Please DM us.')
    setup.fake.failPosts(1, 'forbidden')
    expect(await send()).toMatchObject({ failed: 1 })
    const row = await outbox(outboxId!)
    expect(row.status).toBe('failed')
    expect(row.last_error).toContain('You are not permitted to perform this action.')
    expect((await deliveries(caseId))[0]!.body).toMatchObject({ delivery: 'failed', error: row.last_error })
    setup.clock.advance(24 * 3600_000)
    expect(await send()).toMatchObject({ claimed: 0 })
    expect(postsTo(tweetId)).toHaveLength(0)
  })

  it('(6) a duplicate-content refusal is failed with a clear reason and not retried', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'We are sorry for the trouble.')
    setup.fake.failPosts(1, 'duplicate')
    expect(await send()).toMatchObject({ failed: 1 })
    const row = await outbox(outboxId!)
    expect(row.status).toBe('failed')
    expect(row.last_error).toContain('You are not allowed to create a Tweet with duplicate content.')
    expect(row.last_error).toContain('not sent again')
    setup.clock.advance(24 * 3600_000)
    expect(await send()).toMatchObject({ claimed: 0 })
    expect(postsTo(tweetId)).toHaveLength(0)
  })

  it('(6b) a duplicate refusal for our own lost post counts as sent', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Your refund is on its way.')
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
    await (await options().publishers(item!))!.publish(item!)
    // As if the next run's reconciliation had missed it: X itself says "duplicate".
    await setup.db.sql`update outbox set status = 'queued', attempts = 0, next_attempt_at = now() - interval '1 hour' where id = ${outboxId!}`
    setup.fake.failPosts(1, 'duplicate')
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
    const before = setup.fake.posts.length
    const { outboxId } = await reply(caseId, 'Could you send us your account number?', 'private')
    expect(await send()).toMatchObject({ sent: 1 })
    const dms = setup.fake.posts.slice(before)
    expect(dms).toEqual([expect.objectContaining({ kind: 'dm', recipientId: '2001', text: 'Could you send us your account number?' })])
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: dms[0]!.id, platform_url: null })
  })

  it('a brand with no account on the platform keeps the reply, fails the item clearly and tells the agent', async () => {
    const { caseId } = await caseWithMention('mastodon')
    const { outboxId } = await reply(caseId, 'We hear you.')
    expect(await send()).toMatchObject({ failed: 1 })
    expect((await outbox(outboxId!)).last_error).toBe('The brand has no Mastodon source, so Earshot has no Mastodon account to send from.')
    const [event] = await setup.db.sql`select body from case_event where case_id = ${caseId} and kind = 'reply' order by id limit 1`
    expect(event!.body).toMatchObject({ delivery: 'queued', text: 'We hear you.' })
    const told = await setup.db.sql<{ user_id: string; body: { error: string } }[]>`
      select user_id, body from notification where case_id = ${caseId} and kind = 'send_failed'`
    expect(told).toEqual([{ user_id: setup.agent.id, body: expect.objectContaining({ error: expect.stringContaining('no Mastodon source') }) }])
  })

  it('the demo platform records the delivery locally under a synthetic id', async () => {
    const { caseId } = await caseWithMention('demo')
    const { outboxId } = await reply(caseId, 'Demo reply.')
    expect(await send()).toMatchObject({ sent: 1 })
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: `demo-${outboxId}` })
  })

  it('queued acknowledgements go out too, their delivery on the timeline as an acknowledgement', async () => {
    const { caseId, tweetId } = await caseWithMention()
    const [event] = await setup.db.sql<{ id: string }[]>`
      insert into case_event (case_id, kind, body) values (${caseId}, 'acknowledgement', '{"text":"Thanks, we are on it","automatic":true}') returning id`
    await setup.db.sql`
      insert into outbox (case_id, event_id, kind, platform, in_reply_to_external_id, idempotency_key, body)
      values (${caseId}, ${event!.id}, 'public_reply', 'x', ${tweetId}, ${`acknowledgement:${caseId}:test`}, 'Thanks, we are on it')`
    expect(await send()).toMatchObject({ sent: 1 })
    expect(postsTo(tweetId)).toHaveLength(1)
    expect(await deliveries(caseId)).toEqual([{ kind: 'acknowledgement', body: expect.objectContaining({ delivery: 'sent', delivery_of: event!.id }) }])
  })
})
