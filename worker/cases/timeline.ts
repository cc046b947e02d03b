// A case's timeline: everything that happened on it and on every case merged into it, so the
// person picking up a merged customer sees one story, not two halves.
import type { UrgencyReason } from '../classify/types'
import type { Sql, Tx } from '../db/connect'

export const caseEventKinds = [
  'mention', 'reply', 'note', 'assignment', 'status', 'priority', 'promise', 'reminder',
  'handoff', 'callback', 'satisfaction', 'merge', 'sla', 'acknowledgement',
] as const
export type CaseEventKind = (typeof caseEventKinds)[number]

export interface TimelineMention {
  id: string
  platform: string
  text: string
  url: string | null
  author_handle: string
  /** A direct message: the customer wrote in private. */
  private: boolean
  posted_at: Date
  language: string | null
  sentiment: number | null
  urgency_reasons: UrgencyReason[]
}

export interface TimelineEvent {
  id: string
  /** The case the event was written on: the asked-for case or one merged into it. */
  case_id: string
  kind: CaseEventKind
  /** Null for Earshot itself. */
  actor: { id: string; name: string } | null
  occurred_at: Date
  body: Record<string, unknown>
  mention: TimelineMention | null
}

/**
 * The case and every case merged into it, at any depth (a case merged into one that was later
 * merged itself). `union` rather than `union all` ends the walk even on a cycle, which the
 * schema does not rule out by itself.
 */
export async function caseIdsOf(sql: Sql | Tx, caseId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    with recursive family(id) as (
      select id from care_case where id = ${caseId}
      union
      select c.id from care_case c join family f on c.merged_into_id = f.id
    )
    select id from family order by id`
  return rows.map((row) => row.id)
}

/**
 * The events of the case and of the cases merged into it, interleaved by time (then id, so
 * events written in one transaction keep their order). Empty for a case that does not exist.
 */
export async function caseTimeline(sql: Sql | Tx, caseId: string): Promise<TimelineEvent[]> {
  const rows = await sql<TimelineRow[]>`
    with recursive family(id) as (
      select id from care_case where id = ${caseId}
      union
      select c.id from care_case c join family f on c.merged_into_id = f.id
    )
    select e.id, e.case_id, e.kind, e.occurred_at, e.body,
           u.id as actor_id, u.name as actor_name,
           m.id as mention_id, m.platform, m.text, m.url, i.handle as author_handle, m.private, m.posted_at,
           m.language, m.sentiment, m.urgency_reasons
      from family f
      join case_event e on e.case_id = f.id
      left join app_user u on u.id = e.actor_id
      left join mention m on m.id = e.mention_id
      left join identity i on i.id = m.identity_id
     order by e.occurred_at, e.id`
  return rows.map((row) => ({
    id: row.id,
    case_id: row.case_id,
    kind: row.kind,
    actor: row.actor_id === null ? null : { id: row.actor_id, name: row.actor_name! },
    occurred_at: row.occurred_at,
    body: row.body,
    mention:
      row.mention_id === null
        ? null
        : {
            id: row.mention_id,
            platform: row.platform!,
            text: row.text!,
            url: row.url,
            author_handle: row.author_handle!,
            private: row.private ?? false,
            posted_at: row.posted_at!,
            language: row.language,
            sentiment: row.sentiment,
            urgency_reasons: row.urgency_reasons ?? [],
          },
  }))
}

interface TimelineRow {
  id: string
  case_id: string
  kind: CaseEventKind
  occurred_at: Date
  body: Record<string, unknown>
  actor_id: string | null
  actor_name: string | null
  mention_id: string | null
  platform: string | null
  text: string | null
  url: string | null
  author_handle: string | null
  private: boolean | null
  posted_at: Date | null
  language: string | null
  sentiment: number | null
  urgency_reasons: UrgencyReason[] | null
}
