// What routing needs to know about a brand at one moment: its hours, SLA targets, team, and
// who of the team is on shift with how much open work. Loaded per batch in two queries.
// Lists come back as JSON, not PostgreSQL arrays: Hyperdrive connections do not load array
// types, and postgres.js would hand an array column over as its text.
import { idArray, type Sql, type Tx } from '../db/connect'
import { addBusinessMinutes, calendar, isOpenAt, nextOpenAt, type Calendar, type Span } from '../sla/calendar'
import type { Candidate } from './assign'

export interface SlaTargets {
  firstResponse: number
  nextResponse: number
  resolution: number
}

// Used for a priority the brand has no policy for: the demo brand's targets, in business minutes.
const defaultTargets: Record<number, SlaTargets> = {
  1: { firstResponse: 15, nextResponse: 30, resolution: 8 * 60 },
  2: { firstResponse: 60, nextResponse: 120, resolution: 24 * 60 },
  3: { firstResponse: 4 * 60, nextResponse: 8 * 60, resolution: 48 * 60 },
  4: { firstResponse: 8 * 60, nextResponse: 24 * 60, resolution: 96 * 60 },
}

export interface Member extends Candidate {
  shifts: Calendar
}

export interface Staffing {
  brandId: string
  timeZone: string
  hours: Calendar
  reopenWindowMs: number
  targets: Record<number, SlaTargets>
  teamId: string | null
  leadId: string | null
  members: Member[]
}

interface BrandRow {
  id: string
  time_zone: string
  always_staffed: boolean
  reopen_window_ms: number
  hours: { weekday: number; opens: string; closes: string }[]
  holidays: string[]
  policies: { priority: number; first: number; next: number; resolution: number }[]
  team_id: string | null
  lead_id: string | null
}

interface MemberRow {
  team_id: string
  id: string
  name: string
  languages: string[]
  capacity: number
  load: number
  shifts: Span[]
}

/** The staffing of each brand in `brandIds`, as of `now`. */
export async function loadStaffing(sql: Sql | Tx, brandIds: readonly string[], now: Date): Promise<Map<string, Staffing>> {
  const brands = await sql<BrandRow[]>`
    select b.id, b.time_zone, b.always_staffed,
           (extract(epoch from b.reopen_window) * 1000)::float8 as reopen_window_ms,
           coalesce((select json_agg(json_build_object('weekday', h.weekday, 'opens', h.opens_at, 'closes', h.closes_at))
                       from business_hours h where h.brand_id = b.id), '[]') as hours,
           coalesce((select json_agg(d.day::text) from holiday d where d.brand_id = b.id), '[]') as holidays,
           coalesce((select json_agg(json_build_object('priority', p.priority, 'first', p.first_response_minutes,
                                                       'next', p.next_response_minutes, 'resolution', p.resolution_minutes))
                       from sla_policy p where p.brand_id = b.id), '[]') as policies,
           t.id as team_id, t.lead_id
      from brand b
      left join lateral (select id, lead_id from team where brand_id = b.id order by id limit 1) t on true
     where b.id = any(${idArray(brandIds)}::bigint[])`
  const teamIds = brands.flatMap((brand) => (brand.team_id === null ? [] : [brand.team_id]))
  const members = teamIds.length === 0 ? [] : await sql<MemberRow[]>`
    select tm.team_id, u.id, u.name, to_json(u.languages) as languages, u.capacity,
           coalesce((select sum(5 - c.priority) from care_case c
                      where c.owner_id = u.id and c.status not in ('resolved', 'closed')), 0)::int as load,
           coalesce((select json_agg(json_build_object('weekday', s.weekday, 'opens', s.starts_at, 'closes', s.ends_at))
                       from user_shift s where s.user_id = u.id), '[]') as shifts
      from team_member tm
      join app_user u on u.id = tm.user_id
     where tm.team_id = any(${idArray(teamIds)}::bigint[]) and u.active and u.role in ('agent', 'admin')`

  const result = new Map<string, Staffing>()
  for (const brand of brands) {
    const holidays = brand.holidays
    // A brand that declared no hours has promised nothing about them: its clocks run on the wall.
    const hours = calendar({ timeZone: brand.time_zone, alwaysOpen: brand.always_staffed || brand.hours.length === 0, spans: brand.hours, holidays })
    const targets: Record<number, SlaTargets> = { ...defaultTargets }
    for (const policy of brand.policies) {
      targets[policy.priority] = { firstResponse: policy.first, nextResponse: policy.next, resolution: policy.resolution }
    }
    result.set(brand.id, {
      brandId: brand.id,
      timeZone: brand.time_zone,
      hours,
      reopenWindowMs: brand.reopen_window_ms,
      targets,
      teamId: brand.team_id,
      leadId: brand.lead_id,
      members: members
        .filter((member) => member.team_id === brand.team_id)
        .map((member) => {
          const shifts = calendar({ timeZone: brand.time_zone, spans: member.shifts, holidays })
          return {
            id: member.id,
            name: member.name,
            languages: member.languages,
            capacity: member.capacity,
            load: member.load,
            shifts,
            onShift: isOpenAt(shifts, now),
          }
        }),
    })
  }
  return result
}

/** When a clock of `minutes` business minutes started at `from` falls due. */
export function dueAt(staffing: Staffing, from: Date, minutes: number): Date {
  // Hours that never open again (every day a holiday) cannot hold a promise: count wall-clock time.
  return addBusinessMinutes(staffing.hours, from, minutes) ?? new Date(from.getTime() + minutes * 60_000)
}

/** The next time anyone of the team is on shift (now, if someone is); null when nobody ever is. */
export function nextStaffedAt(staffing: Staffing, now: Date): Date | null {
  let next: Date | null = null
  for (const member of staffing.members) {
    const at = nextOpenAt(member.shifts, now)
    if (at !== null && (next === null || at < next)) next = at
  }
  return next
}

/** Whether a user is on shift now by their shifts in the brand's zone (the brand's holidays count). */
export async function isOnShift(sql: Sql | Tx, userId: string, brandId: string, now: Date): Promise<boolean> {
  const [row] = await sql<{ time_zone: string; holidays: string[]; shifts: Span[] }[]>`
    select b.time_zone,
           coalesce((select json_agg(d.day::text) from holiday d where d.brand_id = b.id), '[]') as holidays,
           coalesce((select json_agg(json_build_object('weekday', s.weekday, 'opens', s.starts_at, 'closes', s.ends_at))
                       from user_shift s where s.user_id = ${userId}), '[]') as shifts
      from brand b where b.id = ${brandId}`
  if (!row) return false
  return isOpenAt(calendar({ timeZone: row.time_zone, spans: row.shifts, holidays: row.holidays }), now)
}
