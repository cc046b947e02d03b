// Merging customers and undoing it: one open case per brand afterwards, nothing lost, and undo
// gives back exactly what the merge changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caseTimeline } from '../../worker/cases/timeline'
import { mergeCustomers, undoMerge, type MergeResult, type UndoResult } from '../../worker/customers/merge'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertBrand, insertCase, insertCustomer, insertMention, insertUser } from '../support/fixtures'

let db: TestDatabase
let brandId: string
let otherBrandId: string
let agentId: string
let ownerA: string
let ownerB: string
let sequence = 0

beforeAll(async () => {
  db = await createTestDatabase()
  brandId = await insertBrand(db.sql, 'acme')
  otherBrandId = await insertBrand(db.sql, 'globex')
  agentId = await insertUser(db.sql, 'agent@example.com', 'agent')
  ownerA = await insertUser(db.sql, 'owner-a@example.com', 'agent')
  ownerB = await insertUser(db.sql, 'owner-b@example.com', 'agent')
})
afterAll(() => db.close())

async function customer(): Promise<{ customerId: string; identityId: string }> {
  sequence += 1
  return insertCustomer(db.sql, `u${sequence}-${Date.now()}`)
}

interface CaseFields {
  brand?: string
  status?: string
  priority?: number
  ownerId?: string | null
  /** SQL timestamps, microseconds welcome: undo must give them back exactly. */
  firstResponseDue?: string | null
  nextResponseDue?: string | null
  resolutionDue?: string | null
  openedAt?: string
}

async function openCase(customerId: string, fields: CaseFields = {}): Promise<string> {
  const caseId = await insertCase(db.sql, fields.brand ?? brandId, customerId, fields.status ?? 'open')
  const dues = [fields.firstResponseDue, fields.nextResponseDue, fields.resolutionDue].filter((due): due is string => typeof due === 'string')
  await db.sql`
    update care_case set
      priority = ${fields.priority ?? 4},
      owner_id = ${fields.ownerId ?? null},
      first_response_due_at = ${fields.firstResponseDue ?? null}::text::timestamptz,
      next_response_due_at = ${fields.nextResponseDue ?? null}::text::timestamptz,
      resolution_due_at = ${fields.resolutionDue ?? null}::text::timestamptz,
      sla_due_at = ${dues.sort()[0] ?? null}::text::timestamptz,
      opened_at = coalesce(${fields.openedAt ?? null}::text::timestamptz, opened_at)
    where id = ${caseId}`
  return caseId
}

async function event(caseId: string, kind: string, occurredAt: string, mentionId: string | null = null): Promise<string> {
  const [row] = await db.sql<{ id: string }[]>`
    insert into case_event (case_id, kind, occurred_at, mention_id, body)
    values (${caseId}, ${kind}, ${occurredAt}::text::timestamptz, ${mentionId}, ${db.sql.json({ note: `${kind} at ${occurredAt}` })})
    returning id`
  return row!.id
}

/** A mention filed on a case, with its timeline event. */
async function mentionOn(caseId: string, identityId: string, postedAt: string, brand = brandId): Promise<string> {
  sequence += 1
  const mentionId = await insertMention(db.sql, { brandId: brand, identityId, externalId: `m${sequence}-${Date.now()}` })
  await db.sql`update mention set case_id = ${caseId}, posted_at = ${postedAt}::text::timestamptz, routed_at = now() where id = ${mentionId}`
  await event(caseId, 'mention', postedAt, mentionId)
  return mentionId
}

/** The whole row as PostgreSQL prints it (microseconds included), except the bookkeeping column. */
async function caseRows(...ids: string[]): Promise<Record<string, unknown>[]> {
  const rows = await db.sql<{ row: Record<string, unknown> }[]>`
    select to_jsonb(c) - 'updated_at' as row from care_case c where id in ${db.sql(ids)} order by id`
  return rows.map((r) => r.row)
}

