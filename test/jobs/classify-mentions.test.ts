// The scheduled job picks up mentions that were stored but never classified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { classifyMentions } from '../../worker/jobs/classify-mentions'
import { parseConfig } from '../../worker/config'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertBrand, insertCustomer, insertMention } from '../support/fixtures'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())

describe('classify-mentions job', () => {
  it('classifies every unclassified mention, across batches', async () => {
    const brandId = await insertBrand(db.sql)
    const { identityId } = await insertCustomer(db.sql)
    for (let n = 0; n < 3; n++) await insertMention(db.sql, { brandId, identityId, externalId: String(n) })
    const result = await classifyMentions.run({ sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }, new Date())
    expect(result).toEqual({ classified: 3 })
    const [left] = await db.sql<{ count: number }[]>`select count(*)::int as count from mention where classified_at is null`
    expect(left!.count).toBe(0)
  })
})
