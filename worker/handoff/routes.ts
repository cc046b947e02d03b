// Executive handoff over HTTP: the agent drafts and requests it, executives work their queue,
// accept or decline, schedule the callback (with an .ics for their calendar) and record how it went.
import { Hono } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { caseTimeline } from '../cases/timeline'
import { problem } from '../http/problem'
import { jsonBody } from '../http/validate'
import {
  acceptHandoff, callbackChannels, declineHandoff, deliverWebhook, recordOutcome, requestHandoff, scheduleCallback,
  type HandoffResult, type HandoffRow,
} from './flow'
import { callbackIcs } from './ics'
import { handoffQueue } from './queue'
import { draftHandoffSummary, type SummaryCase } from './summary'
import type { Context } from 'hono'

const id = z.string().regex(/^\d{1,18}$/)
const text = (max: number) => z.string().trim().min(1).max(max)

const requestBody = z.object({ executive_id: id.nullish(), summary: text(10_000) })
const declineBody = z.object({ reason: text(2000) })
const callbackBody = z.object({
  callback_at: z.string().datetime({ offset: true }),
  channel: z.enum(callbackChannels),
  contact: text(320),
})
const outcomeBody = z.object({ outcome: text(10_000) })

const agents = requireRole('agent', 'admin')
const executives = requireRole('executive', 'admin')
const everyone = requireRole('agent', 'executive', 'admin')

async function answer(c: Context<AuthedEnv>, result: HandoffResult, status: 200 | 201 = 200) {
  if (!result.ok) return problem({ status: result.status, title: titles[result.status], detail: result.detail })
  await deliverWebhook(c.env.sql, result.value.webhook)
  return c.json({ handoff: result.value.handoff }, status)
}

const titles = { 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Content' } as const

function noHandoff(handoffId: string) {
  return problem({ status: 404, title: 'Not Found', detail: `There is no handoff ${handoffId}.` })
}

export const handoffRoutes = new Hono<AuthedEnv>()
  .get('/api/cases/:id/handoff/draft', agents, async (c) => {
    const caseId = id.safeParse(c.req.param('id'))
    if (!caseId.success) return problem({ status: 404, title: 'Not Found', detail: `There is no case ${c.req.param('id')}.` })
    const [row] = await c.env.sql<{ result: SummaryCase & { opened_at: string } | null }[]>`
      select json_build_object(
               'id', c.id::text, 'priority', c.priority, 'opened_at', c.opened_at, 'customer_name', cu.display_name,
               'handles', coalesce((select json_agg('@' || i.handle || ' (' || i.platform || ')' order by i.id) from identity i where i.customer_id = c.customer_id), '[]')
             ) as result
        from care_case c join customer cu on cu.id = c.customer_id
       where c.id = ${caseId.data}`
    if (!row?.result) return problem({ status: 404, title: 'Not Found', detail: `There is no case ${caseId.data}.` })
    const kase = { ...row.result, opened_at: new Date(row.result.opened_at) }
    const summary = draftHandoffSummary(kase, await caseTimeline(c.env.sql, caseId.data))
    return c.json({ summary })
  })
  .post('/api/cases/:id/handoff', agents, async (c) => {
    const caseId = id.safeParse(c.req.param('id'))
    if (!caseId.success) return problem({ status: 404, title: 'Not Found', detail: `There is no case ${c.req.param('id')}.` })
    const body = await jsonBody(c, requestBody)
    if (!body.ok) return body.response
    const result = await requestHandoff(c.env.sql, { caseId: caseId.data, actor: c.get('user'), executiveId: body.data.executive_id ?? null, summary: body.data.summary })
    return answer(c, result, 201)
  })
  .get('/api/handoffs', executives, async (c) => c.json({ handoffs: await handoffQueue(c.env.sql, c.get('user')) }))
  .post('/api/handoffs/:id/accept', executives, async (c) => {
    const handoffId = c.req.param('id')
    if (!id.safeParse(handoffId).success) return noHandoff(handoffId)
    return answer(c, await acceptHandoff(c.env.sql, { handoffId, actor: c.get('user') }))
  })
  .post('/api/handoffs/:id/decline', executives, async (c) => {
    const handoffId = c.req.param('id')
    if (!id.safeParse(handoffId).success) return noHandoff(handoffId)
    const body = await jsonBody(c, declineBody)
    if (!body.ok) return body.response
    return answer(c, await declineHandoff(c.env.sql, { handoffId, actor: c.get('user'), reason: body.data.reason }))
  })
  .post('/api/handoffs/:id/callback', executives, async (c) => {
    const handoffId = c.req.param('id')
    if (!id.safeParse(handoffId).success) return noHandoff(handoffId)
    const body = await jsonBody(c, callbackBody)
    if (!body.ok) return body.response
    return answer(
      c,
      await scheduleCallback(c.env.sql, {
        handoffId, actor: c.get('user'), callbackAt: new Date(body.data.callback_at), channel: body.data.channel, contact: body.data.contact,
      }),
    )
  })
  .post('/api/handoffs/:id/outcome', executives, async (c) => {
    const handoffId = c.req.param('id')
    if (!id.safeParse(handoffId).success) return noHandoff(handoffId)
    const body = await jsonBody(c, outcomeBody)
    if (!body.ok) return body.response
    return answer(c, await recordOutcome(c.env.sql, { handoffId, actor: c.get('user'), outcome: body.data.outcome }))
  })
  .get('/api/handoffs/:id/callback.ics', everyone, async (c) => {
    const handoffId = c.req.param('id')
    if (!id.safeParse(handoffId).success) return noHandoff(handoffId)
    const [h] = await c.env.sql<(HandoffRow & { customer: string | null; executive: string | null; brand: string; reschedules: number })[]>`
      select h.*, cu.display_name as customer, e.name as executive, b.name as brand,
             (select count(*)::int from case_event ev where ev.case_id = h.case_id and ev.kind = 'callback'
                and ev.body->>'handoff_id' = h.id::text and ev.body->>'action' = 'rescheduled') as reschedules
        from handoff h
        join care_case c on c.id = h.case_id
        join customer cu on cu.id = c.customer_id
        join brand b on b.id = c.brand_id
        left join app_user e on e.id = h.executive_id
       where h.id = ${handoffId}`
    if (!h) return noHandoff(handoffId)
    if (h.callback_at === null || h.callback_channel === null) {
      return problem({ status: 409, title: 'Conflict', detail: `Handoff ${handoffId} has no callback scheduled.` })
    }
    const host = new URL(c.req.url).hostname || 'earshot'
    const ics = callbackIcs({
      uid: `handoff-${h.id}@${host}`,
      start: h.callback_at,
      summary: `Call back ${h.customer ?? 'the customer'} (${h.brand} case #${h.case_id})`,
      description: [
        `Channel: ${h.callback_channel}${h.callback_contact ? ` ${h.callback_contact}` : ''}`,
        `Executive: ${h.executive ?? 'unassigned'}`,
        '',
        h.summary,
      ].join('\n'),
      location: h.callback_contact ? `${h.callback_channel}: ${h.callback_contact}` : h.callback_channel,
      stamp: new Date(),
      sequence: h.reschedules,
    })
    return c.body(ics, 200, {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="callback-${h.id}.ics"`,
    })
  })
