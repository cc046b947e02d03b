// The people API: who I am, and the colleagues to pick from with whether they are on shift.
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionRoutes, type AuthedEnv } from '../../worker/auth/session'
import { parseConfig } from '../../worker/config'
import { demoPassword, seedDemo } from '../../worker/demo/seed'
import { listColleagues, userRoutes } from '../../worker/users/routes'
import { apiClient, type ApiClient } from '../support/api'
import { createTestDatabase, type TestDatabase } from '../support/database'

const app = new Hono<AuthedEnv>().route('/', sessionRoutes).route('/', userRoutes)

let db: TestDatabase
let api: ApiClient
const cookies = new Map<string, string>()

beforeAll(async () => {
  db = await createTestDatabase()
  api = apiClient(app, { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} })
  await seedDemo(db.sql)
  for (const role of ['agent', 'executive', 'marketing', 'admin']) {
    cookies.set(role, (await api.logIn(`${role}@earshot.example`, demoPassword)).cookie)
  }
})
afterAll(() => db.close())

const get = (path: string, role?: string) => api.call('GET', path, undefined, role && cookies.get(role))

/** Who is on shift at `now`, by name. */
async function onShiftAt(now: string): Promise<Record<string, boolean>> {
  const colleagues = await listColleagues(db.sql, new Date(now))
  return Object.fromEntries(colleagues.map((colleague) => [colleague.name, colleague.on_shift]))
}

describe('GET /api/me', () => {
  it('answers 401 without a session', async () => {
    const response = await get('/api/me')
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
  })

  it('tells every role who they are, with their languages', async () => {
    const response = await get('/api/me', 'agent')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      user: { id: expect.stringMatching(/^\d+$/), email: 'agent@earshot.example', name: 'Maria Tamm', role: 'agent', languages: ['et', 'ru', 'en'] },
    })
    expect(await (await get('/api/me', 'marketing')).json()).toMatchObject({ user: { role: 'marketing', languages: ['it', 'en', 'es'] } })
  })
})

describe('GET /api/users/names', () => {
  it('names everyone who has used Earshot, former colleagues too, and nothing more, for every role', async () => {
    expect((await get('/api/users/names')).status).toBe(401)
    await db.sql`update app_user set active = false where email = 'nights@earshot.example'`
    try {
      for (const role of ['agent', 'executive', 'marketing', 'admin']) {
        const response = await get('/api/users/names', role)
        expect(response.status).toBe(200)
        const { users } = (await response.json()) as { users: Record<string, unknown>[] }
        expect(users.map((user) => user.name)).toEqual(['Alex Morgan', 'Ilja Smirnov', 'Jaan Kask', 'Maria Tamm', 'Sofia Rossi'])
        expect(Object.keys(users[0]!).sort()).toEqual(['id', 'name'])
      }
    } finally {
      await db.sql`update app_user set active = true where email = 'nights@earshot.example'`
    }
  })
})

describe('GET /api/users', () => {
  it('is for agents, executives and admins', async () => {
    expect((await get('/api/users')).status).toBe(401)
    for (const role of ['agent', 'executive', 'admin']) expect((await get('/api/users', role)).status).toBe(200)
    expect((await get('/api/users', 'marketing')).status).toBe(403)
  })

  it('lists active users by name with role, languages and whether they are on shift', async () => {
    await db.sql`update app_user set active = false where email = 'nights@earshot.example'`
    try {
      const response = await get('/api/users', 'agent')
      const { users } = (await response.json()) as { users: Record<string, unknown>[] }
      expect(users.map((user) => user.name)).toEqual(['Alex Morgan', 'Jaan Kask', 'Maria Tamm', 'Sofia Rossi'])
      expect(users[2]).toEqual({
        id: expect.stringMatching(/^\d+$/),
        name: 'Maria Tamm',
        email: 'agent@earshot.example',
        role: 'agent',
        languages: ['et', 'ru', 'en'],
        on_shift: expect.any(Boolean),
      })
    } finally {
      await db.sql`update app_user set active = true where email = 'nights@earshot.example'`
    }
  })

  it('reports on_shift from the shifts as of the request', async () => {
    // Shifts around the clock, and no holidays, so the answer does not depend on when the test runs.
    const holidays = await db.sql`delete from holiday returning brand_id, day::text as day, name`
    await db.sql`
      insert into user_shift (user_id, weekday, starts_at, ends_at)
      select u.id, d, '00:00', '24:00' from app_user u, generate_series(1, 7) d
       where u.email = 'executive@earshot.example'`
    try {
      const { users } = (await (await get('/api/users', 'admin')).json()) as { users: { name: string; on_shift: boolean }[] }
      expect(users.find((user) => user.name === 'Jaan Kask')?.on_shift).toBe(true)
      // No shifts at all: never on shift.
      expect(users.find((user) => user.name === 'Sofia Rossi')?.on_shift).toBe(false)
    } finally {
      await db.sql`
        delete from user_shift where user_id = (select id from app_user where email = 'executive@earshot.example')
           and starts_at = '00:00'`
      await db.sql`insert into holiday ${db.sql(holidays.map((row) => ({ ...row })))}`
    }
  })
})

describe('listColleagues on_shift', () => {
  it("reads shifts in the brand's zone: Monday 10:00 and 20:00 in Tallinn", async () => {
    expect(await onShiftAt('2026-11-23T08:00:00Z')).toEqual({
      'Alex Morgan': false,
      'Ilja Smirnov': false,
      // In no team: the first brand's zone.
      'Jaan Kask': true,
      'Maria Tamm': true,
      'Sofia Rossi': false,
    })
    expect(await onShiftAt('2026-11-23T18:00:00Z')).toMatchObject({ 'Alex Morgan': false, 'Ilja Smirnov': true, 'Maria Tamm': false })
  })

  it("takes the brand's holidays off", async () => {
    // Thursday 24 December, 10:00 in Tallinn: Christmas Eve.
    expect(await onShiftAt('2026-12-24T08:00:00Z')).toMatchObject({ 'Maria Tamm': false, 'Jaan Kask': false })
  })

  it("uses the zone of the brand of the user's first team", async () => {
    const [brand] = await db.sql<{ id: string }[]>`
      insert into brand (slug, name, time_zone) values ('west', 'West', 'America/New_York') returning id`
    const [team] = await db.sql<{ id: string }[]>`insert into team (brand_id, name) values (${brand!.id}, 'West care') returning id`
    const [sofia] = await db.sql<{ id: string }[]>`select id from app_user where email = 'marketing@earshot.example'`
    await db.sql`insert into team_member (team_id, user_id) values (${team!.id}, ${sofia!.id})`
    await db.sql`insert into user_shift (user_id, weekday, starts_at, ends_at) values (${sofia!.id}, 1, '09:00', '17:00')`
    try {
      // Monday 10:00 in New York is 17:00 in Tallinn, when a 09:00–17:00 shift there has ended.
      expect(await onShiftAt('2026-11-23T15:00:00Z')).toMatchObject({ 'Sofia Rossi': true })
      expect(await onShiftAt('2026-11-23T22:30:00Z')).toMatchObject({ 'Sofia Rossi': false })
    } finally {
      await db.sql`delete from user_shift where user_id = ${sofia!.id}`
      await db.sql`delete from brand where id = ${brand!.id}`
    }
  })
})
