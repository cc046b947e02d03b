// Spike alerts as the app shows them: the banner's list and its dismiss button. Detection and the
// alerts' life cycle are in spikes.ts.
import { z } from 'zod'
import type { Sql, Tx } from '../db/connect'
import { idArray } from '../db/connect'
import type { SpikeAlertView } from './types'

/** How long an alert that ended stays on the banner, so that a rise seen late is still seen. */
export const endedAlertVisibleMs = 6 * 3_600_000

// The samples come back as JSON (Hyperdrive loads no array types); their shape is checked here so
// that the rest of the code can trust it.
const sampleRows = z.array(
  z.object({
    id: z.string(),
    case_id: z.string().nullable(),
    platform: z.string(),
    author_handle: z.string(),
    text: z.string(),
    posted_at: z.string().transform((value) => new Date(value)),
  }),
)
const termList = z.array(z.string())
const kinds = z.enum(['volume', 'reason', 'term'])

/** A row as selected: the view's shape, with the JSON and the kind still to check. */
type AlertRow = Omit<SpikeAlertView, 'kind' | 'terms' | 'samples'> & { kind: string; terms: unknown; samples: unknown }

function selectAlerts(sql: Sql | Tx) {
  return sql`
    select a.id::text as id, a.brand_id::text as brand_id, b.name as brand_name, a.kind, a.key,
           a.window_start, a.window_end, a.observed, a.expected, a.score, a.terms,
           coalesce((
             select json_agg(json_build_object(
                      'id', m.id::text, 'case_id', m.case_id::text, 'platform', m.platform, 'author_handle', i.handle,
                      'text', m.text, 'posted_at', m.posted_at) order by s.position)
               from jsonb_array_elements_text(a.sample_mention_ids) with ordinality as s(mention_id, position)
               join mention m on m.id = s.mention_id::bigint
               join identity i on i.id = m.identity_id
           ), '[]'::json) as samples,
           a.detected_at, a.last_seen_at, a.ended_at
      from spike_alert a
      join brand b on b.id = a.brand_id`
}

function toView(row: AlertRow): SpikeAlertView {
  return { ...row, kind: kinds.parse(row.kind), terms: termList.parse(row.terms), samples: sampleRows.parse(row.samples) }
}

export interface ActiveAlertsOptions {
  brandId?: string | null
  now?: Date
}

/**
 * What the banner shows: alerts still running, or ended within the last six hours, that nobody
 * dismissed; running ones first, then the newest.
 */
export async function activeAlerts(sql: Sql | Tx, { brandId = null, now = new Date() }: ActiveAlertsOptions = {}): Promise<SpikeAlertView[]> {
  const rows = await sql<AlertRow[]>`
    ${selectAlerts(sql)}
     where a.dismissed_at is null
       and (a.ended_at is null or a.ended_at > ${new Date(now.getTime() - endedAlertVisibleMs)})
       and a.detected_at <= ${now}
       ${brandId === null ? sql`` : sql`and a.brand_id = ${brandId}`}
     order by a.ended_at is not null, a.detected_at desc, a.id desc`
  return rows.map(toView)
}

/** The alerts with these ids, in id order, whatever their state: what the webhook tells of. */
export async function alertsById(sql: Sql | Tx, ids: string[]): Promise<SpikeAlertView[]> {
  if (ids.length === 0) return []
  const rows = await sql<AlertRow[]>`
    ${selectAlerts(sql)}
     where a.id = any(${idArray(ids)}::bigint[])
     order by a.id`
  return rows.map(toView)
}

export interface DismissedAlert {
  id: string
  dismissed_at: Date
  dismissed_by: string | null
}

/**
 * Hides the alert from everyone's banner. Dismissing twice keeps the first dismissal. The alert
 * itself runs on: while the rise lasts it is extended, not raised again (and not re-announced).
 * Null when there is no such alert.
 */
export async function dismissAlert(sql: Sql | Tx, id: string, user: { id: string }, now = new Date()): Promise<DismissedAlert | null> {
  const [row] = await sql<DismissedAlert[]>`
    update spike_alert
       set dismissed_at = coalesce(dismissed_at, ${now}), dismissed_by = case when dismissed_at is null then ${user.id}::bigint else dismissed_by end
     where id = ${id}
    returning id::text as id, dismissed_at, dismissed_by::text as dismissed_by`
  return row ?? null
}
