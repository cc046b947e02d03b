import type { Env, MiddlewareHandler } from 'hono'
import { problem } from './problem'

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Refuses writes a browser says come from another site, so another site cannot act with the
 * session cookie (SameSite=Lax still lets a sibling subdomain send it: hence `same-site` too).
 * Requests without Origin or Sec-Fetch-Site pass: browsers always send one on these methods, so
 * only non-browser clients, which hold no victim's cookie, leave both out.
 */
export function sameOriginWrites<E extends Env = Env>(): MiddlewareHandler<E> {
  return async (c, next) => {
    if (!writeMethods.has(c.req.method.toUpperCase())) return next()
    const fetchSite = c.req.header('sec-fetch-site')?.trim().toLowerCase()
    const origin = c.req.header('origin')
    // Strict on purpose: behind a proxy that rewrites host or scheme the request URL must be
    // made right there, not guessed from forwarded headers a client could set itself.
    if (fetchSite === 'cross-site' || fetchSite === 'same-site' || (origin !== undefined && !isOrigin(origin, new URL(c.req.url).origin))) {
      return problem({ status: 403, title: 'Forbidden', detail: 'Cross-site request refused.' })
    }
    await next()
  }
}

function isOrigin(header: string, expected: string): boolean {
  // "null" (sandboxed frames, some redirects) and anything unparsable are not our origin.
  try {
    return new URL(header.trim()).origin === expected
  } catch {
    return false
  }
}
