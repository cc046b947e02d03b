// Escalation one step at a time, on the timeline only when something changed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { raisePriority } from '../../worker/cases/priority'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertBrand, insertCustomer, insertUser } from '../support/fixtures'

let db: TestDatabase
let brandId: string
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())
beforeEach(async () => {
  await db.sql`truncate brand, customer, identity, care_case, case_event, app_user restart identity cascade`
  brandId = await insertBrand(db.sql)
})

let serial = 0
async function caseAt(priority: number): Promise<string> {
  const { customerId } = await insertCustomer(db.sql, `p${++serial}`)
  const [row] = await db.sql<{ id: string }[]>`
    insert into care_case (brand_id, customer_id, status, priority) values (${brandId}, ${customerId}, 'open', ${priority}) returning id`
  return row!.id
}

async function priorityOf(caseId: string): Promise<number> {
  const [row] = await db.sql<{ priority: number }[]>`select priority from care_case where id = ${caseId}`
  return row!.priority
}

async function priorityEvents(caseId: string) {
  return db.sql<{ body: Record<string, unknown>; actor_id: string | null }[]>`
    select body, actor_id from case_event where case_id = ${caseId} and kind = 'priority' order by id`
}

describe('raisePriority', () => {
  it('raises each case one step and puts the change on its timeline', async () => {
    const p4 = await caseAt(4)
    const p2 = await caseAt(2)
    const changes = await raisePriority(db.sql, [
      { caseId: p4, reason: 'first response SLA missed' },
      { caseId: p2, reason: 'promise broken: fixed by Friday' },
    ])
    expect(changes).toEqual([
      { caseId: p4, from: 4, to: 3, reason: 'first response SLA missed' },
      { caseId: p2, from: 2, to: 1, reason: 'promise broken: fixed by Friday' },
    ])
    expect(await priorityOf(p4)).toBe(3)
    expect(await priorityOf(p2)).toBe(1)
    expect(await priorityEvents(p4)).toEqual([{ actor_id: null, body: { from: 4, to: 3, reason: 'first response SLA missed' } }])
  })

  it('leaves P1 at P1 and writes no event for it', async () => {
    const p1 = await caseAt(1)
    expect(await raisePriority(db.sql, [{ caseId: p1, reason: 'resolution SLA missed' }])).toEqual([])
    expect(await priorityOf(p1)).toBe(1)
    expect(await priorityEvents(p1)).toEqual([])
  })

  it('moves a case named twice in one call one step, with both reasons', async () => {
    const p3 = await caseAt(3)
    await raisePriority(db.sql, [
      { caseId: p3, reason: 'promise broken: a call back' },
      { caseId: p3, reason: 'promise broken: a refund' },
    ])
    expect(await priorityOf(p3)).toBe(2)
    expect((await priorityEvents(p3)).map((event) => event.body)).toEqual([
      { from: 3, to: 2, reason: 'promise broken: a call back; promise broken: a refund' },
    ])
  })

  it('records who raised it and when, when told', async () => {
    const p4 = await caseAt(4)
    const agent = await insertUser(db.sql, 'agent@example.com')
    const at = new Date('2026-11-20T09:00:00Z')
    await db.sql.begin((tx) => raisePriority(tx, [{ caseId: p4, reason: 'customer mentions the regulator' }], { actorId: agent, occurredAt: at }))
    const [event] = await db.sql<{ actor_id: string; occurred_at: Date }[]>`
      select actor_id, occurred_at from case_event where case_id = ${p4} and kind = 'priority'`
    expect(event).toEqual({ actor_id: agent, occurred_at: at })
  })

  it('does nothing for no cases', async () => {
    expect(await raisePriority(db.sql, [])).toEqual([])
  })
})
