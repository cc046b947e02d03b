// The admin API for teams: create, rename, change the lead, set the members; refusals and audit.
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminRoutes } from '../../worker/admin/routes'
import { sessionRoutes, type AuthedEnv } from '../../worker/auth/session'
import { parseConfig } from '../../worker/config'
import { demoPassword, seedDemo } from '../../worker/demo/seed'
import type { Services } from '../../worker/env'
import { apiClient, type ApiClient } from '../support/api'
import { createTestDatabase, type TestDatabase } from '../support/database'

const app = new Hono<AuthedEnv>().route('/', sessionRoutes).route('/', adminRoutes)
let db: TestDatabase
let api: ApiClient
let brandId: string
const cookies = new Map<string, string>()
const ids = new Map<string, string>()

beforeAll(async () => {
  db = await createTestDatabase()
  const services: Services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
  api = apiClient(app, services)
  await seedDemo(db.sql)
  brandId = (await db.sql<{ id: string }[]>`select id from brand where slug = 'nordlink'`)[0]!.id
  for (const role of ['admin', 'agent', 'executive']) {
    const session = await api.logIn(`${role}@earshot.example`, demoPassword)
    cookies.set(role, session.cookie)
    ids.set(role, session.userId)
  }
})
afterAll(() => db.close())

const call = (method: string, path: string, body?: unknown, role?: string) => api.call(method, path, body, role && cookies.get(role))
const json = async <T>(response: Response, status: number): Promise<T> => {
  expect(response.status, await response.clone().text()).toBe(status)
  return (await response.json()) as T
}

async function lastAudit(action: string) {
  const [row] = await db.sql<{ actor_id: string; target_type: string; target_id: string; detail: Record<string, unknown> }[]>`
    select actor_id, target_type, target_id, detail from audit_log where action = ${action} order by id desc limit 1`
  return row
}

interface Team {
  id: string
  brand_id: string
  name: string
  lead: { id: string; name: string } | null
  members: { id: string; name: string }[]
}

describe('who may', () => {
  it.each([
    ['GET', '/api/admin/teams', undefined],
    ['POST', '/api/admin/teams', { brand_id: '1', name: 'X' }],
    ['PATCH', '/api/admin/teams/1', { name: 'X' }],
    ['PUT', '/api/admin/teams/1/members', { user_ids: [] }],
  ])('%s %s: 401 without a session, 403 for an agent', async (method, path, body) => {
    expect((await call(method, path, body)).status).toBe(401)
    expect((await call(method, path, body, 'agent')).status).toBe(403)
  })
})

