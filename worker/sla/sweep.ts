// The SLA breach sweep: marks each running clock once when its due time passes, tells the people
// who can act on it, and moves the case's sla_due_at on to the next clock still running.
import type { Sql, Tx } from '../db/connect'
import type { Clocks } from '../cases/clocks'
import { raisePriority } from '../cases/priority'
import { leadIdsOfCase, notify, type NotificationRequest } from '../notify/notify'

export const slaClocks = ['first_response', 'next_response', 'resolution'] as const
export type SlaClock = (typeof slaClocks)[number]

const clockNames: Record<SlaClock, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
}

export interface SweepOptions {
  /** Cases per transaction. */
  batchSize?: number
}

interface DueCase extends Clocks {
  id: string
  owner_id: string | null
  /** The case team's lead, or, for a case in no team, the leads of all the brand's teams. */
  lead_ids: string[]
}

interface ClockState {
  clock: SlaClock
  dueAt: Date
  breachedAt: Date | null
}

/**
 * Runs the sweep to the end, a batch of cases per transaction, and returns how many clocks it
 * marked breached. Cases are claimed with `skip locked`, so any number of processes can sweep at
 * once; each breach is still marked, announced and escalated exactly once.
 */
export async function sweepSla(sql: Sql, now: Date, { batchSize = 1000 }: SweepOptions = {}): Promise<{ breached: number }> {
  let breached = 0
  for (;;) {
    const batch = await sql.begin((tx) => sweepBatch(tx, now, batchSize))
    breached += batch.breached
    // A short batch means the rest is done or claimed by another process.
    if (batch.claimed < batchSize) return { breached }
  }
}

async function sweepBatch(tx: Tx, now: Date, batchSize: number): Promise<{ claimed: number; breached: number }> {
  const due = await tx<DueCase[]>`
    select c.id, c.owner_id,
           ${leadIdsOfCase(tx)} as lead_ids,
           c.first_response_at, c.first_response_due_at, c.first_response_breached_at,
           c.next_response_due_at, c.next_response_breached_at,
           c.resolution_due_at, c.resolution_breached_at
      from care_case c
     where c.sla_due_at <= ${now} and c.sla_due_at is not null and c.status not in ('resolved', 'closed')
     order by c.sla_due_at, c.id
     limit ${batchSize}
       for update of c skip locked`
  if (due.length === 0) return { claimed: 0, breached: 0 }

  const updates: { id: string; first_response: boolean; next_response: boolean; resolution: boolean; sla_due_at: string | null }[] = []
  const events: { case_id: string; body: Record<string, unknown> }[] = []
  const raises: { caseId: string; reason: string }[] = []
  const notifications: NotificationRequest[] = []
  for (const row of due) {
    const clocks = runningClocks(row)
    const breached = clocks.filter((clock) => clock.breachedAt === null && clock.dueAt <= now)
    const stillRunning = clocks.filter((clock) => clock.breachedAt === null && clock.dueAt > now)
    const next = stillRunning.reduce<Date | null>((nearest, clock) => (nearest === null || clock.dueAt < nearest ? clock.dueAt : nearest), null)
    const marked = new Set(breached.map((clock) => clock.clock))
    updates.push({
      id: row.id,
      first_response: marked.has('first_response'),
      next_response: marked.has('next_response'),
      resolution: marked.has('resolution'),
      sla_due_at: next?.toISOString() ?? null,
    })
    if (breached.length === 0) continue
    const missed = `${listOf(breached.map((clock) => clockNames[clock.clock]))} SLA missed`
    // One step per sweep of the case, not per clock: two clocks passing together are one failure
    // to answer, and the next sweep that finds another breach raises it again.
    raises.push({ caseId: row.id, reason: missed })
    for (const clock of breached) {
      const dueAt = clock.dueAt.toISOString()
      events.push({ case_id: row.id, body: { clock: clock.clock, due_at: dueAt, breached: true } })
      const body = { case_id: row.id, clock: clock.clock, due_at: dueAt, breached_at: now.toISOString(), text: `${capitalized(clockNames[clock.clock])} SLA missed` }
      for (const userId of [row.owner_id, ...row.lead_ids]) {
        notifications.push({ userId, caseId: row.id, kind: 'sla_breach', body, dedupeKey: `sla:${row.id}:${clock.clock}:${dueAt}` })
      }
    }
  }

  // Guarded by "is null" as well as by the row lock, so a breach can never be stamped twice.
  await tx`
    update care_case c
       set first_response_breached_at = case when r.first_response and c.first_response_breached_at is null then ${now}::timestamptz
                                             else c.first_response_breached_at end,
           next_response_breached_at = case when r.next_response and c.next_response_breached_at is null then ${now}::timestamptz
                                            else c.next_response_breached_at end,
           resolution_breached_at = case when r.resolution and c.resolution_breached_at is null then ${now}::timestamptz
                                         else c.resolution_breached_at end,
           sla_due_at = r.sla_due_at,
           updated_at = case when r.first_response or r.next_response or r.resolution then now() else c.updated_at end
      from jsonb_to_recordset(${JSON.stringify(updates)}::text::jsonb)
             as r(id bigint, first_response boolean, next_response boolean, resolution boolean, sla_due_at timestamptz)
     where c.id = r.id`
  if (events.length > 0) {
    await tx`
      insert into case_event (case_id, kind, occurred_at, body)
      select r.case_id, 'sla', ${now}, r.body
        from jsonb_to_recordset(${JSON.stringify(events)}::text::jsonb) as r(case_id bigint, body jsonb)`
  }
  await raisePriority(tx, raises, { occurredAt: now })
  await notify(tx, notifications)
  return { claimed: due.length, breached: events.length }
}

/** The clocks of a case that are running: first response until someone answers, the others while they have a due time. */
function runningClocks(row: DueCase): ClockState[] {
  const clocks: ClockState[] = []
  if (row.first_response_at === null && row.first_response_due_at !== null) {
    clocks.push({ clock: 'first_response', dueAt: row.first_response_due_at, breachedAt: row.first_response_breached_at })
  }
  if (row.next_response_due_at !== null) {
    clocks.push({ clock: 'next_response', dueAt: row.next_response_due_at, breachedAt: row.next_response_breached_at })
  }
  if (row.resolution_due_at !== null) {
    clocks.push({ clock: 'resolution', dueAt: row.resolution_due_at, breachedAt: row.resolution_breached_at })
  }
  return clocks
}

function listOf(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
