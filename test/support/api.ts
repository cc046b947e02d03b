// A small client for route tests: requests go straight into the app (Hono's app.request), with
// the services as its bindings and a session cookie when one is given.

/** Anything that answers requests as Hono's `app.request(path, init, env)` does. */
export interface RequestHandler<Env> {
  request(path: string, init: RequestInit, env: Env): Response | Promise<Response>
}

export interface Session {
  /** `name=value` of the session cookie, ready for a `cookie` header. */
  cookie: string
  userId: string
}

export interface ApiClient {
  /** Sends `body` as JSON (with `contentType` as its content-type) and `cookie` when given. */
  call(method: string, path: string, body?: unknown, cookie?: string, contentType?: string): Promise<Response>
  /** Logs in through POST /api/session; throws unless it answers 201 with a cookie. */
  logIn(email: string, password: string): Promise<Session>
}

export function apiClient<Env>(app: RequestHandler<Env>, env: Env): ApiClient {
  async function call(method: string, path: string, body?: unknown, cookie?: string, contentType = 'application/json') {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = contentType
    if (cookie) headers.cookie = cookie
    return app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, env)
  }

  async function logIn(email: string, password: string): Promise<Session> {
    const response = await call('POST', '/api/session', { email, password })
    const setCookie = response.headers.get('set-cookie')
    if (response.status !== 201 || !setCookie) {
      throw new Error(`logging in as ${email} answered ${response.status}: ${await response.text()}`)
    }
    const { user } = (await response.json()) as { user: { id: string } }
    return { cookie: setCookie.split(';')[0]!, userId: user.id }
  }

  return { call, logIn }
}
