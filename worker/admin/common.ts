// What every admin area shares: who may use it, ids, times of day, and the problems it answers.
import type { Context } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { audit } from '../audit'
import type { Sql, Tx } from '../db/connect'
import { problem } from '../http/problem'

/** Every admin route; each area guards its own paths, so none is left open when mounted alone. */
export const adminOnly = requireRole('admin')

const digits = /^\d{1,18}$/

/** An id in a JSON body: the API writes ids as strings, but a number is accepted too. */
export const bodyId = z
  .union([z.string().regex(digits, 'must be a numeric id'), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)])
  .transform(String)

export const weekday = z.number().int().min(1, 'must be 1 (Monday) to 7 (Sunday)').max(7, 'must be 1 (Monday) to 7 (Sunday)')
/** A time of day, 'HH:MM'. */
export const timeOfDay = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, "must be a time of day 'HH:MM'")
/** The end of a span may also be '24:00', midnight at the end of the day. */
export const endOfSpan = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, "must be a time of day 'HH:MM' (or '24:00')")
export const languageCode = z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code')

/** Hands the handler the path's `:id`; anything but digits cannot name a row, so it is a 404. */
export function withId(what: string, handle: (c: Context<AuthedEnv>, id: string) => Promise<Response>) {
  return (c: Context<AuthedEnv>) => {
    const id = c.req.param('id') ?? ''
    return digits.test(id) ? handle(c, id) : notFound(what, id)
  }
}

export function notFound(what: string, id: string) {
  return problem({ status: 404, title: 'Not Found', detail: `There is no ${what} ${id}.` })
}

export function badRequest(detail: string, extra: Record<string, unknown> = {}) {
  return problem({ status: 400, title: 'Bad Request', detail, ...extra })
}

/** A body naming rows that do not exist (a brand, a team lead): the request itself was well formed. */
export function unprocessable(detail: string, field: string) {
  return problem({ status: 422, title: 'Unprocessable Content', detail, field })
}

export function conflict(detail: string, field: string) {
  return problem({ status: 409, title: 'Conflict', detail, field })
}

/** Whether a statement failed on the unique index `constraint` (two admins saving at once reach it). */
export function violates(error: unknown, constraint: string): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, constraint_name } = error as { code?: unknown; constraint_name?: unknown }
  return code === '23505' && constraint_name === constraint
}

/** Languages as PostgreSQL array text: postgres.js cannot send arrays over Hyperdrive (see idArray). */
export function languageArray(codes: readonly string[]): string {
  for (const code of codes) if (!/^[a-z]{2}$/.test(code)) throw new TypeError(`not a language code: ${JSON.stringify(code)}`)
  return `{${codes.join(',')}}`
}

/** Duplicates in a list the database keys on, named for the problem; none gives null. */
export function firstDuplicate<T>(items: readonly T[], key: (item: T) => string): string | null {
  const seen = new Set<string>()
  for (const item of items) {
    const k = key(item)
    if (seen.has(k)) return k
    seen.add(k)
  }
  return null
}

export function auditAdmin(
  sql: Sql | Tx,
  c: Context<AuthedEnv>,
  action: string,
  target: { type: string; id: string },
  detail: Record<string, unknown> = {},
) {
  return audit(sql, { actorId: c.get('user').id, action: `admin.${action}`, targetType: target.type, targetId: target.id, detail })
}
