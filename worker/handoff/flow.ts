// The executive handoff: an agent hands a case to an executive (a person or the pool), who
// accepts or declines, schedules a callback and records its outcome. Each step is one
// transaction: the handoff row, the case's timeline, the audit log and word to the people on it.
// Webhooks go out after the commit (see `deliverWebhook`), never inside the transaction.
import type { SessionUser } from '../auth/session'
import { audit } from '../audit'
import type { Sql, Tx } from '../db/connect'
import { isClosed, lockCase, type CaseActionResult } from '../cases/ownership'
import { notify, type NotificationKind, type NotificationRequest } from '../notify/notify'
import { sendBrandWebhook, webhookMessage, type SendOptions, type WebhookEvent, type WebhookMessage, type WebhookResult } from './webhook'

export type HandoffStatus = 'requested' | 'accepted' | 'declined' | 'callback_scheduled' | 'done'
export const callbackChannels = ['phone', 'x', 'bluesky', 'mastodon', 'email'] as const
export type CallbackChannel = (typeof callbackChannels)[number]

export interface HandoffRow {
  id: string
  case_id: string
  requested_by: string
  executive_id: string | null
  summary: string
  status: HandoffStatus
  decline_reason: string | null
  callback_at: Date | null
  callback_channel: CallbackChannel | null
  callback_contact: string | null
  outcome: string | null
  created_at: Date
  updated_at: Date
  accepted_at: Date | null
  done_at: Date | null
  reminded_at: Date | null
  breached_at: Date | null
}

/** A webhook to send once the transaction has committed. */
export interface PendingWebhook {
  brandId: string
  event: WebhookEvent
  message: WebhookMessage
}

export interface HandoffOutcome {
  handoff: HandoffRow
  webhook: PendingWebhook | null
}

export type HandoffResult = CaseActionResult<HandoffOutcome>

/** The statuses in which a handoff is still owed something (the schema allows one per case). */
export const inFlight: readonly HandoffStatus[] = ['requested', 'accepted', 'callback_scheduled']



interface LockedHandoff extends HandoffRow {
  brand_id: string
  priority: number
  owner_id: string | null
  case_status: string
  customer: string | null
  executive_name: string | null
}

async function lockHandoff(tx: Tx, handoffId: string): Promise<LockedHandoff | null> {
  if (!/^\d{1,18}$/.test(handoffId)) return null
  const [row] = await tx<LockedHandoff[]>`
    select h.*, c.brand_id, c.priority, c.owner_id, c.status as case_status, cu.display_name as customer, e.name as executive_name
      from handoff h
      join care_case c on c.id = h.case_id
      join customer cu on cu.id = c.customer_id
      left join app_user e on e.id = h.executive_id
     where h.id = ${handoffId}
       for update of h`
  return row ?? null
}

async function insertEvent(tx: Tx, caseId: string, eventKind: 'handoff' | 'callback' | 'status', actorId: string, body: Record<string, unknown>) {
  await tx`
    insert into case_event (case_id, kind, actor_id, body)
    values (${caseId}, ${eventKind}, ${actorId}, ${JSON.stringify(body)}::text::jsonb)`
}

/** The agent side of a handoff: who asked for it and who owns the case. */
function agentSide(h: Pick<LockedHandoff, 'requested_by' | 'owner_id'>): string[] {
  return [...new Set([h.requested_by, h.owner_id].filter((id): id is string => id !== null))]
}

function tell(userIds: string[], h: { id: string; case_id: string }, name: NotificationKind, body: Record<string, unknown>, actorId: string, key = name): NotificationRequest[] {
  // Nobody is told about what they did themselves.
  return userIds
    .filter((userId) => userId !== actorId)
    .map((userId) => ({ userId, caseId: h.case_id, kind: name, body: { handoff_id: h.id, ...body }, dedupeKey: `${key}:${h.id}:${body.at ?? ''}` }))
}

