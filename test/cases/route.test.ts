// Routing on a real database: one case per customer, the right owner, honest clocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assignQueued } from '../../worker/cases/queue'
import { routeAllPending, routePending } from '../../worker/cases/route'
import { mergeCustomers } from '../../worker/customers/merge'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertAgent, insertClassified, insertIdentity, insertRoutingBrand, tallinn, type RoutingBrand } from '../support/routing'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())

// Wednesday 25 November 2026; Tallinn is UTC+2 in winter.
const wednesday = (time: string) => tallinn(`2026-11-25T${time}:00`)
const weekdays8to16: [number, string, string][] = [1, 2, 3, 4, 5].map((day) => [day, '08:00', '16:00'])

let brands = 0
async function setUp(options: { reopenDays?: number } = {}) {
  const slug = `route-${++brands}`
  const brand = await insertRoutingBrand(db.sql, slug, options)
  const anna = await insertAgent(db.sql, { email: `anna@${slug}.example`, name: 'Anna', languages: ['et', 'en'], shifts: weekdays8to16, teamId: brand.teamId })
  const boris = await insertAgent(db.sql, { email: `boris@${slug}.example`, name: 'Boris', languages: ['ru', 'en'], shifts: weekdays8to16, teamId: brand.teamId })
  return { brand, anna, boris, slug }
}

async function caseOf(mentionId: string) {
  const [row] = await db.sql<{ case_id: string | null; routed_at: Date | null }[]>`select case_id, routed_at from mention where id = ${mentionId}`
  if (!row?.case_id) return null
  const [found] = await db.sql<
    {
      id: string
      status: string
      priority: number
      owner_id: string | null
      language: string | null
      first_response_due_at: Date | null
      next_response_due_at: Date | null
      resolution_due_at: Date | null
      sla_due_at: Date | null
      acknowledged_at: Date | null
    }[]
  >`select id, status, priority, owner_id, language, first_response_due_at, next_response_due_at, resolution_due_at, sla_due_at, acknowledged_at
      from care_case where id = ${row.case_id}`
  return found!
}

async function events(caseId: string) {
  return db.sql<{ kind: string; body: Record<string, unknown>; mention_id: string | null }[]>`
    select kind, body, mention_id from case_event where case_id = ${caseId} order by id`
}

async function resolveAt(caseId: string, at: Date) {
  await db.sql`update care_case set status = 'resolved', resolved_at = ${at}, sla_due_at = null where id = ${caseId}`
}

async function mention(brand: RoutingBrand, identityId: string, externalId: string, receivedAt: Date, extra: Partial<Parameters<typeof insertClassified>[1]> = {}) {
  return insertClassified(db.sql, { brandId: brand.brandId, identityId, externalId, receivedAt, ...extra })
}

