// The customer API: who may merge, undo and read; what it accepts; and each refusal named.
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionRoutes } from '../../worker/auth/session'
import { parseConfig } from '../../worker/config'
import { customerRoutes } from '../../worker/customers/routes'
import { demoPassword, seedDemo } from '../../worker/demo/seed'
import type { AppEnv, Services } from '../../worker/env'
import { problem } from '../../worker/http/problem'
import { apiClient, type ApiClient } from '../support/api'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertCase, insertCustomer } from '../support/fixtures'

// Only the routes under test (worker/app.ts mounts them in the product), with the app's fallbacks.
const app = new Hono<AppEnv>()
  .route('/', sessionRoutes)
  .route('/', customerRoutes)
  .notFound(() => problem({ status: 404, title: 'Not Found', detail: 'No route' }))
  .onError((error) => {
    console.error(error)
    return problem({ status: 500, title: 'Internal Server Error' })
  })

let db: TestDatabase
let services: Services
let api: ApiClient
let brandId: string
let platformUserIds = 0
const cookies = new Map<string, string>()

beforeAll(async () => {
  db = await createTestDatabase()
  services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
  api = apiClient(app, services)
  await seedDemo(db.sql)
  const [brand] = await db.sql<{ id: string }[]>`select id from brand where slug = 'nordlink'`
  brandId = brand!.id
  for (const role of ['agent', 'executive', 'marketing', 'admin']) {
    cookies.set(role, (await api.logIn(`${role}@earshot.example`, demoPassword)).cookie)
  }
})
afterAll(() => db.close())

const call = (method: string, path: string, body?: unknown, role?: string, contentType?: string) =>
  api.call(method, path, body, role && cookies.get(role), contentType)

async function customer() {
  platformUserIds += 1
  return insertCustomer(db.sql, `r${platformUserIds}`)
}

async function mergeVia(survivorId: string, mergedId: string, role = 'agent') {
  return call('POST', `/api/customers/${survivorId}/merge`, { customer_id: mergedId, reason: 'same person, told us on X' }, role)
}

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  return (await response.json()) as { status: number; detail: string; reason?: string }
}

interface MergeBody {
  merge: { id: string; survivor_id: string; merged_id: string; undone_at: string | null; changes: { cases: unknown[] } }
}

describe('who may do what', () => {
  it('answers 401 without a session', async () => {
    expect((await call('GET', '/api/customers/1')).status).toBe(401)
    expect((await call('POST', '/api/customers/1/merge', { customer_id: '2', reason: 'x' })).status).toBe(401)
    expect((await call('POST', '/api/customer-merges/1/undo')).status).toBe(401)
  })

  it('lets agents and admins merge and undo; executives and marketing only read', async () => {
    const s = await customer()
    const m = await customer()
    for (const role of ['executive', 'marketing']) {
      expect((await mergeVia(s.customerId, m.customerId, role)).status).toBe(403)
    }
    for (const role of ['agent', 'executive', 'marketing', 'admin']) {
      expect((await call('GET', `/api/customers/${s.customerId}`, undefined, role)).status).toBe(200)
    }

    const merged = await mergeVia(s.customerId, m.customerId, 'admin')
    expect(merged.status).toBe(201)
    const { merge } = (await merged.json()) as MergeBody
    for (const role of ['executive', 'marketing']) {
      expect((await call('POST', `/api/customer-merges/${merge.id}/undo`, undefined, role)).status).toBe(403)
    }
    expect((await call('POST', `/api/customer-merges/${merge.id}/undo`, undefined, 'agent')).status).toBe(200)
  })
})

