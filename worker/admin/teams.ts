// Teams: who works a brand's queue together, and who leads them.
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AuthedEnv } from '../auth/session'
import { idArray, type Sql, type Tx } from '../db/connect'
import { jsonBody } from '../http/validate'
import { adminOnly, auditAdmin, bodyId, conflict, notFound, unprocessable, violates, withId } from './common'

export interface AdminTeam {
  id: string
  brand_id: string
  name: string
  lead: { id: string; name: string } | null
  members: { id: string; name: string; role: string; active: boolean }[]
}

const name = z.string().trim().min(1).max(200)

const newTeam = z.object({ brand_id: bodyId, name, lead_id: bodyId.nullish() }).strict()
const teamChange = z
  .object({ name, lead_id: bodyId.nullable() })
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'nothing to change')
const memberList = z.object({ user_ids: z.array(bodyId).max(1000).transform((ids) => [...new Set(ids)]) }).strict()

function readTeams(sql: Sql | Tx, id?: string) {
  return sql<AdminTeam[]>`
    select t.id, t.brand_id, t.name,
           case when l.id is null then null else json_build_object('id', l.id::text, 'name', l.name) end as lead,
           coalesce((select json_agg(json_build_object('id', u.id::text, 'name', u.name, 'role', u.role, 'active', u.active) order by u.name, u.id)
                       from team_member tm join app_user u on u.id = tm.user_id
                      where tm.team_id = t.id), '[]') as members
      from team t
      left join app_user l on l.id = t.lead_id
     where ${id === undefined ? sql`true` : sql`t.id = ${id}`}
     order by t.brand_id, t.name, t.id`
}

const nameTaken = (teamName: string) => conflict(`The brand already has a team called ${teamName}.`, 'name')

async function unknownUsers(sql: Sql | Tx, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const rows = await sql<{ id: string }[]>`
    select w.id::text as id from unnest(${idArray(ids)}::bigint[]) as w(id)
     where not exists (select 1 from app_user u where u.id = w.id)
     order by w.id`
  return rows.map((row) => row.id)
}

async function createTeam(c: Context<AuthedEnv>) {
  const body = await jsonBody(c, newTeam)
  if (!body.ok) return body.response
  const input = body.data
  const { sql } = c.env
  const [brand] = await sql`select id from brand where id = ${input.brand_id}`
  if (!brand) return unprocessable(`There is no brand ${input.brand_id}.`, 'brand_id')
  if (input.lead_id && (await unknownUsers(sql, [input.lead_id])).length > 0) {
    return unprocessable(`There is no user ${input.lead_id} to lead the team.`, 'lead_id')
  }
  try {
    const team = await sql.begin(async (tx) => {
      const [created] = await tx<{ id: string }[]>`
        insert into team (brand_id, name, lead_id) values (${input.brand_id}, ${input.name}, ${input.lead_id ?? null})
        returning id`
      await auditAdmin(tx, c, 'team.create', { type: 'team', id: created!.id }, { brand_id: input.brand_id, name: input.name, lead_id: input.lead_id ?? null })
      const [view] = await readTeams(tx, created!.id)
      return view!
    })
    return c.json({ team }, 201)
  } catch (error) {
    if (violates(error, 'team_brand_id_name_key')) return nameTaken(input.name)
    throw error
  }
}

async function changeTeam(c: Context<AuthedEnv>, id: string) {
  const body = await jsonBody(c, teamChange)
  if (!body.ok) return body.response
  const change = body.data
  const { sql } = c.env
  if (change.lead_id && (await unknownUsers(sql, [change.lead_id])).length > 0) {
    return unprocessable(`There is no user ${change.lead_id} to lead the team.`, 'lead_id')
  }
  try {
    return await sql.begin(async (tx) => {
      const updated = await tx`
        update team set
          name = coalesce(${change.name ?? null}, name),
          lead_id = case when ${change.lead_id !== undefined} then ${change.lead_id ?? null}::bigint else lead_id end
        where id = ${id}`
      if (updated.count === 0) return notFound('team', id)
      await auditAdmin(tx, c, 'team.update', { type: 'team', id }, { changes: change })
      const [view] = await readTeams(tx, id)
      return c.json({ team: view })
    })
  } catch (error) {
    if (violates(error, 'team_brand_id_name_key')) return nameTaken(change.name ?? '')
    throw error
  }
}

async function replaceMembers(c: Context<AuthedEnv>, id: string) {
  const body = await jsonBody(c, memberList)
  if (!body.ok) return body.response
  const userIds = body.data.user_ids
  return c.env.sql.begin(async (tx) => {
    const [team] = await tx`select id from team where id = ${id} for update`
    if (!team) return notFound('team', id)
    const unknown = await unknownUsers(tx, userIds)
    if (unknown.length > 0) return unprocessable(`There is no user ${unknown.join(', ')}.`, 'user_ids')
    const removed = await tx<{ user_id: string }[]>`
      delete from team_member
       where team_id = ${id} and user_id <> all(${idArray(userIds)}::bigint[])
      returning user_id`
    const added = await tx<{ user_id: string }[]>`
      insert into team_member (team_id, user_id)
      select ${id}, w.id from unnest(${idArray(userIds)}::bigint[]) as w(id)
      on conflict do nothing
      returning user_id`
    await auditAdmin(tx, c, 'team.members', { type: 'team', id }, {
      added: added.map((row) => row.user_id),
      removed: removed.map((row) => row.user_id),
    })
    const [view] = await readTeams(tx, id)
    return c.json({ team: view })
  })
}

export const teamAdmin = new Hono<AuthedEnv>()
  .use('/api/admin/teams', adminOnly)
  .use('/api/admin/teams/*', adminOnly)
  .get('/api/admin/teams', async (c) => c.json({ teams: await readTeams(c.env.sql) }))
  .post('/api/admin/teams', createTeam)
  .patch('/api/admin/teams/:id', withId('team', changeTeam))
  .put('/api/admin/teams/:id/members', withId('team', replaceMembers))