describe('routing a new customer', () => {
  it('opens a case owned by someone on shift who speaks the language, with due times in business hours', async () => {
    const { brand, boris, slug } = await setUp()
    const { identityId } = await insertIdentity(db.sql, `${slug}-olga`)
    const id = await mention(brand, identityId, `${slug}-1`, wednesday('10:00'), { language: 'ru', priority: 2 })
    const result = await routePending(db.sql, { now: () => wednesday('10:00') })
    expect(result).toMatchObject({ filed: 1, opened: 1, assigned: 1 })
    const found = (await caseOf(id))!
    expect(found).toMatchObject({ status: 'new', priority: 2, owner_id: boris.id, language: 'ru' })
    // P2: first response in 60 business minutes, resolution in 24 business hours (two 12-hour days).
    expect(found.first_response_due_at).toEqual(wednesday('11:00'))
    expect(found.resolution_due_at).toEqual(tallinn('2026-11-27T10:00:00'))
    expect(found.sla_due_at).toEqual(wednesday('11:00'))
    const timeline = await events(found.id)
    expect(timeline.map((event) => event.kind)).toEqual(['status', 'mention', 'assignment'])
    expect(timeline[2]!.body.reason).toContain('speaks ru')
  })

  it('counts the first-response clock across a weekend: Friday 19:30 plus 8 business hours is Monday 15:30', async () => {
    const { brand, slug } = await setUp()
    const { identityId } = await insertIdentity(db.sql, `${slug}-kati`)
    const friday = tallinn('2026-11-27T19:30:00')
    const id = await mention(brand, identityId, `${slug}-1`, friday, { priority: 4 })
    await routePending(db.sql, { now: () => friday })
    expect((await caseOf(id))!.first_response_due_at).toEqual(tallinn('2026-11-30T15:30:00'))
  })

  it('files spam and the brand’s own posts on no case, but marks them routed', async () => {
    const { brand, slug } = await setUp()
    const { identityId } = await insertIdentity(db.sql, `${slug}-bot`)
    const spam = await mention(brand, identityId, `${slug}-1`, wednesday('10:00'), { kind: 'spam' })
    const own = await mention(brand, identityId, `${slug}-2`, wednesday('10:00'), { kind: 'own_post' })
    const result = await routePending(db.sql, { now: () => wednesday('10:00') })
    expect(result).toMatchObject({ filed: 0, skipped: 2, opened: 0 })
    for (const id of [spam, own]) {
      const [row] = await db.sql<{ case_id: string | null; routed: boolean }[]>`select case_id, routed_at is not null as routed from mention where id = ${id}`
      expect(row).toEqual({ case_id: null, routed: true })
    }
  })

  it('opens a case for praise or a question too, one step lower', async () => {
    const { brand, slug } = await setUp()
    const { identityId } = await insertIdentity(db.sql, `${slug}-fan`)
    const id = await mention(brand, identityId, `${slug}-1`, wednesday('10:00'), { complaint: false, priority: 3, text: 'Thanks for the quick fix!' })
    await routePending(db.sql, { now: () => wednesday('10:00') })
    expect((await caseOf(id))!.priority).toBe(4)
  })
})

describe('a customer writing again', () => {
  it('lands on the same case; a more urgent message raises the priority with its reason and tightens the clock', async () => {
    const { brand, slug } = await setUp()
    const { identityId } = await insertIdentity(db.sql, `${slug}-mart`)
    const first = await mention(brand, identityId, `${slug}-1`, wednesday('10:00'), { priority: 4 })
    await routePending(db.sql, { now: () => wednesday('10:00') })
    const second = await mention(brand, identityId, `${slug}-2`, wednesday('10:05'), {
      priority: 1,
      reasons: [{ signal: 'regulator', points: 40, reason: 'regulator' }],
    })
    await routePending(db.sql, { now: () => wednesday('10:05') })
    const found = (await caseOf(second))!
    expect(found.id).toBe((await caseOf(first))!.id)
    expect(found.priority).toBe(1)
    // P1 first response is 15 minutes from when the case opened.
    expect(found.first_response_due_at).toEqual(wednesday('10:15'))
    const priority = (await events(found.id)).find((event) => event.kind === 'priority')!
    expect(priority.body).toMatchObject({ from: 4, to: 1, reason: 'customer wrote again: regulator' })
  })

  it('starts a next-response clock once the case has had its first reply', async () => {
    const { brand, slug } = await setUp()
    const { identityId } = await insertIdentity(db.sql, `${slug}-liis`)
    const first = await mention(brand, identityId, `${slug}-1`, wednesday('10:00'), { priority: 3 })
    await routePending(db.sql, { now: () => wednesday('10:00') })
    const caseId = (await caseOf(first))!.id
    await db.sql`update care_case set first_response_at = ${wednesday('10:20')} where id = ${caseId}`
    await mention(brand, identityId, `${slug}-2`, wednesday('15:00'), { priority: 3 })
    await routePending(db.sql, { now: () => wednesday('15:00') })
    const found = (await caseOf(first))!
    // P3 next response: 480 business minutes from 15:00 Wednesday = 5 h that day + 3 h Thursday.
    expect(found.next_response_due_at).toEqual(tallinn('2026-11-26T11:00:00'))
  })
})

