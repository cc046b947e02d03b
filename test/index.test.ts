// worker/index.ts in wrangler's local workerd runtime, reaching the test database through
// the Hyperdrive binding's local connection string.
import { type AddressInfo, createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import worker from '../worker/index'
import { createTestDatabase, onePoolOnPglite, type TestDatabase } from './support/database'
import { insertBrand, insertUser, latestMigration } from './support/fixtures'
import { type Running, startWorker } from './support/process'

const hyperdrive = (url: string) => ({ CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: url })

describe('the Worker in workerd', () => {
  let db: TestDatabase
  let running: Running
  beforeAll(async () => {
    db = await createTestDatabase()
    // A short listening window, so that a cron run in the test ends within seconds.
    running = await startWorker(hyperdrive(db.url), { LISTEN_SECONDS_PER_CRON: '2', ...onePoolOnPglite(db) })
  })
  afterAll(async () => {
    await running?.stop()
    await db?.close()
  })

  it('answers /healthz from the database behind Hyperdrive', async () => {
    const response = await fetch(`${running.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      status: 'ok',
      runtime: 'workerd',
      database: { reachable: true, migration: await latestMigration() },
    })
  })

  it('serves the web app as static assets', async () => {
    const response = await fetch(running.url)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<title>Earshot</title>')
  })

  it('runs the scheduled jobs on cron', async () => {
    const userId = await insertUser(db.sql, 'cron@example.com')
    const expired = 'a'.repeat(64)
    const current = 'b'.repeat(64)
    await db.sql`
      insert into session (token_hash, user_id, created_at, expires_at) values
        (${expired}, ${userId}, now() - interval '2 days', now() - interval '1 day'),
        (${current}, ${userId}, now(), now() + interval '1 day')`
    const response = await fetch(`${running.url}/__scheduled?cron=*+*+*+*+*`)
    expect(response.status).toBe(200)
    // The job runs in waitUntil, after the response; give it a moment to commit.
    let left: string[] = []
    for (let attempt = 0; attempt < 50; attempt++) {
      left = (await db.sql<{ token_hash: string }[]>`select token_hash from session`).map((row) => row.token_hash)
      if (left.length === 1) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(left).toEqual([current])
  })
})

describe('the Worker listening on cron', () => {
  let db: TestDatabase
  let running: Running
  beforeAll(async () => {
    db = await createTestDatabase()
    running = await startWorker(hyperdrive(db.url), { LISTEN_SECONDS_PER_CRON: '3', ...onePoolOnPglite(db) })
  })
  afterAll(async () => {
    await running?.stop()
    await db?.close()
  })

  it('polls due sources with the same listener as Node, and stores what they bring', async () => {
    const brandId = await insertBrand(db.sql)
    await db.sql`
      insert into source (brand_id, platform, kind, settings, poll_interval_seconds)
      values (${brandId}, 'demo', 'replay', ${db.sql.json({ speed: 600 })}, 1)`
    const response = await fetch(`${running.url}/__scheduled?cron=*+*+*+*+*`)
    expect(response.status).toBe(200)
    // Look only after the listening window has closed, so the test's queries never overlap the Worker's.
    await new Promise((resolve) => setTimeout(resolve, 4000))
    const [count] = await db.sql<{ stored: number }[]>`select count(*)::int as stored from mention`
    expect(count!.stored).toBeGreaterThan(0)
    const [source] = await db.sql`select last_success_at, cursor from source`
    expect(source!.last_success_at).not.toBeNull()
    expect(source!.cursor).toMatch(/"next":\d+/)
  })
})

describe('the Worker in workerd with its database down', () => {
  // A database that takes the connection and never answers: the way an outage looks from a
  // Worker. (A refused port cannot stand in: wrangler's local Hyperdrive proxy dies on it.)
  let silent: Server
  beforeAll(async () => {
    silent = createServer((socket) => socket.on('data', () => {}))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  })
  afterAll(() => new Promise<void>((resolve) => silent.close(() => resolve())))

  it('answers /healthz with 503 instead of hanging or crashing', async () => {
    const { port } = silent.address() as AddressInfo
    const running = await startWorker(hyperdrive(`postgres://postgres:postgres@127.0.0.1:${port}/test`))
    try {
      const response = await fetch(`${running.url}/healthz`, { signal: AbortSignal.timeout(20_000) })
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({
        status: 'unavailable',
        runtime: 'workerd',
        database: { reachable: false, error: 'the database did not answer within 5000 ms' },
      })
      // Still serving after the failure.
      expect((await fetch(`${running.url}/`)).status).toBe(200)
    } finally {
      await running.stop()
    }
  })
})

describe('the Worker with a bad setting', () => {
  it('answers every request with a problem naming the variable', async () => {
    const env = { HYPERDRIVE: { connectionString: 'postgres://postgres:postgres@127.0.0.1:1/none' }, DATABASE_POOL_SIZE: 'lots' }
    const context = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} }
    const response = await worker.fetch(new Request('http://earshot.test/healthz'), env, context)
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({
      status: 500,
      title: 'Earshot is misconfigured',
      detail: 'Invalid configuration: DATABASE_POOL_SIZE must be a whole number from 1 to 100 (got "lots")',
    })
  })
})
