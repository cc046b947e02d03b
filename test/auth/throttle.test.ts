// Log-in throttling: per account and per address, counted in the database; time is passed in.
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sessionRoutes, type AuthedEnv } from '../../worker/auth/session'
import { admitLogin, clientAddress, loginLimits, markLoginSucceeded, pruneLoginAttempts, type LoginAttempt } from '../../worker/auth/throttle'
import { parseConfig } from '../../worker/config'
import { demoPassword, seedDemo } from '../../worker/demo/seed'
import type { Services } from '../../worker/env'
import { createTestDatabase, type TestDatabase } from '../support/database'

const app = new Hono<AuthedEnv>().route('/', sessionRoutes)

let db: TestDatabase
let services: Services

beforeAll(async () => {
  db = await createTestDatabase()
  services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
  await seedDemo(db.sql)
})
afterAll(() => db.close())
beforeEach(async () => {
  await db.sql`delete from login_attempt`
})

const t0 = Date.parse('2026-11-20T09:00:00Z')
const at = (ms: number) => new Date(t0 + ms)
const minutes = (n: number) => n * 60_000

/** An attempt whose password turns out wrong: admitted and left failed. */
async function fail(attempt: LoginAttempt, now: Date): Promise<void> {
  expect(await admitLogin(db.sql, attempt, now)).toMatchObject({ admitted: true })
}

describe('admitLogin', () => {
  const account = { email: 'agent@earshot.example', ip: '203.0.113.7' }

  it('refuses the sixth attempt after five failures until the oldest of them leaves the window', async () => {
    for (let i = 0; i < 5; i++) await fail(account, at(i * 1000))
    expect(await admitLogin(db.sql, account, at(10_000))).toEqual({
      admitted: false,
      retryAfterSeconds: (loginLimits.windowMs - 10_000) / 1000,
    })
    // The first failure is out of the window: four remain, so one more try is allowed.
    expect(await admitLogin(db.sql, account, at(minutes(15) + 500))).toMatchObject({ admitted: true })
  })

  it('counts the account whatever the case of the email and whichever address', async () => {
    for (let i = 0; i < 5; i++) await fail({ email: i % 2 ? 'AGENT@earshot.example' : 'agent@EARSHOT.example', ip: `198.51.100.${i}` }, at(i))
    expect(await admitLogin(db.sql, { email: 'agent@earshot.example', ip: null }, at(10))).toMatchObject({ admitted: false })
  })

  it('does not forget failures after a success', async () => {
    for (let i = 0; i < 4; i++) await fail(account, at(i))
    const success = await admitLogin(db.sql, account, at(10))
    if (!success.admitted) throw new Error('expected the fifth attempt to be admitted')
    await markLoginSucceeded(db.sql, success.attemptId)
    await fail(account, at(20))
    expect(await admitLogin(db.sql, account, at(30))).toMatchObject({ admitted: false })
  })

  it('does not count refused attempts, so retrying does not push the wait out', async () => {
    for (let i = 0; i < 5; i++) await fail(account, at(0))
    for (let i = 1; i <= 3; i++) expect(await admitLogin(db.sql, account, at(minutes(i)))).toMatchObject({ admitted: false })
    const [row] = await db.sql<{ count: number }[]>`select count(*)::int as count from login_attempt`
    expect(row!.count).toBe(5)
    expect(await admitLogin(db.sql, account, at(minutes(15) + 1))).toMatchObject({ admitted: true })
  })

  it('lets other accounts in from an address until it has 20 failures', async () => {
    const address = '192.0.2.44'
    for (let i = 0; i < 19; i++) await fail({ email: `guess${i}@example.com`, ip: address }, at(i))
    await fail({ email: 'agent@earshot.example', ip: address }, at(100))
    const refused = await admitLogin(db.sql, { email: 'admin@earshot.example', ip: address }, at(200))
    expect(refused).toEqual({ admitted: false, retryAfterSeconds: Math.ceil((loginLimits.windowMs - 200) / 1000) })
    // The same account from elsewhere, or from nowhere said, is not held back by that address.
    expect(await admitLogin(db.sql, { email: 'admin@earshot.example', ip: '192.0.2.45' }, at(300))).toMatchObject({ admitted: true })
    expect(await admitLogin(db.sql, { email: 'executive@earshot.example', ip: null }, at(400))).toMatchObject({ admitted: true })
  })

  it('lets at most five of a burst of simultaneous guesses through', async () => {
    // Each sees the others already recorded; how many get through depends on how the statements
    // interleave (none, when all inserts land before any count), never more than the limit.
    const answers = await Promise.all(Array.from({ length: 12 }, () => admitLogin(db.sql, account, at(0))))
    const admitted = answers.filter((answer) => answer.admitted).length
    expect(admitted).toBeLessThanOrEqual(loginLimits.failuresPerAccount)
    const [row] = await db.sql<{ count: number }[]>`select count(*)::int as count from login_attempt`
    expect(row!.count).toBe(admitted)
  })
})