describe('ownership', () => {
  it('keeps a returning customer with their previous owner when that person is on shift', async () => {
    const { brand, boris, slug } = await setUp({ reopenDays: 7 })
    const { identityId } = await insertIdentity(db.sql, `${slug}-ivan`)
    const old = await mention(brand, identityId, `${slug}-1`, tallinn('2026-11-10T10:00:00'), { language: 'ru' })
    await routePending(db.sql, { now: () => tallinn('2026-11-10T10:00:00') })
    const oldCase = (await caseOf(old))!
    expect(oldCase.owner_id).toBe(boris.id)
    await resolveAt(oldCase.id, tallinn('2026-11-10T12:00:00'))
    // Boris carries more work than Anna now, and the new message is in Estonian: still Boris.
    await db.sql`update app_user set capacity = 100 where id = ${boris.id}`
    for (let n = 0; n < 5; n++) {
      const { identityId: other } = await insertIdentity(db.sql, `${slug}-load${n}`)
      await mention(brand, other, `${slug}-load${n}`, wednesday('09:00'), { language: 'ru' })
    }
    await routePending(db.sql, { now: () => wednesday('09:00') })
    const again = await mention(brand, identityId, `${slug}-2`, wednesday('10:00'), { language: 'et' })
    await routePending(db.sql, { now: () => wednesday('10:00') })
    const found = (await caseOf(again))!
    expect(found.id).not.toBe(oldCase.id) // resolved 15 days ago: outside the 7-day window
    expect(found.owner_id).toBe(boris.id)
  })

  it('passes over someone at capacity', async () => {
    const { brand, anna, boris, slug } = await setUp()
    await db.sql`update app_user set capacity = 2 where id = ${anna.id}`
    const { identityId } = await insertIdentity(db.sql, `${slug}-tiit`)
    const id = await mention(brand, identityId, `${slug}-1`, wednesday('10:00'), { language: 'et', priority: 2 })
    await routePending(db.sql, { now: () => wednesday('10:00') })
    // Anna speaks Estonian, but a P2 weighs 3 units and she can carry 2.
    expect((await caseOf(id))!.owner_id).toBe(boris.id)
  })

  it('with nobody on shift, queues the case and acknowledges with the real next staffed time', async () => {
    const { brand, slug } = await setUp()
    const { identityId } = await insertIdentity(db.sql, `${slug}-night`)
    const night = wednesday('22:30')
    const id = await mention(brand, identityId, `${slug}-1`, night, { language: 'en' })
    const result = await routePending(db.sql, { now: () => night })
    expect(result.assigned).toBe(0)
    const found = (await caseOf(id))!
    expect(found.owner_id).toBeNull()
    expect(found.acknowledged_at).toEqual(night)
    const ack = (await events(found.id)).find((event) => event.kind === 'acknowledgement')!
    expect(ack.body.text).toMatch(/Thursday.*26 November.*08:00/)
    const [outbox] = await db.sql<{ kind: string; body: string; in_reply_to_external_id: string; status: string }[]>`
      select kind, body, in_reply_to_external_id, status from outbox where case_id = ${found.id}`
    expect(outbox).toMatchObject({ kind: 'public_reply', body: ack.body.text, in_reply_to_external_id: `${slug}-1`, status: 'queued' })

    // A second message the same night gets no second acknowledgement.
    await mention(brand, identityId, `${slug}-2`, wednesday('23:00'))
    await routePending(db.sql, { now: () => wednesday('23:00') })
    const [count] = await db.sql<{ count: number }[]>`select count(*)::int as count from outbox where case_id = ${found.id}`
    expect(count!.count).toBe(1)
  })
})

