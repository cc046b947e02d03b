// Reading cases for the inbox: most urgent first, then the nearest SLA due time.
import type { Sql } from '../db/connect'
import type { UrgencyReason } from '../classify/types'

export interface CaseSummary {
  id: string
  brand_id: string
  status: string
  priority: number
  owner: { id: string; name: string } | null
  customer: { id: string; name: string | null; handle: string | null; platform: string | null }
  language: string | null
  opened_at: Date
  last_customer_message_at: Date | null
  first_response_at: Date | null
  first_response_due_at: Date | null
  next_response_due_at: Date | null
  resolution_due_at: Date | null
  sla_due_at: Date | null
  resolved_at: Date | null
  mentions: number
  /** The newest mention's text and the reasons of the most urgent one. */
  latest_text: string | null
  reasons: UrgencyReason[]
}

export interface CaseFilter {
  owner: 'me' | 'none' | 'any'
  status: 'open' | 'resolved' | 'all'
  brand?: string
  limit: number
  userId: string
}

const summary = (sql: Sql) => sql`
  select c.id, c.brand_id, c.status, c.priority,
         case when o.id is null then null else json_build_object('id', o.id::text, 'name', o.name) end as owner,
         json_build_object('id', k.id::text, 'name', k.display_name, 'handle', i.handle, 'platform', i.platform) as customer,
         c.language, c.opened_at, c.last_customer_message_at, c.first_response_at, c.first_response_due_at,
         c.next_response_due_at, c.resolution_due_at, c.sla_due_at, c.resolved_at,
         (select count(*)::int from mention m where m.case_id = c.id) as mentions,
         (select m.text from mention m where m.case_id = c.id order by m.posted_at desc limit 1) as latest_text,
         coalesce((select m.urgency_reasons from mention m where m.case_id = c.id
                    order by m.urgency_score desc nulls last, m.posted_at desc limit 1), '[]') as reasons
    from care_case c
    join customer k on k.id = c.customer_id
    left join app_user o on o.id = c.owner_id
    left join lateral (select handle, platform from identity where customer_id = k.id order by updated_at desc limit 1) i on true`

export async function listCases(sql: Sql, filter: CaseFilter): Promise<CaseSummary[]> {
  return sql<CaseSummary[]>`
    ${summary(sql)}
     where c.merged_into_id is null
       and ${filter.status === 'open' ? sql`c.status not in ('resolved', 'closed')` : filter.status === 'resolved' ? sql`c.status in ('resolved', 'closed')` : sql`true`}
       and ${filter.owner === 'me' ? sql`c.owner_id = ${filter.userId}` : filter.owner === 'none' ? sql`c.owner_id is null` : sql`true`}
       and ${filter.brand === undefined ? sql`true` : sql`c.brand_id = ${filter.brand}`}
     order by c.priority, c.sla_due_at nulls last, c.opened_at
     limit ${filter.limit}`
}

export async function readCase(sql: Sql, caseId: string): Promise<CaseSummary | null> {
  const [found] = await sql<CaseSummary[]>`${summary(sql)} where c.id = ${caseId}`
  return found ?? null
}
