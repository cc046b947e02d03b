// The case API over HTTP: claim, assign, transfer, reply with a promise, resolve, waiting; who
// may do what; and bad input answered with problems.
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionRoutes, type AuthedEnv } from '../../worker/auth/session'
import { caseRoutes } from '../../worker/cases/routes'
import { parseConfig } from '../../worker/config'
import { hashPassword } from '../../worker/auth/password'
import type { Services } from '../../worker/env'
import { apiClient, type ApiClient } from '../support/api'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { allWeek, insertAgent, insertIdentity, insertRoutingBrand, type RoutingBrand } from '../support/routing'

const app = new Hono<AuthedEnv>().route('/', sessionRoutes).route('/', caseRoutes)
let db: TestDatabase
let services: Services
let api: ApiClient
let brand: RoutingBrand
const people: Record<string, { id: string; cookie: string }> = {}
const password = 'correct horse battery'

beforeAll(async () => {
  db = await createTestDatabase()
  services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
  api = apiClient(app, services)
  brand = await insertRoutingBrand(db.sql, 'api')
  const hash = await hashPassword(password)
  const specs = [
    { key: 'anna', role: 'agent' as const, shifts: allWeek },
    { key: 'boris', role: 'agent' as const, shifts: allWeek },
    { key: 'off', role: 'agent' as const, shifts: [] as [number, string, string][] },
    { key: 'exec', role: 'executive' as const, shifts: allWeek },
  ]
  for (const spec of specs) {
    const user = await insertAgent(db.sql, { email: `${spec.key}@api.example`, name: spec.key, role: spec.role, languages: ['en'], shifts: spec.shifts, teamId: brand.teamId })
    await db.sql`update app_user set password_hash = ${hash} where id = ${user.id}`
    people[spec.key] = { id: user.id, cookie: await logIn(`${spec.key}@api.example`) }
  }
  await db.sql`update app_user set password_hash = ${hash} where id = ${brand.leadId}`
  people.lead = { id: brand.leadId, cookie: await logIn('lead@api.example') }
})
afterAll(() => db.close())

const logIn = async (email: string) => (await api.logIn(email, password)).cookie
const call = (method: string, path: string, body?: unknown, who?: string) => api.call(method, path, body, who && people[who]!.cookie)

let customers = 0
async function queuedCase(): Promise<string> {
  const { customerId } = await insertIdentity(db.sql, `api-customer-${++customers}`)
  const [row] = await db.sql<{ id: string }[]>`
    insert into care_case (brand_id, customer_id, status, priority, team_id, first_response_due_at, resolution_due_at, sla_due_at)
    values (${brand.brandId}, ${customerId}, 'new', 3, ${brand.teamId}, now() + interval '1 hour', now() + interval '2 days', now() + interval '1 hour')
    returning id`
  return row!.id
}

async function assignments(caseId: string) {
  return db.sql<{ actor_id: string | null; body: Record<string, unknown> }[]>`
    select actor_id, body from case_event where case_id = ${caseId} and kind = 'assignment' order by id`
}

async function ownerOf(caseId: string) {
  const [row] = await db.sql<{ owner_id: string | null; status: string }[]>`select owner_id, status from care_case where id = ${caseId}`
  return row!
}

describe('claim', () => {
  it('gives a queued case to the agent, with the reason on the timeline and in the audit log', async () => {
    const caseId = await queuedCase()
    const response = await call('POST', `/api/cases/${caseId}/claim`, { reason: 'I know this customer' }, 'anna')
    expect(response.status).toBe(200)
    expect(await ownerOf(caseId)).toEqual({ owner_id: people.anna!.id, status: 'open' })
    expect(await assignments(caseId)).toEqual([
      { actor_id: people.anna!.id, body: { action: 'claim', from: null, to: people.anna!.id, reason: 'I know this customer' } },
    ])
    const [audit] = await db.sql`select action, actor_id from audit_log where target_type = 'case' and target_id = ${caseId}`
    expect(audit).toEqual({ action: 'case.claim', actor_id: people.anna!.id })
  })

  it('refuses to take someone else’s case, naming the owner', async () => {
    const caseId = await queuedCase()
    expect((await call('POST', `/api/cases/${caseId}/claim`, undefined, 'anna')).status).toBe(200)
    const response = await call('POST', `/api/cases/${caseId}/claim`, undefined, 'boris')
    expect(response.status).toBe(409)
    expect((await response.json()).detail).toContain('belongs to anna')
    expect((await ownerOf(caseId)).owner_id).toBe(people.anna!.id)
  })

  it('two agents claiming at once: exactly one wins', async () => {
    const caseId = await queuedCase()
    const statuses = (await Promise.all([call('POST', `/api/cases/${caseId}/claim`, undefined, 'anna'), call('POST', `/api/cases/${caseId}/claim`, undefined, 'boris')])).map((response) => response.status)
    expect(statuses.sort()).toEqual([200, 409])
    expect(await assignments(caseId)).toHaveLength(1)
  })
})

