import { Hono } from 'hono'
import { within } from '../within'
import { appliedVersion } from '../db/migrate'
import type { AppEnv } from '../env'

// Long enough for a cold connection through Hyperdrive, short enough for a load balancer's probe.
const databaseTimeoutMs = 5_000

export const healthRoutes = new Hono<AppEnv>().get('/healthz', async (c) => {
  const { sql, runtime } = c.env
  try {
    const migration = await within(databaseTimeoutMs, appliedVersion(sql), 'the database')
    const status = migration ? 'ok' : 'unmigrated'
    return c.json({ status, runtime, database: { reachable: true, migration } }, migration ? 200 : 503)
  } catch (error) {
    return c.json(
      {
        status: 'unavailable',
        runtime,
        database: { reachable: false, error: error instanceof Error ? error.message : String(error) },
      },
      503,
    )
  }
})
