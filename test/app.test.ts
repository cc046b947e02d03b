// The authorization matrix: every route of the app against every role and no session, each
// expected status written down. Requests for the roles that may pass carry an unknown id or a
// body that fails validation, so the matrix changes nothing and each answer is one known status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../worker/app'
import { roles, type Role } from '../worker/auth/session'
import { parseConfig } from '../worker/config'
import { demoPassword, seedDemo } from '../worker/demo/seed'
import type { Services } from '../worker/env'
import { apiClient, type ApiClient } from './support/api'
import { createTestDatabase, type TestDatabase } from './support/database'

const app = createApp()
let db: TestDatabase
let api: ApiClient
const cookies = new Map<Role, string>()

beforeAll(async () => {
  db = await createTestDatabase()
  const services: Services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
  api = apiClient(app, services)
  await seedDemo(db.sql)
  for (const role of roles) cookies.set(role, (await api.logIn(`${role}@earshot.example`, demoPassword)).cookie)
})
afterAll(() => db.close())

const care: Role[] = ['agent', 'executive', 'admin']
/** Care and marketing: what reading a case takes (marketing follows Trends to a case, read-only). */
const readers: Role[] = [...care, 'marketing']
const acting: Role[] = ['agent', 'admin']
const everyone: Role[] = [...roles]
const admin: Role[] = ['admin']
const unknown = '999999999'

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The route as the app registers it. */
  route: string
  /** Who gets past authorization, and what they are answered then. */
  allowed: Role[] | 'public'
  status: number
  body?: unknown
}