describe('pruneLoginAttempts', () => {
  it('deletes attempts older than a day and keeps the rest', async () => {
    await fail({ email: 'old@example.com', ip: null }, at(-minutes(24 * 60) - 1))
    await fail({ email: 'recent@example.com', ip: null }, at(-minutes(24 * 60) + 1))
    expect(await pruneLoginAttempts(db.sql, at(0))).toBe(1)
    expect(await db.sql`select email from login_attempt`).toEqual([{ email: 'recent@example.com' }])
  })
})

describe('clientAddress', () => {
  const headers = (values: Record<string, string>) => (name: string) => values[name]

  it("takes Cloudflare's address, else the first forwarded hop, else none", () => {
    expect(clientAddress(headers({ 'cf-connecting-ip': '203.0.113.1', 'x-forwarded-for': '198.51.100.1' }))).toBe('203.0.113.1')
    expect(clientAddress(headers({ 'x-forwarded-for': ' 2001:db8::1 , 10.0.0.1' }))).toBe('2001:db8::1')
    expect(clientAddress(headers({}))).toBeNull()
    expect(clientAddress(headers({ 'x-forwarded-for': 'x'.repeat(500) }))).toBeNull()
  })
})

describe('POST /api/session throttling', () => {
  function logIn(email: string, password: string, ip: string) {
    return app.request(
      '/api/session',
      { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email, password }) },
      services,
    )
  }

  it('answers 429 with Retry-After to the right password after five wrong ones, and lets it in 15 minutes later', async () => {
    const ip = '203.0.113.9'
    for (let i = 0; i < 5; i++) expect((await logIn('agent@earshot.example', 'wrong', ip)).status).toBe(401)

    const refused = await logIn('agent@earshot.example', demoPassword, ip)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toBe('application/problem+json')
    expect(refused.headers.get('set-cookie')).toBeNull()
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(loginLimits.windowMs / 1000)
    expect(await refused.json()).toMatchObject({ status: 429, detail: expect.stringMatching(/try again in 15 minutes/) })

    // Another account from the same address is fine: the address has only five failures.
    expect((await logIn('executive@earshot.example', demoPassword, ip)).status).toBe(201)

    await db.sql`update login_attempt set attempted_at = attempted_at - ${`${loginLimits.windowMs} milliseconds`}::interval`
    expect((await logIn('agent@earshot.example', demoPassword, ip)).status).toBe(201)
  })

  it('refuses every account from an address with 20 failures, and no other address', async () => {
    const ip = '198.51.100.77'
    for (let i = 0; i < 20; i++) expect((await logIn(`guess${i}@earshot.example`, 'wrong', ip)).status).toBe(401)
    expect((await logIn('admin@earshot.example', demoPassword, ip)).status).toBe(429)
    expect((await logIn('admin@earshot.example', demoPassword, '198.51.100.78')).status).toBe(201)
  })
})
