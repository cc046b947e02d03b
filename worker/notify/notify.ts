// In-app notifications: what a person is told about their cases (breaches, promises, handovers).
import type { Sql, Tx } from '../db/connect'

/**
 * SQL for the people who lead the care of case `c` (a jsonb array of id strings): its team's
 * lead, or, for a case in no team, the leads of all the brand's teams.
 */
export function leadIdsOfCase(sql: Sql | Tx) {
  return sql`
    case when c.team_id is not null
         then coalesce((select jsonb_agg(t.lead_id::text) from team t where t.id = c.team_id and t.lead_id is not null), '[]')
         else coalesce((select jsonb_agg(distinct t.lead_id::text) from team t
                         where t.brand_id = c.brand_id and t.lead_id is not null), '[]')
    end`
}

export const notificationKinds = [
  'sla_breach',
  'promise_due',
  'promise_broken',
  'assignment',
  'transfer',
  'note_mention',
  'handoff_requested',
  'handoff_accepted',
  'handoff_declined',
  'callback_scheduled',
  'callback_due',
  'handoff_done',
  'send_failed',
  'low_satisfaction',
] as const
export type NotificationKind = (typeof notificationKinds)[number]

export interface NotificationRequest {
  /** Null when the role has nobody (a case without an owner); such rows are skipped. */
  userId: string | null
  caseId: string | null
  kind: NotificationKind
  body: Record<string, unknown>
  /** Names the event: the same person is never told about the same event twice. */
  dedupeKey: string
}

export interface NotificationRow {
  id: string
  case_id: string | null
  kind: NotificationKind
  body: Record<string, unknown>
  created_at: Date
  read_at: Date | null
}

/**
 * Stores notifications in one statement; returns how many are new. The same (person, dedupe
 * key) seen again, in this call or any earlier one, is a no-op, so sweeps that look at the same
 * breach twice, or tell an owner who is also the team lead, tell them once. People no longer
 * active are not told anything.
 */
export async function notify(sql: Sql | Tx, requests: readonly NotificationRequest[]): Promise<number> {
  const rows = new Map<string, { user_id: string; case_id: string | null; kind: NotificationKind; body: Record<string, unknown>; dedupe_key: string }>()
  for (const request of requests) {
    if (request.userId === null) continue
    const key = JSON.stringify([request.userId, request.dedupeKey])
    if (rows.has(key)) continue
    rows.set(key, {
      user_id: request.userId,
      case_id: request.caseId,
      kind: request.kind,
      body: request.body,
      dedupe_key: request.dedupeKey,
    })
  }
  if (rows.size === 0) return 0
  // Inserted in the unique key's order, so that concurrent sweeps writing overlapping rows take
  // the index entries in one order and cannot deadlock.
  const inserted = await sql`
    insert into notification (user_id, case_id, kind, body, dedupe_key)
    select r.user_id, r.case_id, r.kind, r.body, r.dedupe_key
      from jsonb_to_recordset(${JSON.stringify([...rows.values()])}::text::jsonb)
             as r(user_id bigint, case_id bigint, kind text, body jsonb, dedupe_key text)
      join app_user u on u.id = r.user_id and u.active
     order by r.user_id, r.dedupe_key
    on conflict (user_id, dedupe_key) do nothing`
  return inserted.count
}

/** A person's unread notifications, newest first. */
export async function unreadNotifications(sql: Sql | Tx, userId: string, limit: number): Promise<NotificationRow[]> {
  return sql<NotificationRow[]>`
    select id, case_id, kind, body, created_at, read_at
      from notification
     where user_id = ${userId} and read_at is null
     order by created_at desc, id desc
     limit ${limit}`
}

/** Marks one of the person's notifications read; null when they have no notification with that id. */
export async function markNotificationRead(sql: Sql | Tx, userId: string, notificationId: string): Promise<NotificationRow | null> {
  // Reading twice keeps the first time: that is when the person saw it.
  const [row] = await sql<NotificationRow[]>`
    update notification set read_at = coalesce(read_at, now())
     where id = ${notificationId} and user_id = ${userId}
    returning id, case_id, kind, body, created_at, read_at`
  return row ?? null
}
