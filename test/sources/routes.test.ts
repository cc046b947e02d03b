// The admin API for sources: who may use it, what it accepts, what it refuses, and the health view.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../worker/app'
import { parseConfig } from '../../worker/config'
import { demoPassword, seedDemo } from '../../worker/demo/seed'
import type { Services } from '../../worker/env'
import { apiClient, type ApiClient } from '../support/api'
import { createTestDatabase, type TestDatabase } from '../support/database'

const app = createApp()
let db: TestDatabase
let services: Services
let api: ApiClient
let brandId: string
const cookies = new Map<string, string>()

beforeAll(async () => {
  db = await createTestDatabase()
  services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
  api = apiClient(app, services)
  await seedDemo(db.sql)
  const [brand] = await db.sql<{ id: string }[]>`select id from brand where slug = 'nordlink'`
  brandId = brand!.id
  for (const role of ['admin', 'agent']) cookies.set(role, (await api.logIn(`${role}@earshot.example`, demoPassword)).cookie)
})
afterAll(() => db.close())
beforeEach(async () => {
  await db.sql`delete from source where platform <> 'demo'`
})

const call = (method: string, path: string, body?: unknown, role?: string, contentType?: string) =>
  api.call(method, path, body, role && cookies.get(role), contentType)

const xMentions = () => ({
  brand_id: brandId,
  platform: 'x',
  kind: 'mentions',
  name: 'X mentions',
  settings: { user_id: '1000', api_base_url: 'http://127.0.0.1:9/' },
  poll_interval_seconds: 30,
})

describe('log-in', () => {
  it('refuses a wrong password with 401 and no cookie', async () => {
    const response = await call('POST', '/api/session', { email: 'admin@earshot.example', password: 'nope' })
    expect(response.status).toBe(401)
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  it('sets an HttpOnly, SameSite=Lax cookie', async () => {
    const response = await call('POST', '/api/session', { email: 'ADMIN@earshot.example', password: demoPassword })
    expect(response.headers.get('set-cookie')).toMatch(/HttpOnly/)
    expect(response.headers.get('set-cookie')).toMatch(/SameSite=Lax/)
  })
})

describe('/api/sources', () => {
  it('is for admins: 401 without a session, 403 for an agent', async () => {
    expect((await call('GET', '/api/sources')).status).toBe(401)
    expect((await call('GET', '/api/sources', undefined, 'agent')).status).toBe(403)
    expect((await call('POST', '/api/sources', xMentions(), 'agent')).status).toBe(403)
    expect((await call('GET', '/api/sources', undefined, 'admin')).status).toBe(200)
  })

  it('creates a source with its defaults filled in, and audits it', async () => {
    const response = await call('POST', '/api/sources', xMentions(), 'admin')
    expect(response.status).toBe(201)
    const { source } = (await response.json()) as { source: Record<string, unknown> }
    expect(source).toMatchObject({
      platform: 'x',
      kind: 'mentions',
      status: 'waiting',
      poll_interval_seconds: 30,
      settings: { user_id: '1000', token_env: 'X_BEARER_TOKEN', backfill_pages: 3, include_bare_quotes: false },
    })
    const [audit] = await db.sql`select action, target_id from audit_log where action = 'source.create'`
    expect(audit).toMatchObject({ action: 'source.create', target_id: source.id })
  })

  it.each([
    ['an unknown platform', { platform: 'myspace' }, /platform/],
    ['a kind the network lacks', { kind: 'hashtag', query: '#nordlink' }, /can be of kind mentions, search/],
    ['a search without a query', { kind: 'search' }, /needs a query/],
    ['mentions without the account id', { settings: {} }, /user_id/],
    ['settings of the wrong type', { settings: { user_id: 1000 } }, /settings: user_id/],
    ['an interval of zero', { poll_interval_seconds: 0 }, /poll_interval_seconds/],
  ])('answers 400 with the reason for %s', async (_case, change, reason) => {
    const response = await call('POST', '/api/sources', { ...xMentions(), ...change }, 'admin')
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(((await response.json()) as { detail: string }).detail).toMatch(reason)
  })

  it('answers 415 to a body that is not JSON and 400 to broken JSON', async () => {
    expect((await call('POST', '/api/sources', xMentions(), 'admin', 'text/plain')).status).toBe(415)
    const broken = await app.request(
      '/api/sources',
      { method: 'POST', headers: { 'content-type': 'application/json', cookie: cookies.get('admin')! }, body: '{"platform":' },
      services,
    )
    expect(broken.status).toBe(400)
  })

  it('answers 422 for a brand that does not exist', async () => {
    expect((await call('POST', '/api/sources', { ...xMentions(), brand_id: '999999' }, 'admin')).status).toBe(422)
  })

  it('pauses, resumes (clearing a stop) and deletes', async () => {
    const created = (await (await call('POST', '/api/sources', xMentions(), 'admin')).json()) as { source: { id: string } }
    const id = created.source.id
    const paused = await call('PATCH', `/api/sources/${id}`, { enabled: false }, 'admin')
    expect(((await paused.json()) as { source: { status: string } }).source.status).toBe('paused')

    await db.sql`update source set stopped_at = now(), last_error = 'X answered 401', last_error_at = now() where id = ${id}`
    const stopped = (await (await call('GET', `/api/sources/${id}`, undefined, 'admin')).json()) as { source: { status: string } }
    expect(stopped.source.status).toBe('stopped')
    const resumed = (await (await call('PATCH', `/api/sources/${id}`, { enabled: true }, 'admin')).json()) as {
      source: { status: string; stopped_at: string | null; next_poll_at: string | null }
    }
    expect(resumed.source.stopped_at).toBeNull()
    expect(resumed.source.next_poll_at).not.toBeNull()

    expect((await call('PATCH', `/api/sources/${id}`, { platform: 'bluesky' }, 'admin')).status).toBe(400)
    expect((await call('PATCH', `/api/sources/${id}`, {}, 'admin')).status).toBe(400)
    expect((await call('DELETE', `/api/sources/${id}`, undefined, 'admin')).status).toBe(204)
    expect((await call('GET', `/api/sources/${id}`, undefined, 'admin')).status).toBe(404)
    expect((await call('DELETE', `/api/sources/${id}`, undefined, 'admin')).status).toBe(404)
  })

  it('resets the cursor when the search query changes', async () => {
    const response = await call('POST', '/api/sources', { ...xMentions(), kind: 'search', query: 'nordlink', settings: {} }, 'admin')
    const created = (await response.json()) as { source: { id: string } }
    await db.sql`update source set cursor = '1999' where id = ${created.source.id}`
    await call('PATCH', `/api/sources/${created.source.id}`, { query: 'nordlink outage' }, 'admin')
    const [row] = await db.sql`select cursor, query from source where id = ${created.source.id}`
    expect(row).toEqual({ cursor: null, query: 'nordlink outage' })
  })
})