async function caseRow(id: string) {
  const [row] = await db.sql<{
    status: string
    priority: number
    owner_id: string | null
    customer_id: string
    merged_into_id: string | null
    resolved_at: Date | null
    closed_at: Date | null
    opened_at: Date
    first_response_due_at: Date | null
    next_response_due_at: Date | null
    resolution_due_at: Date | null
    sla_due_at: Date | null
  }[]>`select * from care_case where id = ${id}`
  return row!
}

async function pointer(customerId: string): Promise<string | null> {
  const [row] = await db.sql<{ merged_into_id: string | null }[]>`select merged_into_id from customer where id = ${customerId}`
  return row!.merged_into_id
}

async function counts() {
  const [row] = await db.sql<{ events: number; mentions: number; cases: number; customers: number; identities: number }[]>`
    select (select count(*)::int from case_event) as events, (select count(*)::int from mention) as mentions,
           (select count(*)::int from care_case) as cases, (select count(*)::int from customer) as customers,
           (select count(*)::int from identity) as identities`
  return row!
}

function merged(result: MergeResult) {
  if (!result.ok) throw new Error(`merge refused: ${result.detail}`)
  return result.merge
}

function undone(result: UndoResult) {
  if (!result.ok) throw new Error(`undo refused: ${result.detail}`)
  return result
}

async function runMerge(survivorId: string, mergedId: string, reason = 'same person on X and Bluesky') {
  return mergeCustomers(db.sql, { survivorId, mergedId, actorId: agentId, reason })
}

async function runUndo(mergeId: string) {
  return undoMerge(db.sql, { mergeId, actorId: agentId })
}

