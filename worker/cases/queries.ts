// Reading cases for the inbox: most urgent first, then the nearest SLA due time, with the counts
// the filter bar shows.
import type { Sql, Tx } from '../db/connect'
import type { UrgencyReason } from '../classify/types'
import { platforms, type Platform } from '../sources/mention'

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

export const inboxViews = ['mine', 'unassigned', 'team', 'all'] as const
export type InboxView = (typeof inboxViews)[number]

/** 'waiting' is waiting_on_customer; 'resolved' includes closed. */
export const inboxStatuses = ['open', 'new', 'waiting', 'handed_off', 'resolved', 'all'] as const
export type InboxStatus = (typeof inboxStatuses)[number]

export interface InboxFilter {
  view: InboxView
  /** Left out: every case not yet resolved, the inbox's usual view. */
  status?: InboxStatus
  priorities?: number[]
  language?: string
  /** Cases with at least one mention on this platform. */
  platform?: Platform
  /** Words, as typed into a search box (websearch syntax: "quoted phrase", -not, or). */
  q?: string
  brand?: string
  limit: number
  userId: string
}

export interface InboxCounts {
  all: number
  mine: number
  unassigned: number
  team: number
  priority: Record<string, number>
  language: Record<string, number>
  platform: Record<string, number>
  status: Record<string, number>
}

const unresolved = ['new', 'open', 'waiting', 'handed_off'] as const

