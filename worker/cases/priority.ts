// Escalation by urgency: a missed SLA, a broken promise or a worrying new message each move a
// case one step up, so that repeated failures keep climbing instead of jumping straight to P1.
import type { Sql, Tx } from '../db/connect'

export interface PriorityRaise {
  caseId: string
  /** What the person sees on the timeline, e.g. "first response SLA missed". */
  reason: string
}

export interface PriorityChange {
  caseId: string
  from: number
  to: number
  reason: string
}

export interface RaiseOptions {
  /** Who raised it; null (the default) for Earshot itself. */
  actorId?: string | null
  /** When, for the timeline; the transaction's time by default. */
  occurredAt?: Date
}

/**
 * Raises each case one step (P4 to P3 … P1 stays P1) and writes a 'priority' event for every
 * case that changed. A case named twice in one call still moves one step, with the reasons
 * joined. Returns the changes made.
 */
export async function raisePriority(
  tx: Sql | Tx,
  raises: readonly PriorityRaise[],
  { actorId = null, occurredAt }: RaiseOptions = {},
): Promise<PriorityChange[]> {
  const reasons = new Map<string, string[]>()
  for (const { caseId, reason } of raises) reasons.set(caseId, [...(reasons.get(caseId) ?? []), reason])
  if (reasons.size === 0) return []
  const rows = [...reasons].map(([case_id, list]) => ({ case_id, reason: [...new Set(list)].join('; ') }))
  const input = JSON.stringify(rows)
  // Locked in id order first: two sweeps raising overlapping cases would otherwise lock them in
  // whatever order their join produced, and could deadlock each other.
  await tx`
    select c.id from care_case c
     where c.id in (select r.case_id from jsonb_to_recordset(${input}::text::jsonb) as r(case_id bigint))
     order by c.id
       for update of c`
  const changed = await tx<{ case_id: string; from: number; to: number; reason: string }[]>`
    with raised as (
      update care_case c
         set priority = c.priority - 1, updated_at = now()
        from jsonb_to_recordset(${input}::text::jsonb) as r(case_id bigint, reason text)
       where c.id = r.case_id and c.priority > 1
      returning c.id as case_id, c.priority + 1 as "from", c.priority as "to", r.reason
    ),
    event as (
      insert into case_event (case_id, kind, actor_id, occurred_at, body)
      select case_id, 'priority', ${actorId}, coalesce(${occurredAt ?? null}::timestamptz, now()),
             jsonb_build_object('from', "from", 'to', "to", 'reason', reason)
        from raised
       order by case_id
    )
    select case_id, "from", "to", reason from raised order by case_id`
  return changed.map((row) => ({ caseId: row.case_id, from: row.from, to: row.to, reason: row.reason }))
}