describe('merging two customers with open cases on the same brand', () => {
  it('closes the merged one into the survivor, which takes the sooner clocks and higher priority', async () => {
    const s = await customer()
    const m = await customer()
    const survivorCase = await openCase(s.customerId, {
      priority: 3,
      ownerId: ownerA,
      firstResponseDue: '2030-01-01 12:00:00.123456+00',
      resolutionDue: '2030-01-02 12:00:00+00',
      openedAt: '2029-12-31 08:00:00+00',
    })
    const mergedCase = await openCase(m.customerId, {
      priority: 2,
      ownerId: ownerB,
      firstResponseDue: '2030-01-01 09:00:00.654321+00',
      nextResponseDue: '2030-01-01 10:00:00+00',
      resolutionDue: '2030-01-03 12:00:00+00',
      openedAt: '2029-12-31 07:00:00+00',
    })
    const before = await caseRow(survivorCase)

    const merge = merged(await runMerge(s.customerId, m.customerId))

    const survivor = await caseRow(survivorCase)
    expect(survivor).toMatchObject({ status: 'open', priority: 2, owner_id: ownerA, merged_into_id: null, customer_id: s.customerId })
    expect(survivor.opened_at).toEqual(before.opened_at)
    const [clocks] = await db.sql<Record<string, string | null>[]>`
      select first_response_due_at::text as first, next_response_due_at::text as next, resolution_due_at::text as resolution,
             sla_due_at::text as sla
        from care_case where id = ${survivorCase}`
    // Per clock the earlier; a clock only the merged case had keeps running.
    expect(clocks).toEqual({
      first: '2030-01-01 09:00:00.654321+00',
      next: '2030-01-01 10:00:00+00',
      resolution: '2030-01-02 12:00:00+00',
      sla: '2030-01-01 09:00:00.654321+00',
    })

    const closed = await caseRow(mergedCase)
    expect(closed).toMatchObject({ status: 'closed', merged_into_id: survivorCase, owner_id: null, customer_id: m.customerId })
    expect(closed.resolved_at).not.toBeNull()
    expect(closed.closed_at).toEqual(closed.resolved_at)
    expect(await pointer(m.customerId)).toBe(s.customerId)

    expect(merge.changes.cases).toEqual([
      {
        id: mergedCase,
        brand_id: brandId,
        action: 'closed_into',
        status: 'open',
        owner_id: ownerB,
        resolved_at: null,
        closed_at: null,
        customer_id: m.customerId,
        into: survivorCase,
      },
    ])
    expect(merge.changes.survivor_cases).toHaveLength(1)
    expect(merge.changes.survivor_cases[0]).toMatchObject({ id: survivorCase, from_case_id: mergedCase, before: { priority: 3, owner_id: ownerA }, after: { priority: 2 } })

    const events = await db.sql<{ case_id: string; actor_id: string; body: Record<string, unknown> }[]>`
      select case_id, actor_id, body from case_event where kind = 'merge' and body->>'merge_id' = ${merge.id} order by case_id`
    const common = { merge_id: merge.id, survivor_customer_id: s.customerId, merged_customer_id: m.customerId, reason: 'same person on X and Bluesky' }
    expect(events).toEqual(
      [
        { case_id: survivorCase, actor_id: agentId, body: { ...common, from_case_id: mergedCase } },
        { case_id: mergedCase, actor_id: agentId, body: { ...common, into_case_id: survivorCase } },
      ].sort((a, b) => Number(a.case_id) - Number(b.case_id)),
    )
  })

  it("leaves the survivor's owner, or gives it the merged case's owner when it had none", async () => {
    const s = await customer()
    const m = await customer()
    const survivorCase = await openCase(s.customerId)
    const mergedCase = await openCase(m.customerId, { ownerId: ownerB })
    const merge = merged(await runMerge(s.customerId, m.customerId))
    expect((await caseRow(survivorCase)).owner_id).toBe(ownerB)
    expect((await caseRow(mergedCase)).owner_id).toBeNull()

    undone(await runUndo(merge.id))
    expect((await caseRow(survivorCase)).owner_id).toBeNull()
    expect((await caseRow(mergedCase)).owner_id).toBe(ownerB)
  })

  it("shows both cases' events on the survivor's timeline in time order, nothing missing, no mention moved", async () => {
    const s = await customer()
    const m = await customer()
    const survivorCase = await openCase(s.customerId)
    const mergedCase = await openCase(m.customerId)
    const mentionIds = [
      await mentionOn(survivorCase, s.identityId, '2024-02-01 09:00:00+00'),
      await mentionOn(mergedCase, m.identityId, '2024-02-01 09:30:00+00'),
      await mentionOn(survivorCase, s.identityId, '2024-02-01 10:00:00+00'),
      await mentionOn(mergedCase, m.identityId, '2024-02-01 10:00:00+00'),
    ]
    await event(mergedCase, 'note', '2024-02-01 09:45:00+00')
    await event(survivorCase, 'reply', '2024-02-01 11:00:00+00')
    const [before] = await db.sql<{ count: number }[]>`
      select count(*)::int from case_event where case_id in (${survivorCase}, ${mergedCase})`
    const totals = await counts()

    const merge = merged(await runMerge(s.customerId, m.customerId))

    const timeline = await caseTimeline(db.sql, survivorCase)
    // Every event of both cases, plus the merge event written on each.
    expect(timeline).toHaveLength(before!.count + 2)
    expect(new Set(timeline.map((e) => e.case_id))).toEqual(new Set([survivorCase, mergedCase]))
    const keys = timeline.map((e) => [e.occurred_at.getTime(), Number(e.id)] as const)
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1])
    expect(keys).toEqual(sorted)
    expect(timeline.slice(0, 6).map((e) => [e.case_id, e.kind])).toEqual([
      [survivorCase, 'mention'],
      [mergedCase, 'mention'],
      [mergedCase, 'note'],
      [survivorCase, 'mention'],
      [mergedCase, 'mention'],
      [survivorCase, 'reply'],
    ])
    const merges = timeline.filter((e) => e.kind === 'merge')
    expect(merges.map((e) => e.body.merge_id)).toEqual([merge.id, merge.id])
    expect(merges[0]!.actor).toEqual({ id: agentId, name: 'Test User' })

    const filed = await db.sql<{ id: string; case_id: string }[]>`select id, case_id from mention where id in ${db.sql(mentionIds)} order by id`
    expect(filed.map((row) => row.case_id)).toEqual([survivorCase, mergedCase, survivorCase, mergedCase])
    const after = await counts()
    expect(after).toEqual({ ...totals, events: totals.events + 2 })
  })

  it('leaves cases on other brands alone and keeps resolved cases with their customer', async () => {
    const s = await customer()
    const m = await customer()
    const survivorOther = await openCase(s.customerId, { brand: otherBrandId })
    const mergedResolved = await openCase(m.customerId, { status: 'resolved' })
    const survivorCase = await openCase(s.customerId)
    const mergedCase = await openCase(m.customerId)
    const untouched = await caseRows(survivorOther, mergedResolved)

    const merge = merged(await runMerge(s.customerId, m.customerId))
    expect(merge.changes.cases.map((c) => c.id)).toEqual([mergedCase])
    expect(merge.changes.survivor_cases.map((c) => c.id)).toEqual([survivorCase])
    expect(await caseRows(survivorOther, mergedResolved)).toEqual(untouched)
  })
})