describe('POST /api/customers/:id/merge', () => {
  it('merges and answers with the merge record', async () => {
    const s = await customer()
    const m = await customer()
    const survivorCase = await insertCase(db.sql, brandId, s.customerId)
    const mergedCase = await insertCase(db.sql, brandId, m.customerId)
    const response = await call('POST', `/api/customers/${s.customerId}/merge`, { customer_id: Number(m.customerId), reason: '  same person  ' }, 'agent')
    expect(response.status).toBe(201)
    const { merge } = (await response.json()) as MergeBody & { merge: { reason: string; merged_by: string } }
    expect(merge).toMatchObject({ survivor_id: s.customerId, merged_id: m.customerId, reason: 'same person', undone_at: null })
    expect(merge.changes.cases).toEqual([expect.objectContaining({ id: mergedCase, into: survivorCase, action: 'closed_into' })])
    const [agent] = await db.sql<{ id: string }[]>`select id from app_user where email = 'agent@earshot.example'`
    expect(merge.merged_by).toBe(agent!.id)
  })

  it.each([
    ['no customer_id', { reason: 'same person' }, /customer_id/],
    ['a customer_id that is not an id', { customer_id: 'abc', reason: 'same person' }, /customer_id/],
    ['a negative customer_id', { customer_id: -3, reason: 'same person' }, /customer_id/],
    ['no reason', { customer_id: '1' }, /reason/],
    ['an empty reason', { customer_id: '1', reason: '   ' }, /reason/],
    ['a reason too long', { customer_id: '1', reason: 'x'.repeat(1001) }, /reason/],
  ])('answers 400 to %s', async (_case, body, field) => {
    const s = await customer()
    const response = await call('POST', `/api/customers/${s.customerId}/merge`, body, 'agent')
    expect(response.status).toBe(400)
    expect((await problemOf(response)).detail).toMatch(field)
  })

  it('answers 400 to an id that is not one, and 415 to a body that is not JSON', async () => {
    expect((await call('POST', '/api/customers/abc/merge', { customer_id: '1', reason: 'x' }, 'agent')).status).toBe(400)
    const s = await customer()
    expect((await call('POST', `/api/customers/${s.customerId}/merge`, { customer_id: '1', reason: 'x' }, 'agent', 'text/plain')).status).toBe(415)
  })

  it('answers 404 for an unknown survivor or merged customer', async () => {
    const s = await customer()
    const unknownSurvivor = await mergeVia('999999999', s.customerId)
    expect(unknownSurvivor.status).toBe(404)
    expect((await problemOf(unknownSurvivor)).detail).toBe('There is no customer 999999999.')
    expect((await mergeVia(s.customerId, '999999998')).status).toBe(404)
  })

  it('answers 409 naming the reason: same customer, already merged, survivor merged', async () => {
    const s = await customer()
    const m = await customer()
    const other = await customer()

    const same = await mergeVia(s.customerId, s.customerId)
    expect(same.status).toBe(409)
    expect(await problemOf(same)).toMatchObject({ reason: 'same_customer', detail: expect.stringMatching(/into itself/) })

    expect((await mergeVia(s.customerId, m.customerId)).status).toBe(201)
    const again = await mergeVia(other.customerId, m.customerId)
    expect(again.status).toBe(409)
    expect(await problemOf(again)).toMatchObject({ reason: 'already_merged', detail: expect.stringMatching(/already merged/) })

    const intoMerged = await mergeVia(m.customerId, other.customerId)
    expect(intoMerged.status).toBe(409)
    expect(await problemOf(intoMerged)).toMatchObject({ reason: 'survivor_merged', detail: expect.stringMatching(/itself merged/) })
  })
})