describe('the team queue', () => {
  it('hands out cases that waited overnight once someone comes on shift', async () => {
    const { brand, anna, slug } = await setUp()
    const night = wednesday('23:00')
    const ids = []
    for (const [n, priority] of [[1, 3], [2, 1], [3, 4]] as const) {
      const { identityId } = await insertIdentity(db.sql, `${slug}-q${n}`)
      ids.push(await mention(brand, identityId, `${slug}-${n}`, night, { priority, language: 'et' }))
    }
    await routePending(db.sql, { now: () => night })
    for (const id of ids) expect((await caseOf(id))!.owner_id).toBeNull()

    await assignQueued(db.sql, { now: tallinn('2026-11-26T07:30:00') }) // still before 08:00
    for (const id of ids) expect((await caseOf(id))!.owner_id).toBeNull()
    // Other tests' brands share the database and their queues empty too: count only this brand's.
    expect(await assignQueued(db.sql, { now: tallinn('2026-11-26T08:00:00') })).toBeGreaterThanOrEqual(3)
    const owners = await Promise.all(ids.map(async (id) => (await caseOf(id))!.owner_id))
    // Anna speaks Estonian: the P1 (weight 4) first, then the P3 (2), then the P4 (1), all within her capacity.
    expect(owners).toEqual([anna.id, anna.id, anna.id])
    const [event] = await db.sql<{ body: Record<string, unknown> }[]>`
      select body from case_event where case_id = ${(await caseOf(ids[1]!))!.id} and kind = 'assignment'`
    expect(event!.body).toMatchObject({ to: anna.id, automatic: true })
  })
})

describe('merged customers', () => {
  it('files a message from a merged identity on the survivor’s case', async () => {
    const { brand, anna, slug } = await setUp()
    const survivor = await insertIdentity(db.sql, `${slug}-on-x`, 'x')
    const merged = await insertIdentity(db.sql, `${slug}-on-bsky`, 'bluesky')
    const first = await mention(brand, survivor.identityId, `${slug}-1`, wednesday('10:00'))
    await routePending(db.sql, { now: () => wednesday('10:00') })
    const merge = await mergeCustomers(db.sql, { survivorId: survivor.customerId, mergedId: merged.customerId, actorId: anna.id, reason: 'same person' })
    expect(merge.ok).toBe(true)
    const later = await mention(brand, merged.identityId, `${slug}-2`, wednesday('10:30'), { platform: 'bluesky' })
    await routePending(db.sql, { now: () => wednesday('10:30') })
    expect((await caseOf(later))!.id).toBe((await caseOf(first))!.id)
  })
})

describe('reopening', () => {
  it('reopens a case resolved within the window, with an event saying so', async () => {
    const { brand, slug } = await setUp({ reopenDays: 7 })
    const { identityId } = await insertIdentity(db.sql, `${slug}-pille`)
    const first = await mention(brand, identityId, `${slug}-1`, tallinn('2026-11-20T10:00:00'))
    await routePending(db.sql, { now: () => tallinn('2026-11-20T10:00:00') })
    const caseId = (await caseOf(first))!.id
    await db.sql`update care_case set first_response_at = ${tallinn('2026-11-20T10:10:00')} where id = ${caseId}`
    await resolveAt(caseId, tallinn('2026-11-22T10:00:00'))
    const second = await mention(brand, identityId, `${slug}-2`, wednesday('10:00'))
    const result = await routePending(db.sql, { now: () => wednesday('10:00') })
    expect(result).toMatchObject({ reopened: 1, opened: 0 })
    const found = (await caseOf(second))!
    expect(found.id).toBe(caseId)
    expect(found.status).toBe('open')
    expect(found.next_response_due_at).not.toBeNull()
    const reopen = (await events(caseId)).find((event) => event.kind === 'status' && event.body.to === 'open')!
    expect(reopen.body.reason).toMatch(/within 7 days/)
  })

  it('opens a new case after the window, unless the customer replies in the old case’s thread', async () => {
    const { brand, slug } = await setUp({ reopenDays: 7 })
    const { identityId } = await insertIdentity(db.sql, `${slug}-jaan`)
    const first = await mention(brand, identityId, `${slug}-1`, tallinn('2026-11-02T10:00:00'))
    await routePending(db.sql, { now: () => tallinn('2026-11-02T10:00:00') })
    const oldCase = (await caseOf(first))!.id
    await resolveAt(oldCase, tallinn('2026-11-03T10:00:00'))

    const reply = await mention(brand, identityId, `${slug}-2`, wednesday('10:00'), { inReplyTo: `${slug}-1` })
    await routePending(db.sql, { now: () => wednesday('10:00') })
    expect((await caseOf(reply))!.id).toBe(oldCase)
    await resolveAt(oldCase, wednesday('11:00'))

    const fresh = await mention(brand, identityId, `${slug}-3`, tallinn('2026-12-09T10:00:00'))
    await routePending(db.sql, { now: () => tallinn('2026-12-09T10:00:00') })
    expect((await caseOf(fresh))!.id).not.toBe(oldCase)
  })
})