describe('merging when only the merged customer has an open case', () => {
  it('moves that case to the survivor and leaves the survivor without a second one', async () => {
    const s = await customer()
    const m = await customer()
    const survivorResolved = await openCase(s.customerId, { status: 'resolved' })
    const mergedCase = await openCase(m.customerId, { ownerId: ownerB, priority: 2 })
    const mentionId = await mentionOn(mergedCase, m.identityId, '2024-03-01 09:00:00+00')
    const rowsBefore = await caseRows(survivorResolved, mergedCase)

    const merge = merged(await runMerge(s.customerId, m.customerId))

    expect(await caseRow(mergedCase)).toMatchObject({ status: 'open', customer_id: s.customerId, owner_id: ownerB, priority: 2, merged_into_id: null })
    expect(merge.changes.cases).toEqual([
      expect.objectContaining({ id: mergedCase, action: 'repointed', customer_id: m.customerId, into: null, status: 'open' }),
    ])
    expect(merge.changes.survivor_cases).toEqual([])
    const [moved] = await db.sql<{ body: Record<string, unknown> }[]>`
      select body from case_event where case_id = ${mergedCase} and kind = 'merge'`
    expect(moved!.body).toMatchObject({ merge_id: merge.id, moved_from_customer_id: m.customerId })
    const [mention] = await db.sql<{ case_id: string }[]>`select case_id from mention where id = ${mentionId}`
    expect(mention!.case_id).toBe(mergedCase)

    undone(await runUndo(merge.id))
    expect(await caseRows(survivorResolved, mergedCase)).toEqual(rowsBefore)
  })
})