describe('assign and transfer', () => {
  it('transfers with a reason to someone on shift, and tells them', async () => {
    const caseId = await queuedCase()
    await call('POST', `/api/cases/${caseId}/claim`, undefined, 'anna')
    const response = await call('POST', `/api/cases/${caseId}/assign`, { user_id: people.boris!.id, reason: 'Russian speaker' }, 'anna')
    expect(response.status).toBe(200)
    expect((await ownerOf(caseId)).owner_id).toBe(people.boris!.id)
    expect((await assignments(caseId)).at(-1)!.body).toEqual({ action: 'transfer', from: people.anna!.id, to: people.boris!.id, reason: 'Russian speaker' })
    const [note] = await db.sql`select kind from notification where user_id = ${people.boris!.id} and case_id = ${caseId}`
    expect(note).toEqual({ kind: 'transfer' })
  })

  it('refuses a receiver who is off shift', async () => {
    const caseId = await queuedCase()
    const response = await call('POST', `/api/cases/${caseId}/assign`, { user_id: people.off!.id, reason: 'please' }, 'anna')
    expect(response.status).toBe(422)
    expect((await response.json()).detail).toContain('not on shift')
    expect((await ownerOf(caseId)).owner_id).toBeNull()
  })

  it('refuses handing a case to an executive (that is a handoff)', async () => {
    const caseId = await queuedCase()
    const response = await call('POST', `/api/cases/${caseId}/assign`, { user_id: people.exec!.id, reason: 'vip' }, 'anna')
    expect(response.status).toBe(422)
  })

  it('lets only the owner, the team lead or an admin transfer', async () => {
    const caseId = await queuedCase()
    await call('POST', `/api/cases/${caseId}/claim`, undefined, 'anna')
    expect((await call('POST', `/api/cases/${caseId}/assign`, { user_id: people.boris!.id, reason: 'mine now' }, 'boris')).status).toBe(403)
    expect((await call('POST', `/api/cases/${caseId}/assign`, { user_id: people.boris!.id, reason: 'rebalancing' }, 'lead')).status).toBe(200)
  })

  it('wants a reason', async () => {
    const caseId = await queuedCase()
    const response = await call('POST', `/api/cases/${caseId}/assign`, { user_id: people.boris!.id }, 'anna')
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toContain('application/problem+json')
  })
})

