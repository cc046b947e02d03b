// Earshot on Cloudflare Workers: the same Hono app and jobs as on Node, with Postgres through
// Hyperdrive. Static web assets are served by the platform from dist/web (see wrangler.toml).
import { createApp } from './app'
import { ConfigError, parseConfig } from './config'
import { connect } from './db/connect'
import type { Services } from './env'
import { problem } from './http/problem'
import { runScheduledJobs } from './jobs/run'

interface Hyperdrive {
  connectionString: string
}

interface WorkerEnv {
  HYPERDRIVE: Hyperdrive
  [variable: string]: unknown
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void
  passThroughOnException(): void
  props: unknown
}

interface ScheduledController {
  scheduledTime: number
  cron: string
}

const app = createApp()

// Hyperdrive pools the real connections; a Worker opens a few cheap ones per request and
// closes them when the response is done, as I/O objects cannot outlive a request on Workers.
function open(env: WorkerEnv): Services {
  const config = parseConfig(env)
  const sql = connect(env.HYPERDRIVE.connectionString, { max: 5, fetchTypes: false })
  return { sql, config, runtime: 'workerd' }
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let services: Services
    try {
      services = open(env)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      console.error(error.message)
      return problem({ status: 500, title: 'Earshot is misconfigured', detail: error.message })
    }
    const response = await app.fetch(request, services, ctx)
    ctx.waitUntil(services.sql.end({ timeout: 5 }))
    return response
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const services = open(env)
    ctx.waitUntil(
      runScheduledJobs(services, new Date(controller.scheduledTime)).finally(() => services.sql.end({ timeout: 5 })),
    )
  },
}
