import { hashPassword } from '../auth/password'
import type { Sql } from '../db/connect'

export const demoPassword = 'earshot-demo'
export const demoBrandSlug = 'nordlink'

type Role = 'agent' | 'executive' | 'marketing' | 'admin'

interface DemoUser {
  role: Role
  email: string
  name: string
  languages: string[]
  /** [ISO weekday, start, end] in the brand's time zone; an end not after the start runs overnight. */
  shifts: [number, string, string][]
  /** A member of the care team, whom routing assigns cases to. */
  care: boolean
}

const weekdays = [1, 2, 3, 4, 5]

// Nobody resolves cases in the demo while the replay keeps feeding it, so each person can carry
// more than a real day's work before cases wait in the queue.
const demoCapacity = 60

export const demoUsers: DemoUser[] = [
  {
    role: 'agent',
    email: 'agent@earshot.example',
    name: 'Maria Tamm',
    languages: ['et', 'ru', 'en'],
    shifts: [...weekdays.map((day): [number, string, string] => [day, '08:00', '16:00']), [6, '10:00', '16:00']],
    care: true,
  },
  {
    // Evenings, nights and weekends, so the demo inbox has an owner on shift at any hour.
    role: 'agent',
    email: 'nights@earshot.example',
    name: 'Ilja Smirnov',
    languages: ['ru', 'et', 'en'],
    // Weeknights run into the next morning; Sunday's last span runs into Monday 08:00.
    shifts: [...weekdays.map((day): [number, string, string] => [day, '16:00', '08:00']), [6, '00:00', '24:00'], [7, '00:00', '12:00'], [7, '12:00', '08:00']],
    care: true,
  },
  {
    role: 'executive',
    email: 'executive@earshot.example',
    name: 'Jaan Kask',
    languages: ['et', 'en', 'de'],
    shifts: weekdays.map((day) => [day, '09:00', '18:00']),
    care: false,
  },
  { role: 'marketing', email: 'marketing@earshot.example', name: 'Sofia Rossi', languages: ['it', 'en', 'es'], shifts: [], care: false },
  {
    role: 'admin',
    email: 'admin@earshot.example',
    name: 'Alex Morgan',
    languages: ['en', 'ru'],
    shifts: weekdays.map((day) => [day, '12:00', '20:00']),
    care: true,
  },
]

// Targets in business minutes for P1..P4: first response, next response, resolution.
const slaPolicy = [
  [1, 15, 30, 8 * 60],
  [2, 60, 120, 24 * 60],
  [3, 4 * 60, 8 * 60, 48 * 60],
  [4, 8 * 60, 24 * 60, 96 * 60],
] as const

const openingHours = [...weekdays.map((day) => [day, '08:00', '20:00'] as const), [6, '10:00', '16:00'] as const]

const holidays = [
  ['2026-12-24', 'Christmas Eve'],
  ['2026-12-25', 'Christmas Day'],
  ['2026-12-26', 'Boxing Day'],
  ['2027-01-01', "New Year's Day"],
  ['2027-02-24', 'Independence Day'],
] as const

// The demo team's reply templates. Customers write in Estonian, Russian and English, so the first
// reply is there in each. The move to private asks for a direct message and never for account
// details in public.
export const demoTemplates: { name: string; channel: 'public' | 'private' | 'any'; language: string | null; body: string; moves_to_private: boolean }[] = [
  {
    name: 'First reply',
    channel: 'public',
    language: 'en',
    body: "Hi {customer_name}, I'm {agent_name} from Nordlink care and I'm on it (case {case_number}). I'll get back to you here as soon as I know more.",
    moves_to_private: false,
  },
  {
    name: 'Move to private',
    channel: 'public',
    language: 'en',
    body:
      "Hi {customer_name}, I'm sorry about the trouble and I'd like to look into your account. Please send us a direct message " +
      "with your customer number and the address of the connection, and please don't share account details here in public. " +
      '{agent_name}, Nordlink care (case {case_number})',
    moves_to_private: true,
  },
  {
    name: 'Outage update',
    channel: 'any',
    language: 'en',
    body:
      "Hi {customer_name}, there is a network outage in your area and our engineers are working on it. I'm sorry for the " +
      "disruption. I'll update you here as soon as service is back. {agent_name}, Nordlink care (case {case_number})",
    moves_to_private: false,
  },
  {
    name: 'After hours',
    channel: 'any',
    language: 'en',
    body: "Thanks for your message, {customer_name}. Our care team is back at {next_staffed_time} and will pick up case {case_number} then.",
    moves_to_private: false,
  },
  {
    name: 'First reply',
    channel: 'public',
    language: 'ru',
    body:
      'Здравствуйте, {customer_name}! Меня зовут {agent_name}, я из службы поддержки Nordlink, и я уже занимаюсь вашим вопросом ' +
      '(обращение {case_number}). Я напишу вам здесь, как только что-то узнаю.',
    moves_to_private: false,
  },
  {
    name: 'First reply',
    channel: 'public',
    language: 'et',
    body:
      'Tere, {customer_name}! Mina olen {agent_name} Nordlinki klienditoest ja tegelen teie murega (pöördumine {case_number}). ' +
      'Annan teile siin teada kohe, kui midagi selgub.',
    moves_to_private: false,
  },
]