describe('teams', () => {
  it('lists teams with their lead and members', async () => {
    const { teams } = await json<{ teams: Team[] }>(await call('GET', '/api/admin/teams', undefined, 'admin'), 200)
    expect(teams).toHaveLength(1)
    expect(teams[0]).toMatchObject({ brand_id: brandId, name: 'Care', lead: { id: ids.get('admin'), name: 'Alex Morgan' } })
    expect(teams[0]!.members.map((member) => member.name).sort()).toEqual(['Alex Morgan', 'Ilja Smirnov', 'Maria Tamm'])
  })

  it('creates a team, with or without a lead, and audits it', async () => {
    const { team } = await json<{ team: Team }>(
      await call('POST', '/api/admin/teams', { brand_id: brandId, name: 'Billing', lead_id: ids.get('agent') }, 'admin'),
      201,
    )
    expect(team).toMatchObject({ brand_id: brandId, name: 'Billing', lead: { id: ids.get('agent') }, members: [] })
    expect(await lastAudit('admin.team.create')).toEqual({
      actor_id: ids.get('admin'),
      target_type: 'team',
      target_id: team.id,
      detail: { brand_id: brandId, name: 'Billing', lead_id: ids.get('agent') },
    })
    const { team: leaderless } = await json<{ team: Team }>(await call('POST', '/api/admin/teams', { brand_id: Number(brandId), name: 'Nights' }, 'admin'), 201)
    expect(leaderless.lead).toBeNull()
  })

  it('refuses a second team of the same name in a brand (409), unknown brands and leads (422), bad bodies (400)', async () => {
    expect((await json<{ field: string }>(await call('POST', '/api/admin/teams', { brand_id: brandId, name: 'Care' }, 'admin'), 409)).field).toBe('name')
    expect((await json<{ field: string }>(await call('POST', '/api/admin/teams', { brand_id: '999999', name: 'Ghosts' }, 'admin'), 422)).field).toBe('brand_id')
    expect((await json<{ field: string }>(await call('POST', '/api/admin/teams', { brand_id: brandId, name: 'Ghosts', lead_id: '999999' }, 'admin'), 422)).field).toBe('lead_id')
    expect((await call('POST', '/api/admin/teams', { brand_id: brandId, name: '  ' }, 'admin')).status).toBe(400)
    expect((await call('POST', '/api/admin/teams', { brand_id: 'nordlink', name: 'Ghosts' }, 'admin')).status).toBe(400)
  })

  it('renames a team and changes or removes its lead', async () => {
    const { team } = await json<{ team: Team }>(await call('POST', '/api/admin/teams', { brand_id: brandId, name: 'Social' }, 'admin'), 201)
    const renamed = await json<{ team: Team }>(await call('PATCH', `/api/admin/teams/${team.id}`, { name: 'Social care', lead_id: ids.get('agent') }, 'admin'), 200)
    expect(renamed.team).toMatchObject({ name: 'Social care', lead: { id: ids.get('agent') } })
    const leadless = await json<{ team: Team }>(await call('PATCH', `/api/admin/teams/${team.id}`, { lead_id: null }, 'admin'), 200)
    expect(leadless.team).toMatchObject({ name: 'Social care', lead: null })
    expect(await lastAudit('admin.team.update')).toMatchObject({ target_id: team.id, detail: { changes: { lead_id: null } } })

    expect((await json<{ field: string }>(await call('PATCH', `/api/admin/teams/${team.id}`, { name: 'Care' }, 'admin'), 409)).field).toBe('name')
    expect((await call('PATCH', `/api/admin/teams/${team.id}`, { lead_id: '999999' }, 'admin')).status).toBe(422)
    expect((await call('PATCH', `/api/admin/teams/${team.id}`, {}, 'admin')).status).toBe(400)
    expect((await call('PATCH', '/api/admin/teams/999999', { name: 'Nobody' }, 'admin')).status).toBe(404)
  })

  it('sets the members, auditing who joined and who left', async () => {
    const { teams } = await json<{ teams: Team[] }>(await call('GET', '/api/admin/teams', undefined, 'admin'), 200)
    const care = teams.find((team) => team.name === 'Care')!
    const wanted = [ids.get('agent')!, ids.get('executive')!, ids.get('executive')!]
    const { team } = await json<{ team: Team }>(await call('PUT', `/api/admin/teams/${care.id}/members`, { user_ids: wanted }, 'admin'), 200)
    expect(team.members.map((member) => member.id).sort()).toEqual([ids.get('agent'), ids.get('executive')].sort())
    const audit = await lastAudit('admin.team.members')
    expect(audit!.detail.added).toEqual([ids.get('executive')])
    expect((audit!.detail.removed as string[]).sort()).toEqual(
      care.members.map((member) => member.id).filter((id) => id !== ids.get('agent')).sort(),
    )
    const emptied = await json<{ team: Team }>(await call('PUT', `/api/admin/teams/${care.id}/members`, { user_ids: [] }, 'admin'), 200)
    expect(emptied.team.members).toEqual([])
  })

  it('refuses unknown members (422), unknown teams (404) and bad ids (400)', async () => {
    const { teams } = await json<{ teams: Team[] }>(await call('GET', '/api/admin/teams', undefined, 'admin'), 200)
    const problem = await json<{ field: string; detail: string }>(
      await call('PUT', `/api/admin/teams/${teams[0]!.id}/members`, { user_ids: [ids.get('agent'), '999999'] }, 'admin'),
      422,
    )
    expect(problem).toMatchObject({ field: 'user_ids', detail: expect.stringContaining('999999') })
    expect((await call('PUT', '/api/admin/teams/999999/members', { user_ids: [] }, 'admin')).status).toBe(404)
    expect((await call('PUT', `/api/admin/teams/${teams[0]!.id}/members`, { user_ids: ['me'] }, 'admin')).status).toBe(400)
  })
})