/** Case status back to where it was before the handoff, when nobody has moved it since. */
async function returnCase(tx: Tx, h: LockedHandoff, actor: SessionUser, reason: string) {
  if (h.case_status !== 'handed_off') return
  const [before] = await tx<{ from: string | null }[]>`
    select body->>'from' as "from" from case_event
     where case_id = ${h.case_id} and kind = 'status' and body->>'handoff_id' = ${h.id} and body->>'to' = 'handed_off'
     order by id desc limit 1`
  const to = before?.from && before.from !== 'new' && before.from !== 'handed_off' ? before.from : 'open'
  await tx`update care_case set status = ${to}, updated_at = now() where id = ${h.case_id} and status = 'handed_off'`
  await insertEvent(tx, h.case_id, 'status', actor.id, { from: 'handed_off', to, reason, handoff_id: h.id })
}

/** Hands a case to an executive (or the pool, without `executiveId`) with the agent's summary. */
export async function requestHandoff(
  sql: Sql,
  { caseId, actor, executiveId, summary }: { caseId: string; actor: SessionUser; executiveId?: string | null; summary: string },
): Promise<HandoffResult> {
  return sql.begin(async (tx): Promise<HandoffResult> => {
    const locked = await lockCase(tx, caseId)
    if (!locked) return { ok: false, status: 404, detail: `There is no case ${caseId}.` }
    if (isClosed(locked.status)) return { ok: false, status: 409, detail: `Case ${caseId} is ${locked.status}; reopen it before handing it off.` }
    const [active] = await tx<{ id: string; status: string; executive: string | null }[]>`
      select h.id, h.status, u.name as executive from handoff h left join app_user u on u.id = h.executive_id
       where h.case_id = ${caseId} and h.status in ('requested', 'accepted', 'callback_scheduled')`
    if (active) {
      return {
        ok: false,
        status: 409,
        detail: `Case ${caseId} already has handoff #${active.id} in flight (${active.status.replace('_', ' ')}${active.executive ? `, ${active.executive}` : ', executive pool'}).`,
      }
    }
    let executive: { id: string; name: string } | null = null
    if (executiveId) {
      const [user] = await tx<{ id: string; name: string; role: string; active: boolean }[]>`
        select id, name, role, active from app_user where id = ${executiveId}`
      if (!user || !user.active) return { ok: false, status: 422, detail: `There is no active user ${executiveId}.` }
      if (user.role !== 'executive') return { ok: false, status: 422, detail: `${user.name} is not an executive; hand off to an executive or to the executive pool.` }
      executive = { id: user.id, name: user.name }
    }
    const [handoff] = await tx<HandoffRow[]>`
      insert into handoff (case_id, requested_by, executive_id, summary)
      values (${caseId}, ${actor.id}, ${executive?.id ?? null}, ${summary})
      returning *`
    const h = handoff!
    await insertEvent(tx, caseId, 'handoff', actor.id, {
      handoff_id: h.id, action: 'requested', status: 'requested', executive_id: executive?.id ?? null, executive: executive?.name ?? null, summary,
    })
    if (locked.status !== 'handed_off') {
      await tx`update care_case set status = 'handed_off', updated_at = now() where id = ${caseId}`
      await insertEvent(tx, caseId, 'status', actor.id, { from: locked.status, to: 'handed_off', reason: `handed off to ${executive?.name ?? 'the executive pool'}`, handoff_id: h.id })
    }
    await audit(tx, { actorId: actor.id, action: 'handoff.request', targetType: 'handoff', targetId: h.id, detail: { case_id: caseId, executive_id: executive?.id ?? null } })
    const executives = executive
      ? [executive.id]
      : (await tx<{ id: string }[]>`select id from app_user where role = 'executive' and active order by id`).map((row) => row.id)
    await notify(tx, tell(executives, h, 'handoff_requested', { from: actor.name, summary, pool: executive === null }, actor.id))
    const [facts] = await tx<{ priority: number; customer: string | null }[]>`
      select c.priority, cu.display_name as customer from care_case c join customer cu on cu.id = c.customer_id where c.id = ${caseId}`
    return {
      ok: true,
      value: {
        handoff: h,
        webhook: {
          brandId: locked.brand_id,
          event: 'handoff_requested',
          message: webhookMessage('handoff_requested', { caseId, priority: facts!.priority, customer: facts!.customer }, [
            `From ${actor.name} to ${executive?.name ?? 'the executive pool'}`,
            summary,
          ]),
        },
      },
    }
  })
}

type Check = { ok: false; status: 403 | 404 | 409 | 422; detail: string } | null