describe('undoing a merge', () => {
  it('restores both cases, their owners, statuses and clocks exactly', async () => {
    const s = await customer()
    const m = await customer()
    const survivorCase = await openCase(s.customerId, {
      priority: 3,
      ownerId: ownerA,
      firstResponseDue: '2030-04-01 12:00:00.111111+00',
      resolutionDue: '2030-04-03 12:00:00.222222+00',
    })
    const mergedCase = await openCase(m.customerId, {
      status: 'waiting_on_customer',
      priority: 1,
      ownerId: ownerB,
      firstResponseDue: '2030-04-01 08:00:00.333333+00',
      nextResponseDue: '2030-04-01 09:00:00.444444+00',
    })
    await db.sql`update care_case set first_response_breached_at = '2030-04-01 08:00:01.555555+00' where id = ${mergedCase}`
    const mergedResolved = await openCase(m.customerId, { status: 'resolved' })
    const rowsBefore = await caseRows(survivorCase, mergedCase, mergedResolved)
    const customersBefore = await db.sql`select * from customer where id in (${s.customerId}, ${m.customerId}) order by id`

    const merge = merged(await runMerge(s.customerId, m.customerId))
    expect(await caseRow(survivorCase)).toMatchObject({ priority: 1 })
    const [breach] = await db.sql<{ at: string }[]>`select first_response_breached_at::text as at from care_case where id = ${survivorCase}`
    expect(breach!.at).toBe('2030-04-01 08:00:01.555555+00')

    const result = undone(await runUndo(merge.id))

    expect(await caseRows(survivorCase, mergedCase, mergedResolved)).toEqual(rowsBefore)
    expect(await db.sql`select * from customer where id in (${s.customerId}, ${m.customerId}) order by id`).toEqual(customersBefore)
    expect(result.merge.undone_at).toBeInstanceOf(Date)
    expect(result.merge.undone_by).toBe(agentId)
    expect(result.keptOnSurvivor).toEqual([])

    const events = await db.sql<{ case_id: string; body: Record<string, unknown> }[]>`
      select case_id, body from case_event where kind = 'merge' and (body->>'undone')::boolean order by case_id`
    const mine = events.filter((e) => e.body.merge_id === merge.id)
    expect(mine.map((e) => e.case_id).sort()).toEqual([survivorCase, mergedCase].sort())
    expect(mine.find((e) => e.case_id === survivorCase)!.body).toMatchObject({ clocks_restored: true, owner_restored: false, kept_on_survivor: [] })
    expect(mine.find((e) => e.case_id === mergedCase)!.body).toMatchObject({ restored: true, into_case_id: survivorCase })
    // The survivor's timeline no longer carries the other case's events, but says both merge and undo.
    const timeline = await caseTimeline(db.sql, survivorCase)
    expect(timeline.every((e) => e.case_id === survivorCase)).toBe(true)
    expect(timeline.filter((e) => e.kind === 'merge').map((e) => e.body.undone ?? false)).toEqual([false, true])
  })

  it('keeps newer priority, clocks and owner on the survivor case when they changed after the merge', async () => {
    const s = await customer()
    const m = await customer()
    const survivorCase = await openCase(s.customerId, { priority: 4, firstResponseDue: '2030-05-01 12:00:00+00' })
    const mergedCase = await openCase(m.customerId, { priority: 3, ownerId: ownerB, firstResponseDue: '2030-05-01 10:00:00+00' })
    const merge = merged(await runMerge(s.customerId, m.customerId))
    // After the merge an agent raises the priority and hands the case to someone else.
    await db.sql`update care_case set priority = 1, owner_id = ${ownerA} where id = ${survivorCase}`

    const result = undone(await runUndo(merge.id))
    expect(result.ok).toBe(true)
    const survivor = await caseRow(survivorCase)
    expect(survivor).toMatchObject({ priority: 1, owner_id: ownerA })
    expect(survivor.first_response_due_at).toEqual(new Date('2030-05-01T10:00:00Z'))
    expect(await caseRow(mergedCase)).toMatchObject({ status: 'open', owner_id: ownerB, priority: 3, merged_into_id: null })
    const [undoEvent] = await db.sql<{ body: Record<string, unknown> }[]>`
      select body from case_event where case_id = ${survivorCase} and kind = 'merge' and body ? 'undone'`
    expect(undoEvent!.body).toMatchObject({ clocks_restored: false, owner_restored: false })
  })

  it('treats clocks rewritten to the millisecond as unchanged', async () => {
    const s = await customer()
    const m = await customer()
    const survivorCase = await openCase(s.customerId, { priority: 4, firstResponseDue: '2030-05-02 12:00:00.123456+00' })
    await openCase(m.customerId, { priority: 2, firstResponseDue: '2030-05-02 10:00:00.654321+00' })
    const merge = merged(await runMerge(s.customerId, m.customerId))
    // What code that reads a case into JavaScript Dates and writes it back does to it.
    await db.sql`update care_case set first_response_due_at = date_trunc('milliseconds', first_response_due_at),
                                      sla_due_at = date_trunc('milliseconds', sla_due_at) where id = ${survivorCase}`
    undone(await runUndo(merge.id))
    const [row] = await db.sql<{ priority: number; due: string }[]>`
      select priority, first_response_due_at::text as due from care_case where id = ${survivorCase}`
    expect(row).toEqual({ priority: 4, due: '2030-05-02 12:00:00.123456+00' })
  })

  it("leaves the merged customer's mentions that arrived while merged on the survivor's case, and names them", async () => {
    const s = await customer()
    const m = await customer()
    const survivorCase = await openCase(s.customerId)
    const mergedCase = await openCase(m.customerId)
    const earlier = await mentionOn(mergedCase, m.identityId, '2024-06-01 09:00:00+00')
    const merge = merged(await runMerge(s.customerId, m.customerId))
    // Routing files the merged customer's new words on the survivor's open case.
    const arrived = await mentionOn(survivorCase, m.identityId, '2024-06-01 10:00:00+00')
    const fromSurvivor = await mentionOn(survivorCase, s.identityId, '2024-06-01 10:05:00+00')

    const result = undone(await runUndo(merge.id))
    expect(result.keptOnSurvivor).toEqual([arrived])
    const filed = await db.sql<{ id: string; case_id: string }[]>`
      select id, case_id from mention where id in (${earlier}, ${arrived}, ${fromSurvivor}) order by id`
    expect(filed).toEqual([
      { id: earlier, case_id: mergedCase },
      { id: arrived, case_id: survivorCase },
      { id: fromSurvivor, case_id: survivorCase },
    ])
    const [undoEvent] = await db.sql<{ body: Record<string, unknown> }[]>`
      select body from case_event where case_id = ${survivorCase} and kind = 'merge' and body ? 'undone'`
    expect(undoEvent!.body.kept_on_survivor).toEqual([arrived])
  })

  it('names kept mentions on a survivor case the merge did not touch with an event there too', async () => {
    const s = await customer()
    const m = await customer()
    await openCase(m.customerId, { status: 'resolved' })
    const merge = merged(await runMerge(s.customerId, m.customerId))
    // While merged, the customer writes and routing opens a case for the survivor.
    const opened = await openCase(s.customerId)
    const arrived = await mentionOn(opened, m.identityId, '2024-06-02 10:00:00+00')
    const result = undone(await runUndo(merge.id))
    expect(result.keptOnSurvivor).toEqual([arrived])
    const events = await db.sql<{ body: Record<string, unknown> }[]>`select body from case_event where case_id = ${opened} and kind = 'merge'`
    expect(events.map((e) => e.body)).toEqual([expect.objectContaining({ merge_id: merge.id, undone: true, kept_on_survivor: [arrived] })])
  })

  it('refuses when the merged customer gained an open case on the brand meanwhile, rather than break one open case per brand', async () => {
    // Routing files a merged customer's messages on the survivor's cases, but a case still under
    // the merged customer can be opened again by hand (below, directly in SQL) while the case the
    // merge closed waits to be restored on the same brand.
    const s = await customer()
    const m = await customer()
    const survivorCase = await openCase(s.customerId)
    const oldCase = await openCase(m.customerId, { status: 'resolved' })
    const mergedCase = await openCase(m.customerId)
    const merge = merged(await runMerge(s.customerId, m.customerId))
    await db.sql`update care_case set status = 'resolved', resolved_at = now() where id = ${survivorCase}`
    await db.sql`update care_case set status = 'open', resolved_at = null where id = ${oldCase}`

    const refused = await runUndo(merge.id)
    expect(refused).toMatchObject({ ok: false, reason: 'open_case_conflict' })
    expect(!refused.ok && refused.detail).toContain(`case ${mergedCase}`)
    expect(!refused.ok && refused.detail).toContain(`open case ${oldCase}`)
    // Nothing half-done.
    expect(await pointer(m.customerId)).toBe(s.customerId)
    expect(await caseRow(mergedCase)).toMatchObject({ status: 'closed', merged_into_id: survivorCase })

    await db.sql`update care_case set status = 'resolved', resolved_at = now() where id = ${oldCase}`
    undone(await runUndo(merge.id))
    expect(await caseRow(mergedCase)).toMatchObject({ status: 'open', merged_into_id: null })
    const [open] = await db.sql<{ count: number }[]>`
      select count(*)::int from care_case where customer_id = ${m.customerId} and brand_id = ${brandId} and status not in ('resolved', 'closed')`
    expect(open!.count).toBe(1)
  })
})

