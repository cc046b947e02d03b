// Brands and their clocks: time zone, opening hours, holidays and SLA targets. SLA clocks already
// running keep the due times they were given; the new settings apply from the next one started.
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AuthedEnv } from '../auth/session'
import type { Sql, Tx } from '../db/connect'
import { jsonBody } from '../http/validate'
import { satisfactionTexts } from '../satisfaction/ask'
import { calendar, CalendarError, type CalendarInput } from '../sla/calendar'
import { adminOnly, auditAdmin, badRequest, endOfSpan, firstDuplicate, notFound, timeOfDay, weekday, withId } from './common'

export interface AdminBrand {
  id: string
  slug: string
  name: string
  time_zone: string
  always_staffed: boolean
  reopen_window_days: number
  promise_reminder_minutes: number
  /** Where handoff news and P1 cases are posted; the secret is never shown, only whether there is one. */
  webhook_url: string | null
  webhook_signed: boolean
  satisfaction_ask: boolean
  satisfaction_texts: Record<string, string>
  created_at: Date
}

const brandChange = z
  .object({
    name: z.string().trim().min(1).max(200),
    // The zone is checked against the runtime's zone list below; this is the column's own rule.
    time_zone: z.string().max(100).regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'must be an IANA time zone name such as Europe/Tallinn'),
    always_staffed: z.boolean(),
    reopen_window_days: z.number().int().min(0).max(365),
    promise_reminder_minutes: z.number().int().min(0).max(7 * 24 * 60),
    // Null clears them. A Slack incoming webhook URL works as it is.
    webhook_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000).nullable(),
    webhook_secret: z.string().min(16, 'must be at least 16 characters').max(200).nullable(),
    satisfaction_ask: z.boolean(),
    satisfaction_texts: satisfactionTexts,
  })
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'nothing to change')

const hoursList = z
  .object({
    hours: z
      .array(z.object({ weekday, opens_at: timeOfDay, closes_at: endOfSpan }).strict())
      .max(100)
      .refine((hours) => hours.every((span) => span.opens_at !== span.closes_at), 'opening hours must not open and close at the same time'),
  })
  .strict()

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date 'YYYY-MM-DD'")
const holidayList = z
  .object({ holidays: z.array(z.object({ day, name: z.string().trim().min(1).max(200) }).strict()).max(1000) })
  .strict()

// Up to a year: a target beyond that is a typo, not a service level.
const minutes = z.number().int().min(1).max(525_600)
const policyList = z
  .object({
    policies: z
      .array(
        z
          .object({
            priority: z.number().int().min(1).max(4),
            first_response_minutes: minutes,
            next_response_minutes: minutes,
            resolution_minutes: minutes,
          })
          .strict(),
      )
      .max(4),
  })
  .strict()

function readBrands(sql: Sql | Tx, id?: string) {
  return sql<AdminBrand[]>`
    select id, slug, name, time_zone, always_staffed,
           (extract(epoch from reopen_window) / 86400)::float8 as reopen_window_days,
           (extract(epoch from promise_reminder_lead) / 60)::float8 as promise_reminder_minutes,
           handoff_webhook_url as webhook_url, handoff_webhook_secret is not null as webhook_signed,
           satisfaction_ask, satisfaction_texts, created_at
      from brand
     where ${id === undefined ? sql`true` : sql`id = ${id}`}
     order by id`
}

const readHours = (sql: Sql | Tx, brandId: string) => sql`
  select weekday, to_char(opens_at, 'HH24:MI') as opens_at, to_char(closes_at, 'HH24:MI') as closes_at
    from business_hours where brand_id = ${brandId} order by weekday, opens_at`
const readHolidays = (sql: Sql | Tx, brandId: string) => sql`
  select to_char(day, 'YYYY-MM-DD') as day, name from holiday where brand_id = ${brandId} order by day`
const readPolicies = (sql: Sql | Tx, brandId: string) => sql`
  select priority, first_response_minutes, next_response_minutes, resolution_minutes
    from sla_policy where brand_id = ${brandId} order by priority`

/** Runs calendar()'s checks (zone, times, dates) and answers 400 with its message when they fail. */
function checkCalendar(input: CalendarInput): Response | null {
  try {
    calendar(input)
    return null
  } catch (error) {
    if (error instanceof CalendarError) return badRequest(error.message)
    throw error
  }
}

async function brandZone(sql: Sql | Tx, id: string): Promise<string | null> {
  const [brand] = await sql<{ time_zone: string }[]>`select time_zone from brand where id = ${id}`
  return brand?.time_zone ?? null
}

async function changeBrand(c: Context<AuthedEnv>, id: string) {
  const body = await jsonBody(c, brandChange)
  if (!body.ok) return body.response
  const change = body.data
  if (change.time_zone !== undefined) {
    const invalid = checkCalendar({ timeZone: change.time_zone, spans: [] })
    if (invalid) return invalid
  }
  return c.env.sql.begin(async (tx) => {
    const updated = await tx`
      update brand set
        name = coalesce(${change.name ?? null}, name),
        time_zone = coalesce(${change.time_zone ?? null}, time_zone),
        always_staffed = coalesce(${change.always_staffed ?? null}::boolean, always_staffed),
        reopen_window = coalesce(make_interval(days => ${change.reopen_window_days ?? null}::int), reopen_window),
        promise_reminder_lead = coalesce(make_interval(mins => ${change.promise_reminder_minutes ?? null}::int), promise_reminder_lead),
        handoff_webhook_url = case when ${change.webhook_url !== undefined} then ${change.webhook_url ?? null} else handoff_webhook_url end,
        handoff_webhook_secret = case when ${change.webhook_secret !== undefined} then ${change.webhook_secret ?? null} else handoff_webhook_secret end,
        satisfaction_ask = coalesce(${change.satisfaction_ask ?? null}::boolean, satisfaction_ask),
        satisfaction_texts = coalesce(${change.satisfaction_texts === undefined ? null : JSON.stringify(change.satisfaction_texts)}::text::jsonb, satisfaction_texts)
      where id = ${id}`
    if (updated.count === 0) return notFound('brand', id)
    // The audit log keeps that the secret changed, not the secret.
    const logged = change.webhook_secret === undefined ? change : { ...change, webhook_secret: change.webhook_secret === null ? null : '(set)' }
    await auditAdmin(tx, c, 'brand.update', { type: 'brand', id }, { changes: logged })
    const [view] = await readBrands(tx, id)
    return c.json({ brand: view })
  })
}

