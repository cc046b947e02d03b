// The admin API for people and their shifts: admins only, what it accepts and refuses, sessions
// ended by a new password or a deactivation, the last admin kept, and the audit log.
import { describe, expect, it } from 'vitest'
import { adminRoutes } from '../../worker/admin/routes'
import { demoUsers } from '../../worker/demo/seed'
import { describeAdminOnly, json, useDemoApi } from '../support/demo-api'

const demo = useDemoApi(adminRoutes, ['admin', 'agent'])
const { call, lastAudit } = demo

interface User {
  id: string
  email: string
  name: string
  role: string
  languages: string[]
  capacity: number
  active: boolean
  teams: { id: string; name: string }[]
}

describeAdminOnly(demo, [
  ['GET', '/api/admin/users', undefined],
  ['POST', '/api/admin/users', { email: 'x@y.example', name: 'X', role: 'agent', password: 'long enough pass' }],
  ['PATCH', '/api/admin/users/1', { name: 'X' }],
  ['GET', '/api/admin/users/1/shifts', undefined],
  ['PUT', '/api/admin/users/1/shifts', { shifts: [] }],
])

describe('users', () => {
  it('lists everyone with languages and teams, never a password hash', async () => {
    const { users } = await json<{ users: (User & Record<string, unknown>)[] }>(await call('GET', '/api/admin/users', undefined, 'admin'), 200)
    expect(users.map((user) => user.email)).toEqual(demoUsers.map((user) => user.email))
    const maria = users.find((user) => user.email === 'agent@earshot.example')!
    expect(maria).toMatchObject({ name: 'Maria Tamm', role: 'agent', languages: ['et', 'ru', 'en'], active: true, teams: [{ name: 'Care' }] })
    expect(users.every((user) => !('password_hash' in user))).toBe(true)
  })

  it('creates a user who can then log in, and audits it without the password', async () => {
    const body = { email: 'Kadri@earshot.example', name: 'Kadri Kuusk', role: 'agent', password: 'a long passphrase', languages: ['et', 'en', 'et'], capacity: 12 }
    const { user } = await json<{ user: User }>(await call('POST', '/api/admin/users', body, 'admin'), 201)
    expect(user).toMatchObject({ email: 'Kadri@earshot.example', name: 'Kadri Kuusk', role: 'agent', languages: ['et', 'en'], capacity: 12, active: true, teams: [] })
    expect((await demo.api.logIn('kadri@earshot.example', 'a long passphrase')).userId).toBe(user.id)
    const audit = await lastAudit('admin.user.create')
    expect(audit).toEqual({ actor_id: demo.ids.get('admin'), target_type: 'user', target_id: user.id, detail: { email: 'Kadri@earshot.example', role: 'agent' } })
    expect(JSON.stringify(audit)).not.toContain('passphrase')
  })

  it('refuses a taken email (in any case) with a 409 naming the field', async () => {
    const body = await json<{ field: string; detail: string }>(
      await call('POST', '/api/admin/users', { email: 'AGENT@earshot.example', name: 'Twin', role: 'agent', password: 'a long passphrase' }, 'admin'),
      409,
    )
    expect(body.field).toBe('email')
    expect(body.detail).toContain('AGENT@earshot.example')
  })

  it.each([
    [{ email: 'short@earshot.example', name: 'Short', role: 'agent', password: '123456789' }, 'password'],
    [{ email: 'role@earshot.example', name: 'Role', role: 'boss', password: 'a long passphrase' }, 'role'],
    [{ email: 'lang@earshot.example', name: 'Lang', role: 'agent', password: 'a long passphrase', languages: ['EST'] }, 'languages'],
    [{ email: 'not an email', name: 'Mail', role: 'agent', password: 'a long passphrase' }, 'email'],
    [{ email: 'cap@earshot.example', name: 'Cap', role: 'agent', password: 'a long passphrase', capacity: 0 }, 'capacity'],
    [{ email: 'extra@earshot.example', name: 'Extra', role: 'agent', password: 'a long passphrase', admin: true }, 'admin'],
  ])('answers 400 for %j', async (body, field) => {
    const problem = await json<{ detail: string }>(await call('POST', '/api/admin/users', body, 'admin'), 400)
    expect(problem.detail).toContain(field)
  })

  it('changes name, role, languages and capacity, and audits which', async () => {
    const id = demo.ids.get('agent')!
    const change = { name: 'Maria Tamm-Kask', languages: ['et'], capacity: 20 }
    const { user } = await json<{ user: User }>(await call('PATCH', `/api/admin/users/${id}`, change, 'admin'), 200)
    expect(user).toMatchObject({ id, name: 'Maria Tamm-Kask', role: 'agent', languages: ['et'], capacity: 20 })
    expect(await lastAudit('admin.user.update')).toMatchObject({
      target_id: id,
      detail: { fields: ['capacity', 'languages', 'name'], changes: change, password_changed: false },
    })
  })

  it('ends the sessions of someone given a new password, and of someone deactivated', async () => {
    const { user } = await json<{ user: User }>(
      await call('POST', '/api/admin/users', { email: 'temp@earshot.example', name: 'Temp', role: 'agent', password: 'first passphrase' }, 'admin'),
      201,
    )
    const sessions = async () => (await demo.db.sql<{ n: number }[]>`select count(*)::int as n from session where user_id = ${user.id}`)[0]!.n
    await demo.api.logIn('temp@earshot.example', 'first passphrase')
    expect(await sessions()).toBe(1)
    await json(await call('PATCH', `/api/admin/users/${user.id}`, { password: 'second passphrase' }, 'admin'), 200)
    expect(await sessions()).toBe(0)
    await expect(demo.api.logIn('temp@earshot.example', 'first passphrase')).rejects.toThrow(/401/)
    await demo.api.logIn('temp@earshot.example', 'second passphrase')
    expect((await lastAudit('admin.user.update'))!.detail).toMatchObject({ password_changed: true })
    expect(JSON.stringify(await lastAudit('admin.user.update'))).not.toContain('second passphrase')

    await json(await call('PATCH', `/api/admin/users/${user.id}`, { active: false }, 'admin'), 200)
    expect(await sessions()).toBe(0)
    await expect(demo.api.logIn('temp@earshot.example', 'second passphrase')).rejects.toThrow(/401/)
  })

  it('keeps at least one active admin', async () => {
    const me = demo.ids.get('admin')!
    expect((await json<{ field: string }>(await call('PATCH', `/api/admin/users/${me}`, { role: 'agent' }, 'admin'), 409)).field).toBe('role')
    expect((await json<{ field: string }>(await call('PATCH', `/api/admin/users/${me}`, { active: false }, 'admin'), 409)).field).toBe('active')
    const { user: second } = await json<{ user: User }>(
      await call('POST', '/api/admin/users', { email: 'second-admin@earshot.example', name: 'Second', role: 'admin', password: 'a long passphrase' }, 'admin'),
      201,
    )
    await json(await call('PATCH', `/api/admin/users/${second.id}`, { role: 'executive' }, 'admin'), 200)
  })

  it('answers 404 for an unknown user and 400 for nothing to change', async () => {
    expect((await call('PATCH', '/api/admin/users/999999', { name: 'Nobody' }, 'admin')).status).toBe(404)
    expect((await call('PATCH', '/api/admin/users/abc', { name: 'Nobody' }, 'admin')).status).toBe(404)
    expect((await call('PATCH', `/api/admin/users/${demo.ids.get('agent')}`, {}, 'admin')).status).toBe(400)
    expect((await call('PATCH', `/api/admin/users/${demo.ids.get('agent')}`, { password: 'short' }, 'admin')).status).toBe(400)
    expect((await call('PATCH', `/api/admin/users/${demo.ids.get('agent')}`, { email: 'new@earshot.example' }, 'admin')).status).toBe(400)
  })
})