describe('chains stay flat', () => {
  it('re-points customers merged into the merged one, and undo of the later merge points them back', async () => {
    const a = await customer()
    const b = await customer()
    const c = await customer()
    const aCase = await openCase(a.customerId)
    const bCase = await openCase(b.customerId)
    const cCase = await openCase(c.customerId)
    const rowsBefore = await caseRows(aCase, bCase, cCase)

    const aIntoB = merged(await runMerge(b.customerId, a.customerId))
    const bIntoC = merged(await runMerge(c.customerId, b.customerId))
    expect(bIntoC.changes.repointed).toEqual([a.customerId])
    expect(await pointer(a.customerId)).toBe(c.customerId)
    expect(await pointer(b.customerId)).toBe(c.customerId)
    // A's case went into B's, which went into C's: C's timeline reaches both.
    const timeline = await caseTimeline(db.sql, cCase)
    expect(new Set(timeline.map((e) => e.case_id))).toEqual(new Set([aCase, bCase, cCase]))

    // A into B cannot be undone while B is itself merged.
    expect(await runUndo(aIntoB.id)).toMatchObject({ ok: false, reason: 'survivor_merged_again' })
    // Merging into B now is refused too: it is not a survivor any more.
    const d = await customer()
    expect(await runMerge(b.customerId, d.customerId)).toMatchObject({ ok: false, reason: 'survivor_merged' })

    undone(await runUndo(bIntoC.id))
    expect(await pointer(a.customerId)).toBe(b.customerId)
    expect(await pointer(b.customerId)).toBeNull()
    expect(await caseRow(bCase)).toMatchObject({ status: 'open', merged_into_id: null })
    expect(await caseRow(aCase)).toMatchObject({ status: 'closed', merged_into_id: bCase })

    undone(await runUndo(aIntoB.id))
    expect(await pointer(a.customerId)).toBeNull()
    expect(await caseRows(aCase, bCase, cCase)).toEqual(rowsBefore)
  })

  it('moves a case handed over by an earlier merge along, and back', async () => {
    const a = await customer()
    const b = await customer()
    const c = await customer()
    const aCase = await openCase(a.customerId)
    const aIntoB = merged(await runMerge(b.customerId, a.customerId))
    expect(await caseRow(aCase)).toMatchObject({ customer_id: b.customerId })
    const bIntoC = merged(await runMerge(c.customerId, b.customerId))
    expect(await caseRow(aCase)).toMatchObject({ customer_id: c.customerId, status: 'open' })
    undone(await runUndo(bIntoC.id))
    expect(await caseRow(aCase)).toMatchObject({ customer_id: b.customerId })
    undone(await runUndo(aIntoB.id))
    expect(await caseRow(aCase)).toMatchObject({ customer_id: a.customerId })
  })
})

