import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../worker/config'
import type { Services } from '../../worker/env'
import { runScheduledJobs } from '../../worker/jobs/run'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertUser } from '../support/fixtures'

let db: TestDatabase
let services: Services
beforeAll(async () => {
  db = await createTestDatabase()
  services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
})
afterAll(() => db.close())

describe('runScheduledJobs', () => {
  it('expires sessions past their time and keeps the rest', async () => {
    const userId = await insertUser(db.sql, 'jobs@example.com')
    const now = new Date('2026-11-25T12:00:00Z')
    await db.sql`
      insert into session (token_hash, user_id, created_at, expires_at) values
        (${'1'.repeat(64)}, ${userId}, ${new Date('2026-11-20T00:00:00Z')}, ${new Date('2026-11-25T11:59:59Z')}),
        (${'2'.repeat(64)}, ${userId}, ${new Date('2026-11-25T00:00:00Z')}, ${new Date('2026-11-25T12:00:01Z')})`
    const reports = await runScheduledJobs(services, now)
    expect(reports).toEqual([
      { job: 'housekeeping', ok: true, result: { sessions_expired: 1, login_attempts_pruned: 0, presence_pruned: 0 }, ms: expect.any(Number) },
      { job: 'classify-mentions', ok: true, result: { classified: 0 }, ms: expect.any(Number) },
      { job: 'route-mentions', ok: true, result: { filed: 0, opened: 0, reopened: 0, assigned: 0 }, ms: expect.any(Number) },
      { job: 'send-outbox', ok: true, result: { claimed: 0, sent: 0, reconciled: 0, retried: 0, rate_limited: 0, failed: 0 }, ms: expect.any(Number) },
      { job: 'sla-sweep', ok: true, result: { breached: 0 }, ms: expect.any(Number) },
      { job: 'promise-sweep', ok: true, result: { reminded: 0, broken: 0 }, ms: expect.any(Number) },
      { job: 'handoff-sweep', ok: true, result: { reminded: 0, breached: 0, webhooks: 0 }, ms: expect.any(Number) },
      { job: 'trends-rollup', ok: true, result: { hours: 0, days: 0, cases: 0, case_days: 0 }, ms: expect.any(Number) },
      { job: 'spike-sweep', ok: true, result: { evaluated: 0, opened: 0, extended: 0, reopened: 0, ended: 0, webhooks: 0, failed: 0 }, ms: expect.any(Number) },
    ])
    const left = await db.sql`select token_hash from session`
    expect(left.map((row) => row.token_hash)).toEqual(['2'.repeat(64)])
  })

  it('reports a failing job and still runs the ones after it', async () => {
    const failing = { name: 'broken', run: () => Promise.reject(new Error('no such table')) }
    const counting = { name: 'counting', run: async () => ({ counted: 3 }) }
    const reports = await runScheduledJobs(services, new Date(), [failing, counting])
    expect(reports).toEqual([
      { job: 'broken', ok: false, error: 'no such table', ms: expect.any(Number) },
      { job: 'counting', ok: true, result: { counted: 3 }, ms: expect.any(Number) },
    ])
  })
})