describe('shifts', () => {
  it("reads a person's shifts as HH:MM", async () => {
    const { shifts } = await json<{ shifts: { weekday: number; starts_at: string; ends_at: string }[] }>(
      await call('GET', `/api/admin/users/${demo.ids.get('agent')}/shifts`, undefined, 'admin'),
      200,
    )
    expect(shifts[0]).toEqual({ weekday: 1, starts_at: '08:00', ends_at: '16:00' })
    expect(shifts).toHaveLength(6)
  })

  it('replaces them, overnight and to midnight included, and audits it', async () => {
    const id = demo.ids.get('agent')!
    const shifts = [
      { weekday: 5, starts_at: '22:00', ends_at: '06:00' },
      { weekday: 1, starts_at: '09:30', ends_at: '17:30' },
      { weekday: 6, starts_at: '00:00', ends_at: '24:00' },
    ]
    const answer = await json<{ shifts: unknown[] }>(await call('PUT', `/api/admin/users/${id}/shifts`, { shifts }, 'admin'), 200)
    expect(answer.shifts).toEqual([shifts[1], shifts[0], shifts[2]])
    expect((await json<{ shifts: unknown[] }>(await call('GET', `/api/admin/users/${id}/shifts`, undefined, 'admin'), 200)).shifts).toEqual(answer.shifts)
    expect(await lastAudit('admin.user.shifts')).toMatchObject({ target_type: 'user', target_id: id, detail: { shifts } })
    await json(await call('PUT', `/api/admin/users/${id}/shifts`, { shifts: [] }, 'admin'), 200)
    expect((await json<{ shifts: unknown[] }>(await call('GET', `/api/admin/users/${id}/shifts`, undefined, 'admin'), 200)).shifts).toEqual([])
  })

  it.each([
    [{ shifts: [{ weekday: 1, starts_at: '25:00', ends_at: '26:00' }] }],
    [{ shifts: [{ weekday: 1, starts_at: '8:00', ends_at: '16:00' }] }],
    [{ shifts: [{ weekday: 8, starts_at: '08:00', ends_at: '16:00' }] }],
    [{ shifts: [{ weekday: 1, starts_at: '24:00', ends_at: '06:00' }] }],
    [{ shifts: [{ weekday: 1, starts_at: '08:00', ends_at: '08:00' }] }],
    [{ shifts: [{ weekday: 1, starts_at: '08:00', ends_at: '12:00' }, { weekday: 1, starts_at: '08:00', ends_at: '16:00' }] }],
    [{}],
  ])('answers 400 for %j', async (body) => {
    expect((await call('PUT', `/api/admin/users/${demo.ids.get('agent')}/shifts`, body, 'admin')).status).toBe(400)
  })

  it('answers 404 for an unknown user', async () => {
    expect((await call('GET', '/api/admin/users/999999/shifts', undefined, 'admin')).status).toBe(404)
    expect((await call('PUT', '/api/admin/users/999999/shifts', { shifts: [] }, 'admin')).status).toBe(404)
  })
})
