// The outbox sender on Mastodon, against a real database and the fake server: every reply is
// posted exactly once, whatever fails (a crash on either side of the send, 429s, 5xx,
// refusals), mentions the customer so they are notified, and a private reply is a direct status.
import type { mastodon } from 'masto'
import { describe, expect, it } from 'vitest'
import { PublishError } from '../../worker/outbox/platforms'
import { claimDue, sourcePublishers } from '../../worker/outbox/sender'
import { htmlToText } from '../../worker/sources/mastodon'
import { startFakeMastodon } from '../fakes/mastodon'
import { useOutboxTest } from '../support/outbox'
import { insertRoutingBrand } from '../support/routing'

const setup = useOutboxTest({
  slug: 'mastodon-outbox',
  platform: 'mastodon',
  start: (clock) => startFakeMastodon({ now: clock.epochMs }),
  settings: (fake) => ({ url: fake.url }),
  secrets: () => ({ MASTODON_ACCESS_TOKEN: 'fake-mastodon-token' }),
  // Past the fake's 5-minute window, so that each test starts with the general budget unspent.
  startAfterMs: 6 * 60_000,
})
const { options, send, reply, outbox, deliveries } = setup
let customers = 0

const kati = { username: 'kati', displayName: 'Kati Kask', domain: 'example.ee' }

/** A case whose latest post is the customer's status on the fake, as the Mastodon source stores it. */
async function caseWithMention(externalId?: string) {
  const n = ++customers
  const status = setup.fake.post({ text: `@brand my line is dead ${n}`, author: kati })
  const { caseId } = await setup.insertCase({
    platform: 'mastodon',
    externalId: externalId ?? `${setup.fake.host}:${status.id}`,
    platformUserId: `${setup.fake.host}:${status.account.id}`,
    handle: status.account.acct,
  })
  return { caseId, status }
}

const repliesTo = (statusId: string) => setup.fake.created().filter((s) => s.inReplyToId === statusId)
const statusPosts = () => setup.fake.requests().filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses').length
const text = (s: mastodon.v1.Status) => htmlToText(s.content)
const leaseLater = () => setup.clock.advance(3 * 60_000)