/**
 * Writes the demo brand (a telco in Tallinn), its hours, holidays and SLA policy, reply templates,
 * a care team and a user for each role (two care agents, one by day and one by night). Does
 * nothing when the demo brand is already there (beyond adding templates to a brand with none),
 * so it is safe on every start.
 */
export async function seedDemo(sql: Sql): Promise<{ seeded: boolean }> {
  const passwordHash = await hashPassword(demoPassword)
  return sql.begin(async (tx) => {
    const [brand] = await tx<{ id: string }[]>`
      insert into brand (slug, name, time_zone)
      values (${demoBrandSlug}, 'Nordlink Telecom', 'Europe/Tallinn')
      on conflict (slug) do nothing
      returning id`
    // Also when the brand was already there: a demo seeded before there were templates gets them
    // once, and one whose admin has removed some keeps that choice.
    await tx`
      insert into reply_template (brand_id, name, channel, language, body, moves_to_private)
      select b.id, t.name, t.channel, t.language, t.body, t.moves_to_private
        from brand b, jsonb_to_recordset(${JSON.stringify(demoTemplates)}::text::jsonb)
                        as t(name text, channel text, language text, body text, moves_to_private boolean)
       where b.slug = ${demoBrandSlug}
         and not exists (select 1 from reply_template r where r.brand_id = b.id)`
    if (!brand) return { seeded: false }

    await tx`
      insert into brand_handle ${tx([
        { brand_id: brand.id, platform: 'x', handle: 'NordlinkCare' },
        { brand_id: brand.id, platform: 'bluesky', handle: 'nordlink.bsky.social' },
        { brand_id: brand.id, platform: 'mastodon', handle: 'nordlink@mastodon.social' },
        { brand_id: brand.id, platform: 'demo', handle: 'nordlink' },
      ])}`
    await tx`
      insert into business_hours ${tx(
        openingHours.map(([weekday, opens_at, closes_at]) => ({ brand_id: brand.id, weekday, opens_at, closes_at })),
      )}`
    await tx`insert into holiday ${tx(holidays.map(([day, name]) => ({ brand_id: brand.id, day, name })))}`
    await tx`
      insert into sla_policy ${tx(
        slaPolicy.map(([priority, first, next, resolution]) => ({
          brand_id: brand.id,
          priority,
          first_response_minutes: first,
          next_response_minutes: next,
          resolution_minutes: resolution,
        })),
      )}`

    // The replay is the demo's live feed: a recorded week of mentions, an hour of it a minute.
    await tx`
      insert into source (brand_id, platform, kind, name, settings, poll_interval_seconds)
      values (${brand.id}, 'demo', 'replay', 'Demo replay', ${tx.json({ speed: 60, loop: true })}, 5)`

    const userIds = new Map<string, string>()
    for (const user of demoUsers) {
      const [row] = await tx<{ id: string }[]>`
        insert into app_user (email, name, role, password_hash, languages, capacity)
        values (${user.email}, ${user.name}, ${user.role}, ${passwordHash}, ${user.languages}, ${demoCapacity})
        on conflict (lower(email)) do update set email = excluded.email
        returning id`
      userIds.set(user.email, row!.id)
      if (user.shifts.length > 0) {
        await tx`
          insert into user_shift ${tx(
            user.shifts.map(([weekday, starts_at, ends_at]) => ({ user_id: row!.id, weekday, starts_at, ends_at })),
          )}
          on conflict do nothing`
      }
    }

    const [team] = await tx<{ id: string }[]>`
      insert into team (brand_id, name, lead_id)
      values (${brand.id}, 'Care', ${userIds.get('admin@earshot.example')!})
      returning id`
    await tx`
      insert into team_member ${tx(
        demoUsers.filter((user) => user.care).map((user) => ({ team_id: team!.id, user_id: userIds.get(user.email)! })),
      )}`
    return { seeded: true }
  })
}

/** Whether this database holds the demo brand, so start-up knows to print the demo log-ins. */
export async function hasDemo(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ present: boolean }[]>`
    select exists (select 1 from brand where slug = ${demoBrandSlug}) as present`
  return row?.present ?? false
}
