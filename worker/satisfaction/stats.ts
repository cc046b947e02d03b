// Satisfaction per agent, team and category over a period: how many were asked, how many
// answered, the average score and CSAT (the share of 4s and 5s, the industry's usual measure).
import type postgres from 'postgres'
import type { Sql } from '../db/connect'

export interface SatisfactionFigures {
  asked: number
  answered: number
  /** Null until someone answered. */
  average: number | null
  /** Percent of answers that were 4 or 5. */
  csat: number | null
  /** How many answers gave each score, 1 to 5. */
  scores: [number, number, number, number, number]
}

export interface SatisfactionGroup extends SatisfactionFigures {
  key: string
  name: string
}

export interface SatisfactionReport {
  from: Date
  to: Date
  overall: SatisfactionFigures
  agents: SatisfactionGroup[]
  teams: SatisfactionGroup[]
  categories: SatisfactionGroup[]
}

export interface SatisfactionRow {
  dimension: 'overall' | 'agent' | 'team' | 'category'
  key: string | null
  name: string | null
  asked: number
  answered: number
  average: number | null
  s1: number; s2: number; s3: number; s4: number; s5: number
}

/** Asks made in [from, to), optionally for one brand; grouped in one pass with grouping sets. */
export async function satisfactionReport(sql: Sql, { brandId, from, to }: { brandId: string | null; from: Date; to: Date }): Promise<SatisfactionReport> {
  const rows = await groupAsks(sql, asksWhere(sql, sql`
    s.asked_at >= ${from} and s.asked_at < ${to} and (${brandId}::bigint is null or c.brand_id = ${brandId}::bigint)`))
  return satisfactionFromRows(rows, from, to)
}

/** The asks (s) of cases (c) meeting `condition`, one row each, in the shape groupAsks reads. */
export function asksWhere(sql: Sql, condition: postgres.Fragment): postgres.Fragment {
  return sql`
    select s.agent_id, s.team_id, s.category, 1 as asked, (s.score is not null)::int as answered,
           (s.score = 1)::int as score_1, (s.score = 2)::int as score_2, (s.score = 3)::int as score_3,
           (s.score = 4)::int as score_4, (s.score = 5)::int as score_5
      from satisfaction s
      join care_case c on c.id = s.case_id
     where ${condition}`
}

/**
 * The report's rows from `asks`, a query of agent_id, team_id, category and counts (asked,
 * answered, score_1 … score_5) per ask or per group of asks (trend_satisfaction_day's days):
 * overall, then per agent, team and category.
 */
export function groupAsks(sql: Sql, asks: postgres.Fragment): Promise<SatisfactionRow[]> {
  return sql<SatisfactionRow[]>`
    select case when grouping(s.agent_id) = 0 then 'agent'
                when grouping(s.team_id) = 0 then 'team'
                when grouping(s.category) = 0 then 'category'
                else 'overall' end as dimension,
           coalesce(s.agent_id::text, s.team_id::text, s.category) as key,
           case when grouping(s.agent_id) = 0 then min(u.name)
                when grouping(s.team_id) = 0 then min(t.name)
                else s.category end as name,
           -- With no asks at all the () set still gives a row: of nulls, hence the coalesces.
           coalesce(sum(s.asked), 0)::int as asked, coalesce(sum(s.answered), 0)::int as answered,
           round((sum(s.score_1) + 2 * sum(s.score_2) + 3 * sum(s.score_3) + 4 * sum(s.score_4) + 5 * sum(s.score_5))::numeric
                 / nullif(sum(s.answered), 0), 2)::float8 as average,
           coalesce(sum(s.score_1), 0)::int as s1, coalesce(sum(s.score_2), 0)::int as s2, coalesce(sum(s.score_3), 0)::int as s3,
           coalesce(sum(s.score_4), 0)::int as s4, coalesce(sum(s.score_5), 0)::int as s5
      from (${asks}) s
      left join app_user u on u.id = s.agent_id
      left join team t on t.id = s.team_id
     group by grouping sets ((), (s.agent_id), (s.team_id), (s.category))
     order by 1, 2`
}

/** The report from its grouped rows: one without a key for all, then per agent, team and category. */
export function satisfactionFromRows(rows: SatisfactionRow[], from: Date, to: Date): SatisfactionReport {
  const figures = (row: SatisfactionRow | undefined): SatisfactionFigures => {
    if (!row) return { asked: 0, answered: 0, average: null, csat: null, scores: [0, 0, 0, 0, 0] }
    return {
      asked: row.asked,
      answered: row.answered,
      average: row.average,
      csat: row.answered === 0 ? null : Math.round(((row.s4 + row.s5) / row.answered) * 1000) / 10,
      scores: [row.s1, row.s2, row.s3, row.s4, row.s5],
    }
  }
  // A null key in a grouping set is "nobody" (no owner, no team), not the grand total.
  const group = (dimension: SatisfactionRow['dimension'], nobody: string) =>
    rows
      .filter((row) => row.dimension === dimension)
      .map((row) => ({ key: row.key ?? 'none', name: row.name ?? nobody, ...figures(row) }))
      .sort((a, b) => b.answered - a.answered || a.name.localeCompare(b.name))
  return {
    from,
    to,
    overall: figures(rows.find((row) => row.dimension === 'overall')),
    agents: group('agent', 'No owner'),
    teams: group('team', 'No team'),
    categories: group('category', 'general'),
  }
}