function notFound(handoffId: string): { ok: false; status: 404; detail: string } {
  return { ok: false, status: 404, detail: `There is no handoff ${handoffId}.` }
}

/** Executives (and admins) act on handoffs; once someone has it, only they (or an admin) do. */
function mayAct(h: LockedHandoff, actor: SessionUser): Check {
  if (actor.role === 'admin') return null
  if (actor.role !== 'executive') return { ok: false, status: 403, detail: 'Only executives and admins act on handoffs.' }
  if (h.executive_id !== null && h.executive_id !== actor.id) {
    return { ok: false, status: 403, detail: `Handoff ${h.id} is ${h.executive_name}'s; only they or an admin can act on it.` }
  }
  return null
}

function wrongStatus(h: LockedHandoff, allowed: HandoffStatus[], what: string): Check {
  if (allowed.includes(h.status)) return null
  return { ok: false, status: 409, detail: `Handoff ${h.id} is ${h.status.replace('_', ' ')}; it cannot be ${what} now.` }
}

async function fresh(tx: Tx, handoffId: string): Promise<HandoffRow> {
  const [row] = await tx<HandoffRow[]>`select * from handoff where id = ${handoffId}`
  return row!
}

/** Takes a requested handoff: the named executive, or anyone from the pool (who then has it). */
export async function acceptHandoff(sql: Sql, { handoffId, actor }: { handoffId: string; actor: SessionUser }): Promise<HandoffResult> {
  return sql.begin(async (tx): Promise<HandoffResult> => {
    const h = await lockHandoff(tx, handoffId)
    if (!h) return notFound(handoffId)
    const refused = mayAct(h, actor) ?? wrongStatus(h, ['requested'], 'accepted')
    if (refused) return refused
    const executiveId = h.executive_id ?? actor.id
    const executiveName = h.executive_name ?? actor.name
    await tx`
      update handoff set status = 'accepted', executive_id = ${executiveId}, accepted_at = now(), updated_at = now() where id = ${h.id}`
    await insertEvent(tx, h.case_id, 'handoff', actor.id, { handoff_id: h.id, action: 'accepted', status: 'accepted', executive_id: executiveId, executive: executiveName })
    await audit(tx, { actorId: actor.id, action: 'handoff.accept', targetType: 'handoff', targetId: h.id, detail: { case_id: h.case_id } })
    await notify(tx, tell(agentSide(h), h, 'handoff_accepted', { executive: executiveName }, actor.id))
    return {
      ok: true,
      value: {
        handoff: await fresh(tx, h.id),
        webhook: {
          brandId: h.brand_id,
          event: 'handoff_accepted',
          message: webhookMessage('handoff_accepted', { caseId: h.case_id, priority: h.priority, customer: h.customer }, [`Accepted by ${executiveName}`]),
        },
      },
    }
  })
}

/** Declines with a reason; the case goes back to the agent's attention and may be handed off again. */
export async function declineHandoff(sql: Sql, { handoffId, actor, reason }: { handoffId: string; actor: SessionUser; reason: string }): Promise<HandoffResult> {
  return sql.begin(async (tx): Promise<HandoffResult> => {
    const h = await lockHandoff(tx, handoffId)
    if (!h) return notFound(handoffId)
    const refused = mayAct(h, actor) ?? wrongStatus(h, ['requested', 'accepted'], 'declined')
    if (refused) return refused
    await tx`update handoff set status = 'declined', decline_reason = ${reason}, updated_at = now() where id = ${h.id}`
    await insertEvent(tx, h.case_id, 'handoff', actor.id, {
      handoff_id: h.id, action: 'declined', status: 'declined', reason, executive_id: h.executive_id ?? actor.id, executive: h.executive_name ?? actor.name,
    })
    await returnCase(tx, h, actor, `handoff declined: ${reason}`)
    await audit(tx, { actorId: actor.id, action: 'handoff.decline', targetType: 'handoff', targetId: h.id, detail: { case_id: h.case_id, reason } })
    await notify(tx, tell(agentSide(h), h, 'handoff_declined', { executive: h.executive_name ?? actor.name, reason }, actor.id))
    return { ok: true, value: { handoff: await fresh(tx, h.id), webhook: null } }
  })
}

