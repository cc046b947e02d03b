// Session rotation: logging in ends the session the browser came with.
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionRoutes, type AuthedEnv } from '../../worker/auth/session'
import { parseConfig } from '../../worker/config'
import { demoPassword, seedDemo } from '../../worker/demo/seed'
import { userRoutes } from '../../worker/users/routes'
import { apiClient, type ApiClient } from '../support/api'
import { createTestDatabase, type TestDatabase } from '../support/database'

const app = new Hono<AuthedEnv>().route('/', sessionRoutes).route('/', userRoutes)

let db: TestDatabase
let api: ApiClient

beforeAll(async () => {
  db = await createTestDatabase()
  api = apiClient(app, { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} })
  await seedDemo(db.sql)
})
afterAll(() => db.close())

const credentials = { email: 'agent@earshot.example', password: demoPassword }

function cookieOf(response: Response): string {
  const setCookie = response.headers.get('set-cookie')
  if (!setCookie) throw new Error(`no cookie set; answered ${response.status}`)
  return setCookie.split(';')[0]!
}

describe('log-in with a session cookie', () => {
  it('deletes the old session: its cookie no longer works, the new one does', async () => {
    const first = await api.logIn(credentials.email, credentials.password)
    expect((await api.call('GET', '/api/me', undefined, first.cookie)).status).toBe(200)

    const again = await api.call('POST', '/api/session', credentials, first.cookie)
    expect(again.status).toBe(201)
    const second = cookieOf(again)
    expect(second).not.toBe(first.cookie)

    expect((await api.call('GET', '/api/me', undefined, first.cookie)).status).toBe(401)
    expect((await api.call('GET', '/api/me', undefined, second)).status).toBe(200)
  })

  it('keeps the old session when the log-in fails', async () => {
    const { cookie } = await api.logIn(credentials.email, credentials.password)
    expect((await api.call('POST', '/api/session', { ...credentials, password: 'wrong' }, cookie)).status).toBe(401)
    expect((await api.call('GET', '/api/me', undefined, cookie)).status).toBe(200)
  })

  it("ends someone else's session sent along too, since it was planted or stale", async () => {
    const admin = await api.logIn('admin@earshot.example', demoPassword)
    expect((await api.call('POST', '/api/session', credentials, admin.cookie)).status).toBe(201)
    expect((await api.call('GET', '/api/me', undefined, admin.cookie)).status).toBe(401)
  })
})
