// People: who can log in, in which role, speaking which languages, carrying how much, on which shifts.
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { hashPassword } from '../auth/password'
import { roles, type AuthedEnv } from '../auth/session'
import type { Sql, Tx } from '../db/connect'
import { jsonBody } from '../http/validate'
import { calendar, CalendarError } from '../sla/calendar'
import {
  adminOnly,
  auditAdmin,
  badRequest,
  conflict,
  endOfSpan,
  firstDuplicate,
  languageArray,
  languageCode,
  notFound,
  timeOfDay,
  violates,
  weekday,
  withId,
} from './common'

export interface AdminUser {
  id: string
  email: string
  name: string
  role: (typeof roles)[number]
  languages: string[]
  capacity: number
  active: boolean
  created_at: Date
  teams: { id: string; name: string; brand_id: string }[]
}

export interface Shift {
  weekday: number
  starts_at: string
  ends_at: string
}

const email = z.string().trim().max(320).regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address')
const name = z.string().trim().min(1).max(200)
const password = z.string().min(10, 'must be at least 10 characters').max(1000)
const languages = z.array(languageCode).max(20).transform((codes) => [...new Set(codes)])
const capacity = z.number().int().min(1).max(1000)

const newUser = z
  .object({
    email,
    name,
    role: z.enum(roles),
    password,
    languages: languages.default([]),
    capacity: capacity.default(10),
  })
  .strict()

const userChange = z
  .object({ name, role: z.enum(roles), languages, capacity, active: z.boolean(), password })
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'nothing to change')

const shiftList = z
  .object({
    shifts: z
      .array(z.object({ weekday, starts_at: timeOfDay, ends_at: endOfSpan }).strict())
      .max(100)
      .refine((shifts) => shifts.every((shift) => shift.starts_at !== shift.ends_at), 'a shift must not start and end at the same time'),
  })
  .strict()

function readUsers(sql: Sql | Tx, id?: string) {
  return sql<AdminUser[]>`
    select u.id, u.email, u.name, u.role, to_json(u.languages) as languages, u.capacity, u.active, u.created_at,
           coalesce((select json_agg(json_build_object('id', t.id::text, 'name', t.name, 'brand_id', t.brand_id::text) order by t.id)
                       from team_member tm join team t on t.id = tm.team_id
                      where tm.user_id = u.id), '[]') as teams
      from app_user u
     where ${id === undefined ? sql`true` : sql`u.id = ${id}`}
     order by u.id`
}

function readShifts(sql: Sql | Tx, userId: string) {
  return sql<Shift[]>`
    select weekday, to_char(starts_at, 'HH24:MI') as starts_at, to_char(ends_at, 'HH24:MI') as ends_at
      from user_shift where user_id = ${userId}
     order by weekday, starts_at`
}

const emailTaken = (address: string) => conflict(`Someone already logs in as ${address}.`, 'email')

async function createUser(c: Context<AuthedEnv>) {
  const body = await jsonBody(c, newUser)
  if (!body.ok) return body.response
  const input = body.data
  const passwordHash = await hashPassword(input.password)
  try {
    const user = await c.env.sql.begin(async (tx) => {
      const [created] = await tx<{ id: string }[]>`
        insert into app_user (email, name, role, password_hash, languages, capacity)
        values (${input.email}, ${input.name}, ${input.role}, ${passwordHash}, ${languageArray(input.languages)}::text[], ${input.capacity})
        returning id`
      await auditAdmin(tx, c, 'user.create', { type: 'user', id: created!.id }, { email: input.email, role: input.role })
      const [view] = await readUsers(tx, created!.id)
      return view!
    })
    return c.json({ user }, 201)
  } catch (error) {
    if (violates(error, 'app_user_email_key')) return emailTaken(input.email)
    throw error
  }
}

