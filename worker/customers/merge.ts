// Merging customers: an agent recognises one person behind identities on different platforms.
// A merge must be undoable with nothing lost, so it moves no mentions, deletes nothing, and
// records in customer_merge.changes every value it overwrote. Undo writes those values back.
import { audit } from '../audit'
import type { Sql, Tx } from '../db/connect'

export interface MergeInput {
  /** The customer that stays. */
  survivorId: string
  /** The customer folded into the survivor. */
  mergedId: string
  actorId: string
  reason: string
}

export interface UndoInput {
  mergeId: string
  actorId: string
}

/** One of the merged customer's open cases, as it was before the merge. */
export interface MergedCaseChange {
  id: string
  brand_id: string
  /** Closed into the survivor's open case on the same brand, or handed to the survivor whole. */
  action: 'closed_into' | 'repointed'
  status: string
  owner_id: string | null
  resolved_at: string | null
  closed_at: string | null
  customer_id: string
  /** The survivor's case it was closed into; null when repointed. */
  into: string | null
}

/** What the merge may change on the survivor's case: priority, the clocks and the owner. */
export interface SurvivorCaseState {
  priority: number
  owner_id: string | null
  first_response_due_at: string | null
  next_response_due_at: string | null
  resolution_due_at: string | null
  sla_due_at: string | null
  first_response_breached_at: string | null
  next_response_breached_at: string | null
  resolution_breached_at: string | null
}

export interface SurvivorCaseChange {
  id: string
  from_case_id: string
  before: SurvivorCaseState
  after: SurvivorCaseState
}

/** Stored in customer_merge.changes. Timestamps are PostgreSQL's own text, microseconds included. */
export interface MergeChanges {
  cases: MergedCaseChange[]
  survivor_cases: SurvivorCaseChange[]
  /** Customers that had been merged into the merged customer and now point at the survivor. */
  repointed: string[]
}

export interface CustomerMerge {
  id: string
  survivor_id: string
  merged_id: string
  reason: string
  merged_by: string | null
  merged_at: Date
  changes: MergeChanges
  undone_by: string | null
  undone_at: Date | null
}

export type MergeRefusalReason = 'customer_not_found' | 'same_customer' | 'already_merged' | 'survivor_merged'
export type UndoRefusalReason = 'merge_not_found' | 'already_undone' | 'survivor_merged_again' | 'open_case_conflict'

export interface Refusal<Reason extends string> {
  ok: false
  reason: Reason
  /** A sentence for the agent. */
  detail: string
}

export type MergeResult = { ok: true; merge: CustomerMerge } | Refusal<MergeRefusalReason>
export type UndoResult = { ok: true; merge: CustomerMerge; keptOnSurvivor: string[] } | Refusal<UndoRefusalReason>

const mergeColumns = 'id, survivor_id, merged_id, reason, merged_by, merged_at, changes, undone_by, undone_at'

/**
 * Folds `mergedId` into `survivorId` in one transaction. Chains stay flat: customers already
 * merged into the merged one are re-pointed at the survivor. Per brand, when both have an open
 * case the merged one's is closed into the survivor's, which takes the more urgent priority and
 * the earlier due time of each clock; when only the merged one has, that case moves to the
 * survivor. Resolved and closed cases stay with their customer.
 */
