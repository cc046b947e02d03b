import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../env'
import { problem } from '../http/problem'
import { jsonBody } from '../http/validate'
import { verifyPassword } from './password'
import { admitLogin, clientAddress, markLoginSucceeded } from './throttle'
import { sha256Hex } from '../digest'

export const roles = ['agent', 'executive', 'marketing', 'admin'] as const
export type Role = (typeof roles)[number]

export interface SessionUser {
  id: string
  email: string
  name: string
  role: Role
}

export type AuthedEnv = AppEnv & { Variables: { user: SessionUser } }

const cookieName = 'earshot_session'
const sessionDays = 14

const credentials = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1000),
})

/** Log-in and log-out. The cookie carries a random token; the table keeps only its hash. */
export const sessionRoutes = new Hono<AuthedEnv>()
  .post('/api/session', async (c) => {
    const body = await jsonBody(c, credentials)
    if (!body.ok) return body.response
    const { sql } = c.env
    // Before the password is looked at, so a refused guess costs neither a guess nor a PBKDF2 run.
    const admission = await admitLogin(sql, { email: body.data.email, ip: clientAddress((name) => c.req.header(name)) }, new Date())
    if (!admission.admitted) {
      const minutes = Math.ceil(admission.retryAfterSeconds / 60)
      const refusal = problem({
        status: 429,
        title: 'Too Many Requests',
        detail: `Too many failed log-ins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      })
      refusal.headers.set('retry-after', String(admission.retryAfterSeconds))
      return refusal
    }
    const [user] = await sql<(SessionUser & { password_hash: string; active: boolean })[]>`
      select id, email, name, role, password_hash, active from app_user where lower(email) = lower(${body.data.email})`
    const valid = user?.active === true && (await verifyPassword(body.data.password, user.password_hash))
    if (!user || !valid) {
      return problem({ status: 401, title: 'Unauthorized', detail: 'The email or password is wrong.' })
    }
    await markLoginSucceeded(sql, admission.attemptId)
    // A session that existed before log-in may have been planted (session fixation); it ends here.
    const previous = getCookie(c, cookieName)
    if (previous) await sql`delete from session where token_hash = ${await sha256Hex(previous)}`
    const token = randomToken()
    await sql`
      insert into session (token_hash, user_id, expires_at, user_agent)
      values (${await sha256Hex(token)}, ${user.id}, now() + make_interval(days => ${sessionDays}), ${c.req.header('user-agent') ?? null})`
    setCookie(c, cookieName, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      maxAge: sessionDays * 86_400,
    })
    return c.json({ user: { id: user.id, email: user.email, name: user.name, role: user.role } }, 201)
  })
  .delete('/api/session', async (c) => {
    const token = getCookie(c, cookieName)
    if (token) await c.env.sql`delete from session where token_hash = ${await sha256Hex(token)}`
    deleteCookie(c, cookieName, { path: '/' })
    return c.body(null, 204)
  })

/** Lets the request through only with a live session of one of `allowed`; 401 or 403 otherwise. */
export function requireRole(...allowed: Role[]): MiddlewareHandler<AuthedEnv> {
  return async (c, next) => {
    const user = await sessionUser(c)
    if (!user) return problem({ status: 401, title: 'Unauthorized', detail: 'Log in first.' })
    if (!allowed.includes(user.role)) {
      return problem({ status: 403, title: 'Forbidden', detail: `This needs the role ${allowed.join(' or ')}.` })
    }
    c.set('user', user)
    await next()
  }
}

async function sessionUser(c: Context<AuthedEnv>): Promise<SessionUser | null> {
  const token = getCookie(c, cookieName)
  if (!token || token.length > 200) return null
  const [user] = await c.env.sql<SessionUser[]>`
    update session s set last_seen_at = now()
      from app_user u
     where s.token_hash = ${await sha256Hex(token)} and s.expires_at > now() and u.id = s.user_id and u.active
    returning u.id, u.email, u.name, u.role`
  return user ?? null
}

/** 256 random bits, URL-safe: for cookies and for links that stand in for a log-in. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

