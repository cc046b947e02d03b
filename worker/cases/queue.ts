// Cases wait in the team queue while nobody suitable is on shift. When people come on shift (or
// free up capacity), this hands the waiting cases out, most urgent and nearest due first.
import type { Sql } from '../db/connect'
import type { Priority } from '../classify/types'
import { chooseOwner, priorityWeight } from './assign'
import { loadStaffing } from './staffing'

interface QueuedCase {
  id: string
  brand_id: string
  priority: Priority
  language: string | null
  last_owner_id: string | null
}

/** Assigns queued cases to people on shift; returns how many found an owner. */
export async function assignQueued(sql: Sql, { now = new Date(), batchSize = 200 } = {}): Promise<number> {
  return sql.begin(async (tx) => {
    const queued = await tx<QueuedCase[]>`
      select c.id, c.brand_id, c.priority, c.language,
             (select o.owner_id from care_case o
               where o.customer_id = c.customer_id and o.brand_id = c.brand_id and o.owner_id is not null
               order by o.opened_at desc limit 1) as last_owner_id
        from care_case c
       where c.owner_id is null and c.status not in ('resolved', 'closed')
       order by c.priority, c.sla_due_at nulls last, c.id
       limit ${batchSize}
         for update of c skip locked`
    if (queued.length === 0) return 0
    const staffing = await loadStaffing(tx, [...new Set(queued.map((row) => row.brand_id))], now)
    const assigned: { id: string; owner_id: string; reason: string }[] = []
    for (const row of queued) {
      const brand = staffing.get(row.brand_id)!
      const decision = chooseOwner(brand.members, { language: row.language, priority: row.priority, previousOwnerId: row.last_owner_id })
      if (decision.ownerId === null) continue
      assigned.push({ id: row.id, owner_id: decision.ownerId, reason: decision.reason })
      const member = brand.members.find((candidate) => candidate.id === decision.ownerId)
      if (member) member.load += priorityWeight(row.priority)
    }
    if (assigned.length === 0) return 0
    const rows = JSON.stringify(assigned)
    await tx`
      update care_case c set owner_id = r.owner_id, updated_at = now()
        from jsonb_to_recordset(${rows}::text::jsonb) as r(id bigint, owner_id bigint, reason text)
       where c.id = r.id`
    await tx`
      insert into case_event (case_id, kind, body)
      select r.id, 'assignment', jsonb_build_object('from', null, 'to', r.owner_id::text, 'reason', r.reason, 'automatic', true)
        from jsonb_to_recordset(${rows}::text::jsonb) as r(id bigint, owner_id bigint, reason text)`
    return assigned.length
  })
}
