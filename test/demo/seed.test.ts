import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPassword } from '../../worker/auth/password'
import { demoPassword, demoUsers, hasDemo, seedDemo } from '../../worker/demo/seed'
import { createTestDatabase, type TestDatabase } from '../support/database'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())

describe('seedDemo', () => {
  it('adds a brand with hours, holidays and an SLA policy, and one user per role, once', async () => {
    expect(await hasDemo(db.sql)).toBe(false)
    expect(await seedDemo(db.sql)).toEqual({ seeded: true })
    expect(await hasDemo(db.sql)).toBe(true)
    expect(await seedDemo(db.sql)).toEqual({ seeded: false })

    const [brand] = await db.sql`select name, time_zone from brand`
    expect(brand).toEqual({ name: 'Nordlink Telecom', time_zone: 'Europe/Tallinn' })
    const policy = await db.sql`select priority, first_response_minutes from sla_policy order by priority`
    expect(policy.map((row) => row.priority)).toEqual([1, 2, 3, 4])
    expect(policy[0]!.first_response_minutes).toBeLessThan(policy[3]!.first_response_minutes)
    const [counts] = await db.sql`
      select (select count(*) from business_hours)::int as hours, (select count(*) from holiday)::int as holidays`
    expect(counts!.hours).toBeGreaterThanOrEqual(5)
    expect(counts!.holidays).toBeGreaterThan(0)

    const users = await db.sql<{ email: string; role: string; password_hash: string }[]>`
      select email, role, password_hash from app_user order by id`
    expect(users.map((user) => [user.email, user.role])).toEqual(demoUsers.map((user) => [user.email, user.role]))
    for (const user of users) expect(await verifyPassword(demoPassword, user.password_hash)).toBe(true)
  })
})

describe('the demo care team', () => {
  it('has someone on shift at every hour of the week, so a demo started at any time gets owners', async () => {
    const { calendar, isOpenAt } = await import('../../worker/sla/calendar')
    const shifts = demoUsers
      .filter((user) => user.care)
      .map((user) => calendar({ timeZone: 'Europe/Tallinn', spans: user.shifts.map(([weekday, opens, closes]) => ({ weekday, opens, closes })) }))
    const uncovered: string[] = []
    // A week in winter and a week across the spring change to summer time.
    for (const start of ['2026-11-30T00:00:00Z', '2027-03-22T00:00:00Z']) {
      for (let at = Date.parse(start); at < Date.parse(start) + 7 * 86_400_000; at += 15 * 60_000) {
        if (!shifts.some((shift) => isOpenAt(shift, new Date(at)))) uncovered.push(new Date(at).toISOString())
      }
    }
    expect(uncovered).toEqual([])
  })
})
