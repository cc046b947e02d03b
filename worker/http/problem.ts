import type { ContentfulStatusCode } from 'hono/utils/http-status'

export interface Problem {
  status: ContentfulStatusCode
  title: string
  detail?: string
  /** Extra members, e.g. which field was wrong. */
  [member: string]: unknown
}

/** An RFC 9457 problem response: every error Earshot answers has this shape. */
export function problem({ status, ...body }: Problem): Response {
  return new Response(JSON.stringify({ type: 'about:blank', status, ...body }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  })
}

