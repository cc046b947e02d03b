// The constraints of sql/0001_core.sql: rules no code path may break.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertBrand, insertCase, insertCustomer, insertMention, insertUser } from '../support/fixtures'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())

// Each test starts from empty tables; truncate bypasses the append-only trigger on purpose.
beforeEach(async () => {
  await db.sql`
    truncate brand, customer, identity, care_case, case_event, mention, app_user, promise, handoff, outbox,
             session, audit_log, source, team restart identity cascade`
})

/** The SQLSTATE a statement fails with, or 'none'. */
async function failure(statement: Promise<unknown>): Promise<string> {
  try {
    await statement
    return 'none'
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

const uniqueViolation = '23505'
const checkViolation = '23514'
const foreignKeyViolation = '23503'
const notNullViolation = '23502'

describe('schema constraints', () => {
  it('stores a mention once per platform and external id', async () => {
    const brandId = await insertBrand(db.sql)
    const { identityId } = await insertCustomer(db.sql)
    await insertMention(db.sql, { brandId, identityId, externalId: '1850' })
    expect(await failure(insertMention(db.sql, { brandId, identityId, externalId: '1850' }))).toBe(uniqueViolation)
    // The same id on another platform is another post.
    await insertMention(db.sql, { brandId, identityId, externalId: '1850', platform: 'mastodon' })
    const [count] = await db.sql`select count(*)::int as n from mention`
    expect(count!.n).toBe(2)
  })

  it('rejects an unknown case status, priority, platform and role', async () => {
    const brandId = await insertBrand(db.sql)
    const { customerId, identityId } = await insertCustomer(db.sql)
    expect(await failure(insertCase(db.sql, brandId, customerId, 'pending'))).toBe(checkViolation)
    expect(
      await failure(db.sql`insert into care_case (brand_id, customer_id, priority) values (${brandId}, ${customerId}, 5)`),
    ).toBe(checkViolation)
    expect(await failure(insertMention(db.sql, { brandId, identityId, externalId: '1', platform: 'myspace' }))).toBe(
      checkViolation,
    )
    expect(await failure(insertUser(db.sql, 'boss@example.com', 'overlord'))).toBe(checkViolation)
  })

  it('rejects a timeline event for a case that does not exist', async () => {
    expect(await failure(db.sql`insert into case_event (case_id, kind) values (424242, 'note')`)).toBe(foreignKeyViolation)
  })

  it('keeps the timeline append-only', async () => {
    const brandId = await insertBrand(db.sql)
    const { customerId } = await insertCustomer(db.sql)
    const caseId = await insertCase(db.sql, brandId, customerId)
    const [event] = await db.sql`
      insert into case_event (case_id, kind, body) values (${caseId}, 'note', ${db.sql.json({ text: 'called back' })})
      returning id`
    expect(await failure(db.sql`update case_event set body = '{}' where id = ${event!.id}`)).toBe('23001')
    expect(await failure(db.sql`delete from case_event where id = ${event!.id}`)).toBe('23001')
    const [kept] = await db.sql`select body from case_event where id = ${event!.id}`
    expect(kept!.body).toEqual({ text: 'called back' })
  })

  it('allows one open case per customer and brand, any number of closed ones', async () => {
    const brandId = await insertBrand(db.sql)
    const { customerId } = await insertCustomer(db.sql)
    await insertCase(db.sql, brandId, customerId, 'resolved')
    await insertCase(db.sql, brandId, customerId, 'resolved')
    await insertCase(db.sql, brandId, customerId, 'open')
    expect(await failure(insertCase(db.sql, brandId, customerId, 'new'))).toBe(uniqueViolation)
    const otherBrand = await insertBrand(db.sql, 'other')
    await insertCase(db.sql, otherBrand, customerId, 'open')
  })

  it('requires a resolution time exactly when a case is resolved or closed', async () => {
    const brandId = await insertBrand(db.sql)
    const { customerId } = await insertCustomer(db.sql)
    expect(
      await failure(db.sql`insert into care_case (brand_id, customer_id, status) values (${brandId}, ${customerId}, 'resolved')`),
    ).toBe(checkViolation)
    expect(
      await failure(db.sql`
        insert into care_case (brand_id, customer_id, status, resolved_at) values (${brandId}, ${customerId}, 'open', now())`),
    ).toBe(checkViolation)
  })

  it('ties a mention event to its mention, and only a mention event', async () => {
    const brandId = await insertBrand(db.sql)
    const { customerId } = await insertCustomer(db.sql)
    const caseId = await insertCase(db.sql, brandId, customerId)
    expect(await failure(db.sql`insert into case_event (case_id, kind) values (${caseId}, 'mention')`)).toBe(checkViolation)
  })

  it('rejects a user with a duplicate email in any letter case', async () => {
    await insertUser(db.sql, 'Maria@Example.com')
    expect(await failure(insertUser(db.sql, 'maria@example.COM'))).toBe(uniqueViolation)
  })

  it('keeps one handoff in flight per case, and a decline needs its reason', async () => {
    const brandId = await insertBrand(db.sql)
    const { customerId } = await insertCustomer(db.sql)
    const caseId = await insertCase(db.sql, brandId, customerId)
    const agent = await insertUser(db.sql, 'agent@example.com')
    const handoff = (status = 'requested') => db.sql`
      insert into handoff (case_id, requested_by, summary, status) values (${caseId}, ${agent}, 'Outage, 4 days', ${status})`
    await handoff()
    expect(await failure(handoff())).toBe(uniqueViolation)
    expect(await failure(handoff('declined'))).toBe(checkViolation)
    expect(await failure(db.sql`
      insert into handoff (case_id, requested_by, summary) values (${caseId}, ${agent}, null)`)).toBe(notNullViolation)
  })

  it('sends an outbox item once per idempotency key', async () => {
    const brandId = await insertBrand(db.sql)
    const { customerId } = await insertCustomer(db.sql)
    const caseId = await insertCase(db.sql, brandId, customerId)
    const enqueue = () => db.sql`
      insert into outbox (case_id, kind, platform, in_reply_to_external_id, idempotency_key, body)
      values (${caseId}, 'public_reply', 'x', '1850', 'reply-case-1-a', 'Sorry, we are on it')`
    await enqueue()
    expect(await failure(enqueue())).toBe(uniqueViolation)
    expect(await failure(db.sql`update outbox set status = 'sent'`)).toBe(checkViolation)
  })

  it('needs a query exactly for search and hashtag sources', async () => {
    const brandId = await insertBrand(db.sql)
    expect(await failure(db.sql`insert into source (brand_id, platform, kind) values (${brandId}, 'x', 'search')`)).toBe(
      checkViolation,
    )
    expect(
      await failure(db.sql`insert into source (brand_id, platform, kind, query) values (${brandId}, 'x', 'mentions', 'acme')`),
    ).toBe(checkViolation)
    await db.sql`insert into source (brand_id, platform, kind, query) values (${brandId}, 'x', 'search', 'acme outage')`
  })

  it('has the indexes the inbox reads through', async () => {
    const rows = await db.sql<{ indexname: string }[]>`select indexname from pg_indexes where schemaname = 'public'`
    const names = rows.map((row) => row.indexname)
    expect(names).toEqual(
      expect.arrayContaining(['care_case_inbox', 'care_case_one_open', 'mention_case', 'case_event_timeline', 'promise_due']),
    )
  })
})
