// Resolving a case and waiting on the customer. A case with an open promise or an owed callback
// cannot be resolved: that is how a promise gets forgotten.
import type { SessionUser } from '../auth/session'
import { audit } from '../audit'
import { idArray, type Sql, type Tx } from '../db/connect'
import { businessMinutesBetween } from '../sla/calendar'
import { refreshSlaDue } from './clocks'
import { caseIdsOf } from './timeline'
import { isClosed, lockCase, type CaseActionResult } from './ownership'
import { dueAt, loadStaffing } from './staffing'
import { askForSatisfaction, type AskResult, type LinkFor } from '../satisfaction/request'

export interface Blockers {
  openPromises: { id: string; text: string; due_at: Date }[]
  owedCallbacks: { id: string; status: string; callback_at: Date | null; executive: string | null }[]
}

/** What stands in the way of resolving a case, counting the cases merged into it. */
export async function resolutionBlockers(sql: Sql | Tx, caseId: string): Promise<Blockers> {
  const caseIds = await caseIdsOf(sql, caseId)
  const [openPromises, owedCallbacks] = await Promise.all([
    sql<Blockers['openPromises']>`
      select id, text, due_at from promise where case_id = any(${idArray(caseIds)}::bigint[]) and status = 'open' order by due_at`,
    sql<Blockers['owedCallbacks']>`
      select h.id, h.status, h.callback_at, u.name as executive
        from handoff h left join app_user u on u.id = h.executive_id
       where h.case_id = any(${idArray(caseIds)}::bigint[]) and h.status in ('requested', 'accepted', 'callback_scheduled')`,
  ])
  return { openPromises, owedCallbacks }
}

function describeBlockers({ openPromises, owedCallbacks }: Blockers): string {
  const parts = [
    ...openPromises.map((promise) => `open promise #${promise.id} "${promise.text}" (due ${promise.due_at.toISOString()})`),
    ...owedCallbacks.map((handoff) =>
      handoff.callback_at === null
        ? `owed callback from handoff #${handoff.id} (${handoff.status.replace('_', ' ')})`
        : `owed callback from handoff #${handoff.id} (scheduled ${handoff.callback_at.toISOString()}${handoff.executive ? ` with ${handoff.executive}` : ''})`,
    ),
  ]
  return parts.join('; ')
}

export type ResolveRefusal = { ok: false; status: 404 | 409; detail: string; blockers?: Blockers }

export interface ResolveInput {
  caseId: string
  actor: SessionUser
  note?: string
  /** Where the one-click satisfaction page lives; without it (or with askSatisfaction false) nobody is asked. */
  satisfactionLink?: LinkFor
  askSatisfaction?: boolean
}

/**
 * Resolves a case, stopping its clocks, and asks the customer how it went; refused (409, naming
 * each one) while a promise or a callback is open.
 */
export async function resolveCase(sql: Sql, { caseId, actor, note, satisfactionLink, askSatisfaction = true }: ResolveInput): Promise<{ ok: true; value: { caseId: string; satisfaction: AskResult } } | ResolveRefusal> {
  return sql.begin(async (tx) => {
    const locked = await lockCase(tx, caseId)
    if (!locked) return { ok: false, status: 404, detail: `There is no case ${caseId}.` }
    if (isClosed(locked.status)) return { ok: false, status: 409, detail: `Case ${caseId} is already ${locked.status}.` }
    const blockers = await resolutionBlockers(tx, caseId)
    if (blockers.openPromises.length + blockers.owedCallbacks.length > 0) {
      return { ok: false, status: 409, detail: `Case ${caseId} cannot be resolved yet: ${describeBlockers(blockers)}.`, blockers }
    }
    await tx`
      update care_case
         set status = 'resolved', resolved_at = now(), next_response_due_at = null, resolution_due_at = null,
             resolution_paused_minutes = null, sla_due_at = null, updated_at = now()
       where id = ${caseId}`
    await tx`
      insert into case_event (case_id, kind, actor_id, body)
      values (${caseId}, 'status', ${actor.id}, ${JSON.stringify({ from: locked.status, to: 'resolved', reason: note ?? 'resolved' })}::text::jsonb)`
    const satisfaction: AskResult = !askSatisfaction
      ? { asked: false, reason: `${actor.name} chose not to ask.` }
      : satisfactionLink
        ? await askForSatisfaction(tx, { caseId, linkFor: satisfactionLink, now: new Date() })
        : { asked: false, reason: 'No address for the satisfaction page.' }
    await audit(tx, { actorId: actor.id, action: 'case.resolve', targetType: 'case', targetId: caseId, detail: { satisfaction: satisfaction.asked } })
    return { ok: true, value: { caseId, satisfaction } }
  })
}

/**
 * Marks a case as waiting on the customer (its resolution clock pauses, keeping what is left in
 * business minutes) or back to open (the clock resumes with that remainder).
 */
export async function setWaiting(
  sql: Sql,
  { caseId, actor, waiting }: { caseId: string; actor: SessionUser; waiting: boolean },
): Promise<CaseActionResult<{ caseId: string; status: string }>> {
  return sql.begin(async (tx) => {
    const locked = await lockCase(tx, caseId)
    if (!locked) return { ok: false, status: 404, detail: `There is no case ${caseId}.` }
    if (isClosed(locked.status)) return { ok: false, status: 409, detail: `Case ${caseId} is ${locked.status}.` }
    const target = waiting ? 'waiting_on_customer' : 'open'
    if (locked.status === target) return { ok: false, status: 409, detail: `Case ${caseId} is already ${target.replaceAll('_', ' ')}.` }
    const now = new Date()
    const staffing = (await loadStaffing(tx, [locked.brand_id], now)).get(locked.brand_id)!
    const [clock] = await tx<{ resolution_due_at: Date | null; resolution_paused_minutes: number | null }[]>`
      select resolution_due_at, resolution_paused_minutes from care_case where id = ${caseId}`
    if (waiting) {
      const left = clock?.resolution_due_at ? businessMinutesBetween(staffing.hours, now, clock.resolution_due_at) : null
      await tx`
        update care_case
           set status = 'waiting_on_customer', resolution_paused_minutes = ${left === null ? null : Math.ceil(left)},
               resolution_due_at = null, next_response_due_at = null, updated_at = now()
         where id = ${caseId}`
    } else {
      const due = clock?.resolution_paused_minutes == null ? null : dueAt(staffing, now, clock.resolution_paused_minutes)
      await tx`
        update care_case
           set status = 'open', resolution_due_at = coalesce(${due}, resolution_due_at), resolution_paused_minutes = null,
               updated_at = now()
         where id = ${caseId}`
    }
    await refreshSlaDue(tx, [caseId])
    await tx`
      insert into case_event (case_id, kind, actor_id, body)
      values (${caseId}, 'status', ${actor.id}, ${JSON.stringify({ from: locked.status, to: target, reason: waiting ? 'waiting on the customer' : 'back to work' })}::text::jsonb)`
    await audit(tx, { actorId: actor.id, action: waiting ? 'case.wait' : 'case.unwait', targetType: 'case', targetId: caseId })
    return { ok: true, value: { caseId, status: target } }
  })
}
