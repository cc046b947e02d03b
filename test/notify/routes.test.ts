// The notification API: for the logged-in person only, newest first, and marked read one by one.
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sessionRoutes, type AuthedEnv } from '../../worker/auth/session'
import { parseConfig } from '../../worker/config'
import { demoPassword, seedDemo } from '../../worker/demo/seed'
import type { Services } from '../../worker/env'
import { notify } from '../../worker/notify/notify'
import { notificationRoutes } from '../../worker/notify/routes'
import { apiClient, type ApiClient, type Session } from '../support/api'
import { createTestDatabase, type TestDatabase } from '../support/database'

const app = new Hono<AuthedEnv>().route('/', sessionRoutes).route('/', notificationRoutes)
let db: TestDatabase
let services: Services
let api: ApiClient
const sessions = new Map<string, Session>()

beforeAll(async () => {
  db = await createTestDatabase()
  services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
  api = apiClient(app, services)
  await seedDemo(db.sql)
  for (const role of ['agent', 'admin', 'marketing']) {
    sessions.set(role, await api.logIn(`${role}@earshot.example`, demoPassword))
  }
})
afterAll(() => db.close())
beforeEach(async () => {
  await db.sql`delete from notification`
})

const call = (method: string, path: string, body?: unknown, role?: string) => api.call(method, path, body, role && sessions.get(role)!.cookie)

interface Listed {
  notifications: { id: string; kind: string; body: Record<string, unknown>; read_at: string | null }[]
}

async function tell(role: string, key: string) {
  await notify(db.sql, [{ userId: sessions.get(role)!.userId, caseId: null, kind: 'assignment', body: { key }, dedupeKey: key }])
}

describe('GET /api/notifications', () => {
  it('needs a session', async () => {
    const response = await call('GET', '/api/notifications')
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
  })

  it('lists only the caller’s own unread notifications, newest first', async () => {
    await tell('agent', 'first')
    await tell('admin', 'for-the-admin')
    await tell('agent', 'second')
    await db.sql`update notification set created_at = now() - interval '1 hour' where dedupe_key = 'first'`
    const response = await call('GET', '/api/notifications', undefined, 'agent')
    expect(response.status).toBe(200)
    const { notifications } = (await response.json()) as Listed
    expect(notifications.map((row) => row.body.key)).toEqual(['second', 'first'])

    const marketing = (await (await call('GET', '/api/notifications', undefined, 'marketing')).json()) as Listed
    expect(marketing.notifications).toEqual([])
  })

  it('takes a limit and refuses a bad one', async () => {
    await tell('agent', 'a')
    await tell('agent', 'b')
    const limited = (await (await call('GET', '/api/notifications?limit=1', undefined, 'agent')).json()) as Listed
    expect(limited.notifications).toHaveLength(1)
    expect((await call('GET', '/api/notifications?limit=0', undefined, 'agent')).status).toBe(400)
    expect((await call('GET', '/api/notifications?limit=lots', undefined, 'agent')).status).toBe(400)
  })
})

describe('POST /api/notifications/:id/read', () => {
  it('marks the caller’s notification read, which drops it from the list', async () => {
    await tell('agent', 'read-me')
    const { notifications } = (await (await call('GET', '/api/notifications', undefined, 'agent')).json()) as Listed
    const id = notifications[0]!.id
    const response = await call('POST', `/api/notifications/${id}/read`, undefined, 'agent')
    expect(response.status).toBe(200)
    const { notification } = (await response.json()) as { notification: { id: string; read_at: string | null } }
    expect(notification.id).toBe(id)
    expect(notification.read_at).not.toBeNull()
    expect(((await (await call('GET', '/api/notifications', undefined, 'agent')).json()) as Listed).notifications).toEqual([])
    // Reading it again is harmless and keeps the first time.
    const again = (await (await call('POST', `/api/notifications/${id}/read`, undefined, 'agent')).json()) as { notification: { read_at: string | null } }
    expect(again.notification.read_at).toBe(notification.read_at)
  })

  it('answers 404 for someone else’s notification and leaves it unread', async () => {
    await tell('admin', 'not-yours')
    const [row] = await db.sql<{ id: string }[]>`select id from notification where dedupe_key = 'not-yours'`
    const response = await call('POST', `/api/notifications/${row!.id}/read`, undefined, 'agent')
    expect(response.status).toBe(404)
    const [after] = await db.sql<{ read_at: Date | null }[]>`select read_at from notification where id = ${row!.id}`
    expect(after!.read_at).toBeNull()
  })

  it('answers 404 for an id that is not one, and 401 without a session', async () => {
    expect((await call('POST', '/api/notifications/abc/read', undefined, 'agent')).status).toBe(404)
    expect((await call('POST', '/api/notifications/999999/read', undefined, 'agent')).status).toBe(404)
    expect((await call('POST', '/api/notifications/1/read')).status).toBe(401)
  })
})
