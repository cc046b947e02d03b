import type { Context } from 'hono'
import type { z } from 'zod'
import { describeIssues } from '../sources/mention'
import { problem } from './problem'

/**
 * Reads and validates a JSON body. Bad input is answered at once with a 400 or 415 problem
 * naming what was wrong; the handler only ever sees data that passed its schema.
 */
export async function jsonBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<{ ok: true; data: z.infer<Schema> } | { ok: false; response: Response }> {
  // A JSON content type also keeps other sites' forms out: they cannot send one without CORS.
  if (!c.req.header('content-type')?.toLowerCase().startsWith('application/json')) {
    return {
      ok: false,
      response: problem({ status: 415, title: 'Unsupported Media Type', detail: 'Send the body as application/json.' }),
    }
  }
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    return { ok: false, response: problem({ status: 400, title: 'Bad Request', detail: 'The body is not valid JSON.' }) }
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    return {
      ok: false,
      response: problem({
        status: 400,
        title: 'Bad Request',
        detail: describeIssues(parsed.error),
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      }),
    }
  }
  return { ok: true, data: parsed.data }
}

/** Like jsonBody, for actions whose body may be left out entirely: no body reads as `{}`. */
export async function optionalJsonBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<{ ok: true; data: z.infer<Schema> } | { ok: false; response: Response }> {
  const length = c.req.header('content-length')
  const empty = length === '0' || (length === undefined && !c.req.header('content-type') && !c.req.header('transfer-encoding'))
  if (!empty) return jsonBody(c, schema)
  const parsed = schema.safeParse({})
  if (parsed.success) return { ok: true, data: parsed.data }
  return jsonBody(c, schema)
}
