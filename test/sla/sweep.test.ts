// The SLA breach sweep: each clock marked once, one priority step per sweep, the right people told,
// sla_due_at moved on, and safe with several sweepers at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../worker/config'
import { connect, type Sql } from '../../worker/db/connect'
import { slaSweep } from '../../worker/jobs/sla-sweep'
import { sweepSla } from '../../worker/sla/sweep'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertCareTeam, insertCustomer, insertUser } from '../support/fixtures'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())
// Truncate bypasses case_event's append-only trigger on purpose: each test starts empty.
beforeEach(async () => {
  await db.sql`truncate brand, customer, identity, care_case, case_event, promise, notification, app_user, team restart identity cascade`
})

const start = new Date('2026-11-20T09:00:00Z')
const minutes = (n: number) => new Date(start.getTime() + n * 60_000)

let serial = 0

interface CaseClocks {
  ownerId?: string | null
  teamId?: string | null
  priority?: number
  status?: string
  firstResponseAt?: Date | null
  firstResponseDueAt?: Date | null
  nextResponseDueAt?: Date | null
  resolutionDueAt?: Date | null
}

/** An open case with the given clocks; sla_due_at is the nearest of them, as the application keeps it. */
async function caseWith(sql: Sql, brandId: string, clocks: CaseClocks): Promise<string> {
  serial++
  const { customerId } = await insertCustomer(sql, `c${serial}`)
  const running = [
    clocks.firstResponseAt ? null : clocks.firstResponseDueAt,
    clocks.nextResponseDueAt,
    clocks.resolutionDueAt,
  ].filter((due): due is Date => due instanceof Date)
  const slaDueAt = running.length > 0 ? new Date(Math.min(...running.map((due) => due.getTime()))) : null
  const status = clocks.status ?? 'open'
  const resolvedAt = status === 'resolved' || status === 'closed' ? start : null
  const [row] = await sql<{ id: string }[]>`
    insert into care_case (brand_id, customer_id, status, resolved_at, priority, owner_id, team_id, first_response_at,
                           first_response_due_at, next_response_due_at, resolution_due_at, sla_due_at)
    values (${brandId}, ${customerId}, ${status}, ${resolvedAt}, ${clocks.priority ?? 4}, ${clocks.ownerId ?? null},
            ${clocks.teamId ?? null}, ${clocks.firstResponseAt ?? null}, ${clocks.firstResponseDueAt ?? null},
            ${clocks.nextResponseDueAt ?? null}, ${clocks.resolutionDueAt ?? null}, ${slaDueAt})
    returning id`
  return row!.id
}

async function caseRow(id: string) {
  const [row] = await db.sql<
    {
      priority: number
      sla_due_at: Date | null
      first_response_breached_at: Date | null
      next_response_breached_at: Date | null
      resolution_breached_at: Date | null
      updated_at: Date
    }[]
  >`
    select priority, sla_due_at, first_response_breached_at, next_response_breached_at, resolution_breached_at, updated_at
      from care_case where id = ${id}`
  return row!
}

async function events(caseId: string, kind?: string) {
  return db.sql<{ kind: string; body: Record<string, unknown>; occurred_at: Date; actor_id: string | null }[]>`
    select kind, body, occurred_at, actor_id from case_event
     where case_id = ${caseId} and ${kind === undefined ? db.sql`true` : db.sql`kind = ${kind}`}
     order by id`
}

async function notifications(caseId: string) {
  return db.sql<{ user_id: string; kind: string; dedupe_key: string; body: Record<string, unknown> }[]>`
    select user_id, kind, dedupe_key, body from notification where case_id = ${caseId} order by user_id, dedupe_key`
}

