// Private messages both ways on X, through the real pieces: the customer tweets, the agent answers
// in public and then in private, the customer writes back by direct message, and that message
// lands in the same case, marked private; the agent's next private reply goes to the same person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SessionUser } from '../../worker/auth/session'
import { recordReply } from '../../worker/cases/reply'
import { routeAllPending } from '../../worker/cases/route'
import { caseTimeline } from '../../worker/cases/timeline'
import { classifyAllPending } from '../../worker/classify/pending'
import { pollSource, type PollDeps } from '../../worker/listen/poll'
import { sendDue, sourcePublishers } from '../../worker/outbox/sender'
import { RateLimiters } from '../../worker/sources/limiter'
import { startFakeX, type FakeX } from '../fakes/x'
import { FakeClock } from '../support/clock'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertAgent, insertRoutingBrand, type RoutingBrand } from '../support/routing'

let db: TestDatabase
let fake: FakeX
let clock: FakeClock
let brand: RoutingBrand
let agent: SessionUser
let mentionsSource: string
let messagesSource: string

beforeAll(async () => {
  db = await createTestDatabase()
  clock = new FakeClock(Date.now())
  fake = await startFakeX({ now: clock.epochMs })
  fake.addUser({ id: '2001', username: 'kati', name: 'Kati Kask', followers: 80 })
  brand = await insertRoutingBrand(db.sql, 'private')
  const settings = JSON.stringify({ api_base_url: fake.url, user_id: fake.brand.id })
  const sources = await db.sql<{ id: string; kind: string }[]>`
    insert into source (brand_id, platform, kind, settings, poll_interval_seconds)
    values (${brand.brandId}, 'x', 'mentions', ${settings}::text::jsonb, 1), (${brand.brandId}, 'x', 'direct_messages', ${settings}::text::jsonb, 1)
    returning id, kind`
  mentionsSource = sources.find((source) => source.kind === 'mentions')!.id
  messagesSource = sources.find((source) => source.kind === 'direct_messages')!.id
  const user = await insertAgent(db.sql, { email: 'anna@private.example', name: 'Anna', languages: ['en'], shifts: [], teamId: brand.teamId })
  agent = { id: user.id, email: 'anna@private.example', name: 'Anna', role: 'agent' }
})
afterAll(async () => {
  await fake.close()
  await db.close()
})

const context = () => ({ secrets: { X_BEARER_TOKEN: fake.bearerToken }, limiters: new RateLimiters(clock), clock, requestTimeoutMs: 2000 })
const deps = (): PollDeps => ({ sql: db.sql, context: context() })

/** One listen-classify-route round, as the scheduled jobs run it. */
async function listen() {
  for (const id of [mentionsSource, messagesSource]) {
    const outcome = await pollSource(deps(), id, { force: true })
    expect(outcome).toMatchObject({ status: 'ok' })
  }
  await classifyAllPending(db.sql)
  await routeAllPending(db.sql)
}

async function reply(caseId: string, channel: 'public' | 'private', body: string) {
  const result = await recordReply(db.sql, { caseId, actor: agent, channel, body })
  if (!result.ok) throw new Error(result.detail)
  // Rows take the database's now(): keep the fake clock (which only moves forward) past it.
  clock.set(new Date(Math.max(clock.epochMs(), Date.now()) + 1000))
  await sendDue(db.sql, { clock, publishers: sourcePublishers(db.sql, context()) })
  return result.value
}

describe('private messages on X', () => {
  it('go out to the customer and come back into the same case', async () => {
    // Both sources start from "now": nothing before the test is read.
    await listen()
    const tweet = fake.post({ text: '@acme my internet has been down since Monday', authorId: '2001' })
    await listen()
    const [care] = await db.sql<{ case_id: string }[]>`select case_id from mention where platform = 'x' and external_id = ${tweet}`
    const caseId = care!.case_id
    expect(caseId).not.toBeNull()

    // Nobody is on shift, so the customer also had the automatic acknowledgement: count from here.
    await reply(caseId, 'public', 'Sorry about that, Kati. Please send us a direct message with your account number.')
    const sentBefore = fake.posts.length - 1
    await reply(caseId, 'private', 'Hi Kati, this is Anna from Acme. What is your account number?')
    expect(fake.posts.slice(sentBefore)).toEqual([
      expect.objectContaining({ kind: 'tweet', inReplyToId: tweet, text: 'Sorry about that, Kati. Please send us a direct message with your account number.' }),
      expect.objectContaining({ kind: 'dm', recipientId: '2001', text: 'Hi Kati, this is Anna from Acme. What is your account number?' }),
    ])

    const answer = fake.receiveDm('2001', 'It is 5521-884. Still no connection.')
    await listen()
    const [stored] = await db.sql<{ case_id: string; private: boolean; kind: string }[]>`
      select case_id, private, kind from mention where platform = 'x' and external_id = ${`dm:${answer}`}`
    expect(stored).toEqual({ case_id: caseId, private: true, kind: 'customer' })
    // The brand's own message came back in the list and was not taken for the customer's.
    const [privateCount] = await db.sql<{ count: number }[]>`select count(*)::int as count from mention where platform = 'x' and private`
    expect(privateCount!.count).toBe(1)
    const timeline = await caseTimeline(db.sql, caseId)
    const messages = timeline.filter((event) => event.kind === 'mention').map((event) => ({ text: event.mention!.text, private: event.mention!.private }))
    expect(messages).toEqual([
      { text: '@acme my internet has been down since Monday', private: false },
      { text: 'It is 5521-884. Still no connection.', private: true },
    ])

    // Public replies still go under the public tweet, never "in reply to" a direct message.
    await reply(caseId, 'private', 'Thanks, a technician will call you today before 17:00.')
    await reply(caseId, 'public', 'We are in touch with you in private.')
    expect(fake.posts.slice(sentBefore + 2)).toEqual([
      expect.objectContaining({ kind: 'dm', recipientId: '2001', text: 'Thanks, a technician will call you today before 17:00.' }),
      expect.objectContaining({ kind: 'tweet', inReplyToId: tweet }),
    ])
  })

  it('refuses a public reply on a case whose customer has written only in private, and acknowledges in private', async () => {
    fake.addUser({ id: '2002', username: 'marco', name: 'Marco' })
    fake.receiveDm('2002', 'Your app charged me twice for November')
    await listen()
    const [ack] = await db.sql<{ kind: string; recipient: string }[]>`
      select o.kind, i.platform_user_id as recipient
        from outbox o join case_event e on e.id = o.event_id join identity i on i.id = o.recipient_identity_id
       where e.kind = 'acknowledgement' and i.platform_user_id = '2002'`
    // Nobody in this brand has a shift, so a new case is acknowledged: in private, like the message.
    expect(ack).toEqual({ kind: 'direct_message', recipient: '2002' })
    const [care] = await db.sql<{ case_id: string }[]>`
      select m.case_id from mention m join identity i on i.id = m.identity_id where i.platform_user_id = '2002'`
    const result = await recordReply(db.sql, { caseId: care!.case_id, actor: agent, channel: 'public', body: 'Sorry!' })
    expect(result.ok).toBe(true)
    const [event] = await db.sql<{ body: { delivery: string; error: string } }[]>`
      select body from case_event where case_id = ${care!.case_id} and kind = 'reply' order by id desc limit 1`
    expect(event!.body).toMatchObject({ delivery: 'failed', error: 'The customer has written only in private; answer in private.' })
  })
})
