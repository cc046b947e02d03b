// What a mention or a case is about, for the dashboard's category filter, the rollups and the
// satisfaction figures: its leading topical urgency signal, else 'general'. The rule exists once,
// here, in two forms that must agree (test/trends/category.test.ts holds them to it): a function
// for code that has the reasons in hand, and SQL for queries that group many rows at once.
import type postgres from 'postgres'
import type { UrgencyReason } from '../classify/types'
import type { Sql, Tx } from '../db/connect'

/**
 * Signals that say what a mention was about. The others (repeat contact, reach, negative
 * sentiment) say how urgent it was, which is no topic.
 */
export const topicalSignals = ['outage', 'money', 'support_failure', 'regulator', 'churn', 'vulnerability', 'broken_promise'] as const satisfies readonly UrgencyReason['signal'][]
export type TopicalSignal = (typeof topicalSignals)[number]
export type Category = TopicalSignal | 'general'
export const categories: readonly Category[] = [...topicalSignals, 'general']

const topical: ReadonlySet<string> = new Set(topicalSignals)

/** Only the parts of a reason the rule reads; stored reasons come from JSON, so both are checked. */
export interface ReasonLike {
  readonly signal?: unknown
  readonly points?: unknown
}

/**
 * The category of a mention from its urgency reasons, or of a case from the reasons of all its
 * mentions together: the topical signal with the most points summed, ties going to the signal
 * whose name sorts first (byte order, as `collate "C"` in SQL), else 'general'.
 */
export function categoryOf(reasons: Iterable<ReasonLike>): Category {
  const points = new Map<TopicalSignal, number>()
  for (const reason of reasons) {
    if (typeof reason.signal !== 'string' || !topical.has(reason.signal)) continue
    const signal = reason.signal as TopicalSignal
    // A reason without usable points still names the topic; it just adds nothing to it.
    const add = typeof reason.points === 'number' && Number.isFinite(reason.points) ? reason.points : 0
    points.set(signal, (points.get(signal) ?? 0) + add)
  }
  let best: Category = 'general'
  let bestPoints = -Infinity
  for (const [signal, sum] of points) {
    if (sum > bestPoints || (sum === bestPoints && signal < best)) {
      best = signal
      bestPoints = sum
    }
  }
  return best
}

/**
 * The same rule in SQL, over any set of urgency-reason jsonb values: `reasons` is a query whose
 * single column is one reason per row. Non-numeric points count as 0, as in categoryOf.
 */
export function categoryFromReasonsSql(sql: Sql | Tx, reasons: postgres.Fragment): postgres.Fragment {
  return sql`coalesce((
    select signal
      from (select reason->>'signal' as signal,
                   case when jsonb_typeof(reason->'points') = 'number' then (reason->'points')::numeric else 0 end as points
              from (${reasons}) as reasons(reason)) as scored
     where signal in ${sql(topicalSignals)}
     group by signal
     order by sum(points) desc, signal collate "C"
     limit 1), 'general')`
}

/** The category of the mention row aliased `alias` in the surrounding query. */
export function mentionCategorySql(sql: Sql | Tx, alias: string): postgres.Fragment {
  return categoryFromReasonsSql(sql, sql`select jsonb_array_elements(${sql(alias)}.urgency_reasons)`)
}

/**
 * The category of the case whose id is `caseId` (an expression of the surrounding query): over
 * the mentions filed on it and on the cases merged into it, since a merged case's customer and
 * story continue on the survivor.
 */
export function caseCategorySql(sql: Sql | Tx, caseId: postgres.Fragment): postgres.Fragment {
  return categoryFromReasonsSql(
    sql,
    // Read per member of the family through the case index (`offset 0` keeps the planner from
    // flattening it into a hash join over every mention when its statistics are stale).
    sql`select jsonb_array_elements(cm.urgency_reasons)
          from (select ${caseId} union all select merged.id from care_case merged where merged.merged_into_id = ${caseId}) family(id)
          cross join lateral (select m.urgency_reasons from mention m where m.case_id = family.id offset 0) cm`,
  )
}