describe('replies, promises and resolving', () => {
  it('a reply stops the first-response clock; a promise on it blocks resolving until kept', async () => {
    const caseId = await queuedCase()
    await call('POST', `/api/cases/${caseId}/claim`, undefined, 'anna')
    const due = new Date(Date.now() + 3 * 3_600_000).toISOString()
    const reply = await call('POST', `/api/cases/${caseId}/replies`, { channel: 'public', body: 'We are on it.', promise: { text: 'a technician visit', due_at: due } }, 'anna')
    expect(reply.status).toBe(201)
    const { promiseId } = (await reply.json()) as { promiseId: string }
    const [clocks] = await db.sql<{ first_response_at: Date | null; sla_due_at: Date | null; resolution_due_at: Date | null }[]>`
      select first_response_at, sla_due_at, resolution_due_at from care_case where id = ${caseId}`
    expect(clocks!.first_response_at).not.toBeNull()
    expect(clocks!.sla_due_at).toEqual(clocks!.resolution_due_at) // only the resolution clock still runs

    const refused = await call('POST', `/api/cases/${caseId}/resolve`, undefined, 'anna')
    expect(refused.status).toBe(409)
    const problem = (await refused.json()) as { detail: string }
    expect(problem.detail).toContain(`open promise #${promiseId} "a technician visit"`)
    expect((await ownerOf(caseId)).status).toBe('open')

    await db.sql`update promise set status = 'kept', settled_at = now() where id = ${promiseId}`
    expect((await call('POST', `/api/cases/${caseId}/resolve`, { note: 'technician fixed the line' }, 'anna')).status).toBe(200)
    const [resolved] = await db.sql<{ status: string; sla_due_at: Date | null }[]>`select status, sla_due_at from care_case where id = ${caseId}`
    expect(resolved).toEqual({ status: 'resolved', sla_due_at: null })
  })

  it('refuses to resolve while an executive callback is owed, naming it', async () => {
    const caseId = await queuedCase()
    const [handoff] = await db.sql<{ id: string }[]>`
      insert into handoff (case_id, requested_by, executive_id, summary, status, callback_at, callback_channel)
      values (${caseId}, ${people.anna!.id}, ${people.exec!.id}, 'Outage for 5 days', 'callback_scheduled', now() + interval '2 hours', 'phone')
      returning id`
    const response = await call('POST', `/api/cases/${caseId}/resolve`, undefined, 'anna')
    expect(response.status).toBe(409)
    expect((await response.json()).detail).toContain(`owed callback from handoff #${handoff!.id}`)
  })

  it('waiting on the customer pauses the resolution clock and resumes it with what was left', async () => {
    const caseId = await queuedCase()
    await db.sql`update care_case set first_response_at = now(), resolution_due_at = now() + interval '2 hours' where id = ${caseId}`
    expect((await call('POST', `/api/cases/${caseId}/waiting`, { waiting: true }, 'anna')).status).toBe(200)
    const [paused] = await db.sql<{ status: string; resolution_due_at: Date | null; resolution_paused_minutes: number | null; sla_due_at: Date | null }[]>`
      select status, resolution_due_at, resolution_paused_minutes, sla_due_at from care_case where id = ${caseId}`
    expect(paused!.status).toBe('waiting_on_customer')
    expect(paused!.resolution_due_at).toBeNull()
    expect(paused!.sla_due_at).toBeNull()
    // The brand is open Mon–Fri 08–20 Tallinn: two wall-clock hours hold at most 120 business minutes.
    expect(paused!.resolution_paused_minutes).toBeGreaterThanOrEqual(0)
    expect(paused!.resolution_paused_minutes).toBeLessThanOrEqual(120)
    expect((await call('POST', `/api/cases/${caseId}/waiting`, { waiting: false }, 'anna')).status).toBe(200)
    const [resumed] = await db.sql<{ status: string; resolution_due_at: Date | null; sla_due_at: Date | null }[]>`
      select status, resolution_due_at, sla_due_at from care_case where id = ${caseId}`
    expect(resumed!.status).toBe('open')
    expect(resumed!.resolution_due_at).not.toBeNull()
    expect(resumed!.sla_due_at).toEqual(resumed!.resolution_due_at)
  })
})

describe('reading a case', () => {
  it('says when the team is next on shift, for the {next_staffed_time} template variable', async () => {
    const caseId = await queuedCase()
    const response = await call('GET', `/api/cases/${caseId}`, undefined, 'anna')
    expect(response.status).toBe(200)
    const detail = (await response.json()) as { next_staffed_at: string | null; next_staffed_time: string | null; timeline: unknown[] }
    // Anna and Boris are on shift around the clock: the next staffed time is now.
    expect(Math.abs(Date.parse(detail.next_staffed_at!) - Date.now())).toBeLessThan(60_000)
    expect(detail.next_staffed_time).toMatch(/\d{2}:\d{2}/)
  })
})

describe('who may do what', () => {
  it('401 without a session, 403 for executives acting, 404 for an unknown case, 400 for a bad id', async () => {
    const caseId = await queuedCase()
    expect((await call('GET', '/api/cases')).status).toBe(401)
    expect((await call('POST', `/api/cases/${caseId}/claim`, undefined, 'exec')).status).toBe(403)
    expect((await call('GET', `/api/cases/${caseId}`, undefined, 'exec')).status).toBe(200)
    expect((await call('POST', '/api/cases/999999/claim', undefined, 'anna')).status).toBe(404)
    expect((await call('GET', '/api/cases/abc', undefined, 'anna')).status).toBe(400)
  })

  it('lists open cases most urgent first, with owners', async () => {
    const response = await call('GET', `/api/cases?brand=${brand.brandId}&owner=any`, undefined, 'anna')
    expect(response.status).toBe(200)
    const { cases } = (await response.json()) as { cases: { priority: number; sla_due_at: string | null }[] }
    expect(cases.length).toBeGreaterThan(0)
    const order = cases.map((item) => item.priority)
    expect(order).toEqual([...order].sort())
    expect((await call('GET', '/api/cases?owner=someone', undefined, 'anna')).status).toBe(400)
  })
})