describe('replying on Mastodon', () => {
  it('posts a public reply under the customer’s status once, mentioning them, and records it', async () => {
    const { caseId, status } = await caseWithMention()
    const { outboxId, eventId } = await reply(caseId, 'Sorry to hear that, we are looking into it.')
    const posts = statusPosts()
    expect(await send()).toMatchObject({ claimed: 1, sent: 1 })
    const posted = repliesTo(status.id)
    expect(posted).toHaveLength(1)
    expect(posted[0]).toMatchObject({ visibility: 'public', inReplyToAccountId: status.account.id, mentions: [expect.objectContaining({ acct: 'kati@example.ee' })] })
    // Mastodon shows a remote mention by its username only.
    expect(text(posted[0]!)).toBe('@kati Sorry to hear that, we are looking into it.')
    expect(statusPosts() - posts).toBe(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: `${setup.fake.host}:${posted[0]!.id}`, platform_url: posted[0]!.url, attempts: 1 })
    expect(await deliveries(caseId)).toEqual([
      { kind: 'reply', body: expect.objectContaining({ delivery: 'sent', delivery_of: eventId, outbox_id: outboxId, post_id: `${setup.fake.host}:${posted[0]!.id}` }) },
    ])
    expect(await send()).toMatchObject({ claimed: 0 })
    expect(repliesTo(status.id)).toHaveLength(1)
  })

  it('does not mention the customer twice when the agent already did', async () => {
    const { caseId, status } = await caseWithMention()
    await reply(caseId, 'Hi @kati@example.ee, a technician is on the way.')
    expect(await send()).toMatchObject({ sent: 1 })
    expect(text(repliesTo(status.id)[0]!)).toBe('Hi @kati, a technician is on the way.')
  })

  it('sends the item’s idempotency key, so a repeated send gets the first status back', async () => {
    const { caseId, status } = await caseWithMention()
    await reply(caseId, 'Sent twice by a confused process.')
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
    const publisher = (await options().publishers(item!))!
    const first = await publisher.publish(item!)
    const second = await publisher.publish(item!)
    expect(second).toEqual(first)
    expect(repliesTo(status.id)).toHaveLength(1)
  })

  it('(1) crash after the send, before recording: the next run finds the status and does not post again', async () => {
    const { caseId, status } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'We have found the fault on your line.')
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
    await (await options().publishers(item!))!.publish(item!)
    const posts = statusPosts()
    expect((await outbox(outboxId!)).status).toBe('sending')
    expect(await send()).toMatchObject({ claimed: 0 })
    leaseLater()
    expect(await send()).toMatchObject({ claimed: 1, reconciled: 1, sent: 0 })
    // Found by reading the brand's statuses back, not by posting again under the key.
    expect(statusPosts()).toBe(posts)
    const posted = repliesTo(status.id)
    expect(posted).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: `${setup.fake.host}:${posted[0]!.id}` })
    expect((await deliveries(caseId))[0]!.body).toMatchObject({ delivery: 'sent', reconciled: true })
  })

  it('(1b) the server creates the status but the connection drops: reconciled on the retry, posted once', async () => {
    const { caseId, status } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'A technician is booked for tomorrow.')
    setup.fake.failPosts(1, 'accept_then_reset')
    expect(await send()).toMatchObject({ claimed: 1, retried: 1 })
    expect(repliesTo(status.id)).toHaveLength(1)
    const posts = statusPosts()
    setup.clock.advance(60_000)
    expect(await send()).toMatchObject({ reconciled: 1 })
    expect(statusPosts()).toBe(posts)
    expect(repliesTo(status.id)).toHaveLength(1)
    expect((await outbox(outboxId!)).status).toBe('sent')
  })

  it('(2) crash before the send: the item left in sending is sent once', async () => {
    const { caseId, status } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'We will call you today.')
    await claimDue(setup.db.sql, setup.clock.now())
    leaseLater()
    expect(await send()).toMatchObject({ claimed: 1, sent: 1 })
    expect(repliesTo(status.id)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('(3) a spent posting budget delays the item to its reset, without holding up reading', async () => {
    const { caseId, status } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Thanks for your patience.')
    // Past any earlier posting window, so that the one spent here starts now: 300 statuses per 3 hours.
    setup.clock.advance(3 * 3600_000 + 1000)
    const startedAt = setup.clock.epochMs()
    setup.fake.exhaustPosting()
    expect(await send()).toMatchObject({ claimed: 1, rate_limited: 1 })
    const waiting = await outbox(outboxId!)
    expect(waiting).toMatchObject({ status: 'queued' })
    expect(waiting.last_error).toMatch(/429/)
    expect(waiting.next_attempt_at.getTime()).toBe(startedAt + 3 * 3600_000)
    expect(repliesTo(status.id)).toHaveLength(0)
    // The account's general budget, which its sources poll with, is not the one that ran out.
    await expect(setup.limiters.schedule(`mastodon:${setup.fake.host}:MASTODON_ACCESS_TOKEN`, async () => 'read')).resolves.toBe('read')
    setup.clock.advance(60_000)
    expect(await send()).toMatchObject({ claimed: 0 })
    setup.clock.set(new Date(waiting.next_attempt_at.getTime() + 1000))
    expect(await send()).toMatchObject({ claimed: 1, sent: 1 })
    expect(repliesTo(status.id)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', last_error: null })
  })

  it('(3b) a spent general budget delays the item to that window’s reset', async () => {
    const { caseId } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Still on it.')
    const startedAt = setup.clock.epochMs()
    setup.fake.exhaust()
    expect(await send()).toMatchObject({ rate_limited: 1 })
    // beforeEach moved past the last window: this one opened with the exhaust, 5 minutes long.
    expect((await outbox(outboxId!)).next_attempt_at.getTime()).toBe(startedAt + 5 * 60_000)
  })

  it('(4) 5xx answers are retried with growing backoff, then sent once', async () => {
    const { caseId, status } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Checking with the network team.')
    setup.fake.failPosts(1, 500)
    setup.fake.failPosts(1, 503)
    const started = setup.clock.epochMs()
    expect(await send()).toMatchObject({ retried: 1 })
    const first = (await outbox(outboxId!)).next_attempt_at.getTime() - started
    expect(first).toBeGreaterThanOrEqual(15_000)
    setup.clock.set(new Date(started + first))
    expect(await send()).toMatchObject({ retried: 1 })
    // A proxy's HTML error page: masto cannot read it, so all that is known is which call failed.
    expect((await outbox(outboxId!)).last_error).toMatch(/^Mastodon POST \/api\/v1\/statuses failed/)
    const second = (await outbox(outboxId!)).next_attempt_at.getTime() - setup.clock.epochMs()
    expect(second).toBeGreaterThan(first)
    setup.clock.advance(second)
    expect(await send()).toMatchObject({ sent: 1 })
    expect(repliesTo(status.id)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', attempts: 3 })
  })

  it('(5) a refusal fails the item with Mastodon’s own message, on the timeline, and is not retried', async () => {
    const { caseId, status } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'x'.repeat(495))
    expect(await send()).toMatchObject({ failed: 1 })
    const row = await outbox(outboxId!)
    expect(row.status).toBe('failed')
    expect(row.last_error).toContain('Validation failed: Text character limit of 500 exceeded')
    expect((await deliveries(caseId))[0]!.body).toMatchObject({ delivery: 'failed', error: row.last_error })
    setup.clock.advance(24 * 3600_000)
    expect(await send()).toMatchObject({ claimed: 0 })
    expect(repliesTo(status.id)).toHaveLength(0)
  })

  it('(5b) a status read on another server is not answered from this one', async () => {
    const { caseId } = await caseWithMention('mastodon.example:109000000000000001')
    const { outboxId } = await reply(caseId, 'Hello from the wrong server.')
    const posts = statusPosts()
    expect(await send()).toMatchObject({ failed: 1 })
    expect((await outbox(outboxId!)).last_error).toMatch(/read on mastodon\.example.*on 127\.0\.0\.1/)
    expect(statusPosts()).toBe(posts)
  })

  it('an automatic acknowledgement, queued without the customer’s account, still mentions them', async () => {
    const { caseId, status } = await caseWithMention()
    const [event] = await setup.db.sql<{ id: string }[]>`
      insert into case_event (case_id, kind, body) values (${caseId}, 'acknowledgement', '{"text":"Thanks, we are on it","automatic":true}') returning id`
    await setup.db.sql`
      insert into outbox (case_id, event_id, kind, platform, in_reply_to_external_id, idempotency_key, body)
      values (${caseId}, ${event!.id}, 'public_reply', 'mastodon', ${`${setup.fake.host}:${status.id}`}, ${`acknowledgement:${caseId}:test`}, 'Thanks, we are on it')`
    expect(await send()).toMatchObject({ sent: 1 })
    expect(repliesTo(status.id)[0]).toMatchObject({ mentions: [expect.objectContaining({ acct: 'kati@example.ee' })] })
    expect(await deliveries(caseId)).toEqual([{ kind: 'acknowledgement', body: expect.objectContaining({ delivery: 'sent', delivery_of: event!.id }) }])
  })
})

describe('private replies on Mastodon', () => {
  it('are direct statuses that mention the customer', async () => {
    const { caseId } = await caseWithMention()
    const before = setup.fake.created().length
    const { outboxId } = await reply(caseId, 'Could you send us your account number?', 'private')
    expect(await send()).toMatchObject({ sent: 1 })
    const sent = setup.fake.created().slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ visibility: 'direct', inReplyToId: null, mentions: [expect.objectContaining({ acct: 'kati@example.ee' })] })
    expect(text(sent[0]!)).toBe('@kati Could you send us your account number?')
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: `${setup.fake.host}:${sent[0]!.id}` })
  })

  it('are reconciled after a crash, not sent twice', async () => {
    const { caseId } = await caseWithMention()
    const before = setup.fake.created().length
    const { outboxId } = await reply(caseId, 'Please check your inbox.', 'private')
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
    await (await options().publishers(item!))!.publish(item!)
    leaseLater()
    expect(await send()).toMatchObject({ reconciled: 1 })
    const sent = setup.fake.created().slice(before)
    expect(sent).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: `${setup.fake.host}:${sent[0]!.id}` })
  })

  it('a public twin of the same words does not pass for the private message', async () => {
    const { caseId, status } = await caseWithMention()
    await reply(caseId, 'Same words twice.')
    expect(await send()).toMatchObject({ sent: 1 })
    await reply(caseId, 'Same words twice.', 'private')
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
    const publisher = (await options().publishers(item!))!
    expect(await publisher.findExisting(item!)).toBeNull()
    expect(repliesTo(status.id)).toHaveLength(1)
  })
})

