// Satisfaction per agent, team and category over a period: how many were asked, how many
// answered, the average score and CSAT (the share of 4s and 5s, the industry's usual measure).
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

interface Row {
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
  const rows = await sql<Row[]>`
    select case when grouping(s.agent_id) = 0 then 'agent'
                when grouping(s.team_id) = 0 then 'team'
                when grouping(s.category) = 0 then 'category'
                else 'overall' end as dimension,
           coalesce(s.agent_id::text, s.team_id::text, s.category) as key,
           case when grouping(s.agent_id) = 0 then min(u.name)
                when grouping(s.team_id) = 0 then min(t.name)
                else s.category end as name,
           count(*)::int as asked, count(s.score)::int as answered, round(avg(s.score), 2)::float8 as average,
           count(*) filter (where s.score = 1)::int as s1, count(*) filter (where s.score = 2)::int as s2,
           count(*) filter (where s.score = 3)::int as s3, count(*) filter (where s.score = 4)::int as s4,
           count(*) filter (where s.score = 5)::int as s5
      from satisfaction s
      join care_case c on c.id = s.case_id
      left join app_user u on u.id = s.agent_id
      left join team t on t.id = s.team_id
     where s.asked_at >= ${from} and s.asked_at < ${to} and (${brandId}::bigint is null or c.brand_id = ${brandId}::bigint)
     group by grouping sets ((), (s.agent_id), (s.team_id), (s.category))
     order by 1, 2`
  const figures = (row: Row | undefined): SatisfactionFigures => {
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
  const group = (dimension: Row['dimension'], nobody: string) =>
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
