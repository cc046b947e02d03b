// The satisfaction ask end to end on a real database: resolving a case asks on the channel the
// care happened on, in the customer's language; the answer comes back as a reply (English, Russian,
// Italian) or from the one-click page, lands on the case without reopening it, and the figures
// come out per agent, team and category.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../worker/app'
import type { SessionUser } from '../../worker/auth/session'
import { recordReply } from '../../worker/cases/reply'
import { routeAllPending } from '../../worker/cases/route'
import { resolveCase } from '../../worker/cases/status'
import { parseConfig } from '../../worker/config'
import type { Services } from '../../worker/env'
import { sendDue, sourcePublishers } from '../../worker/outbox/sender'
import { satisfactionReport } from '../../worker/satisfaction/stats'
import { RateLimiters } from '../../worker/sources/limiter'
import { FakeClock } from '../support/clock'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertAgent, insertClassified, insertIdentity, insertRoutingBrand, type RoutingBrand } from '../support/routing'

let db: TestDatabase
let brand: RoutingBrand
let agent: SessionUser
let services: Services
const app = createApp()
let serial = 0

beforeAll(async () => {
  db = await createTestDatabase()
  brand = await insertRoutingBrand(db.sql, 'csat')
  const user = await insertAgent(db.sql, { email: 'anna@csat.example', name: 'Anna', languages: ['en', 'ru', 'it'], shifts: [], teamId: brand.teamId })
  agent = { id: user.id, email: 'anna@csat.example', name: 'Anna', role: 'agent' }
  services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
})
afterAll(() => db.close())

/** A routed demo-platform case in `language`, owned by Anna, answered by her in public or private. */
async function answeredCase({ language = 'en', channel = 'public' as 'public' | 'private', reasons = [] as { signal: string; points: number; reason: string }[] } = {}) {
  const n = ++serial
  const { identityId } = await insertIdentity(db.sql, `customer${n}`, 'demo')
  const externalId = `csat-${n}`
  await insertClassified(db.sql, { brandId: brand.brandId, identityId, externalId, platform: 'demo', language, receivedAt: new Date(Date.now() - 60_000), reasons })
  await routeAllPending(db.sql)
  const [kase] = await db.sql<{ case_id: string }[]>`select case_id from mention where external_id = ${externalId}`
  const caseId = kase!.case_id
  await db.sql`update care_case set owner_id = ${agent.id} where id = ${caseId}`
  const replied = await recordReply(db.sql, { caseId, actor: agent, channel, body: 'Fixed it, sorry for the trouble.' })
  expect(replied.ok).toBe(true)
  return { caseId, identityId, externalId }
}

const link = (token: string) => `https://earshot.example/s/${token}`

async function resolve(caseId: string, ask = true) {
  let token = ''
  const result = await resolveCase(db.sql, { caseId, actor: agent, askSatisfaction: ask, satisfactionLink: (t) => ((token = t), link(t)) })
  if (!result.ok) throw new Error(result.detail)
  return { ...result.value, token }
}

async function askOf(caseId: string) {
  const [row] = await db.sql<{ id: string; channel: string; language: string; category: string; agent_id: string; score: number | null; comment: string | null; answered_via: string | null; kind: string; body: string; recipient: string | null }[]>`
    select s.id, s.channel, s.language, s.category, s.agent_id, s.score, s.comment, s.answered_via, o.kind, o.body, o.recipient_identity_id as recipient
      from satisfaction s join outbox o on o.id = s.outbox_id where s.case_id = ${caseId}`
  return row
}

async function caseRow(caseId: string) {
  const [row] = await db.sql<{ status: string; satisfaction: number | null }[]>`select status, satisfaction from care_case where id = ${caseId}`
  return row!
}

/** The customer writes once more, as Classify leaves it. */
async function customerWrites(identityId: string, text: string, language: string) {
  const externalId = `csat-answer-${++serial}`
  await insertClassified(db.sql, { brandId: brand.brandId, identityId, externalId, platform: 'demo', language, text, receivedAt: new Date() })
  await routeAllPending(db.sql)
  const [row] = await db.sql<{ id: string; case_id: string }[]>`select id, case_id from mention where external_id = ${externalId}`
  return row!
}