export async function mergeCustomers(sql: Sql, input: MergeInput): Promise<MergeResult> {
  const { survivorId, mergedId, actorId, reason } = input
  return sql.begin(async (tx): Promise<MergeResult> => {
    // Every customer this merge changes is locked in one statement, in id order, the same order
    // an undo uses: two merges of the same pair, or a merge and an undo sharing customers, wait
    // for each other instead of deadlocking, and the later one sees the earlier one's result.
    // Customers already folded into the merged one are found through the indexed merge records
    // (customer.merged_into_id has no index).
    const customers = await tx<{ id: string; merged_into_id: string | null }[]>`
      with recursive below(id) as (
        select merged_id from customer_merge where survivor_id = ${mergedId} and undone_at is null
        union
        select cm.merged_id from customer_merge cm join below b on cm.survivor_id = b.id where cm.undone_at is null
      )
      select id, merged_into_id from customer
       where id in (select ${survivorId}::bigint union select ${mergedId}::bigint union select id from below)
       order by id
         for update`
    const survivor = customers.find((row) => row.id === survivorId)
    const merged = customers.find((row) => row.id === mergedId)
    if (!survivor || !merged) {
      const missing = survivor ? mergedId : survivorId
      return refuse('customer_not_found', `There is no customer ${missing}.`)
    }
    if (survivorId === mergedId) return refuse('same_customer', `Customer ${mergedId} cannot be merged into itself.`)
    if (merged.merged_into_id !== null) {
      return refuse('already_merged', `Customer ${mergedId} is already merged into customer ${merged.merged_into_id}.`)
    }
    if (survivor.merged_into_id !== null) {
      return refuse(
        'survivor_merged',
        `Customer ${survivorId} is itself merged into customer ${survivor.merged_into_id}; merge into that one instead.`,
      )
    }
    // Read again in a statement of its own: the one above took its snapshot before waiting for
    // the locks, so it can miss a customer folded into the merged one meanwhile. Now that the
    // merged customer is locked nobody can fold another into it, so this list is complete; a
    // customer it adds is locked here, out of order, which only that rare race can cause.
    const folded = await tx<{ id: string }[]>`
      with recursive below(id) as (
        select merged_id from customer_merge where survivor_id = ${mergedId} and undone_at is null
        union
        select cm.merged_id from customer_merge cm join below b on cm.survivor_id = b.id where cm.undone_at is null
      )
      select id from customer
       where id in (select id from below) and merged_into_id = ${mergedId}
       order by id
         for update`
    const repointed = folded.map((row) => row.id)

    const open = await tx<{ id: string; brand_id: string; customer_id: string }[]>`
      select id, brand_id, customer_id from care_case
       where customer_id in (${survivorId}, ${mergedId}) and status not in ('resolved', 'closed')
       order by id
         for update`
    // The unique index allows one open case per customer and brand, so a brand pairs at most two.
    const survivorOpen = new Map(open.filter((c) => c.customer_id === survivorId).map((c) => [c.brand_id, c.id]))
    const plan = open
      .filter((c) => c.customer_id === mergedId)
      .map((c) => ({ merged_case_id: c.id, survivor_case_id: survivorOpen.get(c.brand_id) ?? null }))
    const pairs = JSON.stringify(plan.filter((p) => p.survivor_case_id !== null))
    const moves = JSON.stringify(plan.filter((p) => p.survivor_case_id === null))

    const [row] = await tx<{ id: string }[]>`
      insert into customer_merge (survivor_id, merged_id, reason, merged_by)
      values (${survivorId}, ${mergedId}, ${reason}, ${actorId})
      returning id`
    const mergeId = row!.id

    // The survivor's case first, while the merged case still holds its values. The self-join
    // ("before") reads the row as it was before this statement: PostgreSQL 15 has no OLD in
    // RETURNING. A running clock on either case keeps running (least() skips nulls), and a clock
    // the merged case had already missed stays missed rather than being missed a second time.
    // The merged case's owner carries on with the customer if the survivor's case had none.
    const survivorCases = await tx<{ change: SurvivorCaseChange }[]>`
      update care_case s
         set priority = least(s.priority, m.priority),
             owner_id = coalesce(s.owner_id, m.owner_id),
             first_response_due_at = least(s.first_response_due_at, m.first_response_due_at),
             next_response_due_at = least(s.next_response_due_at, m.next_response_due_at),
             resolution_due_at = least(s.resolution_due_at, m.resolution_due_at),
             sla_due_at = least(s.sla_due_at, m.sla_due_at),
             first_response_breached_at = least(s.first_response_breached_at, m.first_response_breached_at),
             next_response_breached_at = least(s.next_response_breached_at, m.next_response_breached_at),
             resolution_breached_at = least(s.resolution_breached_at, m.resolution_breached_at),
             updated_at = now()
        from jsonb_to_recordset(${pairs}::text::jsonb) as p(merged_case_id bigint, survivor_case_id bigint),
             care_case m, care_case before
       where s.id = p.survivor_case_id and m.id = p.merged_case_id and before.id = s.id
      returning jsonb_build_object(
        'id', s.id::text, 'from_case_id', m.id::text,
        'before', jsonb_build_object(
          'priority', before.priority, 'owner_id', before.owner_id::text,
          'first_response_due_at', before.first_response_due_at, 'next_response_due_at', before.next_response_due_at,
          'resolution_due_at', before.resolution_due_at, 'sla_due_at', before.sla_due_at,
          'first_response_breached_at', before.first_response_breached_at,
          'next_response_breached_at', before.next_response_breached_at,
          'resolution_breached_at', before.resolution_breached_at),
        'after', jsonb_build_object(
          'priority', s.priority, 'owner_id', s.owner_id::text,
          'first_response_due_at', s.first_response_due_at, 'next_response_due_at', s.next_response_due_at,
          'resolution_due_at', s.resolution_due_at, 'sla_due_at', s.sla_due_at,
          'first_response_breached_at', s.first_response_breached_at,
          'next_response_breached_at', s.next_response_breached_at,
          'resolution_breached_at', s.resolution_breached_at)) as change`

    // A merged case has no owner (a check enforces it): its owner now works the survivor's case.
    const closedCases = await tx<{ change: MergedCaseChange }[]>`
      update care_case m
         set status = 'closed', resolved_at = now(), closed_at = now(),
             merged_into_id = p.survivor_case_id, owner_id = null, updated_at = now()
        from jsonb_to_recordset(${pairs}::text::jsonb) as p(merged_case_id bigint, survivor_case_id bigint),
             care_case before
       where m.id = p.merged_case_id and before.id = m.id
      returning ${caseChange(tx, 'closed_into')} as change`

    const movedCases = await tx<{ change: MergedCaseChange }[]>`
      update care_case m
         set customer_id = ${survivorId}, updated_at = now()
        from jsonb_to_recordset(${moves}::text::jsonb) as p(merged_case_id bigint),
             care_case before
       where m.id = p.merged_case_id and before.id = m.id
      returning ${caseChange(tx, 'repointed')} as change`

    await tx`
      update customer set merged_into_id = ${survivorId}
       where id in (select ${mergedId}::bigint union select value::bigint from jsonb_array_elements_text(${JSON.stringify(repointed)}::text::jsonb))`

    const changes: MergeChanges = {
      cases: [...closedCases, ...movedCases].map((r) => r.change).sort((a, b) => compareIds(a.id, b.id)),
      survivor_cases: survivorCases.map((r) => r.change).sort((a, b) => compareIds(a.id, b.id)),
      repointed,
    }
    const [merge] = await tx<CustomerMerge[]>`
      update customer_merge set changes = ${JSON.stringify(changes)}::text::jsonb
       where id = ${mergeId}
      returning ${tx.unsafe(mergeColumns)}`

    const common = { merge_id: mergeId, survivor_customer_id: survivorId, merged_customer_id: mergedId, reason }
    const events: MergeEvent[] = [
      ...changes.survivor_cases.map((c) => ({ case_id: c.id, body: { ...common, from_case_id: c.from_case_id } })),
      ...changes.cases.map((c) =>
        c.into === null
          ? { case_id: c.id, body: { ...common, moved_from_customer_id: c.customer_id } }
          : { case_id: c.id, body: { ...common, into_case_id: c.into } },
      ),
    ]
    await appendMergeEvents(tx, actorId, events)
    await audit(tx, {
      actorId,
      action: 'customer.merge',
      targetType: 'customer',
      targetId: survivorId,
      detail: { merge_id: mergeId, merged_customer_id: mergedId, reason },
    })
    return { ok: true, merge: merge! }
  })
}