// Bodies that fail validation ({}), unknown ids: a role that passes gets exactly this status.
const matrix: Row[] = [
  { method: 'GET', route: '/healthz', allowed: 'public', status: 200 },
  { method: 'POST', route: '/api/session', allowed: 'public', status: 400, body: {} },
  { method: 'DELETE', route: '/api/session', allowed: 'public', status: 204 },
  { method: 'GET', route: '/api/me', allowed: everyone, status: 200 },
  { method: 'GET', route: '/api/users', allowed: care, status: 200 },
  { method: 'GET', route: '/api/users/names', allowed: everyone, status: 200 },
  { method: 'GET', route: '/api/sources', allowed: admin, status: 200 },
  { method: 'POST', route: '/api/sources', allowed: admin, status: 400, body: {} },
  { method: 'GET', route: '/api/sources/:id', allowed: admin, status: 404 },
  { method: 'PATCH', route: '/api/sources/:id', allowed: admin, status: 400, body: {} },
  { method: 'DELETE', route: '/api/sources/:id', allowed: admin, status: 404 },
  { method: 'GET', route: '/api/sources/:id/rejected', allowed: admin, status: 404 },
  { method: 'GET', route: '/api/cases', allowed: care, status: 200 },
  { method: 'GET', route: '/api/cases/counts', allowed: care, status: 200 },
  { method: 'GET', route: '/api/cases/:id', allowed: readers, status: 404 },
  { method: 'POST', route: '/api/cases/:id/claim', allowed: acting, status: 404 },
  { method: 'POST', route: '/api/cases/:id/assign', allowed: acting, status: 400, body: {} },
  { method: 'POST', route: '/api/cases/:id/replies', allowed: acting, status: 400, body: {} },
  { method: 'POST', route: '/api/cases/:id/resolve', allowed: acting, status: 404 },
  { method: 'POST', route: '/api/cases/:id/waiting', allowed: acting, status: 400, body: {} },
  { method: 'POST', route: '/api/cases/:id/notes', allowed: care, status: 400, body: {} },
  { method: 'GET', route: '/api/cases/:id/presence', allowed: care, status: 404 },
  { method: 'POST', route: '/api/cases/:id/presence', allowed: care, status: 400, body: {} },
  { method: 'GET', route: '/api/customers/:id', allowed: readers, status: 404 },
  { method: 'POST', route: '/api/customers/:id/merge', allowed: acting, status: 400, body: {} },
  { method: 'POST', route: '/api/customer-merges/:id/undo', allowed: acting, status: 404 },
  { method: 'POST', route: '/api/promises/:id/keep', allowed: care, status: 404 },
  { method: 'GET', route: '/api/notifications', allowed: everyone, status: 200 },
  { method: 'POST', route: '/api/notifications/:id/read', allowed: everyone, status: 404 },
  { method: 'GET', route: '/api/templates', allowed: care, status: 200 },
  { method: 'GET', route: '/api/events', allowed: care, status: 200 },
  { method: 'GET', route: '/api/cases/:id/handoff/draft', allowed: acting, status: 404 },
  { method: 'POST', route: '/api/cases/:id/handoff', allowed: acting, status: 400, body: {} },
  { method: 'GET', route: '/api/handoffs', allowed: ['executive', 'admin'], status: 200 },
  { method: 'POST', route: '/api/handoffs/:id/accept', allowed: ['executive', 'admin'], status: 404 },
  { method: 'POST', route: '/api/handoffs/:id/decline', allowed: ['executive', 'admin'], status: 400, body: {} },
  { method: 'POST', route: '/api/handoffs/:id/callback', allowed: ['executive', 'admin'], status: 400, body: {} },
  { method: 'POST', route: '/api/handoffs/:id/outcome', allowed: ['executive', 'admin'], status: 400, body: {} },
  { method: 'GET', route: '/api/handoffs/:id/callback.ics', allowed: ['agent', 'executive', 'admin'], status: 404 },
  { method: 'GET', route: '/s/:token', allowed: 'public', status: 404 },
  { method: 'POST', route: '/s/:token', allowed: 'public', status: 404, body: {} },
  { method: 'GET', route: '/api/satisfaction', allowed: ['admin', 'executive', 'marketing'], status: 200 },
  { method: 'GET', route: '/api/trends', allowed: ['marketing', 'executive', 'admin'], status: 200 },
  { method: 'GET', route: '/api/trends/mentions', allowed: ['marketing', 'executive', 'admin'], status: 200 },
  { method: 'GET', route: '/api/trends/export.csv', allowed: ['marketing', 'executive', 'admin'], status: 400 },
  { method: 'GET', route: '/api/trends/mentions.csv', allowed: ['marketing', 'executive', 'admin'], status: 200 },
  { method: 'GET', route: '/api/trends/alerts', allowed: everyone, status: 200 },
  { method: 'POST', route: '/api/trends/alerts/:id/dismiss', allowed: ['marketing', 'executive', 'admin'], status: 404 },
  { method: 'GET', route: '/api/admin/users', allowed: admin, status: 200 },
  { method: 'POST', route: '/api/admin/users', allowed: admin, status: 400, body: {} },
  { method: 'PATCH', route: '/api/admin/users/:id', allowed: admin, status: 400, body: {} },
  { method: 'GET', route: '/api/admin/users/:id/shifts', allowed: admin, status: 404 },
  { method: 'PUT', route: '/api/admin/users/:id/shifts', allowed: admin, status: 400, body: {} },
  { method: 'GET', route: '/api/admin/teams', allowed: admin, status: 200 },
  { method: 'POST', route: '/api/admin/teams', allowed: admin, status: 400, body: {} },
  { method: 'PATCH', route: '/api/admin/teams/:id', allowed: admin, status: 400, body: {} },
  { method: 'PUT', route: '/api/admin/teams/:id/members', allowed: admin, status: 400, body: {} },
  { method: 'GET', route: '/api/admin/brands', allowed: admin, status: 200 },
  { method: 'PATCH', route: '/api/admin/brands/:id', allowed: admin, status: 400, body: {} },
  { method: 'GET', route: '/api/admin/brands/:id/hours', allowed: admin, status: 404 },
  { method: 'PUT', route: '/api/admin/brands/:id/hours', allowed: admin, status: 400, body: {} },
  { method: 'GET', route: '/api/admin/brands/:id/holidays', allowed: admin, status: 404 },
  { method: 'PUT', route: '/api/admin/brands/:id/holidays', allowed: admin, status: 400, body: {} },
  { method: 'GET', route: '/api/admin/brands/:id/sla', allowed: admin, status: 404 },
  { method: 'PUT', route: '/api/admin/brands/:id/sla', allowed: admin, status: 400, body: {} },
  { method: 'GET', route: '/api/admin/templates', allowed: admin, status: 200 },
  { method: 'POST', route: '/api/admin/templates', allowed: admin, status: 400, body: {} },
  { method: 'PATCH', route: '/api/admin/templates/:id', allowed: admin, status: 400, body: {} },
  { method: 'DELETE', route: '/api/admin/templates/:id', allowed: admin, status: 404 },
]

function expectedFor(row: Row, who: Role | null): number {
  if (row.allowed === 'public') return row.status
  if (who === null) return 401
  return row.allowed.includes(who) ? row.status : 403
}

async function statusOf(row: Row, who: Role | null): Promise<number> {
  // Logging out ends the session it is sent with: give it one of its own.
  const loggingOut = row.method === 'DELETE' && row.route === '/api/session'
  const cookie = who === null ? undefined : loggingOut ? (await api.logIn(`${who}@earshot.example`, demoPassword)).cookie : cookies.get(who)
  const response = await api.call(row.method, row.route.replace(':id', unknown), row.body, cookie)
  // The event stream stays open; its status is all this table needs.
  await response.body?.cancel()
  return response.status
}

describe('authorization matrix', () => {
  it('covers every route the app serves', () => {
    const served = new Set(app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`))
    const listed = new Set(matrix.map((row) => `${row.method} ${row.route}`))
    expect([...served].filter((route) => !listed.has(route))).toEqual([])
    expect([...listed].filter((route) => !served.has(route))).toEqual([])
  })

  for (const row of matrix) {
    it(`${row.method} ${row.route}`, async () => {
      const answers: Record<string, number> = {}
      const expected: Record<string, number> = {}
      for (const who of [null, ...roles]) {
        answers[who ?? 'no session'] = await statusOf(row, who)
        expected[who ?? 'no session'] = expectedFor(row, who)
      }
      expect(answers).toEqual(expected)
    })
  }
})