/** Schedules (or moves) the callback of an accepted handoff. */
export async function scheduleCallback(
  sql: Sql,
  { handoffId, actor, callbackAt, channel, contact, now = new Date() }: { handoffId: string; actor: SessionUser; callbackAt: Date; channel: CallbackChannel; contact: string; now?: Date },
): Promise<HandoffResult> {
  return sql.begin(async (tx): Promise<HandoffResult> => {
    const h = await lockHandoff(tx, handoffId)
    if (!h) return notFound(handoffId)
    const refused = mayAct(h, actor) ?? wrongStatus(h, ['accepted', 'callback_scheduled'], 'scheduled (accept it first)')
    if (refused) return refused
    if (callbackAt.getTime() <= now.getTime()) return { ok: false, status: 422, detail: `The callback time ${callbackAt.toISOString()} has already passed; choose a time ahead.` }
    const rescheduled = h.status === 'callback_scheduled'
    await tx`
      update handoff
         set status = 'callback_scheduled', callback_at = ${callbackAt}, callback_channel = ${channel}, callback_contact = ${contact},
             reminded_at = null, breached_at = null, updated_at = now()
       where id = ${h.id}`
    const at = callbackAt.toISOString()
    await insertEvent(tx, h.case_id, 'callback', actor.id, {
      handoff_id: h.id, action: rescheduled ? 'rescheduled' : 'scheduled', status: 'callback_scheduled', callback_at: at, channel, contact,
      ...(rescheduled ? { previous_callback_at: h.callback_at?.toISOString() ?? null } : {}),
    })
    await audit(tx, { actorId: actor.id, action: 'handoff.schedule', targetType: 'handoff', targetId: h.id, detail: { case_id: h.case_id, callback_at: at, channel } })
    await notify(tx, tell(agentSide(h), h, 'callback_scheduled', { executive: h.executive_name, at, channel, contact }, actor.id))
    return { ok: true, value: { handoff: await fresh(tx, h.id), webhook: null } }
  })
}

/** Records how the callback went; the handoff is done and the case is the agent's to resolve. */
export async function recordOutcome(sql: Sql, { handoffId, actor, outcome }: { handoffId: string; actor: SessionUser; outcome: string }): Promise<HandoffResult> {
  return sql.begin(async (tx): Promise<HandoffResult> => {
    const h = await lockHandoff(tx, handoffId)
    if (!h) return notFound(handoffId)
    if (h.status === 'requested') return { ok: false, status: 409, detail: `Handoff ${h.id} has not been accepted yet; accept it before recording an outcome.` }
    const refused = mayAct(h, actor) ?? wrongStatus(h, ['accepted', 'callback_scheduled'], 'given an outcome')
    if (refused) return refused
    const [done] = await tx<{ done_at: Date }[]>`
      update handoff set status = 'done', outcome = ${outcome}, done_at = now(), updated_at = now() where id = ${h.id} returning done_at`
    await insertEvent(tx, h.case_id, 'callback', actor.id, {
      handoff_id: h.id, action: 'completed', status: 'done', outcome,
      callback_at: h.callback_at?.toISOString() ?? null,
      // Late when the sweep already called it missed, or when it comes after the time given.
      late: h.breached_at !== null || (h.callback_at !== null && done!.done_at > h.callback_at),
    })
    await returnCase(tx, h, actor, 'executive callback done')
    await audit(tx, { actorId: actor.id, action: 'handoff.outcome', targetType: 'handoff', targetId: h.id, detail: { case_id: h.case_id } })
    await notify(tx, tell(agentSide(h), h, 'handoff_done', { executive: h.executive_name ?? actor.name, outcome }, actor.id))
    return { ok: true, value: { handoff: await fresh(tx, h.id), webhook: null } }
  })
}

/** Sends a step's webhook after its commit; a failure is logged by postWebhook, never thrown. */
export async function deliverWebhook(sql: Sql, pending: PendingWebhook | null, options?: SendOptions): Promise<WebhookResult | null> {
  if (!pending) return null
  try {
    return await sendBrandWebhook(sql, pending.brandId, pending.event, pending.message, options)
  } catch (error) {
    console.warn(`handoff webhook ${pending.event} could not be sent:`, error)
    return { ok: false, error: String(error) }
  }
}