/**
 * Undoes a merge in one transaction: the merged customer, the customers re-pointed with it and
 * the cases the merge changed go back to what changes recorded. Mentions that arrived on the
 * survivor's cases meanwhile stay where they are, and the undo events name them.
 */
export async function undoMerge(sql: Sql, input: UndoInput): Promise<UndoResult> {
  const { mergeId, actorId } = input
  return sql.begin(async (tx): Promise<UndoResult> => {
    const [merge] = await tx<CustomerMerge[]>`
      select ${tx.unsafe(mergeColumns)} from customer_merge where id = ${mergeId} for update`
    if (!merge) return refuse('merge_not_found', `There is no customer merge ${mergeId}.`)
    if (merge.undone_at !== null) {
      return refuse('already_undone', `Customer merge ${mergeId} was already undone at ${merge.undone_at.toISOString()}.`)
    }
    const survivorId = merge.survivor_id
    const mergedId = merge.merged_id
    const changes = normalizeChanges(merge.changes)
    // In one statement and in id order, as a merge locks them (see mergeCustomers).
    const customerIds = JSON.stringify([survivorId, mergedId, ...changes.repointed])
    const customers = await tx<{ id: string; merged_into_id: string | null }[]>`
      select id, merged_into_id from customer
       where id in (select value::bigint from jsonb_array_elements_text(${customerIds}::text::jsonb))
       order by id
         for update`
    const survivor = customers.find((row) => row.id === survivorId)
    // Undoing now would leave the merged customer pointing at a customer that is itself merged;
    // the later merge has to be undone first.
    if (survivor?.merged_into_id) {
      return refuse(
        'survivor_merged_again',
        `Customer ${survivorId} has since been merged into customer ${survivor.merged_into_id}; undo that merge first.`,
      )
    }

    const casesJson = JSON.stringify(changes.cases)
    const survivorJson = JSON.stringify(changes.survivor_cases)
    await tx`
      select id from care_case
       where id in (select (value->>'id')::bigint from jsonb_array_elements(${casesJson}::text::jsonb)
                    union select (value->>'id')::bigint from jsonb_array_elements(${survivorJson}::text::jsonb))
          or (customer_id = ${mergedId} and status not in ('resolved', 'closed'))
       order by id
         for update`

    // Routing files a merged customer's mentions on the survivor's cases, so the merged customer
    // mostly gains no open case while merged. It can, though: a reply in the thread of one of its
    // old resolved cases reopens that case under its own customer id once the survivor has no
    // open case on the brand. Giving back the case the merge closed would then be a second open
    // case for one customer and brand (the care_case_one_open index would refuse the statement).
    // Refuse the undo, naming both, rather than guess which case the story belongs on.
    const conflicts = await tx<{ restoring: string; open: string; brand_id: string }[]>`
      select c.id as restoring, o.id as open, c.brand_id
        from jsonb_to_recordset(${casesJson}::text::jsonb) as r(id bigint, action text, status text, "into" bigint)
        join care_case c on c.id = r.id
        join care_case o on o.customer_id = ${mergedId} and o.brand_id = c.brand_id
                        and o.status not in ('resolved', 'closed') and o.id <> c.id
       where r.status not in ('resolved', 'closed')
         and ((r.action = 'closed_into' and c.merged_into_id = r."into")
           or (r.action = 'repointed' and c.customer_id = ${survivorId} and c.status not in ('resolved', 'closed')))
       order by c.id`
    if (conflicts.length > 0) {
      const list = conflicts.map((c) => `case ${c.restoring} (brand ${c.brand_id}) would join open case ${c.open}`).join('; ')
      return refuse(
        'open_case_conflict',
        `Undoing would give customer ${mergedId} two open cases on one brand: ${list}. Resolve or merge the open case first.`,
      )
    }

    // Only a case still as the merge left it is restored; one changed since keeps its newer state.
    const restoredClosed = await tx<{ id: string }[]>`
      update care_case c
         set status = r.status, owner_id = r.owner_id, resolved_at = r.resolved_at, closed_at = r.closed_at,
             merged_into_id = null, updated_at = now()
        from jsonb_to_recordset(${casesJson}::text::jsonb)
             as r(id bigint, action text, status text, owner_id bigint, resolved_at timestamptz, closed_at timestamptz, "into" bigint)
       where c.id = r.id and r.action = 'closed_into' and c.merged_into_id = r."into"
      returning c.id`
    const restoredMoved = await tx<{ id: string }[]>`
      update care_case c
         set customer_id = r.customer_id, updated_at = now()
        from jsonb_to_recordset(${casesJson}::text::jsonb) as r(id bigint, action text, customer_id bigint)
       where c.id = r.id and r.action = 'repointed' and c.customer_id = ${survivorId}
      returning c.id`

    // The survivor's case goes back to its own priority and clocks only if they are still what
    // the merge made them. If anything changed them since (an agent raised the priority, a reply
    // stopped a clock, the sweep marked a breach), those are newer facts about a case that stays
    // open: they win, and the set is kept whole, because sla_due_at is derived from the clocks and
    // restoring some of them would leave it inconsistent. The owner is judged on its own: a
    // reassignment after the merge is a separate, newer decision. Times compare to the
    // millisecond: code that rewrites a case through JavaScript Dates drops the microseconds
    // without changing anything.
    const restoredClocks = await tx<{ id: string }[]>`
      update care_case c
         set priority = b.priority,
             first_response_due_at = b.first_response_due_at, next_response_due_at = b.next_response_due_at,
             resolution_due_at = b.resolution_due_at, sla_due_at = b.sla_due_at,
             first_response_breached_at = b.first_response_breached_at,
             next_response_breached_at = b.next_response_breached_at,
             resolution_breached_at = b.resolution_breached_at,
             updated_at = now()
        from jsonb_to_recordset(${survivorJson}::text::jsonb) as r(id bigint, before jsonb, after jsonb)
             cross join lateral jsonb_populate_record(null::care_case, r.before) as b
             cross join lateral jsonb_populate_record(null::care_case, r.after) as a
       where c.id = r.id and ${clockState(tx, 'c')} is not distinct from ${clockState(tx, 'a')}
      returning c.id`
    const restoredOwners = await tx<{ id: string }[]>`
      update care_case c
         set owner_id = (r.before->>'owner_id')::bigint, updated_at = now()
        from jsonb_to_recordset(${survivorJson}::text::jsonb) as r(id bigint, before jsonb, after jsonb)
       where c.id = r.id and c.merged_into_id is null
         and c.owner_id is not distinct from (r.after->>'owner_id')::bigint
         and c.owner_id is distinct from (r.before->>'owner_id')::bigint
      returning c.id`

    await tx`update customer set merged_into_id = null where id = ${mergedId}`
    await tx`
      update customer set merged_into_id = ${mergedId}
       where id in (select value::bigint from jsonb_array_elements_text(${JSON.stringify(changes.repointed)}::text::jsonb))
         and merged_into_id = ${survivorId}`

    // Mentions are never moved: what the merged customer's identities said on the survivor's
    // cases while merged is part of those cases' conversations now.
    const kept = await tx<{ id: string; case_id: string }[]>`
      select m.id, m.case_id
        from mention m
        join identity i on i.id = m.identity_id
        join care_case c on c.id = m.case_id
       where i.customer_id in (select value::bigint from jsonb_array_elements_text(${JSON.stringify([mergedId, ...changes.repointed])}::text::jsonb))
         and c.customer_id = ${survivorId}
         and coalesce(m.routed_at, m.received_at) >= ${merge.merged_at}
       order by m.id`
    const keptOnSurvivor = kept.map((m) => m.id)

    const [undone] = await tx<CustomerMerge[]>`
      update customer_merge set undone_at = now(), undone_by = ${actorId}
       where id = ${mergeId}
      returning ${tx.unsafe(mergeColumns)}`

    const common = {
      merge_id: mergeId,
      undone: true,
      survivor_customer_id: survivorId,
      merged_customer_id: mergedId,
      reason: merge.reason,
      kept_on_survivor: keptOnSurvivor,
    }
    const has = (rows: { id: string }[], id: string) => rows.some((row) => row.id === id)
    const events: MergeEvent[] = [
      ...changes.survivor_cases.map((c) => ({
        case_id: c.id,
        body: { ...common, from_case_id: c.from_case_id, clocks_restored: has(restoredClocks, c.id), owner_restored: has(restoredOwners, c.id) },
      })),
      ...changes.cases.map((c) =>
        c.into === null
          ? { case_id: c.id, body: { ...common, moved_back_to_customer_id: c.customer_id, restored: has(restoredMoved, c.id) } }
          : { case_id: c.id, body: { ...common, into_case_id: c.into, restored: has(restoredClosed, c.id) } },
      ),
    ]
    // A survivor's case the merge did not touch but that now holds the merged customer's words
    // gets an event too, so its timeline says why they are there.
    const touched = new Set(events.map((e) => e.case_id))
    for (const caseId of new Set(kept.map((m) => m.case_id))) {
      if (!touched.has(caseId)) events.push({ case_id: caseId, body: common })
    }
    await appendMergeEvents(tx, actorId, events)
    await audit(tx, {
      actorId,
      action: 'customer.merge_undo',
      targetType: 'customer',
      targetId: survivorId,
      detail: { merge_id: mergeId, merged_customer_id: mergedId, kept_on_survivor: keptOnSurvivor },
    })
    return { ok: true, merge: undone!, keptOnSurvivor }
  })
}

