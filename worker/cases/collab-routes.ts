// Working on a case together: internal notes with @mentions, and who else has the case open.
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { problem } from '../http/problem'
import { jsonBody } from '../http/validate'
import { recordNote } from './notes'
import { heartbeat, presentOthers } from './presence'

const id = z.string().regex(/^\d{1,18}$/, 'must be a numeric id')
const noteBody = z.object({ text: z.string().trim().min(1).max(5000) }).strict()
const presenceBody = z.object({ typing: z.boolean() }).strict()

// Not marketing, which may read a case: presence is the collision warning between people who may
// answer or note, and a reader in it would look to care like someone about to reply.
const care = requireRole('agent', 'executive', 'admin')

function withCaseId(handle: (c: Context<AuthedEnv>, caseId: string) => Promise<Response>) {
  return (c: Context<AuthedEnv>) => {
    const caseId = id.safeParse(c.req.param('id'))
    if (!caseId.success) return problem({ status: 400, title: 'Bad Request', detail: `"${c.req.param('id')}" is not a case id.` })
    return handle(c, caseId.data)
  }
}

const noCase = (caseId: string) => problem({ status: 404, title: 'Not Found', detail: `There is no case ${caseId}.` })

export const collabRoutes = new Hono<AuthedEnv>()
  .post('/api/cases/:id/notes', care, withCaseId(async (c, caseId) => {
    const body = await jsonBody(c, noteBody)
    if (!body.ok) return body.response
    const note = await recordNote(c.env.sql, { caseId, actor: c.get('user'), text: body.data.text })
    return note ? c.json(note, 201) : noCase(caseId)
  }))
  .get('/api/cases/:id/presence', care, withCaseId(async (c, caseId) => {
    const present = await presentOthers(c.env.sql, { caseId, userId: c.get('user').id, now: new Date() })
    return present ? c.json({ present }) : noCase(caseId)
  }))
  .post('/api/cases/:id/presence', care, withCaseId(async (c, caseId) => {
    const body = await jsonBody(c, presenceBody)
    if (!body.ok) return body.response
    const present = await heartbeat(c.env.sql, { caseId, userId: c.get('user').id, typing: body.data.typing, now: new Date() })
    return present ? c.json({ present }) : noCase(caseId)
  }))