describe('refusals', () => {
  it('refuses a customer merged into itself', async () => {
    const s = await customer()
    expect(await runMerge(s.customerId, s.customerId)).toMatchObject({ ok: false, reason: 'same_customer' })
  })

  it('refuses unknown customers', async () => {
    const s = await customer()
    expect(await runMerge(s.customerId, '999999999')).toMatchObject({ ok: false, reason: 'customer_not_found', detail: 'There is no customer 999999999.' })
    expect(await runMerge('999999998', s.customerId)).toMatchObject({ ok: false, reason: 'customer_not_found', detail: 'There is no customer 999999998.' })
  })

  it('refuses a customer already merged, and a survivor that is itself merged', async () => {
    const s = await customer()
    const m = await customer()
    const other = await customer()
    merged(await runMerge(s.customerId, m.customerId))
    const again = await runMerge(other.customerId, m.customerId)
    expect(again).toMatchObject({ ok: false, reason: 'already_merged' })
    expect(!again.ok && again.detail).toContain(`already merged into customer ${s.customerId}`)
    expect(await runMerge(m.customerId, other.customerId)).toMatchObject({ ok: false, reason: 'survivor_merged' })
  })

  it('refuses to undo twice, and an unknown merge', async () => {
    const s = await customer()
    const m = await customer()
    await openCase(s.customerId)
    await openCase(m.customerId)
    const merge = merged(await runMerge(s.customerId, m.customerId))
    undone(await runUndo(merge.id))
    const eventsAfterFirst = (await counts()).events
    expect(await runUndo(merge.id)).toMatchObject({ ok: false, reason: 'already_undone' })
    expect((await counts()).events).toBe(eventsAfterFirst)
    expect(await runUndo('999999999')).toMatchObject({ ok: false, reason: 'merge_not_found' })
  })

  it('can merge the same two again after an undo', async () => {
    const s = await customer()
    const m = await customer()
    const first = merged(await runMerge(s.customerId, m.customerId))
    undone(await runUndo(first.id))
    const second = merged(await runMerge(s.customerId, m.customerId))
    expect(second.id).not.toBe(first.id)
    expect(await pointer(m.customerId)).toBe(s.customerId)
  })
})

