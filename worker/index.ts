// Earshot on Cloudflare Workers: the same Hono app and jobs as on Node, with Postgres through
// Hyperdrive. Static web assets are served by the platform from dist/web (see wrangler.toml).
import { createApp } from './app'
import { ConfigError, parseConfig } from './config'
import { connect } from './db/connect'
import type { Services } from './env'
import { problem } from './http/problem'
import { runScheduledJobs } from './jobs/run'
import { listenerDeps } from './listen/deps'
import { listen } from './listen/listener'

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
  const sql = connect(env.HYPERDRIVE.connectionString, { max: Math.min(5, config.DATABASE_POOL_SIZE), fetchTypes: false })
  return { sql, config, runtime: 'workerd', secrets: stringsOf(env) }
}

function stringsOf(env: WorkerEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
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
    if (response.body === null || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
      ctx.waitUntil(services.sql.end({ timeout: 5 }))
      return response
    }
    // A live stream reads the database for as long as the browser listens: close the
    // connections only when the stream itself ends.
    const { readable, writable } = new TransformStream()
    ctx.waitUntil(response.body.pipeTo(writable).catch(() => {}).finally(() => services.sql.end({ timeout: 5 })))
    return new Response(readable, response)
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const services = open(env)
    // Cron fires once a minute; listening for most of that minute keeps short poll intervals real.
    const listening = AbortSignal.timeout(services.config.LISTEN_SECONDS_PER_CRON * 1000)
    ctx.waitUntil(
      Promise.all([
        runScheduledJobs(services, new Date(controller.scheduledTime)),
        listen(listenerDeps(services), { signal: listening }),
      ]).finally(() => services.sql.end({ timeout: 5 })),
    )
  },
}