describe('the Mastodon publisher', () => {
  it('says why it cannot send when the brand has no Mastodon account or token', async () => {
    const other = await insertRoutingBrand(setup.db.sql, 'mastodon-less')
    const item = { brandId: other.brandId, platform: 'mastodon' } as const
    const lookup = options().publishers
    const missing = await lookup({ ...sampleItem(), ...item }).catch((error: unknown) => error)
    expect(missing).toBeInstanceOf(PublishError)
    expect((missing as PublishError).message).toBe('The brand has no Mastodon source, so Earshot has no Mastodon account to send from.')
    const noToken = sourcePublishers(setup.db.sql, { secrets: {}, limiters: setup.limiters, clock: setup.clock, requestTimeoutMs: 2000 })
    const refused = await noToken({ ...sampleItem(), brandId: setup.brand.brandId, platform: 'mastodon' }).catch((error: unknown) => error)
    expect((refused as PublishError).message).toBe('No Mastodon access token to post with: set the environment variable MASTODON_ACCESS_TOKEN.')
  })
})

function sampleItem() {
  return {
    id: '1', caseId: '1', brandId: '1', eventId: null, kind: 'public_reply' as const, platform: 'mastodon' as const,
    inReplyToExternalId: `${setup.fake.host}:1`, recipient: null, idempotencyKey: 'sample-key', body: 'Hello', createdAt: setup.clock.now(),
  }
}