it('never deletes: events, mentions, cases, customers and identities only grow', async () => {
  const before = await counts()
  const s = await customer()
  const m = await customer()
  await mentionOn(await openCase(s.customerId), s.identityId, '2024-07-01 09:00:00+00')
  await mentionOn(await openCase(m.customerId), m.identityId, '2024-07-01 09:10:00+00')
  const afterSetup = await counts()
  const merge = merged(await runMerge(s.customerId, m.customerId))
  undone(await runUndo(merge.id))
  const after = await counts()
  expect(after).toEqual({ ...afterSetup, events: afterSetup.events + 4 })
  expect(after.customers).toBe(before.customers + 2)
})

it('writes both to the audit log', async () => {
  const s = await customer()
  const m = await customer()
  const merge = merged(await runMerge(s.customerId, m.customerId))
  undone(await runUndo(merge.id))
  const rows = await db.sql<{ action: string; actor_id: string; target_id: string }[]>`
    select action, actor_id, target_id from audit_log where detail->>'merge_id' = ${merge.id} order by id`
  expect(rows).toEqual([
    { action: 'customer.merge', actor_id: agentId, target_id: s.customerId },
    { action: 'customer.merge_undo', actor_id: agentId, target_id: s.customerId },
  ])
})

describe('at the same time', () => {
  // On PostgreSQL these run on separate connections and wait on each other's locks; on the
  // embedded database they queue on its one session. Either way one wins and the other is refused.
  it('lets one of two opposite merges win and refuses the other', async () => {
    const a = await customer()
    const b = await customer()
    await openCase(a.customerId)
    await openCase(b.customerId)
    const results = await Promise.all([runMerge(a.customerId, b.customerId), runMerge(b.customerId, a.customerId)])
    expect(results.filter((result) => result.ok)).toHaveLength(1)
    const loser = results.find((result) => !result.ok)
    expect(loser && !loser.ok && ['already_merged', 'survivor_merged'].includes(loser.reason)).toBe(true)
    const [open] = await db.sql<{ count: number }[]>`
      select count(*)::int from care_case where customer_id in (${a.customerId}, ${b.customerId}) and status not in ('resolved', 'closed')`
    expect(open!.count).toBe(1)
  })

  it('undoes a merge once when two undos race', async () => {
    const s = await customer()
    const m = await customer()
    await openCase(s.customerId)
    await openCase(m.customerId)
    const merge = merged(await runMerge(s.customerId, m.customerId))
    const results = await Promise.all([runUndo(merge.id), runUndo(merge.id)])
    expect(results.map((result) => (result.ok ? 'ok' : result.reason)).sort()).toEqual(['already_undone', 'ok'])
    const [events] = await db.sql<{ count: number }[]>`
      select count(*)::int from case_event where kind = 'merge' and body->>'merge_id' = ${merge.id} and body ? 'undone'`
    expect(events!.count).toBe(2)
  })
})