describe('POST /api/customer-merges/:id/undo', () => {
  it('undoes, then answers 409 already undone', async () => {
    const s = await customer()
    const m = await customer()
    const { merge } = (await (await mergeVia(s.customerId, m.customerId)).json()) as MergeBody
    const response = await call('POST', `/api/customer-merges/${merge.id}/undo`, undefined, 'agent')
    expect(response.status).toBe(200)
    const body = (await response.json()) as MergeBody & { kept_on_survivor: string[] }
    expect(body.merge.undone_at).not.toBeNull()
    expect(body.kept_on_survivor).toEqual([])

    const twice = await call('POST', `/api/customer-merges/${merge.id}/undo`, undefined, 'agent')
    expect(twice.status).toBe(409)
    expect(await problemOf(twice)).toMatchObject({ reason: 'already_undone', detail: expect.stringMatching(/already undone/) })
  })

  it('answers 409 when the survivor has since been merged again', async () => {
    const a = await customer()
    const b = await customer()
    const c = await customer()
    const first = (await (await mergeVia(b.customerId, a.customerId)).json()) as MergeBody
    expect((await mergeVia(c.customerId, b.customerId)).status).toBe(201)
    const response = await call('POST', `/api/customer-merges/${first.merge.id}/undo`, undefined, 'agent')
    expect(response.status).toBe(409)
    expect(await problemOf(response)).toMatchObject({
      reason: 'survivor_merged_again',
      detail: expect.stringContaining(`has since been merged into customer ${c.customerId}`),
    })
  })

  it('answers 404 for an unknown merge and 400 for an id that is not one', async () => {
    expect((await call('POST', '/api/customer-merges/999999999/undo', undefined, 'agent')).status).toBe(404)
    expect((await call('POST', '/api/customer-merges/x1/undo', undefined, 'agent')).status).toBe(400)
  })
})

describe('GET /api/customers/:id', () => {
  it('shows the identities of customers merged into it and all their cases, newest first', async () => {
    const a = await customer()
    const b = await customer()
    const c = await customer()
    const cOld = await insertCase(db.sql, brandId, c.customerId, 'resolved')
    const aOld = await insertCase(db.sql, brandId, a.customerId, 'resolved')
    const bOpen = await insertCase(db.sql, brandId, b.customerId)
    await db.sql`update care_case set opened_at = now() - interval '3 days' where id = ${cOld}`
    await db.sql`update care_case set opened_at = now() - interval '2 days' where id = ${aOld}`
    await db.sql`update care_case set opened_at = now() - interval '1 day' where id = ${bOpen}`
    expect((await mergeVia(b.customerId, a.customerId)).status).toBe(201)
    expect((await mergeVia(c.customerId, b.customerId)).status).toBe(201)

    const response = await call('GET', `/api/customers/${c.customerId}`, undefined, 'executive')
    expect(response.status).toBe(200)
    const view = (await response.json()) as {
      customer: { id: string; merged_into_id: string | null }
      merged_customer_ids: string[]
      identities: { id: string; customer_id: string }[]
      cases: { id: string; customer_id: string; status: string }[]
      merges: { survivor_id: string; merged_id: string }[]
    }
    expect(view.customer).toMatchObject({ id: c.customerId, merged_into_id: null })
    expect(view.merged_customer_ids.sort()).toEqual([a.customerId, b.customerId].sort())
    // Its own identity first.
    expect(view.identities.map((i) => i.id)).toEqual([c.identityId, a.identityId, b.identityId])
    expect(view.cases.map((k) => k.id)).toEqual([bOpen, aOld, cOld])
    expect(view.cases[0]).toMatchObject({ customer_id: c.customerId, status: 'open' })
    expect(view.merges).toEqual([expect.objectContaining({ survivor_id: c.customerId, merged_id: b.customerId })])

    const mergedView = (await (await call('GET', `/api/customers/${a.customerId}`, undefined, 'agent')).json()) as typeof view
    expect(mergedView.customer.merged_into_id).toBe(c.customerId)
    expect(mergedView.identities.map((i) => i.id)).toEqual([a.identityId])
  })

  it('answers 404 for an unknown customer and 400 for an id that is not one', async () => {
    const missing = await call('GET', '/api/customers/999999999', undefined, 'agent')
    expect(missing.status).toBe(404)
    expect((await problemOf(missing)).detail).toBe('There is no customer 999999999.')
    expect((await call('GET', '/api/customers/12a', undefined, 'agent')).status).toBe(400)
  })
})
