import { Hono } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { problem } from '../http/problem'
import { markNotificationRead, unreadNotifications } from './notify'

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) })
const notificationId = z.string().regex(/^\d{1,18}$/)

/** The logged-in person's own notifications; nobody reads or marks anyone else's. */
export const notificationRoutes = new Hono<AuthedEnv>()
  .use('/api/notifications', requireRole('agent', 'executive', 'marketing', 'admin'))
  .use('/api/notifications/*', requireRole('agent', 'executive', 'marketing', 'admin'))
  .get('/api/notifications', async (c) => {
    const query = listQuery.safeParse({ limit: c.req.query('limit') })
    if (!query.success) return problem({ status: 400, title: 'Bad Request', detail: 'limit must be a whole number from 1 to 200.' })
    return c.json({ notifications: await unreadNotifications(c.env.sql, c.get('user').id, query.data.limit) })
  })
  .post('/api/notifications/:id/read', async (c) => {
    const id = notificationId.safeParse(c.req.param('id'))
    // Someone else's notification is "not found" too: its existence is not the caller's business.
    const notification = id.success ? await markNotificationRead(c.env.sql, c.get('user').id, id.data) : null
    if (!notification) return problem({ status: 404, title: 'Not Found', detail: `You have no notification ${c.req.param('id')}.` })
    return c.json({ notification })
  })
