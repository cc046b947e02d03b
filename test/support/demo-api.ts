// Route tests on the demo data (useRouteTest): the demo brand seeded, the demo people of some roles
// logged in (role@earshot.example), and the audit log.
import type { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AuthedEnv } from '../../worker/auth/session'
import { demoPassword, seedDemo } from '../../worker/demo/seed'
import { useRouteTest, type RouteTest } from './route-test'

export interface AuditRow {
  actor_id: string
  target_type: string
  target_id: string
  detail: Record<string, unknown>
}

export interface DemoApi extends RouteTest {
  /** The demo brand (slug 'nordlink'). */
  readonly brandId: string
  /** The ids of the logged-in demo people, by role. */
  readonly ids: ReadonlyMap<string, string>
  /** Calls the app with the session of the demo person in `role`, or with none. */
  call(method: string, path: string, body?: unknown, role?: string): Promise<Response>
  /** The newest audit log row of `action`. */
  lastAudit(action: string): Promise<AuditRow | undefined>
}

export function useDemoApi(routes: Hono<AuthedEnv>, roles: string[]): DemoApi {
  const cookies = new Map<string, string>()
  const ids = new Map<string, string>()
  const demo = useRouteTest(routes, async ({ db, api }) => {
    await seedDemo(db.sql)
    const brandId = (await db.sql<{ id: string }[]>`select id from brand where slug = 'nordlink'`)[0]!.id
    for (const role of roles) {
      const session = await api.logIn(`${role}@earshot.example`, demoPassword)
      cookies.set(role, session.cookie)
      ids.set(role, session.userId)
    }
    return { brandId }
  })
  return Object.assign(demo, {
    ids,
    call: (method: string, path: string, body?: unknown, role?: string) => demo.api.call(method, path, body, role && cookies.get(role)),
    async lastAudit(action: string) {
      const [row] = await demo.db.sql<AuditRow[]>`
        select actor_id, target_type, target_id, detail from audit_log where action = ${action} order by id desc limit 1`
      return row
    },
  })
}

/** The answer's JSON body, once its status is `status` (else the test fails showing the body). */
export async function json<T>(response: Response, status: number): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(status)
  return (await response.json()) as T
}

/** The block 'who may' of an admin API's test: each call answered 401 without a session, 403 for the demo's agent. */
export function describeAdminOnly(demo: DemoApi, calls: [method: string, path: string, body: unknown][]): void {
  describe('who may', () => {
    it.each(calls)('%s %s: 401 without a session, 403 for an agent', async (method, path, body) => {
      expect((await demo.call(method, path, body)).status).toBe(401)
      expect((await demo.call(method, path, body, 'agent')).status).toBe(403)
    })
  })
}
