// The read-only trends API: the dashboard's figures, the mentions behind a point, and both as CSV.
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { problem } from '../http/problem'
import { describeIssues, platforms } from '../sources/mention'
import { csvResponse, csvStream } from './csv'
import {
  chartTable, mentionCsvHeader, periodProblem, reportOf, trendCharts, trendMentionRows, trendMentions, trendScope, type TrendScope,
} from './queries'
import { trendBuckets, type TrendBucket } from './types'

const dayMs = 86_400_000
/** The period when none is asked for. */
const defaultDays = 30

const id = z.string().regex(/^\d{1,18}$/, 'must be a numeric id')
const filterFields = {
  brand: id.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  platform: z.enum(platforms).optional(),
  // 'other': the rollups' name for mentions in none of the languages Earshot recognises.
  language: z.string().regex(/^([a-z]{2}|other)$/, 'must be a two-letter language code or other').optional(),
  category: z.string().regex(/^[a-z_]{1,60}$/, 'must be a category such as outage, money or general').optional(),
}
const chartQuery = z.object({ ...filterFields, bucket: z.enum(trendBuckets).default('day') }).strict()
const exportQuery = z.object({ ...filterFields, bucket: z.enum(trendBuckets).default('day'), chart: z.enum(trendCharts) }).strict()
const mentionFields = {
  ...filterFields,
  // Given, the period is rounded out to whole buckets as the report's is, so the same query
  // string lists exactly the mentions the report counted.
  bucket: z.enum(trendBuckets).optional(),
  complaint: z.enum(['true', 'false'], 'must be true or false').transform((value) => value === 'true').optional(),
  signal: z.string().regex(/^[a-z_]{1,40}$/, 'must be an urgency signal such as outage').optional(),
}
const mentionsQuery = z
  .object({ ...mentionFields, limit: z.coerce.number().int().min(1).max(200).default(50), before: id.optional() })
  .strict()
const mentionsCsvQuery = z.object(mentionFields).strict()

const marketing = requireRole('marketing', 'admin', 'executive')

function badRequest(detail: string, issues: { path: string; message: string }[]) {
  return problem({ status: 400, title: 'Bad Request', detail, issues })
}

/** The query string through `schema`; empty values (`?platform=`) mean no filter. */
function parseQuery<Schema extends z.ZodType>(c: Context<AuthedEnv>, schema: Schema): { ok: true; data: z.infer<Schema> } | { ok: false; response: Response } {
  const given = Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value !== ''))
  const parsed = schema.safeParse(given)
  if (parsed.success) return { ok: true, data: parsed.data }
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
  return { ok: false, response: badRequest(describeIssues(parsed.error), issues) }
}

type FilterQuery = { [K in keyof typeof filterFields]?: string }

/** The brand and period asked for (the first brand, the last 30 days by default), or the problem answer. */
async function scopeOf(c: Context<AuthedEnv>, query: FilterQuery, bucket: TrendBucket | null): Promise<TrendScope | Response> {
  const to = query.to ? new Date(query.to) : new Date()
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - defaultDays * dayMs)
  const wrong = periodProblem({ from, to, bucket })
  if (wrong) return badRequest(`${wrong.parameter}: ${wrong.detail}`, [{ path: wrong.parameter, message: wrong.detail }])
  const filters = { platform: query.platform ?? null, language: query.language ?? null, category: query.category ?? null }
  const scope = await trendScope(c.env.sql, { brandId: query.brand ?? null, from, to, bucket, filters })
  if (scope) return scope
  return problem({ status: 404, title: 'Not Found', detail: query.brand ? `There is no brand ${query.brand}.` : 'There is no brand yet.' })
}

export const trendRoutes = new Hono<AuthedEnv>()
  .get('/api/trends', marketing, async (c) => {
    const query = parseQuery(c, chartQuery)
    if (!query.ok) return query.response
    const scope = await scopeOf(c, query.data, query.data.bucket)
    if (scope instanceof Response) return scope
    return c.json(await reportOf(c.env.sql, { ...scope, bucket: query.data.bucket }))
  })
  .get('/api/trends/mentions', marketing, async (c) => {
    const query = parseQuery(c, mentionsQuery)
    if (!query.ok) return query.response
    const { complaint, signal, limit, before } = query.data
    const scope = await scopeOf(c, query.data, query.data.bucket ?? null)
    if (scope instanceof Response) return scope
    const { brand, from, to, filters } = scope
    return c.json(await trendMentions(c.env.sql, { brandId: brand.id, from, to, filters, complaint, signal, limit, before }))
  })
  .get('/api/trends/export.csv', marketing, async (c) => {
    const query = parseQuery(c, exportQuery)
    if (!query.ok) return query.response
    const { chart, bucket } = query.data
    const scope = await scopeOf(c, query.data, bucket)
    if (scope instanceof Response) return scope
    const table = await chartTable(c.env.sql, { ...scope, bucket }, chart)
    return csvResponse(`${scope.brand.slug}-${chart}-${scope.days}.csv`, csvStream(table.header, [table.rows]))
  })
  .get('/api/trends/mentions.csv', marketing, async (c) => {
    const query = parseQuery(c, mentionsCsvQuery)
    if (!query.ok) return query.response
    const { complaint, signal } = query.data
    const scope = await scopeOf(c, query.data, query.data.bucket ?? null)
    if (scope instanceof Response) return scope
    const { brand, from, to, filters } = scope
    const rows = trendMentionRows(c.env.sql, { brandId: brand.id, from, to, filters, complaint, signal })
    return csvResponse(`${brand.slug}-mentions-${scope.days}.csv`, csvStream(mentionCsvHeader, rows))
  })
