// The case API: the queue for everyone in care, a case's timeline for them and for marketing
// (read-only), and the actions on a case.
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { problem } from '../http/problem'
import { describeIssues, platforms } from '../sources/mention'
import { jsonBody, optionalJsonBody } from '../http/validate'
import { assignCase, claimCase, type CaseActionResult } from './ownership'
import { customerTime } from './customer-time'
import { recordReply } from './reply'
import { loadStaffing, nextStaffedAt } from './staffing'
import { toneWarnings } from './tone'
import { resolveCase, setWaiting } from './status'
import { caseTimeline } from './timeline'
import { countInbox, inboxStatuses, inboxViews, listCases, readCase } from './queries'

const id = z.string().regex(/^\d{1,18}$/, 'must be a numeric id')
const reason = z.string().trim().min(1).max(1000)

// Filter-bar values left empty (`?q=&language=`) mean no filter; anything else unknown is a 400.
const inboxQuery = z
  .object({
    view: z.enum(inboxViews).optional(),
    /** The earlier spelling of view: me, none, any. */
    owner: z.enum(['me', 'none', 'any']).optional(),
    status: z.enum(inboxStatuses).optional(),
    priority: z
      .string()
      .regex(/^[1-4](,[1-4])*$/, 'must be priorities from 1 to 4, separated by commas')
      .transform((list) => [...new Set(list.split(',').map(Number))])
      .optional(),
    language: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code').optional(),
    platform: z.enum(platforms).optional(),
    q: z.string().trim().max(500).optional(),
    brand: id.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()
  .transform(({ owner, view, q, ...rest }) => ({
    ...rest,
    view: view ?? (owner === 'me' ? 'mine' : owner === 'none' ? 'unassigned' : 'all'),
    q: q === '' ? undefined : q,
  }))

// The counts follow the brand and the search; the other filters are what they count by.
const countsQuery = z
  .object({ q: z.string().trim().max(500).optional(), brand: id.optional() })
  .strict()
  .transform(({ q, brand }) => ({ q: q === '' ? undefined : q, brand }))

const claimBody = z.object({ reason: reason.optional() }).strict()
const assignBody = z.object({ user_id: id, reason }).strict()
const replyBody = z
  .object({
    channel: z.enum(['public', 'private']),
    body: z.string().trim().min(1).max(10_000),
    promise: z.object({ text: z.string().trim().min(1).max(1000), due_at: z.iso.datetime({ offset: true }) }).strict().optional(),
  })
  .strict()
const resolveBody = z.object({ note: z.string().trim().min(1).max(1000).optional(), ask_satisfaction: z.boolean().optional() }).strict()
const waitingBody = z.object({ waiting: z.boolean() }).strict()

const care = requireRole('agent', 'admin', 'executive')
// Marketing follows a Trends drill-down to the case behind a mention and reads it; the queue
// itself, and every action on a case, stay with care.
const reading = requireRole('agent', 'admin', 'executive', 'marketing')
const acting = requireRole('agent', 'admin')

function answer<T>(result: CaseActionResult<T> | { ok: false; status: 404 | 409; detail: string; blockers?: unknown }, ok = 200) {
  if (result.ok) return Response.json(result.value, { status: ok })
  const { ok: _, status, detail, ...extra } = result
  const titles = { 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Content' } as const
  return problem({ status, title: titles[status], detail, ...extra })
}

/** Hands the handler the :id parameter as a case id, or answers 400 when it is not one. */
function withCaseId(handle: (c: Context<AuthedEnv>, caseId: string) => Promise<Response>) {
  return (c: Context<AuthedEnv>) => {
    const caseId = id.safeParse(c.req.param('id'))
    if (!caseId.success) return problem({ status: 400, title: 'Bad Request', detail: `"${c.req.param('id')}" is not a case id.` })
    return handle(c, caseId.data)
  }
}

export const caseRoutes = new Hono<AuthedEnv>()
  .get('/api/cases', care, async (c) => {
    const given = Object.entries(c.req.query()).filter(([, value]) => value !== '')
    const filter = inboxQuery.safeParse(Object.fromEntries(given))
    if (!filter.success) return problem({ status: 400, title: 'Bad Request', detail: describeIssues(filter.error) })
    const { priority, ...rest } = filter.data
    return c.json({ cases: await listCases(c.env.sql, { ...rest, priorities: priority, userId: c.get('user').id }) })
  })
  .get('/api/cases/counts', care, async (c) => {
    const filter = countsQuery.safeParse(Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value !== '')))
    if (!filter.success) return problem({ status: 400, title: 'Bad Request', detail: describeIssues(filter.error) })
    return c.json({ counts: await countInbox(c.env.sql, { ...filter.data, userId: c.get('user').id }) })
  })
  .get('/api/cases/:id', reading, withCaseId(async (c, caseId) => {
    const found = await readCase(c.env.sql, caseId)
    if (!found) return problem({ status: 404, title: 'Not Found', detail: `There is no case ${caseId}.` })
    // For the {next_staffed_time} template variable, written the way the customer reads times.
    const now = new Date()
    const staffing = (await loadStaffing(c.env.sql, [found.brand_id], now)).get(found.brand_id)
    const nextStaffed = staffing ? nextStaffedAt(staffing, now) : null
    return c.json({
      case: found,
      timeline: await caseTimeline(c.env.sql, caseId),
      next_staffed_at: nextStaffed,
      next_staffed_time: nextStaffed && staffing ? customerTime(nextStaffed, found.language, staffing.timeZone) : null,
    })
  }))
  .post('/api/cases/:id/claim', acting, withCaseId(async (c, caseId) => {
    const body = await optionalJsonBody(c, claimBody)
    if (!body.ok) return body.response
    return answer(await claimCase(c.env.sql, { caseId, actor: c.get('user'), reason: body.data.reason }))
  }))
  .post('/api/cases/:id/assign', acting, withCaseId(async (c, caseId) => {
    const body = await jsonBody(c, assignBody)
    if (!body.ok) return body.response
    return answer(await assignCase(c.env.sql, { caseId, actor: c.get('user'), toUserId: body.data.user_id, reason: body.data.reason }))
  }))
  .post('/api/cases/:id/replies', acting, withCaseId(async (c, caseId) => {
    const body = await jsonBody(c, replyBody)
    if (!body.ok) return body.response
    const { channel, promise } = body.data
    const result = await recordReply(c.env.sql, {
      caseId,
      actor: c.get('user'),
      channel,
      body: body.data.body,
      promise: promise && { text: promise.text, dueAt: new Date(promise.due_at) },
      // A client that retries a send it never heard back from passes the same key: one reply.
      idempotencyKey: c.req.header('idempotency-key'),
    })
    // The composer warns while typing; the answer repeats it for clients that do not.
    return answer(result.ok ? { ok: true, value: { ...result.value, warnings: toneWarnings(body.data.body) } } : result, 201)
  }))
  .post('/api/cases/:id/resolve', acting, withCaseId(async (c, caseId) => {
    const body = await optionalJsonBody(c, resolveBody)
    if (!body.ok) return body.response
    const origin = c.env.config.PUBLIC_URL ?? new URL(c.req.url).origin
    return answer(await resolveCase(c.env.sql, {
      caseId, actor: c.get('user'), note: body.data.note, askSatisfaction: body.data.ask_satisfaction,
      satisfactionLink: (token) => `${origin}/s/${token}`,
    }))
  }))
  .post('/api/cases/:id/waiting', acting, withCaseId(async (c, caseId) => {
    const body = await jsonBody(c, waitingBody)
    if (!body.ok) return body.response
    return answer(await setWaiting(c.env.sql, { caseId, actor: c.get('user'), waiting: body.data.waiting }))
  }))
