import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { audit } from '../audit'
import { problem } from '../http/problem'
import { jsonBody } from '../http/validate'
import { sourceKinds, type SourceKind } from './driver'
import { describeIssues, platforms, type Platform } from './mention'
import { driverFor } from './registry'

const interval = z.number().int().min(1).max(86_400)
const name = z.string().trim().min(1).max(200)
const query = z.string().trim().min(1).max(512)

const newSource = z.object({
  brand_id: z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).transform(String),
  platform: z.enum(platforms),
  kind: z.enum(sourceKinds),
  name: name.optional(),
  query: query.nullish(),
  settings: z.record(z.string(), z.unknown()).default({}),
  poll_interval_seconds: interval.default(60),
  enabled: z.boolean().default(true),
})

const sourceChange = z
  .object({
    name: name.nullable(),
    query,
    settings: z.record(z.string(), z.unknown()),
    poll_interval_seconds: interval,
    enabled: z.boolean(),
  })
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'nothing to change')

const sourceId = z.string().regex(/^\d+$/, 'must be a source id')

interface SourceRow {
  id: string
  brand_id: string
  platform: Platform
  kind: SourceKind
  name: string | null
  query: string | null
  settings: Record<string, unknown>
  enabled: boolean
  poll_interval_seconds: number
}

/** Create, change, pause and delete sources, and see how each is doing. Admins only. */
export const sourceRoutes = new Hono<AuthedEnv>()
  .use('/api/sources', requireRole('admin'))
  .use('/api/sources/*', requireRole('admin'))
  .get('/api/sources', async (c) => c.json({ sources: await health(c) }))
  .post('/api/sources', async (c) => {
    const body = await jsonBody(c, newSource)
    if (!body.ok) return body.response
    const input = body.data
    const checked = checkSource(input.platform, input.kind, input.query ?? null, input.settings)
    if (!checked.ok) return checked.response
    const { sql } = c.env
    const [brand] = await sql`select id from brand where id = ${input.brand_id}`
    if (!brand) return problem({ status: 422, title: 'Unprocessable Content', detail: `There is no brand ${input.brand_id}.` })
    const [created] = await sql<{ id: string }[]>`
      insert into source (brand_id, platform, kind, name, query, settings, poll_interval_seconds, enabled)
      values (${input.brand_id}, ${input.platform}, ${input.kind}, ${input.name ?? null}, ${input.query ?? null},
              ${JSON.stringify(checked.settings)}::text::jsonb, ${input.poll_interval_seconds}, ${input.enabled})
      returning id`
    await auditSource(c, 'source.create', created!.id, { platform: input.platform, kind: input.kind })
    const [view] = await health(c, created!.id)
    return c.json({ source: view }, 201)
  })
  .get('/api/sources/:id', async (c) => {
    const id = sourceId.safeParse(c.req.param('id'))
    if (!id.success) return notFound(c.req.param('id'))
    const [view] = await health(c, id.data)
    return view ? c.json({ source: view }) : notFound(id.data)
  })
  .patch('/api/sources/:id', async (c) => {
    const id = sourceId.safeParse(c.req.param('id'))
    if (!id.success) return notFound(c.req.param('id'))
    const body = await jsonBody(c, sourceChange)
    if (!body.ok) return body.response
    const change = body.data
    const { sql } = c.env
    const [current] = await sql<SourceRow[]>`
      select id, brand_id, platform, kind, name, query, settings, enabled, poll_interval_seconds from source where id = ${id.data}`
    if (!current) return notFound(id.data)
    const checked = checkSource(current.platform, current.kind, change.query ?? current.query, change.settings ?? current.settings)
    if (!checked.ok) return checked.response
    // A different query is a different stream: its cursor starts afresh. Resuming clears a stop
    // and makes the source due at once.
    const queryChanged = change.query !== undefined && change.query !== current.query
    const resuming = change.enabled === true && !current.enabled
    await sql`
      update source set
        name = ${change.name === undefined ? current.name : change.name},
        query = ${change.query ?? current.query},
        settings = ${JSON.stringify(checked.settings)}::text::jsonb,
        poll_interval_seconds = ${change.poll_interval_seconds ?? current.poll_interval_seconds},
        enabled = ${change.enabled ?? current.enabled},
        cursor = case when ${queryChanged} then null else cursor end,
        stopped_at = case when ${resuming} then null else stopped_at end,
        consecutive_failures = case when ${resuming} then 0 else consecutive_failures end,
        next_poll_at = case when ${resuming || queryChanged} then now() else next_poll_at end,
        updated_at = now()
      where id = ${id.data}`
    await auditSource(c, 'source.update', id.data, { fields: Object.keys(change) })
    const [view] = await health(c, id.data)
    return c.json({ source: view })
  })
  .delete('/api/sources/:id', async (c) => {
    const id = sourceId.safeParse(c.req.param('id'))
    if (!id.success) return notFound(c.req.param('id'))
    // Mentions stay: they belong to customers and cases, not to the source that found them.
    const deleted = await c.env.sql`delete from source where id = ${id.data}`
    if (deleted.count === 0) return notFound(id.data)
    await auditSource(c, 'source.delete', id.data, {})
    return c.body(null, 204)
  })
  .get('/api/sources/:id/rejected', async (c) => {
    const id = sourceId.safeParse(c.req.param('id'))
    if (!id.success) return notFound(c.req.param('id'))
    const [known] = await c.env.sql`select 1 from source where id = ${id.data}`
    if (!known) return notFound(id.data)
    const items = await c.env.sql`
      select id, external_id, reason, left(raw, 2000) as raw, received_at
        from rejected_item where source_id = ${id.data}
       order by received_at desc, id desc limit 100`
    return c.json({ rejected: items })
  })

