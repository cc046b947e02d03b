// A case's timeline: its own events and those of every case merged into it, in time order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caseIdsOf, caseTimeline } from '../../worker/cases/timeline'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertBrand, insertCase, insertCustomer, insertMention, insertUser } from '../support/fixtures'

let db: TestDatabase
let brandId: string
let agentId: string
let customerId: string
let identityId: string

beforeAll(async () => {
  db = await createTestDatabase()
  brandId = await insertBrand(db.sql)
  agentId = await insertUser(db.sql, 'maria@example.com', 'agent')
  await db.sql`update app_user set name = 'Maria Tamm' where id = ${agentId}`
  ;({ customerId, identityId } = await insertCustomer(db.sql, '4242'))
})
afterAll(() => db.close())

async function event(caseId: string, kind: string, occurredAt: string, { actorId = null, mentionId = null }: { actorId?: string | null; mentionId?: string | null } = {}) {
  const [row] = await db.sql<{ id: string }[]>`
    insert into case_event (case_id, kind, actor_id, occurred_at, mention_id, body)
    values (${caseId}, ${kind}, ${actorId}, ${occurredAt}::text::timestamptz, ${mentionId}, ${db.sql.json({ at: occurredAt })})
    returning id`
  return row!.id
}

/** Closes `caseId` into `intoId`, as a merge does. */
async function mergeCase(caseId: string, intoId: string) {
  await db.sql`
    update care_case set status = 'closed', resolved_at = now(), closed_at = now(), owner_id = null, merged_into_id = ${intoId}
     where id = ${caseId}`
}

let externalIds = 0
async function classifiedMention(caseId: string, postedAt: string): Promise<string> {
  externalIds += 1
  const mentionId = await insertMention(db.sql, { brandId, identityId, externalId: `t${externalIds}` })
  await db.sql`
    update mention set case_id = ${caseId}, posted_at = ${postedAt}::text::timestamptz, url = ${`https://x.com/kati4242/status/${externalIds}`},
           language = 'en', kind = 'customer', sentiment = -0.75, sentiment_label = 'negative', complaint_probability = 0.9,
           urgency_score = 40, complaint = true, priority = 2, model_version = 'test', classified_at = now(),
           urgency_reasons = ${db.sql.json([{ signal: 'outage', points: 40, reason: 'down since Monday' }])}
     where id = ${mentionId}`
  return mentionId
}

describe('caseTimeline', () => {
  it('lists a case’s events by time, then by id, with the actor and the mention', async () => {
    const caseId = await insertCase(db.sql, brandId, customerId, 'resolved')
    const mentionId = await classifiedMention(caseId, '2024-03-01 08:00:00+00')
    const late = await event(caseId, 'note', '2024-03-01 09:00:00+00', { actorId: agentId })
    const first = await event(caseId, 'mention', '2024-03-01 08:00:00+00', { mentionId })
    const sameTimeA = await event(caseId, 'status', '2024-03-01 08:30:00+00')
    const sameTimeB = await event(caseId, 'assignment', '2024-03-01 08:30:00+00')

    const timeline = await caseTimeline(db.sql, caseId)
    expect(timeline.map((e) => e.id)).toEqual([first, sameTimeA, sameTimeB, late])
    expect(timeline[0]).toEqual({
      id: first,
      case_id: caseId,
      kind: 'mention',
      actor: null,
      occurred_at: new Date('2024-03-01T08:00:00Z'),
      body: { at: '2024-03-01 08:00:00+00' },
      mention: {
        id: mentionId,
        platform: 'x',
        text: 'Internet down since Monday',
        url: expect.stringMatching(/^https:\/\/x\.com\/kati4242\/status\/\d+$/),
        author_handle: 'kati4242',
        private: false,
        posted_at: new Date('2024-03-01T08:00:00Z'),
        language: 'en',
        sentiment: -0.75,
        urgency_reasons: [{ signal: 'outage', points: 40, reason: 'down since Monday' }],
      },
    })
    expect(timeline[3]).toMatchObject({ kind: 'note', actor: { id: agentId, name: 'Maria Tamm' }, mention: null })
  })

  it('interleaves the events of cases merged into it, at any depth, and says where each came from', async () => {
    const { customerId: other } = await insertCustomer(db.sql, '4343')
    const { customerId: third } = await insertCustomer(db.sql, '4444')
    const top = await insertCase(db.sql, brandId, other)
    const middle = await insertCase(db.sql, brandId, third)
    const bottom = await insertCase(db.sql, brandId, customerId, 'resolved')
    const unrelated = await insertCase(db.sql, brandId, customerId, 'resolved')
    await event(top, 'note', '2024-04-01 10:00:00+00')
    await event(middle, 'note', '2024-04-01 09:00:00+00')
    await event(bottom, 'note', '2024-04-01 09:30:00+00')
    await event(bottom, 'reply', '2024-04-01 11:00:00+00')
    await event(unrelated, 'note', '2024-04-01 09:45:00+00')
    await mergeCase(bottom, middle)
    await mergeCase(middle, top)

    const timeline = await caseTimeline(db.sql, top)
    expect(timeline.map((e) => [e.case_id, e.kind])).toEqual([
      [middle, 'note'],
      [bottom, 'note'],
      [top, 'note'],
      [bottom, 'reply'],
    ])
    expect((await caseTimeline(db.sql, middle)).map((e) => e.case_id)).toEqual([middle, bottom, bottom])
    expect((await caseTimeline(db.sql, bottom)).map((e) => e.case_id)).toEqual([bottom, bottom])

    expect(await caseIdsOf(db.sql, top)).toEqual([top, middle, bottom].sort((a, b) => Number(a) - Number(b)))
    expect(await caseIdsOf(db.sql, bottom)).toEqual([bottom])
  })

  it('is empty for a case that does not exist', async () => {
    expect(await caseTimeline(db.sql, '999999999')).toEqual([])
    expect(await caseIdsOf(db.sql, '999999999')).toEqual([])
  })
})
