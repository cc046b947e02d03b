// A route test's app: the routes under test behind the session routes, on a database of the test
// file's own, made before its tests and closed after them.
import { Hono } from 'hono'
import { afterAll, beforeAll } from 'vitest'
import { sessionRoutes, type AuthedEnv } from '../../worker/auth/session'
import { parseConfig } from '../../worker/config'
import type { Services } from '../../worker/env'
import { apiClient, type ApiClient } from './api'
import { createTestDatabase, type TestDatabase } from './database'

export interface RouteTest {
  readonly db: TestDatabase
  readonly services: Services
  readonly api: ApiClient
}

/**
 * The app for `routes`, set up in a beforeAll along with what `setup` answers (its members join
 * the answer's); like any value a beforeAll sets, its members are there once the tests run.
 */
export function useRouteTest<T extends object>(routes: Hono<AuthedEnv>, setup: (test: RouteTest) => Promise<T>): RouteTest & T {
  const app = new Hono<AuthedEnv>().route('/', sessionRoutes).route('/', routes)
  const test = {} as { db: TestDatabase; services: Services; api: ApiClient } & T
  beforeAll(async () => {
    test.db = await createTestDatabase()
    test.services = { sql: test.db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
    test.api = apiClient(app, test.services)
    Object.assign(test, await setup(test))
  })
  afterAll(() => test.db?.close())
  return test
}