/** A case's summary. Callers narrow it to the cases they show, so the per-case subqueries run for those only. */
const summary = (sql: Sql | Tx) => sql`
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

/** Cases with a mention whose words match; `mention_search` finds the mentions. */
const matching = (sql: Sql | Tx, q: string) => sql`
  c.id in (select m.case_id from mention m
            where to_tsvector('simple', m.text) @@ websearch_to_tsquery('simple', ${q}) and m.case_id is not null)`

function statusCondition(sql: Sql | Tx, status: InboxStatus | undefined) {
  // Spelled out as the partial indexes' own predicate, so the planner can use them.
  const open = sql`c.status not in ('resolved', 'closed')`
  switch (status) {
    case undefined:
      return open
    case 'all':
      return sql`true`
    case 'resolved':
      return sql`c.status in ('resolved', 'closed')`
    case 'waiting':
      return sql`${open} and c.status = 'waiting_on_customer'`
    default:
      return sql`${open} and c.status = ${status}`
  }
}

function viewCondition(sql: Sql | Tx, view: InboxView, userId: string) {
  switch (view) {
    case 'mine':
      return sql`c.owner_id = ${userId}`
    case 'unassigned':
      return sql`c.owner_id is null`
    case 'team':
      return sql`c.team_id in (select tm.team_id from team_member tm where tm.user_id = ${userId})`
    case 'all':
      return sql`true`
  }
}

export async function listCases(sql: Sql | Tx, filter: InboxFilter): Promise<CaseSummary[]> {
  const { priorities, language, platform, q, brand, limit } = filter
  // Per brand, the inbox index hands over cases already in order, so the page is read off its
  // front however many cases are open; the few brands' pages are then merged.
  return sql<CaseSummary[]>`
    with page as (
      select p.id, p.priority, p.sla_due_at, p.opened_at
        from brand b
        cross join lateral (
          select c.id, c.priority, c.sla_due_at, c.opened_at
            from care_case c
           where c.brand_id = b.id
             and c.merged_into_id is null
             and ${statusCondition(sql, filter.status)}
             and ${viewCondition(sql, filter.view, filter.userId)}
             and ${priorities?.length ? sql`c.priority in ${sql(priorities)}` : sql`true`}
             and ${language === undefined ? sql`true` : sql`c.language = ${language}`}
             and ${platform === undefined ? sql`true` : sql`exists (select 1 from mention m where m.case_id = c.id and m.platform = ${platform})`}
             and ${q === undefined ? sql`true` : matching(sql, q)}
           order by c.priority, c.sla_due_at nulls last, c.opened_at, c.id
           limit ${limit}
        ) p
       where ${brand === undefined ? sql`true` : sql`b.id = ${brand}`}
       order by p.priority, p.sla_due_at nulls last, p.opened_at, p.id
       limit ${limit}
    )
    ${summary(sql)}
    join page on page.id = c.id
    order by page.priority, page.sla_due_at nulls last, page.opened_at, page.id`
}

/**
 * How many open cases each filter would show: over the brand's open cases matching the search,
 * whatever the other filters are, so the filter bar can show what each choice holds.
 */
export async function inboxCounts(sql: Sql | Tx, filter: Pick<InboxFilter, 'brand' | 'q' | 'userId'>): Promise<InboxCounts> {
  const { brand, q, userId } = filter
  // One pass over the open cases counts every view and, through grouping sets, every priority,
  // language and status; grouping() says which set a row totals (a set bit: not grouped by it).
  // Platforms need the mentions, so they are counted per case once, from the same rows.
  const [row] = await sql<InboxCounts[]>`
    with scoped as materialized (
      select c.id, c.priority, c.language, c.owner_id,
             case c.status when 'waiting_on_customer' then 'waiting' else c.status end as status,
             c.team_id in (select tm.team_id from team_member tm where tm.user_id = ${userId}) as on_my_team
        from care_case c
       where c.status not in ('resolved', 'closed')
         and c.merged_into_id is null
         and ${brand === undefined ? sql`true` : sql`c.brand_id = ${brand}`}
         and ${q === undefined ? sql`true` : matching(sql, q)}
    ),
    totals as (
      select priority, language, status, grouping(priority, language, status) as unused, count(*)::int as n,
             count(*) filter (where owner_id = ${userId})::int as mine,
             count(*) filter (where owner_id is null)::int as unassigned,
             count(*) filter (where on_my_team)::int as team
        from scoped
       group by grouping sets ((), (priority), (language), (status))
    ),
    on_platform as (
      -- The platforms of mention.platform's check constraint.
      select jsonb_build_object('x', count(*) filter (where p.x), 'bluesky', count(*) filter (where p.bluesky),
                                'mastodon', count(*) filter (where p.mastodon), 'demo', count(*) filter (where p.demo)) as counts
        from scoped s
        cross join lateral (
          select bool_or(m.platform = 'x') as x, bool_or(m.platform = 'bluesky') as bluesky,
                 bool_or(m.platform = 'mastodon') as mastodon, bool_or(m.platform = 'demo') as demo
            from mention m where m.case_id = s.id) p
    )
    select t.n as all, t.mine, t.unassigned, t.team,
           (select coalesce(jsonb_object_agg(priority::text, n), '{}') from totals where unused = 3) as priority,
           (select coalesce(jsonb_object_agg(language, n), '{}') from totals where unused = 5 and language is not null) as language,
           (select coalesce(jsonb_object_agg(status, n), '{}') from totals where unused = 6) as status,
           (select counts from on_platform) as platform
      from totals t
     where t.unused = 7`
  const counts = row!
  // Every priority, status and platform is there, at 0 when no case has it; languages are open-ended.
  return {
    all: counts.all,
    mine: counts.mine,
    unassigned: counts.unassigned,
    team: counts.team,
    priority: { ...zeros(['1', '2', '3', '4']), ...counts.priority },
    language: counts.language,
    platform: { ...zeros(platforms), ...counts.platform },
    status: { ...zeros(unresolved), ...counts.status },
  }
}

function zeros(keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.map((key) => [key, 0]))
}

/**
 * The inbox page and its filter counts, from one snapshot so that they agree. Counting a large
 * inbox has a high estimated cost, at which PostgreSQL would spend longer compiling the query
 * (JIT) than running it; so not here. The two queries are pipelined on the one connection.
 */
/**
 * The counts for the inbox's filter bar, apart from the page itself: they read every open case,
 * so the list stays fast and the bar can refresh at its own pace.
 */
export async function countInbox(sql: Sql, filter: Pick<InboxFilter, 'brand' | 'q' | 'userId'>): Promise<InboxCounts> {
  return sql.begin('read only', async (tx) => {
    // Planning the aggregate with JIT compilation costs more than running it.
    await tx`set local jit = off`
    return inboxCounts(tx, filter)
  })
}

export async function readCase(sql: Sql, caseId: string): Promise<CaseSummary | null> {
  const [found] = await sql<CaseSummary[]>`${summary(sql)} where c.id = ${caseId}`
  return found ?? null
}
