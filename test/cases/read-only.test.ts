// Marketing reads a case (followed from a Trends drill-down) and what its page shows beside the
// timeline, and nothing more: not the inbox, not the presence list, and no action on the case.
import { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AuthedEnv } from '../../worker/auth/session'
import { collabRoutes } from '../../worker/cases/collab-routes'
import { caseRoutes } from '../../worker/cases/routes'
import { customerRoutes } from '../../worker/customers/routes'
import { handoffRoutes } from '../../worker/handoff/routes'
import { promiseRoutes } from '../../worker/promises/routes'
import { userRoutes } from '../../worker/users/routes'
import { useCareApi, type Person } from '../support/care-api'
import { allWeek } from '../support/routing'

const routes = new Hono<AuthedEnv>()
  .route('/', caseRoutes)
  .route('/', collabRoutes)
  .route('/', customerRoutes)
  .route('/', userRoutes)
  .route('/', promiseRoutes)
  .route('/', handoffRoutes)
const care = useCareApi(routes, 'readonly')
const people: Record<'agent' | 'marketing', Person> = {} as Record<'agent' | 'marketing', Person>
let caseId: string
let promiseId: string

const call = (method: string, path: string, who: keyof typeof people, body?: unknown) => care.api.call(method, path, body, people[who].cookie)

/** What an action would change: the case row, its events, its promises, who is on it. */
async function footprint(id: string) {
  const [kase] = await care.db.sql`select status, owner_id, priority, updated_at from care_case where id = ${id}`
  const events = await care.db.sql`select id from case_event where case_id = ${id} order by id`
  const promises = await care.db.sql`select id, status from promise where case_id = ${id} order by id`
  const presence = await care.db.sql`select user_id from case_presence where case_id = ${id} order by user_id`
  return { kase, events, promises, presence }
}

beforeAll(async () => {
  people.agent = await care.person({ email: 'anna@readonly.example', name: 'Anna Agent', shifts: allWeek })
  people.marketing = await care.marketer('mark@readonly.example')
  // A case with a story: claimed, answered with a promise, noted.
  caseId = await care.newCase()
  expect((await call('POST', `/api/cases/${caseId}/claim`, 'agent', {})).status).toBe(200)
  const due = new Date(Date.now() + 3 * 3_600_000).toISOString()
  const reply = await call('POST', `/api/cases/${caseId}/replies`, 'agent', { channel: 'public', body: 'We are on it.', promise: { text: 'a technician visit', due_at: due } })
  expect(reply.status).toBe(201)
  promiseId = ((await reply.json()) as { promiseId: string }).promiseId
  expect((await call('POST', `/api/cases/${caseId}/notes`, 'agent', { text: 'Line test booked.' })).status).toBe(201)
})

describe('marketing reading a case', () => {
  it('gets the case with its whole timeline, as care does', async () => {
    const response = await call('GET', `/api/cases/${caseId}`, 'marketing')
    expect(response.status).toBe(200)
    const detail = (await response.json()) as { case: { id: string; owner: { id: string } | null }; timeline: { kind: string }[] }
    expect(detail.case.id).toBe(caseId)
    expect(detail.case.owner?.id).toBe(people.agent.id)
    expect(detail.timeline.map((event) => event.kind)).toEqual(expect.arrayContaining(['assignment', 'reply', 'promise', 'note']))
    const agents = (await (await call('GET', `/api/cases/${caseId}`, 'agent')).json()) as { timeline: unknown[] }
    expect(detail.timeline).toEqual(agents.timeline)
  })

  it('gets what the case page shows beside it: the customer, and the names on the timeline', async () => {
    const [row] = await care.db.sql<{ customer_id: string }[]>`select customer_id from care_case where id = ${caseId}`
    const customer = await call('GET', `/api/customers/${row!.customer_id}`, 'marketing')
    expect(customer.status).toBe(200)
    expect(((await customer.json()) as { cases: { id: string }[] }).cases.map((item) => item.id)).toContain(caseId)
    const names = await call('GET', '/api/users/names', 'marketing')
    expect(names.status).toBe(200)
    expect(((await names.json()) as { users: { id: string; name: string }[] }).users).toContainEqual({ id: people.agent.id, name: 'Anna Agent' })
    // Not the colleagues list with addresses and shifts: that is for picking whom to assign.
    expect((await call('GET', '/api/users', 'marketing')).status).toBe(403)
  })

  it('answers 404 for an unknown case and 400 for a bad id, as for care', async () => {
    expect((await call('GET', '/api/cases/999999999', 'marketing')).status).toBe(404)
    expect((await call('GET', '/api/cases/abc', 'marketing')).status).toBe(400)
  })

  it('is not the inbox: no list, no counts', async () => {
    for (const path of ['/api/cases', '/api/cases/counts']) {
      const response = await call('GET', path, 'marketing')
      expect(response.status, path).toBe(403)
    }
  })

  it('leaves no trace in presence and does not see who is on the case', async () => {
    expect((await call('POST', `/api/cases/${caseId}/presence`, 'agent', { typing: false })).status).toBe(200)
    await call('GET', `/api/cases/${caseId}`, 'marketing')
    expect((await call('POST', `/api/cases/${caseId}/presence`, 'marketing', { typing: false })).status).toBe(403)
    expect((await call('GET', `/api/cases/${caseId}/presence`, 'marketing')).status).toBe(403)
    const seen = (await (await call('GET', `/api/cases/${caseId}/presence`, 'agent')).json()) as { present: unknown[] }
    expect(seen.present).toEqual([])
    expect((await footprint(caseId)).presence).toEqual([{ user_id: people.agent.id }])
  })
})

describe('marketing acting on a case', () => {
  const actions: [string, (id: string) => string, unknown][] = [
    ['POST', (id) => `/api/cases/${id}/claim`, {}],
    ['POST', (id) => `/api/cases/${id}/assign`, { user_id: '1', reason: 'mine now' }],
    ['POST', (id) => `/api/cases/${id}/replies`, { channel: 'public', body: 'Hello from marketing' }],
    ['POST', (id) => `/api/cases/${id}/resolve`, {}],
    ['POST', (id) => `/api/cases/${id}/waiting`, { waiting: true }],
    ['POST', (id) => `/api/cases/${id}/notes`, { text: 'A note from marketing' }],
    ['GET', (id) => `/api/cases/${id}/handoff/draft`, undefined],
    ['POST', (id) => `/api/cases/${id}/handoff`, { summary: 'Please call back', executive_id: null }],
  ]

  for (const [method, path, body] of actions) {
    it(`is refused: ${method} ${path(':id')}, with a problem naming the roles, and nothing changes`, async () => {
      const before = await footprint(caseId)
      const response = await call(method, path(caseId), 'marketing', body)
      expect(response.status).toBe(403)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      expect(await response.json()).toEqual(expect.objectContaining({ status: 403, title: 'Forbidden', detail: expect.stringMatching(/^This needs the role .*agent/) }))
      expect(await footprint(caseId)).toEqual(before)
    })
  }

  it('cannot keep a promise made on the case', async () => {
    const before = await footprint(caseId)
    expect((await call('POST', `/api/promises/${promiseId}/keep`, 'marketing')).status).toBe(403)
    expect(await footprint(caseId)).toEqual(before)
    expect(before.promises).toEqual([{ id: promiseId, status: 'open' }])
  })
})
