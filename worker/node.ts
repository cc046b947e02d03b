// Earshot on Node: `npm start`. Without DATABASE_URL it runs on an embedded PGlite database
// with demo data; with it, on that server, adding demo data only when started with --demo.
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { createApp } from './app'
import { ConfigError, parseConfig, type Config } from './config'
import { connect } from './db/connect'
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded'
import { migrate } from './db/migrate'
import { loadMigrations } from './db/migration-files'
import { demoPassword, demoUsers, hasDemo, seedDemo } from './demo/seed'
import type { Services } from './env'
import { sendLoop } from './outbox/loop'
import { runScheduledJobs } from './jobs/run'
import { listenerDeps } from './listen/deps'
import { listen } from './listen/listener'
import type { PollOutcome } from './listen/poll'

const usage = `Usage: npm start [-- --demo]

  --demo   add the demo brand and users to the database given by DATABASE_URL
           (the embedded database always has them)

Settings come from environment variables; see the README.`

// Built by `npm run build:web`; the Worker serves the same folder as static assets.
const webRoot = fileURLToPath(new URL('../dist/web', import.meta.url))

async function main() {
  const { values: flags } = parseArgs({
    options: { demo: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  })
  if (flags.help) {
    console.log(usage)
    return
  }
  const config = parseConfig(process.env)
  const started = performance.now()

  const embedded = config.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase({ dataDir: config.EARSHOT_DATA_DIR, maxConnections: config.DATABASE_POOL_SIZE + 2 })
  // The embedded database is one PostgreSQL session behind its socket: two connections whose
  // extended-protocol messages interleave corrupt each other's statements (electric-sql/pglite
  // #1046), so everything goes through one connection there, in turn.
  const sql = connect(config.DATABASE_URL ?? embedded!.url, { max: embedded ? 1 : config.DATABASE_POOL_SIZE })

  const { version } = await migrate(sql, await loadMigrations(), (migration) =>
    console.log(`Applied migration sql/${migration.file}`),
  )
  if (embedded || flags.demo) {
    const { seeded } = await seedDemo(sql)
    if (seeded) console.log('Added the demo brand and users')
  }

  const services: Services = { sql, config, runtime: 'node', secrets: process.env }
  const app = createApp({ assets: serveStatic({ root: webRoot }) })
  const server = serve({
    fetch: (request) => app.fetch(request, services),
    port: config.PORT,
    hostname: config.HOST,
  })
  const address = await listening(server)

  const jobs = startJobTimer(services, config)
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${address.port}`
  console.log(banner({ url, config, embedded, version, demo: await hasDemo(sql), ms: performance.now() - started }))
  const listener = new AbortController()
  const listenerDone = listen(listenerDeps(services), { signal: listener.signal, onPoll: logPoll })
  const senderDone = sendLoop(services, { signal: listener.signal })

  const stop = async (signal: string) => {
    console.log(`\n${signal}: stopping Earshot`)
    clearInterval(jobs)
    listener.abort()
    await Promise.all([listenerDone, senderDone])
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await sql.end({ timeout: 5 })
    await embedded?.stop()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
}

function listening(server: ReturnType<typeof serve>): Promise<{ port: number }> {
  return new Promise((resolve, reject) => {
    const ready = () => {
      const address = server.address()
      if (address && typeof address === 'object') resolve({ port: address.port })
      else reject(new Error('the HTTP server has no address'))
    }
    if (server.listening) ready()
    else {
      server.once('listening', ready)
      server.once('error', reject)
    }
  })
}

/** The same jobs the Worker's cron runs, on a timer; a run still going delays the next one. */
function startJobTimer(services: Services, config: Config) {
  let running = false
  return setInterval(async () => {
    if (running) return
    running = true
    try {
      await runScheduledJobs(services)
    } finally {
      running = false
    }
  }, config.JOB_INTERVAL_SECONDS * 1000)
}

/** One line per poll that brought something or failed; quiet polls stay quiet. */
function logPoll(outcome: PollOutcome) {
  if (outcome.status === 'ok' && outcome.fetched > 0) {
    const extra = [
      outcome.duplicates ? `${outcome.duplicates} already stored` : '',
      outcome.rejected ? `${outcome.rejected} rejected` : '',
      outcome.skipped ? `${outcome.skipped} skipped` : '',
    ].filter(Boolean)
    console.log(`source ${outcome.sourceId}: ${outcome.stored} new mention${outcome.stored === 1 ? '' : 's'}${extra.length ? ` (${extra.join(', ')})` : ''}`)
  }
}

function banner(info: {
  url: string
  config: Config
  embedded: EmbeddedDatabase | undefined
  version: number
  demo: boolean
  ms: number
}): string {
  const database = info.embedded
    ? `embedded PGlite in ${info.embedded.location}`
    : `PostgreSQL at ${redact(info.config.DATABASE_URL!)}`
  const lines = [
    '',
    `Earshot is running at ${info.url}  (ready in ${(info.ms / 1000).toFixed(1)} s)`,
    `  database  ${database}, schema version ${info.version}`,
    `  health    ${info.url}/healthz`,
  ]
  if (info.demo) {
    lines.push('', `Demo log-ins (password for all: ${demoPassword})`)
    for (const user of demoUsers) lines.push(`  ${user.role.padEnd(10)} ${user.email.padEnd(28)} ${user.name}`)
  }
  lines.push('', 'Press Ctrl+C to stop.')
  return lines.join('\n')
}

function redact(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message)
  else console.error('Earshot could not start:', error instanceof Error ? error.message : error)
  process.exit(1)
})
