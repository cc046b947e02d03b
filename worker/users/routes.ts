// Who is using Earshot: the logged-in person, the colleagues to pick for assignments, transfers
// and @mentions, and everyone's names for the timelines.
import { Hono } from 'hono'
import { requireRole, roles, type AuthedEnv, type Role } from '../auth/session'
import type { Sql } from '../db/connect'
import { problem } from '../http/problem'
import { calendar, isOpenAt, type Span } from '../sla/calendar'

export interface Me {
  id: string
  email: string
  name: string
  role: Role
  languages: string[]
}

/** Anyone who has used Earshot, as the timeline names them. */
export interface UserName {
  id: string
  name: string
}

export interface Colleague {
  id: string
  name: string
  email: string
  role: Role
  languages: string[]
  on_shift: boolean
}

// Lists come back as JSON, not PostgreSQL arrays: Hyperdrive connections do not load array types.

export async function readMe(sql: Sql, userId: string): Promise<Me | null> {
  const [me] = await sql<Me[]>`
    select id, email, name, role, to_json(languages) as languages from app_user where id = ${userId} and active`
  return me ?? null
}

/**
 * Active users by name, each on shift or not at `now` by their shifts in the time zone (and with
 * the holidays) of their first team's brand, or of the first brand when they are in no team.
 */
export async function listColleagues(sql: Sql, now: Date): Promise<Colleague[]> {
  const rows = await sql<(Omit<Colleague, 'on_shift'> & { time_zone: string | null; holidays: string[]; shifts: Span[] })[]>`
    select u.id, u.name, u.email, u.role, to_json(u.languages) as languages, b.time_zone,
           coalesce((select json_agg(d.day::text) from holiday d where d.brand_id = b.id), '[]') as holidays,
           coalesce((select json_agg(json_build_object('weekday', s.weekday, 'opens', s.starts_at, 'closes', s.ends_at))
                       from user_shift s where s.user_id = u.id), '[]') as shifts
      from app_user u
      left join brand b on b.id = coalesce(
        (select t.brand_id from team_member tm join team t on t.id = tm.team_id where tm.user_id = u.id order by t.id limit 1),
        (select min(id) from brand))
     where u.active
     order by u.name, u.id`
  return rows.map(({ time_zone, holidays, shifts, ...user }) => ({
    ...user,
    // Without any brand there is no zone to read shifts in, and nobody to be on shift for.
    on_shift: time_zone !== null && isOpenAt(calendar({ timeZone: time_zone, spans: shifts, holidays }), now),
  }))
}

export const userRoutes = new Hono<AuthedEnv>()
  .get('/api/me', requireRole(...roles), async (c) => {
    const me = await readMe(c.env.sql, c.get('user').id)
    // The session was live a moment ago; a user deactivated since is as good as logged out.
    if (!me) return problem({ status: 401, title: 'Unauthorized', detail: 'Log in first.' })
    return c.json({ user: me })
  })
  .get('/api/users', requireRole('agent', 'executive', 'admin'), async (c) => {
    return c.json({ users: await listColleagues(c.env.sql, new Date()) })
  })
  // Everyone, including people no longer active: a timeline names whoever acted on it, and
  // marketing reading a case needs the names but not the colleagues' addresses and shifts.
  .get('/api/users/names', requireRole(...roles), async (c) => {
    return c.json({ users: await c.env.sql<UserName[]>`select id::text, name from app_user order by name, id` })
  })