describe('many routers at once', () => {
  it('eight routers on the same 1,000 mentions: every mention on exactly one case, one open case and at most one owner each', async () => {
    const { brand, slug } = await setUp()
    const customers = 200
    const identities: string[] = []
    for (let n = 0; n < customers; n++) identities.push((await insertIdentity(db.sql, `${slug}-c${n}`)).identityId)
    // Five messages per customer, interleaved so that every batch holds several of each.
    const rows = []
    for (let round = 0; round < 5; round++) {
      for (let n = 0; n < customers; n++) {
        rows.push({
          platform: 'x',
          external_id: `${slug}-${n}-${round}`,
          brand_id: brand.brandId,
          identity_id: identities[n]!,
          text: 'Still no internet',
          posted_at: new Date(wednesday('10:00').getTime() + round * 60_000),
          received_at: new Date(wednesday('10:00').getTime() + round * 60_000),
          raw: { round },
          language: 'en',
          kind: 'customer',
          sentiment: -0.5,
          sentiment_label: 'negative',
          complaint_probability: 0.9,
          complaint: true,
          priority: 1 + ((n + round) % 4),
          urgency_score: 10,
          model_version: 'test',
          classified_at: wednesday('10:00'),
        })
      }
    }
    await db.sql`insert into mention ${db.sql(rows)}`

    const results = await Promise.all(Array.from({ length: 8 }, () => routeAllPending(db.sql, { batchSize: 40, now: () => wednesday('10:10') })))
    // Deferred mentions are picked up by a later round; run until nothing is left.
    const rest = await routeAllPending(db.sql, { now: () => wednesday('10:10') })
    const filed = results.reduce((sum, result) => sum + result.filed, rest.filed)
    expect(filed).toBe(1000)

    const [check] = await db.sql<{ unfiled: number; cases: number; open_per_customer_max: number; wrong_customer: number; events_mismatch: number; assigned_twice: number }[]>`
      select
        (select count(*)::int from mention m where m.brand_id = ${brand.brandId} and m.case_id is null) as unfiled,
        (select count(*)::int from care_case c where c.brand_id = ${brand.brandId}) as cases,
        (select max(n)::int from (select count(*) as n from care_case c where c.brand_id = ${brand.brandId}
                                   and c.status not in ('resolved', 'closed') group by c.customer_id) x) as open_per_customer_max,
        (select count(*)::int from mention m join identity i on i.id = m.identity_id join care_case c on c.id = m.case_id
          where m.brand_id = ${brand.brandId} and c.customer_id <> i.customer_id) as wrong_customer,
        (select count(*)::int from care_case c where c.brand_id = ${brand.brandId}
          and (select count(*) from case_event e where e.case_id = c.id and e.kind = 'mention')
           <> (select count(*) from mention m where m.case_id = c.id)) as events_mismatch,
        (select count(*)::int from care_case c where c.brand_id = ${brand.brandId}
          and (select count(*) from case_event e where e.case_id = c.id and e.kind = 'assignment') > 1) as assigned_twice`
    expect(check).toEqual({ unfiled: 0, cases: customers, open_per_customer_max: 1, wrong_customer: 0, events_mismatch: 0, assigned_twice: 0 })
    const [mentionEvents] = await db.sql<{ count: number; distinct_mentions: number }[]>`
      select count(*)::int as count, count(distinct e.mention_id)::int as distinct_mentions
        from case_event e join care_case c on c.id = e.case_id where c.brand_id = ${brand.brandId} and e.kind = 'mention'`
    expect(mentionEvents).toEqual({ count: 1000, distinct_mentions: 1000 })
  })
})