async function replaceHours(c: Context<AuthedEnv>, id: string) {
  const body = await jsonBody(c, hoursList)
  if (!body.ok) return body.response
  const { hours } = body.data
  const duplicate = firstDuplicate(hours, (span) => `${span.weekday} at ${span.opens_at}`)
  if (duplicate) return badRequest(`Two spans open on weekday ${duplicate}.`)
  return c.env.sql.begin(async (tx) => {
    const timeZone = await brandZone(tx, id)
    if (timeZone === null) return notFound('brand', id)
    const invalid = checkCalendar({ timeZone, spans: hours.map((span) => ({ weekday: span.weekday, opens: span.opens_at, closes: span.closes_at })) })
    if (invalid) return invalid
    await tx`delete from business_hours where brand_id = ${id}`
    await tx`
      insert into business_hours (brand_id, weekday, opens_at, closes_at)
      select ${id}, weekday, opens_at, closes_at
        from jsonb_to_recordset(${JSON.stringify(hours)}::text::jsonb) as h(weekday smallint, opens_at time, closes_at time)`
    await auditAdmin(tx, c, 'brand.hours', { type: 'brand', id }, { hours })
    return c.json({ hours: await readHours(tx, id) })
  })
}

async function replaceHolidays(c: Context<AuthedEnv>, id: string) {
  const body = await jsonBody(c, holidayList)
  if (!body.ok) return body.response
  const { holidays } = body.data
  const duplicate = firstDuplicate(holidays, (holiday) => holiday.day)
  if (duplicate) return badRequest(`${duplicate} is listed twice.`)
  // The calendar's date check knows 2027-02-30 is not a day; the zone does not matter for it.
  const invalid = checkCalendar({ timeZone: 'UTC', spans: [], holidays: holidays.map((holiday) => holiday.day) })
  if (invalid) return invalid
  return c.env.sql.begin(async (tx) => {
    if ((await brandZone(tx, id)) === null) return notFound('brand', id)
    await tx`delete from holiday where brand_id = ${id}`
    await tx`
      insert into holiday (brand_id, day, name)
      select ${id}, day, name from jsonb_to_recordset(${JSON.stringify(holidays)}::text::jsonb) as h(day date, name text)`
    await auditAdmin(tx, c, 'brand.holidays', { type: 'brand', id }, { holidays })
    return c.json({ holidays: await readHolidays(tx, id) })
  })
}

async function replacePolicies(c: Context<AuthedEnv>, id: string) {
  const body = await jsonBody(c, policyList)
  if (!body.ok) return body.response
  const { policies } = body.data
  const duplicate = firstDuplicate(policies, (policy) => String(policy.priority))
  if (duplicate) return badRequest(`Priority ${duplicate} has two policies.`)
  return c.env.sql.begin(async (tx) => {
    if ((await brandZone(tx, id)) === null) return notFound('brand', id)
    await tx`delete from sla_policy where brand_id = ${id}`
    await tx`
      insert into sla_policy (brand_id, priority, first_response_minutes, next_response_minutes, resolution_minutes)
      select ${id}, priority, first_response_minutes, next_response_minutes, resolution_minutes
        from jsonb_to_recordset(${JSON.stringify(policies)}::text::jsonb)
          as p(priority smallint, first_response_minutes integer, next_response_minutes integer, resolution_minutes integer)`
    await auditAdmin(tx, c, 'brand.sla', { type: 'brand', id }, { policies })
    return c.json({ policies: await readPolicies(tx, id) })
  })
}

/** GET of a brand's list: 404 for an unknown brand rather than an empty list. */
function readList(key: string, read: (sql: Sql, id: string) => Promise<unknown>) {
  return withId('brand', async (c, id) => {
    if ((await brandZone(c.env.sql, id)) === null) return notFound('brand', id)
    return c.json({ [key]: await read(c.env.sql, id) })
  })
}

export const brandAdmin = new Hono<AuthedEnv>()
  .use('/api/admin/brands', adminOnly)
  .use('/api/admin/brands/*', adminOnly)
  .get('/api/admin/brands', async (c) => c.json({ brands: await readBrands(c.env.sql) }))
  .patch('/api/admin/brands/:id', withId('brand', changeBrand))
  .get('/api/admin/brands/:id/hours', readList('hours', readHours))
  .put('/api/admin/brands/:id/hours', withId('brand', replaceHours))
  .get('/api/admin/brands/:id/holidays', readList('holidays', readHolidays))
  .put('/api/admin/brands/:id/holidays', withId('brand', replaceHolidays))
  .get('/api/admin/brands/:id/sla', readList('policies', readPolicies))
  .put('/api/admin/brands/:id/sla', withId('brand', replacePolicies))
