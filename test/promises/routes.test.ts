// Keeping a promise over HTTP: who may, and what each outcome answers.
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionRoutes, type AuthedEnv } from '../../worker/auth/session'
import { makePromise, sweepPromises } from '../../worker/cases/promises'
import { parseConfig } from '../../worker/config'
import { demoPassword, seedDemo } from '../../worker/demo/seed'
import type { Services } from '../../worker/env'
import { promiseRoutes } from '../../worker/promises/routes'
import { apiClient, type ApiClient, type Session } from '../support/api'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertCase, insertCustomer } from '../support/fixtures'

const app = new Hono<AuthedEnv>().route('/', sessionRoutes).route('/', promiseRoutes)
let db: TestDatabase
let services: Services
let api: ApiClient
let brandId: string
const sessions = new Map<string, Session>()

beforeAll(async () => {
  db = await createTestDatabase()
  services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
  api = apiClient(app, services)
  await seedDemo(db.sql)
  const [brand] = await db.sql<{ id: string }[]>`select id from brand where slug = 'nordlink'`
  brandId = brand!.id
  for (const role of ['agent', 'executive', 'marketing']) {
    sessions.set(role, await api.logIn(`${role}@earshot.example`, demoPassword))
  }
})
afterAll(() => db.close())

const call = (method: string, path: string, role?: string) => api.call(method, path, undefined, role && sessions.get(role)!.cookie)

let serial = 0
async function openPromise(dueAt = new Date(Date.now() + 3_600_000)): Promise<string> {
  const { customerId } = await insertCustomer(db.sql, `route-${++serial}`)
  const caseId = await insertCase(db.sql, brandId, customerId)
  const promise = await db.sql.begin((tx) =>
    makePromise(tx, { caseId, madeBy: sessions.get('agent')!.userId, text: 'a call back today', dueAt, eventId: null }),
  )
  return promise.id
}

describe('POST /api/promises/:id/keep', () => {
  it('needs a session and a care role', async () => {
    const id = await openPromise()
    expect((await call('POST', `/api/promises/${id}/keep`)).status).toBe(401)
    expect((await call('POST', `/api/promises/${id}/keep`, 'marketing')).status).toBe(403)
  })

  it('keeps an open promise and answers with it', async () => {
    const id = await openPromise()
    const response = await call('POST', `/api/promises/${id}/keep`, 'agent')
    expect(response.status).toBe(200)
    const { promise } = (await response.json()) as { promise: Record<string, unknown> }
    expect(promise).toMatchObject({ id, status: 'kept', text: 'a call back today' })
    expect(promise.settled_at).not.toBeNull()
    const [event] = await db.sql<{ actor_id: string }[]>`
      select actor_id from case_event where kind = 'promise' and body->>'promise_id' = ${id} and body->>'status' = 'kept'`
    expect(event!.actor_id).toBe(sessions.get('agent')!.userId)
    const [audit] = await db.sql`select action, actor_id from audit_log where target_type = 'promise' and target_id = ${id}`
    expect(audit).toEqual({ action: 'promise.keep', actor_id: sessions.get('agent')!.userId })
  })

  it('lets an executive keep one too', async () => {
    expect((await call('POST', `/api/promises/${await openPromise()}/keep`, 'executive')).status).toBe(200)
  })

  it('answers 409 for a promise already kept or broken', async () => {
    const kept = await openPromise()
    await call('POST', `/api/promises/${kept}/keep`, 'agent')
    const again = await call('POST', `/api/promises/${kept}/keep`, 'agent')
    expect(again.status).toBe(409)
    expect(again.headers.get('content-type')).toBe('application/problem+json')
    expect(((await again.json()) as { detail: string }).detail).toMatch(/already kept/)

    const due = new Date(Date.now() - 60_000)
    const broken = await openPromise(due)
    await sweepPromises(db.sql, new Date())
    expect(((await (await call('POST', `/api/promises/${broken}/keep`, 'agent')).json()) as { detail: string }).detail).toMatch(/already broken/)
  })

  it('answers 404 for a promise that does not exist', async () => {
    expect((await call('POST', '/api/promises/999999/keep', 'agent')).status).toBe(404)
    expect((await call('POST', '/api/promises/not-a-number/keep', 'agent')).status).toBe(404)
  })
})
