// Rows the schema needs before the row a test is about; plain SQL, nothing clever.
import type { Sql } from '../../worker/db/connect'

export async function insertBrand(sql: Sql, slug = 'acme'): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into brand (slug, name, time_zone) values (${slug}, 'Acme', 'Europe/Tallinn') returning id`
  return row!.id
}

export async function insertCustomer(sql: Sql, platformUserId = '1001'): Promise<{ customerId: string; identityId: string }> {
  const [customer] = await sql<{ id: string }[]>`insert into customer (display_name) values ('Kati') returning id`
  const [identity] = await sql<{ id: string }[]>`
    insert into identity (customer_id, platform, platform_user_id, handle)
    values (${customer!.id}, 'x', ${platformUserId}, ${`kati${platformUserId}`}) returning id`
  return { customerId: customer!.id, identityId: identity!.id }
}

export async function insertCase(sql: Sql, brandId: string, customerId: string, status = 'open'): Promise<string> {
  const resolvedAt = status === 'resolved' || status === 'closed' ? new Date() : null
  const [row] = await sql<{ id: string }[]>`
    insert into care_case (brand_id, customer_id, status, resolved_at)
    values (${brandId}, ${customerId}, ${status}, ${resolvedAt}) returning id`
  return row!.id
}

export async function insertMention(
  sql: Sql,
  fields: { brandId: string; identityId: string; externalId: string; platform?: string },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into mention (platform, external_id, brand_id, identity_id, text, posted_at, raw)
    values (${fields.platform ?? 'x'}, ${fields.externalId}, ${fields.brandId}, ${fields.identityId},
            'Internet down since Monday', now(), ${sql.json({ id: fields.externalId })})
    returning id`
  return row!.id
}

export async function insertUser(sql: Sql, email: string, role = 'agent'): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into app_user (email, name, role, password_hash)
    values (${email}, 'Test User', ${role}, 'pbkdf2-sha256$1$AA==$AA==') returning id`
  return row!.id
}

export interface CareTeam {
  brandId: string
  /** An agent, to own cases. */
  ownerId: string
  /** An admin who leads the team. */
  leadId: string
  teamId: string
}

let careTeams = 0

/** A brand of its own with a 'Care' team, its lead and an agent; each call makes new ones. */
export async function insertCareTeam(sql: Sql): Promise<CareTeam> {
  const n = ++careTeams
  const brandId = await insertBrand(sql, `brand-${n}`)
  const ownerId = await insertUser(sql, `owner${n}@example.com`)
  const leadId = await insertUser(sql, `lead${n}@example.com`, 'admin')
  const [team] = await sql<{ id: string }[]>`insert into team (brand_id, name, lead_id) values (${brandId}, 'Care', ${leadId}) returning id`
  return { brandId, ownerId, leadId, teamId: team!.id }
}

/** The newest migration in sql/, as /healthz reports it once everything is applied. */
export async function latestMigration(): Promise<{ version: number; name: string }> {
  const { loadMigrations } = await import('../../worker/db/migration-files')
  const last = (await loadMigrations()).at(-1)!
  return { version: last.version, name: last.name }
}