describe('asking', () => {
  it('asks in public under the customer’s post, in their language, with the one-click link, and sends it', async () => {
    const { caseId, externalId } = await answeredCase({ language: 'ru', reasons: [{ signal: 'outage', points: 30, reason: 'down 3 days' }, { signal: 'reach', points: 10, reason: '10k followers' }] })
    const { satisfaction, token } = await resolve(caseId)
    expect(satisfaction).toEqual({ asked: true, satisfactionId: expect.any(String), link: link(token) })
    const ask = await askOf(caseId)
    expect(ask).toMatchObject({ channel: 'public', language: 'ru', category: 'outage', agent_id: agent.id, score: null, kind: 'public_reply' })
    expect(ask!.body).toContain(link(token))
    expect(ask!.body).toMatch(/[а-я]/)
    const [outbox] = await db.sql<{ in_reply_to_external_id: string }[]>`select in_reply_to_external_id from outbox where id = (select outbox_id from satisfaction where case_id = ${caseId})`
    expect(outbox!.in_reply_to_external_id).toBe(externalId)
    // The token is kept only as its hash.
    const [stored] = await db.sql<{ token_hash: string }[]>`select token_hash from satisfaction where case_id = ${caseId}`
    expect(stored!.token_hash).not.toContain(token)
    const clock = new FakeClock(Date.now() + 5000)
    const context = { secrets: {}, limiters: new RateLimiters(clock), clock, requestTimeoutMs: 1000 }
    await sendDue(db.sql, { clock, publishers: sourcePublishers(db.sql, context) })
    const [delivered] = await db.sql<{ body: { delivery: string } }[]>`
      select body from case_event where case_id = ${caseId} and kind = 'satisfaction' and body ? 'delivery_of'`
    expect(delivered!.body.delivery).toBe('sent')
  })

  it('asks in private when the care happened in private', async () => {
    const { caseId, identityId } = await answeredCase({ channel: 'private' })
    await resolve(caseId)
    expect(await askOf(caseId)).toMatchObject({ channel: 'private', kind: 'direct_message', recipient: identityId, category: 'general' })
  })

  it('does not ask when the agent says not to, when nobody replied, or when the brand does not ask', async () => {
    const skipped = await answeredCase()
    expect((await resolve(skipped.caseId, false)).satisfaction).toEqual({ asked: false, reason: 'Anna chose not to ask.' })
    const { identityId } = await insertIdentity(db.sql, `silent${++serial}`, 'demo')
    await insertClassified(db.sql, { brandId: brand.brandId, identityId, externalId: `silent-${serial}`, platform: 'demo', receivedAt: new Date() })
    await routeAllPending(db.sql)
    const [silent] = await db.sql<{ case_id: string }[]>`select case_id from mention where external_id = ${`silent-${serial}`}`
    expect((await resolve(silent!.case_id)).satisfaction).toEqual({ asked: false, reason: 'Nobody replied on this case.' })
    await db.sql`update brand set satisfaction_ask = false where id = ${brand.brandId}`
    const off = await answeredCase()
    expect((await resolve(off.caseId)).satisfaction).toEqual({ asked: false, reason: 'The brand does not ask for satisfaction.' })
    await db.sql`update brand set satisfaction_ask = true where id = ${brand.brandId}`
    expect(await askOf(skipped.caseId)).toBeUndefined()
  })
})

describe('answers in a reply', () => {
  it.each([
    ['en', '@acme 5/5, thanks for sorting it so fast', 5, 'thanks for sorting it so fast'],
    ['ru', '@acme оценка 4, но ждать пришлось долго', 4, 'но ждать пришлось долго'],
    ['it', '@acme voto 2 su 5', 2, null],
  ] as const)('files a %s score on the resolved case without reopening it', async (language, text, score, comment) => {
    const { caseId, identityId } = await answeredCase({ language })
    await resolve(caseId)
    const answer = await customerWrites(identityId, text, language)
    expect(answer.case_id).toBe(caseId)
    expect(await caseRow(caseId)).toEqual({ status: 'resolved', satisfaction: score })
    expect(await askOf(caseId)).toMatchObject({ score, answered_via: 'reply', comment: comment === null ? null : expect.stringContaining(comment) })
    const [event] = await db.sql<{ body: { score: number; via: string; mention_id: string } }[]>`
      select body from case_event where case_id = ${caseId} and kind = 'satisfaction' and body->>'answered' = 'true'`
    expect(event!.body).toMatchObject({ score, via: 'reply', mention_id: answer.id })
  })

  it('tells the owner and the team lead of a low score', async () => {
    const { caseId, identityId } = await answeredCase()
    await resolve(caseId)
    await customerWrites(identityId, '1/5 nobody told me anything for days', 'en')
    const told = await db.sql<{ user_id: string }[]>`select user_id from notification where case_id = ${caseId} and kind = 'low_satisfaction' order by user_id`
    expect(told.map((row) => row.user_id).sort()).toEqual([agent.id, brand.leadId].sort())
  })

  it('reopens the case for a message that is not a score, and takes no second answer by reply', async () => {
    const { caseId, identityId } = await answeredCase()
    await resolve(caseId)
    await customerWrites(identityId, 'It is down again since this morning', 'en')
    expect(await caseRow(caseId)).toEqual({ status: 'open', satisfaction: null })
    expect((await askOf(caseId))!.score).toBeNull()
  })
})