describe('sweepSla', () => {
  it('marks a passed clock once, escalates, tells owner and lead; a second sweep does nothing', async () => {
    const w = await insertCareTeam(db.sql)
    const caseId = await caseWith(db.sql, w.brandId, { ownerId: w.ownerId, teamId: w.teamId, firstResponseDueAt: minutes(15) })

    expect(await sweepSla(db.sql, minutes(16))).toEqual({ breached: 1 })
    const row = await caseRow(caseId)
    expect(row.first_response_breached_at).toEqual(minutes(16))
    expect(row.priority).toBe(3)
    expect(row.sla_due_at).toBeNull()
    expect(await events(caseId, 'sla')).toEqual([
      { kind: 'sla', actor_id: null, occurred_at: minutes(16), body: { clock: 'first_response', due_at: minutes(15).toISOString(), breached: true } },
    ])
    expect((await events(caseId, 'priority')).map((event) => event.body)).toEqual([
      { from: 4, to: 3, reason: 'first response SLA missed' },
    ])
    const told = await notifications(caseId)
    const dedupeKey = `sla:${caseId}:first_response:${minutes(15).toISOString()}`
    expect(told.map(({ user_id, kind, dedupe_key }) => ({ user_id, kind, dedupe_key })).sort((a, b) => Number(a.user_id) - Number(b.user_id))).toEqual(
      [w.ownerId, w.leadId].sort((a, b) => Number(a) - Number(b)).map((user_id) => ({ user_id, kind: 'sla_breach', dedupe_key: dedupeKey })),
    )
    expect(told[0]!.body).toMatchObject({ clock: 'first_response', due_at: minutes(15).toISOString() })

    expect(await sweepSla(db.sql, minutes(30))).toEqual({ breached: 0 })
    expect((await caseRow(caseId)).priority).toBe(3)
    expect(await events(caseId)).toHaveLength(2)
    expect(await notifications(caseId)).toHaveLength(2)
  })

  it('raises priority one step when two clocks pass together, with one event per clock', async () => {
    const w = await insertCareTeam(db.sql)
    const caseId = await caseWith(db.sql, w.brandId, {
      ownerId: w.ownerId,
      teamId: w.teamId,
      priority: 3,
      firstResponseDueAt: minutes(10),
      resolutionDueAt: minutes(20),
    })
    expect(await sweepSla(db.sql, minutes(25))).toEqual({ breached: 2 })
    const row = await caseRow(caseId)
    expect(row.priority).toBe(2)
    expect(row.first_response_breached_at).toEqual(minutes(25))
    expect(row.resolution_breached_at).toEqual(minutes(25))
    expect((await events(caseId, 'sla')).map((event) => event.body.clock)).toEqual(['first_response', 'resolution'])
    expect((await events(caseId, 'priority')).map((event) => event.body)).toEqual([
      { from: 3, to: 2, reason: 'first response and resolution SLA missed' },
    ])
    // Two clocks, two people: four notifications, each with its own dedupe key.
    expect(await notifications(caseId)).toHaveLength(4)
  })

  it('tells only the lead when nobody owns the case', async () => {
    const w = await insertCareTeam(db.sql)
    const caseId = await caseWith(db.sql, w.brandId, { teamId: w.teamId, firstResponseDueAt: minutes(5) })
    await sweepSla(db.sql, minutes(6))
    expect((await notifications(caseId)).map((row) => row.user_id)).toEqual([w.leadId])
  })

  it('tells the leads of all the brand’s teams when the case is in no team', async () => {
    const w = await insertCareTeam(db.sql)
    const otherLead = await insertUser(db.sql, `other-lead${serial}@example.com`, 'admin')
    await db.sql`insert into team (brand_id, name, lead_id) values (${w.brandId}, 'Billing', ${otherLead})`
    await db.sql`insert into team (brand_id, name, lead_id) values (${w.brandId}, 'Leaderless', null)`
    const caseId = await caseWith(db.sql, w.brandId, { ownerId: w.ownerId, firstResponseDueAt: minutes(5) })
    await sweepSla(db.sql, minutes(6))
    expect(new Set((await notifications(caseId)).map((row) => row.user_id))).toEqual(new Set([w.ownerId, w.leadId, otherLead]))
  })

  it('tells an owner who is also the lead once', async () => {
    const w = await insertCareTeam(db.sql)
    const caseId = await caseWith(db.sql, w.brandId, { ownerId: w.leadId, teamId: w.teamId, firstResponseDueAt: minutes(5) })
    await sweepSla(db.sql, minutes(6))
    expect((await notifications(caseId)).map((row) => row.user_id)).toEqual([w.leadId])
  })

  it('moves sla_due_at to the next running clock, which breaches in a later sweep', async () => {
    const w = await insertCareTeam(db.sql)
    const caseId = await caseWith(db.sql, w.brandId, {
      ownerId: w.ownerId,
      teamId: w.teamId,
      firstResponseDueAt: minutes(15),
      nextResponseDueAt: minutes(60),
      resolutionDueAt: minutes(240),
    })
    await sweepSla(db.sql, minutes(20))
    expect((await caseRow(caseId)).sla_due_at).toEqual(minutes(60))
    await sweepSla(db.sql, minutes(61))
    const row = await caseRow(caseId)
    expect(row.next_response_breached_at).toEqual(minutes(61))
    expect(row.sla_due_at).toEqual(minutes(240))
    expect(row.priority).toBe(2)
    expect((await events(caseId, 'priority')).map((event) => event.body.reason)).toEqual([
      'first response SLA missed',
      'next response SLA missed',
    ])
  })

  it('does not breach a first response that was given, and only corrects sla_due_at', async () => {
    const w = await insertCareTeam(db.sql)
    const caseId = await caseWith(db.sql, w.brandId, { ownerId: w.ownerId, teamId: w.teamId, firstResponseDueAt: minutes(15), resolutionDueAt: minutes(90) })
    // Answered, but sla_due_at still points at the first-response due time.
    await db.sql`update care_case set first_response_at = ${minutes(10)} where id = ${caseId}`
    expect(await sweepSla(db.sql, minutes(20))).toEqual({ breached: 0 })
    const row = await caseRow(caseId)
    expect(row.first_response_breached_at).toBeNull()
    expect(row.sla_due_at).toEqual(minutes(90))
    expect(row.priority).toBe(4)
    expect(await events(caseId)).toEqual([])
  })

  it('leaves a case that is not yet due untouched', async () => {
    const w = await insertCareTeam(db.sql)
    const caseId = await caseWith(db.sql, w.brandId, { ownerId: w.ownerId, teamId: w.teamId, firstResponseDueAt: minutes(15) })
    const before = await caseRow(caseId)
    expect(await sweepSla(db.sql, minutes(14))).toEqual({ breached: 0 })
    expect(await caseRow(caseId)).toEqual(before)
    expect(await events(caseId)).toEqual([])
    expect(await notifications(caseId)).toEqual([])
  })

  it('ignores resolved and closed cases', async () => {
    const w = await insertCareTeam(db.sql)
    const resolved = await caseWith(db.sql, w.brandId, { ownerId: w.ownerId, teamId: w.teamId, status: 'resolved', resolutionDueAt: minutes(5) })
    const before = await caseRow(resolved)
    expect(await sweepSla(db.sql, minutes(60))).toEqual({ breached: 0 })
    expect(await caseRow(resolved)).toEqual(before)
    expect(await events(resolved)).toEqual([])
  })

  it('works through more cases than one batch holds', async () => {
    const w = await insertCareTeam(db.sql)
    const ids: string[] = []
    for (let n = 0; n < 7; n++) ids.push(await caseWith(db.sql, w.brandId, { teamId: w.teamId, firstResponseDueAt: minutes(n) }))
    expect(await sweepSla(db.sql, minutes(30), { batchSize: 3 })).toEqual({ breached: 7 })
    for (const id of ids) expect((await caseRow(id)).first_response_breached_at).toEqual(minutes(30))
  })

  it('marks each breach exactly once when two sweeps run at the same time', async () => {
    const w = await insertCareTeam(db.sql)
    const ids: string[] = []
    for (let n = 0; n < 40; n++) {
      ids.push(await caseWith(db.sql, w.brandId, { ownerId: w.ownerId, teamId: w.teamId, firstResponseDueAt: minutes(n % 10), resolutionDueAt: minutes(20 + (n % 5)) }))
    }
    // PGlite is one session, so there the two sweeps share it and simply take turns.
    const [one, two] = db.kind === 'postgres' ? [connect(db.url, { max: 1 }), connect(db.url, { max: 1 })] : [db.sql, db.sql]
    try {
      const results = await Promise.all([sweepSla(one, minutes(60), { batchSize: 4 }), sweepSla(two, minutes(60), { batchSize: 4 })])
      expect(results[0].breached + results[1].breached).toBe(80)
    } finally {
      if (one !== db.sql) await one.end()
      if (two !== db.sql) await two.end()
    }
    const [counts] = await db.sql<{ sla: number; priority: number; notified: number }[]>`
      select (select count(*)::int from case_event where kind = 'sla') as sla,
             (select count(*)::int from case_event where kind = 'priority') as priority,
             (select count(*)::int from notification) as notified`
    expect(counts).toEqual({ sla: 80, priority: 40, notified: 160 })
    for (const id of ids) expect((await caseRow(id)).priority).toBe(3)
  })
})

describe('sla-sweep job', () => {
  it('runs the sweep and reports how many clocks it marked', async () => {
    const w = await insertCareTeam(db.sql)
    await caseWith(db.sql, w.brandId, { teamId: w.teamId, firstResponseDueAt: minutes(1) })
    const services = { sql: db.sql, config: parseConfig({}), runtime: 'node' as const, secrets: {} }
    expect(slaSweep.name).toBe('sla-sweep')
    expect(await slaSweep.run(services, minutes(2))).toEqual({ breached: 1 })
    expect(await slaSweep.run(services, minutes(3))).toEqual({ breached: 0 })
  })
})
