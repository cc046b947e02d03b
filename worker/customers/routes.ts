// The customer API: one person behind several identities, merged by an agent and unmerged again.
import { Hono } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import type { Sql } from '../db/connect'
import { problem } from '../http/problem'
import { jsonBody } from '../http/validate'
import { mergeCustomers, undoMerge, type Refusal } from './merge'

const id = z.string().regex(/^\d{1,18}$/, 'must be a numeric id')

const mergeBody = z.object({
  // The customer folded into the one in the path.
  customer_id: z.union([id, z.number().int().positive().max(Number.MAX_SAFE_INTEGER)]).transform(String),
  reason: z.string().trim().min(1).max(1000),
})

const acting = requireRole('agent', 'admin')
// Marketing too: the case view it may read shows the case's customer beside the timeline.
const reading = requireRole('agent', 'executive', 'marketing', 'admin')

function notFound(what: string, value: string) {
  return problem({ status: 404, title: 'Not Found', detail: `There is no ${what} ${value}.` })
}

function badId(what: string, value: string) {
  return problem({ status: 400, title: 'Bad Request', detail: `"${value}" is not a ${what} id.` })
}

/** Unknown ids are 404; every other refusal is a 409 that says why, with a code the web app can read. */
function refused(refusal: Refusal<string>) {
  const missing = refusal.reason === 'customer_not_found' || refusal.reason === 'merge_not_found'
  return problem(
    missing
      ? { status: 404, title: 'Not Found', detail: refusal.detail }
      : { status: 409, title: 'Conflict', detail: refusal.detail, reason: refusal.reason },
  )
}

export const customerRoutes = new Hono<AuthedEnv>()
  .get('/api/customers/:id', reading, async (c) => {
    const customerId = id.safeParse(c.req.param('id'))
    if (!customerId.success) return badId('customer', c.req.param('id'))
    const view = await customerView(c.env.sql, customerId.data)
    return view ? c.json(view) : notFound('customer', customerId.data)
  })
  .post('/api/customers/:id/merge', acting, async (c) => {
    const survivorId = id.safeParse(c.req.param('id'))
    if (!survivorId.success) return badId('customer', c.req.param('id'))
    const body = await jsonBody(c, mergeBody)
    if (!body.ok) return body.response
    const result = await mergeCustomers(c.env.sql, {
      survivorId: survivorId.data,
      mergedId: body.data.customer_id,
      actorId: c.get('user').id,
      reason: body.data.reason,
    })
    return result.ok ? c.json({ merge: result.merge }, 201) : refused(result)
  })
  .post('/api/customer-merges/:id/undo', acting, async (c) => {
    const mergeId = id.safeParse(c.req.param('id'))
    if (!mergeId.success) return badId('customer merge', c.req.param('id'))
    const result = await undoMerge(c.env.sql, { mergeId: mergeId.data, actorId: c.get('user').id })
    return result.ok ? c.json({ merge: result.merge, kept_on_survivor: result.keptOnSurvivor }) : refused(result)
  })

/**
 * The customer with every identity that is theirs, those of customers merged into them
 * included, and all their cases (the merged customers' earlier ones too), newest first.
 */
async function customerView(sql: Sql, customerId: string) {
  const [customer] = await sql<{ id: string; display_name: string | null; merged_into_id: string | null; created_at: Date }[]>`
    select id, display_name, merged_into_id, created_at from customer where id = ${customerId}`
  if (!customer) return null
  // Found through the indexed merge records (chains are flat, so every customer pointing here
  // is below this one in them), and confirmed by the pointer itself.
  const folded = await sql<{ id: string }[]>`
    with recursive below(id) as (
      select merged_id from customer_merge where survivor_id = ${customerId} and undone_at is null
      union
      select cm.merged_id from customer_merge cm join below b on cm.survivor_id = b.id where cm.undone_at is null
    )
    select k.id from customer k where k.id in (select id from below) and k.merged_into_id = ${customerId}
    order by k.id`
  const ids = JSON.stringify([customerId, ...folded.map((row) => row.id)])
  const [identities, cases, merges] = await Promise.all([
    sql`
      select i.id, i.customer_id, i.platform, i.platform_user_id, i.handle, i.display_name, i.followers,
             i.verified, i.profile_url, i.updated_at
        from identity i
       where i.customer_id in (select value::bigint from jsonb_array_elements_text(${ids}::text::jsonb))
       order by i.customer_id <> ${customerId}, i.id`,
    sql`
      select c.id, c.brand_id, b.name as brand_name, c.customer_id, c.status, c.priority,
             case when o.id is null then null else json_build_object('id', o.id::text, 'name', o.name) end as owner,
             c.subject, c.language, c.merged_into_id, c.opened_at, c.sla_due_at, c.resolved_at, c.closed_at
        from care_case c
        join brand b on b.id = c.brand_id
        left join app_user o on o.id = c.owner_id
       where c.customer_id in (select value::bigint from jsonb_array_elements_text(${ids}::text::jsonb))
       order by c.opened_at desc, c.id desc`,
    // The merges this customer took part in, so the web app can offer to undo them.
    sql`
      select id, survivor_id, merged_id, reason, merged_by, merged_at, undone_by, undone_at
        from customer_merge
       where survivor_id = ${customerId} or merged_id = ${customerId}
       order by merged_at desc, id desc`,
  ])
  return { customer, merged_customer_ids: folded.map((row) => row.id), identities, cases, merges }
}
