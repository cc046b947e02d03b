// A case's sla_due_at is the nearest due time of its clocks that are running and not yet
// breached, stored so the inbox sorts and the SLA sweep finds due cases through one index.
// Routing computes it in memory; everything else asks the database with the same rule.
import { idArray, type Sql, type Tx } from '../db/connect'

export interface Clocks {
  first_response_at: Date | null
  first_response_due_at: Date | null
  first_response_breached_at: Date | null
  next_response_due_at: Date | null
  next_response_breached_at: Date | null
  resolution_due_at: Date | null
  resolution_breached_at: Date | null
}

export function nearestDue(clocks: Clocks): Date | null {
  let nearest: Date | null = null
  if (clocks.first_response_at === null && clocks.first_response_breached_at === null) nearest = earlier(nearest, clocks.first_response_due_at)
  if (clocks.next_response_breached_at === null) nearest = earlier(nearest, clocks.next_response_due_at)
  if (clocks.resolution_breached_at === null) nearest = earlier(nearest, clocks.resolution_due_at)
  return nearest
}

/** Sets sla_due_at from the case's clocks as they now stand (run after changing them). */
export async function refreshSlaDue(sql: Sql | Tx, caseIds: readonly string[]): Promise<void> {
  await sql`
    update care_case
       set sla_due_at = least(
             case when first_response_at is null and first_response_breached_at is null then first_response_due_at end,
             case when next_response_breached_at is null then next_response_due_at end,
             case when resolution_breached_at is null then resolution_due_at end)
     where id = any(${idArray(caseIds)}::bigint[])`
}

export function earlier(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b
  if (b === null) return a
  return a < b ? a : b
}
