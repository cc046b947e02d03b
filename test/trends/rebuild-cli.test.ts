// `npm run trends:rebuild` as a person runs it: progress per phase on stderr, a summary on stdout,
// and every rollup recomputed, including rows a hand-edit had broken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { runScript } from '../support/process'
import { insertClassified, insertIdentity, insertRoutingBrand, tallinn } from '../support/routing'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())

const count = async (table: string) => (await db.sql<{ n: number }[]>`select count(*)::int as n from ${db.sql(table)}`)[0]!.n

describe('trends:rebuild', () => {
  it('recomputes every rollup from the mentions, cases and asks, showing its progress', async () => {
    const brand = await insertRoutingBrand(db.sql, 'rebuilt')
    const { customerId, identityId } = await insertIdentity(db.sql, 'rebuilt-customer')
    const [kase] = await db.sql<{ id: string }[]>`
      insert into care_case (brand_id, customer_id, status, team_id, opened_at, first_response_at)
      values (${brand.brandId}, ${customerId}, 'open', ${brand.teamId}, ${tallinn('2024-10-02T09:00')}, ${tallinn('2024-10-02T09:30')}) returning id`
    for (const [n, at] of ['2024-10-02T09:05', '2024-10-02T11:40', '2024-10-03T10:00'].entries()) {
      const id = await insertClassified(db.sql, { brandId: brand.brandId, identityId, externalId: `rebuilt-${n}`, receivedAt: tallinn(at) })
      await db.sql`update mention set case_id = ${kase!.id}, routed_at = now() where id = ${id}`
    }
    await db.sql`
      insert into satisfaction (case_id, token_hash, channel, language, team_id, category, asked_at, expires_at, score, answered_at, answered_via)
      values (${kase!.id}, ${'a'.repeat(64)}, 'public', 'en', ${brand.teamId}, 'general', ${tallinn('2024-10-04T12:00')},
              ${tallinn('2024-10-11T12:00')}, 4, ${tallinn('2024-10-04T13:00')}, 'page')`
    // A hand-edit the queue knows nothing of: the rebuild puts it right.
    await db.sql`
      insert into trend_hour (brand_id, hour, platform, language, category, mentions, complaints, negative, sentiment_sum, sentiment_squares)
      values (${brand.brandId}, '2020-01-01T00:00Z', 'x', 'en', 'general', 99, 0, 0, 0, 0)`

    const run = await runScript('worker/trends/rebuild-cli.ts', { DATABASE_URL: db.url })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.trim()).toMatch(
      /^Rebuilt trends in [\d.]+ s: 3 brand hours, 2 brand days of terms, 1 cases, 2 brand days of cases and satisfaction$/,
    )
    for (const phase of ['brand hours: 3 of 3 (100%)', 'cases: 1 of 1 (100%)', 'brand days of cases and satisfaction: 2 of 2 (100%)']) {
      expect(run.stderr).toContain(phase)
    }
    const [hours] = await db.sql<{ mentions: number }[]>`select coalesce(sum(mentions), 0)::int as mentions from trend_hour where brand_id = ${brand.brandId}`
    expect(hours!.mentions).toBe(3)
    expect(await count('trend_day')).toBe(2)
    expect(await count('trend_case')).toBe(1)
    expect(await count('trend_case_day')).toBe(1)
    expect(await count('trend_satisfaction_day')).toBe(1)
    for (const queue of ['trend_dirty_hour', 'trend_dirty_case', 'trend_dirty_case_day']) expect(await count(queue), queue).toBe(0)
  })
})
