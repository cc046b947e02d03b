// Reply templates for the composer. Admins manage them under /api/admin/templates.
import { Hono } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { problem } from '../http/problem'
import { describeIssues } from '../sources/mention'

export interface ReplyTemplate {
  id: string
  brand_id: string
  name: string
  channel: 'public' | 'private' | 'any'
  language: string | null
  body: string
  moves_to_private: boolean
}

const templateQuery = z.object({ brand: z.string().regex(/^\d{1,18}$/, 'must be a numeric id').optional() }).strict()

export const templateRoutes = new Hono<AuthedEnv>().get('/api/templates', requireRole('agent', 'executive', 'admin'), async (c) => {
  const query = templateQuery.safeParse(c.req.query())
  if (!query.success) return problem({ status: 400, title: 'Bad Request', detail: describeIssues(query.error) })
  const { brand } = query.data
  // Language-neutral templates after the language-specific ones of the same name.
  const templates = await c.env.sql<ReplyTemplate[]>`
    select id, brand_id, name, channel, language, body, moves_to_private
      from reply_template
     where ${brand === undefined ? c.env.sql`true` : c.env.sql`brand_id = ${brand}`}
     order by brand_id, lower(name), language nulls last, id`
  return c.json({ templates })
})