type Checked = { ok: true; settings: Record<string, unknown> } | { ok: false; response: Response }

/** The kind must be one the network offers, with a query where the kind needs one, and complete settings. */
function checkSource(platform: Platform, kind: SourceKind, query: string | null, settings: unknown): Checked {
  const driver = driverFor(platform)
  const invalid = (detail: string): Checked => ({
    ok: false,
    response: problem({ status: 400, title: 'Bad Request', detail }),
  })
  if (!driver.kinds.includes(kind)) return invalid(`A ${platform} source can be of kind ${driver.kinds.join(', ')}; not ${kind}.`)
  const needsQuery = kind === 'search' || kind === 'hashtag'
  if (needsQuery && !query) return invalid(`A ${kind} source needs a query.`)
  if (!needsQuery && query) return invalid(`A ${kind} source takes no query.`)
  const parsed = driver.settings.safeParse(settings)
  if (!parsed.success) return invalid(`settings: ${describeIssues(parsed.error)}`)
  const problems = driver.problems?.(kind, parsed.data) ?? []
  if (problems.length > 0) return invalid(problems.join('; '))
  return { ok: true, settings: parsed.data as Record<string, unknown> }
}

/** Each source with how it is doing: the state a person acts on, last poll, lag, errors, limits. */
async function health(c: Context<AuthedEnv>, id?: string) {
  const { sql } = c.env
  return sql`
    select s.id, s.brand_id, s.platform, s.kind, s.name, s.query, s.settings, s.enabled, s.poll_interval_seconds,
           case when s.stopped_at is not null then 'stopped'
                when not s.enabled then 'paused'
                when s.last_error_at is not null and (s.last_success_at is null or s.last_error_at > s.last_success_at)
                  then 'failing'
                when s.last_success_at is null then 'waiting'
                else 'ok' end as status,
           s.last_polled_at, s.last_success_at, s.next_poll_at,
           extract(epoch from now() - s.last_success_at)::float8 as lag_seconds,
           s.last_error, s.last_error_at, s.stopped_at, s.consecutive_failures,
           s.rate_limit, s.last_poll_stats,
           (select count(*)::int from mention m where m.source_id = s.id) as mentions,
           (select count(*)::int from rejected_item r where r.source_id = s.id) as rejected
      from source s
     where ${id === undefined ? sql`true` : sql`s.id = ${id}`}
     order by s.id`
}

function auditSource(c: Context<AuthedEnv>, action: string, targetId: string, detail: Record<string, unknown>) {
  return audit(c.env.sql, { actorId: c.get('user').id, action, targetType: 'source', targetId, detail })
}

function notFound(id: string) {
  return problem({ status: 404, title: 'Not Found', detail: `There is no source ${id}.` })
}
