// The outbox sender on Bluesky, against a real database and the fake PDS/AppView/chat service:
// every reply is posted exactly once under its item's own record key, with the thread's root and
// parent refs, whatever fails; private replies go through the chat service.
import { lexicons } from '@atproto/api'
import { describe, expect, it } from 'vitest'
import { recordKeyFor } from '../../worker/outbox/bluesky'
import { PublishError } from '../../worker/outbox/platforms'
import { claimDue } from '../../worker/outbox/sender'
import { startFakeBluesky } from '../fakes/bluesky'
import { useOutboxTest } from '../support/outbox'
import { insertRoutingBrand } from '../support/routing'

const password = 'abcd-efgh-ijkl-mnop'

const setup = useOutboxTest({
  slug: 'bluesky-outbox',
  platform: 'bluesky',
  start: (clock) => startFakeBluesky({ now: clock.epochMs, password }),
  settings: (fake) => ({ service: fake.url, identifier: fake.handle }),
  secrets: () => ({ BLUESKY_APP_PASSWORD: password }),
  // Past the fake's 5-minute window, so that each test starts with the budget unspent.
  startAfterMs: 6 * 60_000,
})
const { options, send, reply, outbox, deliveries } = setup
let customers = 0

/**
 * A case whose latest post is the customer's on the fake, as the Bluesky source stores it: by
 * default a reply in a thread the brand started, so that root and parent differ.
 */
async function caseWithMention({ thread = true, handle = 'kati.bsky.social' } = {}) {
  const n = ++customers
  const root = thread ? setup.fake.post({ text: `Planned maintenance tonight ${n}`, author: { handle: setup.fake.handle }, reason: 'none' }) : null
  const post = setup.fake.post({ text: `@${setup.fake.handle} my line is dead ${n}`, author: { handle, displayName: 'Kati' }, reason: root ? 'reply' : 'mention', ...(root ? { replyTo: root.uri } : {}) })
  const did = post.uri.split('/')[2]!
  const { caseId } = await setup.insertCase({ platform: 'bluesky', externalId: post.uri, platformUserId: did, handle })
  return { caseId, post, root, did }
}

interface ReplyRecord {
  text: string
  reply: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } }
  facets?: Array<{ features: Array<{ $type: string; did?: string; uri?: string }> }>
}
const repliesTo = (uri: string) =>
  setup.fake.writes().filter((write) => (write.record as Partial<ReplyRecord>).reply?.parent.uri === uri).map((write) => ({ ...write, record: write.record as ReplyRecord }))
const calls = (nsid: string) => setup.fake.requests().filter((r) => r.nsid === nsid).length
const leaseLater = () => setup.clock.advance(3 * 60_000)
const tid = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/