describe('the one-click page', () => {
  const page = (token: string, init?: RequestInit) => app.request(`/s/${token}`, init ?? {}, services)
  const vote = (token: string, fields: Record<string, string>) =>
    page(token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })

  it('shows the question on GET without voting, takes the score on POST, and lets a mis-tap be corrected', async () => {
    const { caseId } = await answeredCase({ language: 'it', reasons: [{ signal: 'money', points: 20, reason: 'charged twice' }] })
    const { token } = await resolve(caseId)
    const shown = await page(token)
    expect(shown.status).toBe(200)
    expect(shown.headers.get('referrer-policy')).toBe('no-referrer')
    expect(await shown.text()).toContain('lang="it"')
    expect((await askOf(caseId))!.score).toBeNull()

    const thanks = await vote(token, { score: '1' })
    expect(thanks.status).toBe(200)
    expect(await caseRow(caseId)).toEqual({ status: 'resolved', satisfaction: 1 })
    await vote(token, { score: '4', comment: 'Actually the technician was great' })
    expect(await askOf(caseId)).toMatchObject({ score: 4, comment: 'Actually the technician was great', answered_via: 'page' })
    const events = await db.sql<{ body: { score: number; previous?: number } }[]>`
      select body from case_event where case_id = ${caseId} and kind = 'satisfaction' and body->>'answered' = 'true' order by id`
    expect(events.map((event) => event.body)).toEqual([
      expect.objectContaining({ score: 1, via: 'page' }),
      expect.objectContaining({ score: 4, via: 'page', previous: 1 }),
    ])
  })

  it('answers 422 for a score off the scale, 404 for a token never given and 410 for an expired one', async () => {
    const { caseId } = await answeredCase()
    const { token } = await resolve(caseId)
    expect((await vote(token, { score: '7' })).status).toBe(422)
    expect((await vote(token, {})).status).toBe(422)
    expect((await askOf(caseId))!.score).toBeNull()
    expect((await page('A'.repeat(43))).status).toBe(404)
    await db.sql`update satisfaction set asked_at = now() - interval '9 days', expires_at = now() - interval '2 days' where case_id = ${caseId}`
    expect((await page(token)).status).toBe(410)
    expect((await vote(token, { score: '5' })).status).toBe(410)
  })
})

describe('figures', () => {
  it('counts asks and answers per agent, team and category, with CSAT as the share of 4s and 5s', async () => {
    // The expired ask of the page test was moved 9 days back: outside the period, not counted.
    const from = new Date(Date.now() - 3_600_000)
    const to = new Date(Date.now() + 60_000)
    const report = await satisfactionReport(db.sql, { brandId: brand.brandId, from, to })
    const answered = await db.sql<{ score: number; category: string }[]>`
      select s.score, s.category from satisfaction s join care_case c on c.id = s.case_id
       where c.brand_id = ${brand.brandId} and s.score is not null and s.asked_at >= ${from}`
    const asked = await db.sql<{ count: number }[]>`
      select count(*)::int as count from satisfaction s join care_case c on c.id = s.case_id where c.brand_id = ${brand.brandId} and s.asked_at >= ${from}`
    expect(asked[0]!.count).toBe(8)
    const good = answered.filter((row) => row.score >= 4).length
    expect(report.overall).toMatchObject({ asked: asked[0]!.count, answered: answered.length, csat: Math.round((good / answered.length) * 1000) / 10 })
    expect(report.overall.scores.reduce((a, b) => a + b, 0)).toBe(answered.length)
    expect(report.agents).toEqual([expect.objectContaining({ key: agent.id, name: 'Anna', answered: answered.length })])
    expect(report.teams).toEqual([expect.objectContaining({ key: brand.teamId, name: 'Care', asked: asked[0]!.count })])
    expect(report.categories.map((row) => row.key).sort()).toEqual(['general', 'money', 'outage'])
    expect(report.categories.find((row) => row.key === 'money')).toMatchObject({ answered: 1, average: 4, csat: 100 })
  })
})
