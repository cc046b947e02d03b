// worker/node.ts as `npm start` runs it: embedded PGlite, or the server in DATABASE_URL.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoUsers } from '../worker/demo/seed'
import { createTestDatabase, onePoolOnPglite, type TestDatabase } from './support/database'
import { latestMigration } from './support/fixtures'
import { runScript, startNode } from './support/process'

async function health(url: string) {
  const response = await fetch(`${url}/healthz`)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('Node with the embedded database', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'earshot-data-'))
  })
  afterAll(() => rm(dataDir, { recursive: true, force: true }))

  it('starts with demo data, serves /healthz and the web app, and keeps its data across restarts', async () => {
    const first = await startNode({ EARSHOT_DATA_DIR: dataDir })
    try {
      expect(await health(first.url)).toEqual({
        status: 200,
        body: { status: 'ok', runtime: 'node', database: { reachable: true, migration: await latestMigration() } },
      })
      const page = await fetch(first.url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<title>Earshot</title>')
      expect(first.output()).toContain('Added the demo brand and users')
      for (const user of demoUsers) expect(first.output()).toContain(user.email)
      expect(first.output()).toContain('password for all: earshot-demo')
    } finally {
      expect(await first.stop()).toBe(0)
    }

    const second = await startNode({ EARSHOT_DATA_DIR: dataDir })
    try {
      expect((await health(second.url)).status).toBe(200)
      expect(second.output()).not.toContain('Applied migration')
      expect(second.output()).not.toContain('Added the demo brand')
      expect(second.output()).toContain('agent@earshot.example')
    } finally {
      await second.stop()
    }
  })

  it('refuses a data folder another Earshot is using', async () => {
    const running = await startNode({ EARSHOT_DATA_DIR: dataDir })
    try {
      const rival = await runScript('worker/node.ts', { EARSHOT_DATA_DIR: dataDir, PORT: '0' })
      expect(rival.code).toBe(1)
      expect(rival.stderr).toMatch(/is in use by another Earshot process \(pid \d+\)/)
      expect((await health(running.url)).status).toBe(200)
    } finally {
      await running.stop()
    }
  })
})

describe('Node with DATABASE_URL', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false })
  })
  afterAll(() => db.close())

  it('migrates that database and writes no demo data unless asked', async () => {
    const plain = await startNode({ DATABASE_URL: db.url, ...onePoolOnPglite(db) })
    try {
      expect(await health(plain.url)).toMatchObject({ status: 200, body: { status: 'ok', runtime: 'node' } })
      expect(plain.output()).toContain('Applied migration sql/0001_core.sql')
      expect(plain.output()).not.toContain('Demo log-ins')
    } finally {
      await plain.stop()
    }
    // Read once the process is gone, so that no two clients share the single-session PGlite.
    const [counts] = await db.sql`select (select count(*) from brand)::int as brands, (select count(*) from app_user)::int as users`
    expect(counts).toEqual({ brands: 0, users: 0 })

    const withDemo = await startNode({ DATABASE_URL: db.url, ...onePoolOnPglite(db) }, ['--demo'])
    try {
      expect(withDemo.output()).toContain('Added the demo brand and users')
      expect(withDemo.output()).toContain('Demo log-ins')
    } finally {
      await withDemo.stop()
    }
    const roles = await db.sql<{ role: string }[]>`select role from app_user order by role`
    expect(roles.map((row) => row.role)).toEqual(demoUsers.map((user) => user.role).sort())
  })
})

describe('bad configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'Invalid configuration: PORT must be a whole number from 0 to 65535 (got "eighty")'],
    [{ DATABASE_URL: 'mysql://root@localhost/earshot' }, 'Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ DATABASE_POOL_SIZE: '0' }, 'Invalid configuration: DATABASE_POOL_SIZE must be a whole number from 1 to 100 (got "0")'],
  ])('%o stops start-up with one line naming the variable', async (env, message) => {
    const run = await runScript('worker/node.ts', env)
    expect(run.code).toBe(1)
    expect(run.stderr.trim()).toBe(message)
    expect(run.stdout).not.toContain('Earshot is running')
  })
})