describe('replying on Bluesky', () => {
  it('posts a reply once, with the thread’s root and the customer’s post as parent, under the item’s own key', async () => {
    const { caseId, post, root } = await caseWithMention()
    const { outboxId, eventId } = await reply(caseId, 'Sorry to hear that, we are looking into it: https://status.example.com')
    expect(await send()).toMatchObject({ claimed: 1, sent: 1 })
    const posted = repliesTo(post.uri)
    expect(posted).toHaveLength(1)
    const [write] = posted
    expect(write!.record.reply).toEqual({ root: { uri: root!.uri, cid: root!.cid }, parent: { uri: post.uri, cid: post.cid } })
    expect(write!.record.text).toBe('Sorry to hear that, we are looking into it: https://status.example.com')
    expect(write!.record.facets).toEqual([expect.objectContaining({ features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://status.example.com' }] })])
    expect(() => lexicons.assertValidRecord('app.bsky.feed.post', write!.record)).not.toThrow()
    const row = await outbox(outboxId!)
    expect(write!.rkey).toMatch(tid)
    expect(write!.rkey).toBe(recordKeyFor({ idempotencyKey: row.idempotency_key, createdAt: row.created_at }))
    expect(row).toMatchObject({ status: 'sent', platform_post_id: write!.uri, platform_url: `https://bsky.app/profile/${setup.fake.did}/post/${write!.rkey}`, attempts: 1 })
    expect(await deliveries(caseId)).toEqual([
      { kind: 'reply', body: expect.objectContaining({ delivery: 'sent', delivery_of: eventId, outbox_id: outboxId, post_id: write!.uri }) },
    ])
    expect(await send()).toMatchObject({ claimed: 0 })
    expect(repliesTo(post.uri)).toHaveLength(1)
  })

  it('answers a post that starts its own thread with it as both root and parent, and links the customer’s handle', async () => {
    const { caseId, post, did } = await caseWithMention({ thread: false })
    await reply(caseId, 'Hi @kati.bsky.social, a technician is on the way.')
    expect(await send()).toMatchObject({ sent: 1 })
    const [write] = repliesTo(post.uri)
    expect(write!.record.reply).toEqual({ root: { uri: post.uri, cid: post.cid }, parent: { uri: post.uri, cid: post.cid } })
    expect(write!.record.facets).toEqual([expect.objectContaining({ features: [{ $type: 'app.bsky.richtext.facet#mention', did }] })])
  })

  it('gives the same item the same key, so a second create is refused instead of posting twice', async () => {
    const { caseId, post } = await caseWithMention()
    await reply(caseId, 'Sent twice by a confused process.')
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
    const publisher = (await options().publishers(item!))!
    await publisher.publish(item!)
    const again = await publisher.publish(item!).catch((error: unknown) => error)
    expect(again).toBeInstanceOf(PublishError)
    // Today's PDS answers a taken key with 500: retried, and the retry finds the post first.
    expect((again as PublishError).failure).toEqual({ kind: 'retryable' })
    expect(repliesTo(post.uri)).toHaveLength(1)
    expect(await publisher.findExisting(item!)).toMatchObject({ postId: repliesTo(post.uri)[0]!.uri })
  })

  it('(1) crash after the send, before recording: the next run finds the post under its key and does not post again', async () => {
    const { caseId, post } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'We have found the fault on your line.')
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
    await (await options().publishers(item!))!.publish(item!)
    const creates = calls('com.atproto.repo.createRecord')
    expect((await outbox(outboxId!)).status).toBe('sending')
    expect(await send()).toMatchObject({ claimed: 0 })
    leaseLater()
    expect(await send()).toMatchObject({ claimed: 1, reconciled: 1, sent: 0 })
    expect(calls('com.atproto.repo.createRecord')).toBe(creates)
    const posted = repliesTo(post.uri)
    expect(posted).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: posted[0]!.uri })
    expect((await deliveries(caseId))[0]!.body).toMatchObject({ delivery: 'sent', reconciled: true })
  })

  it('(1b) the PDS writes the post but the connection drops: reconciled on the retry, posted once', async () => {
    const { caseId, post } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'A technician is booked for tomorrow.')
    setup.fake.failWrites(1, 'accept_then_reset')
    expect(await send()).toMatchObject({ claimed: 1, retried: 1 })
    expect(repliesTo(post.uri)).toHaveLength(1)
    const creates = calls('com.atproto.repo.createRecord')
    setup.clock.advance(60_000)
    expect(await send()).toMatchObject({ reconciled: 1 })
    expect(calls('com.atproto.repo.createRecord')).toBe(creates)
    expect(repliesTo(post.uri)).toHaveLength(1)
    expect((await outbox(outboxId!)).status).toBe('sent')
  })

  it('(2) crash before the send: the item left in sending is sent once', async () => {
    const { caseId, post } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'We will call you today.')
    await claimDue(setup.db.sql, setup.clock.now())
    leaseLater()
    expect(await send()).toMatchObject({ claimed: 1, sent: 1 })
    expect(repliesTo(post.uri)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('(3) a 429 delays the item to the PDS’s reset, never drops it', async () => {
    const { caseId, post } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Thanks for your patience.')
    // beforeEach moved past the last window: this one opens now, for 300 seconds.
    const opened = setup.clock.epochMs()
    setup.fake.exhaust()
    expect(await send()).toMatchObject({ claimed: 1, rate_limited: 1 })
    const waiting = await outbox(outboxId!)
    expect(waiting).toMatchObject({ status: 'queued' })
    expect(waiting.last_error).toMatch(/429/)
    // ratelimit-reset is in whole seconds.
    expect(waiting.next_attempt_at.getTime()).toBe(Math.ceil((opened + 300_000) / 1000) * 1000)
    expect(repliesTo(post.uri)).toHaveLength(0)
    setup.clock.advance(60_000)
    expect(await send()).toMatchObject({ claimed: 0 })
    setup.clock.set(new Date(waiting.next_attempt_at.getTime() + 1000))
    expect(await send()).toMatchObject({ claimed: 1, sent: 1 })
    expect(repliesTo(post.uri)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', last_error: null })
  })

  it('(4) 5xx answers are retried with growing backoff, then sent once', async () => {
    const { caseId, post } = await caseWithMention()
    const { outboxId } = await reply(caseId, 'Checking with the network team.')
    setup.fake.failWrites(1, 500)
    setup.fake.failWrites(1, 503)
    const started = setup.clock.epochMs()
    expect(await send()).toMatchObject({ retried: 1 })
    expect((await outbox(outboxId!)).last_error).toMatch(/com\.atproto\.repo\.createRecord answered 500/)
    const first = (await outbox(outboxId!)).next_attempt_at.getTime() - started
    expect(first).toBeGreaterThanOrEqual(15_000)
    setup.clock.set(new Date(started + first))
    expect(await send()).toMatchObject({ retried: 1 })
    const second = (await outbox(outboxId!)).next_attempt_at.getTime() - setup.clock.epochMs()
    expect(second).toBeGreaterThan(first)
    setup.clock.advance(second)
    expect(await send()).toMatchObject({ sent: 1 })
    expect(repliesTo(post.uri)).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', attempts: 3 })
  })

  it('(5) a reply longer than a post holds fails at once with a clear reason, and nothing is written', async () => {
    const { caseId } = await caseWithMention()
    const creates = calls('com.atproto.repo.createRecord')
    const { outboxId } = await reply(caseId, `${'Sorry for the wait. '.repeat(15)}!`)
    expect(await send()).toMatchObject({ failed: 1 })
    const row = await outbox(outboxId!)
    expect(row.last_error).toBe('A Bluesky post holds at most 300 characters; this one has 301. Shorten it or send it as a direct message.')
    expect((await deliveries(caseId))[0]!.body).toMatchObject({ delivery: 'failed', error: row.last_error })
    expect(calls('com.atproto.repo.createRecord')).toBe(creates)
    setup.clock.advance(24 * 3600_000)
    expect(await send()).toMatchObject({ claimed: 0 })
  })

  it('(5b) a deleted post cannot be answered: the item fails saying so', async () => {
    const { caseId, post } = await caseWithMention()
    setup.fake.deletePost(post.uri)
    const { outboxId } = await reply(caseId, 'Are you still there?')
    expect(await send()).toMatchObject({ failed: 1 })
    expect((await outbox(outboxId!)).last_error).toMatch(/no longer on Bluesky/)
    expect(repliesTo(post.uri)).toHaveLength(0)
  })

  it('(5c) the PDS’s own refusal is shown with its message', async () => {
    const { caseId, post } = await caseWithMention()
    await reply(caseId, 'Wrong account.')
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
    const otherBrand = await insertRoutingBrand(setup.db.sql, 'bluesky-other')
    await setup.db.sql`
      insert into source (brand_id, platform, kind, settings)
      values (${otherBrand.brandId}, 'bluesky', 'mentions', ${JSON.stringify({ service: setup.fake.url, identifier: 'someone.else.example' })}::text::jsonb)`
    const publisher = (await options().publishers({ ...item!, brandId: otherBrand.brandId }))!
    const refused = await publisher.publish(item!).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(PublishError)
    expect((refused as PublishError).failure).toEqual({ kind: 'permanent' })
    expect((refused as PublishError).message).toMatch(/Invalid identifier or password.*check the app password for someone\.else\.example in BLUESKY_APP_PASSWORD/)
    expect(repliesTo(post.uri)).toHaveLength(0)
  })
})

describe('private replies on Bluesky', () => {
  it('go to the customer through the chat service, once', async () => {
    const { caseId, did } = await caseWithMention()
    const before = setup.fake.messages().length
    const { outboxId } = await reply(caseId, 'Could you send us your account number?', 'private')
    expect(await send()).toMatchObject({ sent: 1 })
    const sent = setup.fake.messages().slice(before)
    expect(sent).toEqual([expect.objectContaining({ sender: setup.fake.did, text: 'Could you send us your account number?' })])
    expect(sent[0]!.members.sort()).toEqual([setup.fake.did, did].sort())
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: sent[0]!.id, platform_url: null })
  })

  it('are reconciled after a crash, not sent twice', async () => {
    const { caseId } = await caseWithMention()
    const before = setup.fake.messages().length
    const { outboxId } = await reply(caseId, 'Please check your inbox.', 'private')
    const [item] = await claimDue(setup.db.sql, setup.clock.now())
    await (await options().publishers(item!))!.publish(item!)
    leaseLater()
    expect(await send()).toMatchObject({ reconciled: 1 })
    const sent = setup.fake.messages().slice(before)
    expect(sent).toHaveLength(1)
    expect(await outbox(outboxId!)).toMatchObject({ status: 'sent', platform_post_id: sent[0]!.id })
  })

  it('fail clearly when the customer does not take messages from the brand', async () => {
    const { caseId, did } = await caseWithMention({ handle: 'closed.bsky.social' })
    setup.fake.refuseMessages(did)
    const { outboxId } = await reply(caseId, 'Can we talk in private?', 'private')
    expect(await send()).toMatchObject({ failed: 1 })
    expect((await outbox(outboxId!)).last_error).toMatch(/NotFollowedBySender.*reply in public instead/)
  })
})

describe('the fake Bluesky services', () => {
  it('answered every call above within the lexicons @atproto/api ships', () => {
    const bodies = setup.fake.responses()
    expect(new Set(bodies.map((b) => b.nsid))).toEqual(
      new Set([
        'com.atproto.server.createSession',
        'app.bsky.feed.getPosts',
        'com.atproto.repo.createRecord',
        'com.atproto.repo.getRecord',
        'chat.bsky.convo.getConvoForMembers',
        'chat.bsky.convo.sendMessage',
        'chat.bsky.convo.getMessages',
      ]),
    )
    for (const { nsid, body } of bodies) expect(() => lexicons.assertValidXrpcOutput(nsid, body), nsid).not.toThrow()
  })
})
