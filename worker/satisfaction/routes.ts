// The customer's one-click page (no log-in: the link's token is the key) and the care team's
// satisfaction figures.
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { wake } from '../live/wake'
import { problem } from '../http/problem'
import { describeIssues } from '../sources/mention'
import { askByToken, recordAnswers } from './answers'
import { renderAskPage, renderGonePage, renderThanksPage } from './page'
import { satisfactionReport } from './stats'

const pageAnswer = z.object({
  score: z.coerce.number().int().min(1).max(5),
  comment: z.string().trim().max(2000).optional().transform((comment) => (comment ? comment : null)),
})

const day = 86_400_000
const reportQuery = z
  .object({
    brand: z.string().regex(/^\d{1,18}$/, 'must be a numeric id').optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()

function html(c: Context, body: string, status: 200 | 404 | 410 | 422 = 200) {
  // The page carries a key in its URL: keep it out of referrers and caches, and out of frames.
  c.header('referrer-policy', 'no-referrer')
  c.header('cache-control', 'no-store')
  c.header('x-frame-options', 'DENY')
  c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'")
  return c.html(body, status)
}

export const satisfactionRoutes = new Hono<AuthedEnv>()
  // GET only shows the question: link previews and mail scanners fetch links, and must not vote.
  .get('/s/:token', async (c) => {
    const ask = await askByToken(c.env.sql, c.req.param('token'), new Date())
    if (!ask || ask.expired) return html(c, renderGonePage({ language: ask?.language ?? 'en' }), ask ? 410 : 404)
    return html(c, renderAskPage({ language: ask.language, brandName: ask.brandName, score: ask.score ?? undefined }))
  })
  .post('/s/:token', async (c) => {
    const now = new Date()
    const ask = await askByToken(c.env.sql, c.req.param('token'), now)
    if (!ask || ask.expired) return html(c, renderGonePage({ language: ask?.language ?? 'en' }), ask ? 410 : 404)
    const form = pageAnswer.safeParse(await c.req.parseBody())
    if (!form.success) return html(c, renderAskPage({ language: ask.language, brandName: ask.brandName, error: describeIssues(form.error) }), 422)
    await c.env.sql.begin((tx) => recordAnswers(tx, [{ satisfactionId: ask.id, score: form.data.score, comment: form.data.comment, via: 'page' }], now))
    wake()
    return html(c, renderThanksPage({ language: ask.language, brandName: ask.brandName, score: form.data.score }))
  })
  .get('/api/satisfaction', requireRole('admin', 'executive', 'marketing'), async (c) => {
    const query = reportQuery.safeParse(c.req.query())
    if (!query.success) return problem({ status: 400, title: 'Bad Request', detail: describeIssues(query.error) })
    const to = query.data.to ? new Date(query.data.to) : new Date()
    const from = query.data.from ? new Date(query.data.from) : new Date(to.getTime() - 30 * day)
    if (from >= to) return problem({ status: 400, title: 'Bad Request', detail: 'from must be before to.' })
    return c.json(await satisfactionReport(c.env.sql, { brandId: query.data.brand ?? null, from, to }))
  })
