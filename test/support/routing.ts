// A brand with hours, an SLA policy and a care team, and classified mentions to route: the rows
// routing reads, written as plain SQL.
import type { Sql } from '../../worker/db/connect'

export interface Agent {
  id: string
  name: string
}

export interface RoutingBrand {
  brandId: string
  teamId: string
  leadId: string
}

/** Europe/Tallinn, Mon–Fri 08:00–20:00, P1..P4 first response 15/60/240/480 business minutes. */
export async function insertRoutingBrand(sql: Sql, slug: string, { reopenDays = 7 } = {}): Promise<RoutingBrand> {
  const [brand] = await sql<{ id: string }[]>`
    insert into brand (slug, name, time_zone, reopen_window)
    values (${slug}, ${slug}, 'Europe/Tallinn', make_interval(days => ${reopenDays})) returning id`
  const brandId = brand!.id
  for (const weekday of [1, 2, 3, 4, 5]) {
    await sql`insert into business_hours (brand_id, weekday, opens_at, closes_at) values (${brandId}, ${weekday}, '08:00', '20:00')`
  }
  for (const [priority, first, next, resolution] of [[1, 15, 30, 480], [2, 60, 120, 1440], [3, 240, 480, 2880], [4, 480, 1440, 5760]]) {
    await sql`
      insert into sla_policy (brand_id, priority, first_response_minutes, next_response_minutes, resolution_minutes)
      values (${brandId}, ${priority!}, ${first!}, ${next!}, ${resolution!})`
  }
  const lead = await insertAgent(sql, { email: `lead@${slug}.example`, name: `Lead of ${slug}`, role: 'admin', languages: ['en'], shifts: [] })
  const [team] = await sql<{ id: string }[]>`insert into team (brand_id, name, lead_id) values (${brandId}, 'Care', ${lead.id}) returning id`
  return { brandId, teamId: team!.id, leadId: lead.id }
}

export interface AgentSpec {
  email: string
  name: string
  role?: 'agent' | 'admin' | 'executive'
  languages: string[]
  /** [ISO weekday, starts, ends] in the brand's zone. */
  shifts: [number, string, string][]
  capacity?: number
  teamId?: string
}

export async function insertAgent(sql: Sql, spec: AgentSpec): Promise<Agent> {
  const [user] = await sql<{ id: string }[]>`
    insert into app_user (email, name, role, password_hash, languages, capacity)
    values (${spec.email}, ${spec.name}, ${spec.role ?? 'agent'}, 'pbkdf2-sha256$1$AA==$AA==', ${spec.languages}, ${spec.capacity ?? 10})
    returning id`
  for (const [weekday, starts, ends] of spec.shifts) {
    await sql`insert into user_shift (user_id, weekday, starts_at, ends_at) values (${user!.id}, ${weekday}, ${starts}, ${ends})`
  }
  if (spec.teamId) await sql`insert into team_member (team_id, user_id) values (${spec.teamId}, ${user!.id})`
  return { id: user!.id, name: spec.name }
}

/** Every day, all day: someone who is always on shift. */
export const allWeek: [number, string, string][] = [1, 2, 3, 4, 5, 6, 7].map((day) => [day, '00:00', '24:00'])

export async function insertIdentity(sql: Sql, handle: string, platform = 'x'): Promise<{ customerId: string; identityId: string }> {
  const [customer] = await sql<{ id: string }[]>`insert into customer (display_name) values (${handle}) returning id`
  const [identity] = await sql<{ id: string }[]>`
    insert into identity (customer_id, platform, platform_user_id, handle)
    values (${customer!.id}, ${platform}, ${`${platform}-${handle}`}, ${handle}) returning id`
  return { customerId: customer!.id, identityId: identity!.id }
}

export interface ClassifiedMention {
  brandId: string
  identityId: string
  externalId: string
  text?: string
  platform?: string
  receivedAt: Date
  kind?: 'customer' | 'spam' | 'own_post'
  priority?: 1 | 2 | 3 | 4
  complaint?: boolean
  language?: string | null
  inReplyTo?: string | null
  conversationId?: string | null
  reasons?: { signal: string; points: number; reason: string }[]
}

/** A mention as Classify leaves it: classified, not yet routed. */
export async function insertClassified(sql: Sql, m: ClassifiedMention): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into mention (platform, external_id, brand_id, identity_id, text, posted_at, received_at, raw,
                         conversation_id, in_reply_to_id, language, kind, sentiment, sentiment_label,
                         complaint_probability, complaint, priority, urgency_score, urgency_reasons, model_version, classified_at)
    values (${m.platform ?? 'x'}, ${m.externalId}, ${m.brandId}, ${m.identityId}, ${m.text ?? 'No internet since Monday'},
            ${m.receivedAt}, ${m.receivedAt}, ${sql.json({ id: m.externalId })}, ${m.conversationId ?? null}, ${m.inReplyTo ?? null},
            ${m.language === undefined ? 'en' : m.language}, ${m.kind ?? 'customer'}, -0.6, 'negative', 0.9, ${m.complaint ?? true},
            ${m.priority ?? 3}, 30, ${JSON.stringify(m.reasons ?? [])}::text::jsonb, 'test-model', ${m.receivedAt})
    returning id`
  return row!.id
}

/** Tallinn wall time (UTC+2 in winter, +3 in summer) as an instant, for readable tests. */
export function tallinn(isoLocal: string): Date {
  const guess = new Date(`${isoLocal}Z`)
  const offset = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Tallinn', timeZoneName: 'longOffset' })
    .formatToParts(guess)
    .find((part) => part.type === 'timeZoneName')!
    .value.match(/GMT([+-]\d{2}):(\d{2})/)!
  const minutes = Number(offset[1]) * 60 + Math.sign(Number(offset[1])) * Number(offset[2])
  return new Date(guess.getTime() - minutes * 60_000)
}