const clockTimes = [
  'first_response_due_at', 'next_response_due_at', 'resolution_due_at', 'sla_due_at',
  'first_response_breached_at', 'next_response_breached_at', 'resolution_breached_at',
] as const

/** The survivor case's priority and clocks as one row value, for "unchanged since the merge?". */
function clockState(tx: Tx, alias: 'a' | 'c') {
  // Fixed text only: the alias is one of two literals.
  return tx.unsafe(`(${alias}.priority, ${clockTimes.map((column) => `date_trunc('milliseconds', ${alias}.${column})`).join(', ')})`)
}

function refuse<Reason extends string>(reason: Reason, detail: string): Refusal<Reason> {
  return { ok: false, reason, detail }
}

/** The case's values from before the update (the self-joined "before" row), for undo. */
function caseChange(tx: Tx, action: MergedCaseChange['action']) {
  // Fixed text only: `action` is one of two literals.
  return tx.unsafe(`jsonb_build_object(
    'id', m.id::text, 'brand_id', m.brand_id::text, 'action', '${action}',
    'status', before.status, 'owner_id', before.owner_id::text,
    'resolved_at', before.resolved_at, 'closed_at', before.closed_at,
    'customer_id', before.customer_id::text, 'into', m.merged_into_id::text)`)
}

interface MergeEvent {
  case_id: string
  body: Record<string, unknown>
}

async function appendMergeEvents(tx: Tx, actorId: string, events: MergeEvent[]) {
  if (events.length === 0) return
  await tx`
    insert into case_event (case_id, kind, actor_id, body)
    select e.case_id, 'merge', ${actorId}, e.body
      from jsonb_to_recordset(${JSON.stringify(events)}::text::jsonb) as e(case_id bigint, body jsonb)
     order by e.case_id`
}

/** A row's changes default to {}; read missing lists as empty. */
function normalizeChanges(changes: Partial<MergeChanges>): MergeChanges {
  return { cases: changes.cases ?? [], survivor_cases: changes.survivor_cases ?? [], repointed: changes.repointed ?? [] }
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}