async function changeUser(c: Context<AuthedEnv>, id: string) {
  const body = await jsonBody(c, userChange)
  if (!body.ok) return body.response
  const { password: newPassword, ...change } = body.data
  const passwordHash = newPassword === undefined ? null : await hashPassword(newPassword)
  const actorId = c.get('user').id
  const result = await c.env.sql.begin(async (tx) => {
    // Locking every active admin serialises two admins demoting each other at once.
    const admins = await tx<{ id: string }[]>`select id from app_user where role = 'admin' and active order by id for update`
    const [current] = await tx<{ role: string; active: boolean }[]>`select role, active from app_user where id = ${id} for update`
    if (!current) return notFound('user', id)
    const staysAdmin = (change.role ?? current.role) === 'admin' && (change.active ?? current.active)
    if (!staysAdmin && admins.length === 1 && admins[0]!.id === id) {
      return conflict('This is the last active admin; make someone else an admin first.', change.active === false ? 'active' : 'role')
    }
    await tx`
      update app_user set
        name = coalesce(${change.name ?? null}, name),
        role = coalesce(${change.role ?? null}, role),
        languages = coalesce(${change.languages === undefined ? null : languageArray(change.languages)}::text[], languages),
        capacity = coalesce(${change.capacity ?? null}::int, capacity),
        active = coalesce(${change.active ?? null}::boolean, active),
        password_hash = coalesce(${passwordHash}, password_hash)
      where id = ${id}`
    // A new password or a deactivation should lock out whoever holds the old sessions; an admin
    // changing their own password keeps the session they are using.
    if ((passwordHash !== null && id !== actorId) || change.active === false) await tx`delete from session where user_id = ${id}`
    await auditAdmin(tx, c, 'user.update', { type: 'user', id }, {
      fields: Object.keys(body.data).sort(),
      changes: change,
      password_changed: passwordHash !== null,
    })
    const [view] = await readUsers(tx, id)
    return c.json({ user: view })
  })
  return result
}

async function replaceShifts(c: Context<AuthedEnv>, id: string) {
  const body = await jsonBody(c, shiftList)
  if (!body.ok) return body.response
  const { shifts } = body.data
  const duplicate = firstDuplicate(shifts, (shift) => `${shift.weekday} ${shift.starts_at}`)
  if (duplicate) return badRequest(`Two shifts start on weekday ${duplicate.replace(' ', ' at ')}.`)
  try {
    // Shifts are read in each brand's zone; the zone does not matter for checking the spans.
    calendar({ timeZone: 'UTC', spans: shifts.map((shift) => ({ weekday: shift.weekday, opens: shift.starts_at, closes: shift.ends_at })) })
  } catch (error) {
    if (error instanceof CalendarError) return badRequest(error.message)
    throw error
  }
  return c.env.sql.begin(async (tx) => {
    const [user] = await tx`select id from app_user where id = ${id} for update`
    if (!user) return notFound('user', id)
    await tx`delete from user_shift where user_id = ${id}`
    await tx`
      insert into user_shift (user_id, weekday, starts_at, ends_at)
      select ${id}, weekday, starts_at, ends_at
        from jsonb_to_recordset(${JSON.stringify(shifts)}::text::jsonb) as s(weekday smallint, starts_at time, ends_at time)`
    await auditAdmin(tx, c, 'user.shifts', { type: 'user', id }, { shifts })
    return c.json({ shifts: await readShifts(tx, id) })
  })
}

export const userAdmin = new Hono<AuthedEnv>()
  .use('/api/admin/users', adminOnly)
  .use('/api/admin/users/*', adminOnly)
  .get('/api/admin/users', async (c) => c.json({ users: await readUsers(c.env.sql) }))
  .post('/api/admin/users', createUser)
  .patch('/api/admin/users/:id', withId('user', changeUser))
  .get('/api/admin/users/:id/shifts', withId('user', async (c, id) => {
    const [user] = await c.env.sql`select id from app_user where id = ${id}`
    if (!user) return notFound('user', id)
    return c.json({ shifts: await readShifts(c.env.sql, id) })
  }))
  .put('/api/admin/users/:id/shifts', withId('user', replaceShifts))
