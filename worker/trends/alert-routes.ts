// Spike alerts over HTTP: the list behind the app's banner, which everyone signed in sees (a crisis
// is everybody's news), and dismissing one, which is marketing's and management's call.
import { Hono } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { problem } from '../http/problem'
import { describeIssues } from '../sources/mention'
import { activeAlerts, dismissAlert } from './alerts'

const id = z.string().regex(/^\d{1,18}$/, 'must be a numeric id')
const listQuery = z.object({ brand: id.optional() }).strict()

const everyone = requireRole('agent', 'executive', 'marketing', 'admin')
const dismissers = requireRole('marketing', 'admin', 'executive')

export const alertRoutes = new Hono<AuthedEnv>()
  .get('/api/trends/alerts', everyone, async (c) => {
    const query = listQuery.safeParse(c.req.query())
    if (!query.success) return problem({ status: 400, title: 'Bad Request', detail: describeIssues(query.error) })
    return c.json({ alerts: await activeAlerts(c.env.sql, { brandId: query.data.brand ?? null }) })
  })
  .post('/api/trends/alerts/:id/dismiss', dismissers, async (c) => {
    const alertId = c.req.param('id')
    const missing = () => problem({ status: 404, title: 'Not Found', detail: `There is no spike alert ${alertId}.` })
    if (!id.safeParse(alertId).success) return missing()
    const dismissed = await dismissAlert(c.env.sql, alertId, c.get('user'))
    return dismissed ? c.json({ alert: dismissed }) : missing()
  })
