import { Hono } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { keepPromise, type PromiseRow } from '../cases/promises'
import { problem } from '../http/problem'

const promiseId = z.string().regex(/^\d{1,18}$/)

/** Settling promises by hand; breaking them is the sweep's job. */
export const promiseRoutes = new Hono<AuthedEnv>()
  .use('/api/promises/*', requireRole('agent', 'admin', 'executive'))
  .post('/api/promises/:id/keep', async (c) => {
    const id = promiseId.safeParse(c.req.param('id'))
    if (!id.success) return notFound(c.req.param('id'))
    const result = await keepPromise(c.env.sql, { promiseId: id.data, actorId: c.get('user').id })
    if (result === 'not_found') return notFound(id.data)
    const [promise] = await c.env.sql<PromiseRow[]>`select * from promise where id = ${id.data}`
    if (result === 'not_open') {
      return problem({ status: 409, title: 'Conflict', detail: `Promise ${id.data} is already ${promise!.status}.`, promise_status: promise!.status })
    }
    return c.json({ promise })
  })

function notFound(id: string) {
  return problem({ status: 404, title: 'Not Found', detail: `There is no promise ${id}.` })
}
