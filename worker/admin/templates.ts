// Reply templates: the team's reusable replies, per brand and language.
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AuthedEnv } from '../auth/session'
import type { Sql, Tx } from '../db/connect'
import { problem } from '../http/problem'
import { jsonBody } from '../http/validate'
import { describeIssues } from '../sources/mention'
import { templateVariables, unknownVariables } from '../templates/render'
import type { ReplyTemplate } from '../templates/routes'
import { adminOnly, auditAdmin, badRequest, bodyId, conflict, languageCode, notFound, unprocessable, violates, withId } from './common'

export interface AdminTemplate extends ReplyTemplate {
  updated_by: { id: string; name: string } | null
  updated_at: Date
}

const fields = {
  name: z.string().trim().min(1).max(100),
  channel: z.enum(['public', 'private', 'any']),
  language: languageCode.nullable(),
  body: z.string().trim().min(1).max(5000),
  moves_to_private: z.boolean(),
}

const newTemplate = z
  .object({
    brand_id: bodyId,
    name: fields.name,
    channel: fields.channel.default('any'),
    language: fields.language.default(null),
    body: fields.body,
    moves_to_private: fields.moves_to_private.default(false),
  })
  .strict()
const templateChange = z
  .object(fields)
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'nothing to change')
type Editable = Pick<ReplyTemplate, 'name' | 'channel' | 'language' | 'body' | 'moves_to_private'>

const listQuery = z.object({ brand: z.string().regex(/^\d{1,18}$/, 'must be a numeric id').optional() }).strict()

function readTemplates(sql: Sql | Tx, where: { id?: string; brand?: string }) {
  return sql<AdminTemplate[]>`
    select t.id, t.brand_id, t.name, t.channel, t.language, t.body, t.moves_to_private,
           case when u.id is null then null else json_build_object('id', u.id::text, 'name', u.name) end as updated_by,
           t.updated_at
      from reply_template t
      left join app_user u on u.id = t.updated_by
     where ${where.id === undefined ? sql`true` : sql`t.id = ${where.id}`}
       and ${where.brand === undefined ? sql`true` : sql`t.brand_id = ${where.brand}`}
     order by t.brand_id, lower(t.name), t.language nulls last, t.id`
}

/** What the database cannot see: a misspelt variable, and a move to private that is itself private. */
function checkTemplate(template: { body: string; channel: string; moves_to_private: boolean }): Response | null {
  const unknown = unknownVariables(template.body)
  if (unknown.length > 0) {
    return badRequest(
      `The body uses ${unknown.map((name) => `{${name}}`).join(', ')}; the variables are ${templateVariables.map((name) => `{${name}}`).join(', ')}.`,
      { field: 'body' },
    )
  }
  if (template.moves_to_private && template.channel === 'private') {
    return badRequest('A template that moves the conversation to private is a public reply; its channel cannot be private.', { field: 'channel' })
  }
  return null
}

const nameTaken = (name: string, language: string | null) =>
  conflict(`The brand already has a template called "${name}"${language ? ` in ${language}` : ' for every language'}.`, 'name')

async function createTemplate(c: Context<AuthedEnv>) {
  const body = await jsonBody(c, newTemplate)
  if (!body.ok) return body.response
  const input = body.data
  const invalid = checkTemplate(input)
  if (invalid) return invalid
  const { sql } = c.env
  const [brand] = await sql`select id from brand where id = ${input.brand_id}`
  if (!brand) return unprocessable(`There is no brand ${input.brand_id}.`, 'brand_id')
  try {
    const template = await sql.begin(async (tx) => {
      const [created] = await tx<{ id: string }[]>`
        insert into reply_template (brand_id, name, channel, language, body, moves_to_private, updated_by)
        values (${input.brand_id}, ${input.name}, ${input.channel}, ${input.language}, ${input.body}, ${input.moves_to_private}, ${c.get('user').id})
        returning id`
      await auditAdmin(tx, c, 'template.create', { type: 'template', id: created!.id }, { brand_id: input.brand_id, name: input.name, language: input.language })
      const [view] = await readTemplates(tx, { id: created!.id })
      return view!
    })
    return c.json({ template }, 201)
  } catch (error) {
    if (violates(error, 'reply_template_name')) return nameTaken(input.name, input.language)
    throw error
  }
}

async function changeTemplate(c: Context<AuthedEnv>, id: string) {
  const body = await jsonBody(c, templateChange)
  if (!body.ok) return body.response
  const change = body.data
  let next: Editable | undefined
  try {
    return await c.env.sql.begin(async (tx) => {
      const [current] = await tx<Editable[]>`
        select name, channel, language, body, moves_to_private from reply_template where id = ${id} for update`
      if (!current) return notFound('template', id)
      next = { ...current, ...change }
      const invalid = checkTemplate(next)
      if (invalid) return invalid
      await tx`
        update reply_template set
          name = ${next.name}, channel = ${next.channel}, language = ${next.language}, body = ${next.body},
          moves_to_private = ${next.moves_to_private}, updated_by = ${c.get('user').id}, updated_at = now()
        where id = ${id}`
      await auditAdmin(tx, c, 'template.update', { type: 'template', id }, { fields: Object.keys(change).sort() })
      const [view] = await readTemplates(tx, { id })
      return c.json({ template: view })
    })
  } catch (error) {
    if (next && violates(error, 'reply_template_name')) return nameTaken(next.name, next.language)
    throw error
  }
}

export const templateAdmin = new Hono<AuthedEnv>()
  .use('/api/admin/templates', adminOnly)
  .use('/api/admin/templates/*', adminOnly)
  .get('/api/admin/templates', async (c) => {
    const query = listQuery.safeParse(c.req.query())
    if (!query.success) return problem({ status: 400, title: 'Bad Request', detail: describeIssues(query.error) })
    return c.json({ templates: await readTemplates(c.env.sql, { brand: query.data.brand }) })
  })
  .post('/api/admin/templates', createTemplate)
  .patch('/api/admin/templates/:id', withId('template', changeTemplate))
  .delete('/api/admin/templates/:id', withId('template', async (c, id) => {
    return c.env.sql.begin(async (tx) => {
      const [deleted] = await tx<{ name: string; brand_id: string }[]>`delete from reply_template where id = ${id} returning name, brand_id`
      if (!deleted) return notFound('template', id)
      await auditAdmin(tx, c, 'template.delete', { type: 'template', id }, { brand_id: deleted.brand_id, name: deleted.name })
      return c.body(null, 204)
    })
  }))
