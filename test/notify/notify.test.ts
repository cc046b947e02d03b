// Notifications: one bulk insert that never tells a person about the same thing twice.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { notify, unreadNotifications, type NotificationRequest } from '../../worker/notify/notify'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertBrand, insertCase, insertCustomer, insertUser } from '../support/fixtures'

let db: TestDatabase
let caseId: string
let maria: string
let jaan: string
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())
beforeEach(async () => {
  await db.sql`truncate brand, customer, identity, care_case, notification, app_user restart identity cascade`
  const brandId = await insertBrand(db.sql)
  const { customerId } = await insertCustomer(db.sql)
  caseId = await insertCase(db.sql, brandId, customerId)
  maria = await insertUser(db.sql, 'maria@example.com')
  jaan = await insertUser(db.sql, 'jaan@example.com', 'admin')
})

const breach = (userId: string | null, dedupeKey = 'sla:1:first_response'): NotificationRequest => ({
  userId,
  caseId,
  kind: 'sla_breach',
  body: { clock: 'first_response' },
  dedupeKey,
})

async function stored() {
  return db.sql<{ user_id: string; case_id: string | null; kind: string; body: Record<string, unknown>; dedupe_key: string }[]>`
    select user_id, case_id, kind, body, dedupe_key from notification order by id`
}

describe('notify', () => {
  it('stores one row per person and event, skipping nobody and repeats within the call', async () => {
    expect(await notify(db.sql, [breach(maria), breach(null), breach(jaan), breach(maria)])).toBe(2)
    expect(await stored()).toEqual([
      { user_id: maria, case_id: caseId, kind: 'sla_breach', body: { clock: 'first_response' }, dedupe_key: 'sla:1:first_response' },
      { user_id: jaan, case_id: caseId, kind: 'sla_breach', body: { clock: 'first_response' }, dedupe_key: 'sla:1:first_response' },
    ])
  })

  it('tells the same person about different events', async () => {
    expect(await notify(db.sql, [breach(maria, 'sla:1:first_response'), breach(maria, 'sla:1:resolution')])).toBe(2)
  })

  it('is a no-op for an event the person was already told about', async () => {
    await notify(db.sql, [breach(maria)])
    expect(await notify(db.sql, [breach(maria), breach(jaan)])).toBe(1)
    expect(await stored()).toHaveLength(2)
  })

  it('does not notify people who are no longer active', async () => {
    await db.sql`update app_user set active = false where id = ${jaan}`
    expect(await notify(db.sql, [breach(maria), breach(jaan)])).toBe(1)
  })

  it('does nothing for an empty list', async () => {
    expect(await notify(db.sql, [])).toBe(0)
    expect(await notify(db.sql, [breach(null)])).toBe(0)
  })

  it('keeps notifications without a case', async () => {
    await notify(db.sql, [{ userId: maria, caseId: null, kind: 'assignment', body: {}, dedupeKey: 'x' }])
    expect((await stored())[0]).toMatchObject({ case_id: null, kind: 'assignment' })
  })
})

describe('unreadNotifications', () => {
  it('lists the person’s unread notifications, newest first, up to the limit', async () => {
    await notify(db.sql, [breach(maria, 'a')])
    await notify(db.sql, [breach(maria, 'b'), breach(jaan, 'b')])
    await notify(db.sql, [breach(maria, 'c')])
    // Later ids are made older, so the order shown is by time, not by id.
    await db.sql`update notification set created_at = created_at - make_interval(mins => id::int)`
    await db.sql`update notification set read_at = now() where dedupe_key = 'c'`
    const unread = await unreadNotifications(db.sql, maria, 10)
    const keys = await db.sql<{ id: string; dedupe_key: string }[]>`select id, dedupe_key from notification where user_id = ${maria}`
    const keyOf = new Map(keys.map((row) => [row.id, row.dedupe_key]))
    expect(unread.map((row) => keyOf.get(row.id))).toEqual(['a', 'b'])
    expect(unread[0]).toMatchObject({ case_id: caseId, read_at: null })
    expect(unread[0]!.created_at).toBeInstanceOf(Date)
    expect(await unreadNotifications(db.sql, maria, 1)).toHaveLength(1)
  })
})
