// The executives' queue: handed-off cases still owed something, most urgent first, then oldest.
import type { SessionUser } from '../auth/session'
import type { Sql, Tx } from '../db/connect'

export interface QueueItem {
  id: string
  case_id: string
  status: 'requested' | 'accepted' | 'callback_scheduled'
  priority: number
  summary: string
  executive_id: string | null
  executive: string | null
  requested_by: { id: string; name: string }
  customer: string | null
  case_status: string
  case_subject: string | null
  callback_at: string | null
  callback_channel: string | null
  callback_contact: string | null
  created_at: string
  /** Whether the callback time has passed without an outcome. */
  overdue: boolean
}

/**
 * What `user` has to work on: the pool's unclaimed requests and their own handoffs (an admin
 * sees every handoff in flight), by case priority and then age of the handoff.
 */
export async function handoffQueue(sql: Sql | Tx, user: Pick<SessionUser, 'id' | 'role'>, { limit = 200 } = {}): Promise<QueueItem[]> {
  const everyone = user.role === 'admin'
  // One json value back: Hyperdrive connections do not load array types.
  const [row] = await sql<{ items: QueueItem[] | null }[]>`
    select json_agg(q order by q.priority, q.created_at, q.id) as items from (
      select h.id::text as id, h.case_id::text as case_id, h.status, c.priority, h.summary,
             h.executive_id::text as executive_id, e.name as executive,
             json_build_object('id', r.id::text, 'name', r.name) as requested_by,
             cu.display_name as customer, c.status as case_status, c.subject as case_subject,
             h.callback_at, h.callback_channel, h.callback_contact, h.created_at,
             (h.status = 'callback_scheduled' and h.callback_at <= now()) as overdue
        from handoff h
        join care_case c on c.id = h.case_id
        join customer cu on cu.id = c.customer_id
        join app_user r on r.id = h.requested_by
        left join app_user e on e.id = h.executive_id
       where h.status in ('requested', 'accepted', 'callback_scheduled')
         and (${everyone} or h.executive_id = ${user.id} or (h.executive_id is null and h.status = 'requested'))
       order by c.priority, h.created_at, h.id
       limit ${limit}
    ) q`
  return row?.items ?? []
}
