// Manual ownership: claim from the queue, assign, transfer. Each is one transaction holding the
// case row, writes its reason on the timeline and in the audit log, and tells the receiver.
import type { SessionUser } from '../auth/session'
import { audit } from '../audit'
import type { Sql, Tx } from '../db/connect'
import { notify } from '../notify/notify'
import { isOnShift } from './staffing'

export type CaseActionResult<T> = { ok: true; value: T } | { ok: false; status: 403 | 404 | 409 | 422; detail: string }

interface LockedCase {
  id: string
  brand_id: string
  status: string
  owner_id: string | null
  owner_name: string | null
  team_lead_id: string | null
}

/** Locks a case for a change; null when there is no such case. */
export async function lockCase(tx: Tx, caseId: string): Promise<LockedCase | null> {
  const [row] = await tx<LockedCase[]>`
    select c.id, c.brand_id, c.status, c.owner_id, o.name as owner_name, t.lead_id as team_lead_id
      from care_case c
      left join app_user o on o.id = c.owner_id
      left join team t on t.id = c.team_id
     where c.id = ${caseId}
       for update of c`
  return row ?? null
}

export function isClosed(status: string): boolean {
  return status === 'resolved' || status === 'closed'
}

export interface Ownership {
  caseId: string
  ownerId: string | null
}

async function recordAssignment(
  tx: Tx,
  locked: LockedCase,
  actor: SessionUser,
  to: string,
  action: 'claim' | 'assign' | 'transfer',
  reason: string,
): Promise<Ownership> {
  await tx`
    update care_case set owner_id = ${to}, status = case when status = 'new' then 'open' else status end, updated_at = now()
     where id = ${locked.id}`
  const [event] = await tx<{ id: string }[]>`
    insert into case_event (case_id, kind, actor_id, body)
    values (${locked.id}, 'assignment', ${actor.id},
            ${JSON.stringify({ action, from: locked.owner_id, to, reason })}::text::jsonb)
    returning id`
  await audit(tx, { actorId: actor.id, action: `case.${action}`, targetType: 'case', targetId: locked.id, detail: { from: locked.owner_id, to, reason } })
  if (to !== actor.id) {
    await notify(tx, [
      { userId: to, caseId: locked.id, kind: action === 'transfer' ? 'transfer' : 'assignment', body: { from: actor.name, reason }, dedupeKey: `assignment:${event!.id}` },
    ])
  }
  return { caseId: locked.id, ownerId: to }
}

/** Takes an unowned case for oneself. Someone else's case is transferred, not claimed. */
export async function claimCase(sql: Sql, { caseId, actor, reason }: { caseId: string; actor: SessionUser; reason?: string }): Promise<CaseActionResult<Ownership>> {
  return sql.begin(async (tx) => {
    const locked = await lockCase(tx, caseId)
    if (!locked) return notFound(caseId)
    if (isClosed(locked.status)) return { ok: false, status: 409, detail: `Case ${caseId} is ${locked.status}; nothing to claim.` }
    if (locked.owner_id === actor.id) return { ok: false, status: 409, detail: `Case ${caseId} is already yours.` }
    if (locked.owner_id !== null) {
      return { ok: false, status: 409, detail: `Case ${caseId} belongs to ${locked.owner_name}; ask them (or the team lead) to transfer it.` }
    }
    return { ok: true, value: await recordAssignment(tx, locked, actor, actor.id, 'claim', reason ?? 'claimed from the team queue') }
  })
}

/**
 * Gives a case to `toUserId`: an assignment from the queue, or a transfer when it has an owner.
 * The receiver must be on shift now (a case must never wait on someone who is off); a transfer
 * is for its owner, the team lead or an admin.
 */
export async function assignCase(
  sql: Sql,
  { caseId, actor, toUserId, reason }: { caseId: string; actor: SessionUser; toUserId: string; reason: string },
): Promise<CaseActionResult<Ownership>> {
  return sql.begin(async (tx) => {
    const locked = await lockCase(tx, caseId)
    if (!locked) return notFound(caseId)
    if (isClosed(locked.status)) return { ok: false, status: 409, detail: `Case ${caseId} is ${locked.status}; reopen it before assigning.` }
    if (locked.owner_id === toUserId) return { ok: false, status: 409, detail: `Case ${caseId} already belongs to that person.` }
    const transfer = locked.owner_id !== null
    if (transfer && actor.id !== locked.owner_id && actor.id !== locked.team_lead_id && actor.role !== 'admin') {
      return { ok: false, status: 403, detail: `Only ${locked.owner_name}, the team lead or an admin can transfer case ${caseId}.` }
    }
    const [receiver] = await tx<{ id: string; name: string; role: string; active: boolean }[]>`
      select id, name, role, active from app_user where id = ${toUserId}`
    if (!receiver || !receiver.active) return { ok: false, status: 422, detail: `There is no active user ${toUserId}.` }
    if (receiver.role !== 'agent' && receiver.role !== 'admin') {
      return { ok: false, status: 422, detail: `${receiver.name} is ${receiver.role === 'executive' ? 'an' : 'a'} ${receiver.role}; hand cases to executives with a handoff.` }
    }
    if (!(await isOnShift(tx, toUserId, locked.brand_id, new Date()))) {
      return { ok: false, status: 422, detail: `${receiver.name} is not on shift now; choose someone who is, or leave the case in the queue.` }
    }
    return { ok: true, value: await recordAssignment(tx, locked, actor, toUserId, transfer ? 'transfer' : 'assign', reason) }
  })
}

function notFound(caseId: string): { ok: false; status: 404; detail: string } {
  return { ok: false, status: 404, detail: `There is no case ${caseId}.` }
}
