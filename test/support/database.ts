// A database of its own for each test file: on the PostgreSQL server named by
// TEST_DATABASE_URL when it is set (CI), otherwise on an embedded PGlite in memory.
import { randomBytes } from 'node:crypto'
import { connect, type Sql } from '../../worker/db/connect'
import { startEmbeddedDatabase } from '../../worker/db/embedded'
import { migrate } from '../../worker/db/migrate'
import { loadMigrations } from '../../worker/db/migration-files'

export interface TestDatabase {
  /** postgres:// URL with a password, as wrangler's Hyperdrive wants one. */
  url: string
  sql: Sql
  kind: 'postgres' | 'pglite'
  close(): Promise<void>
}

export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const database = process.env.TEST_DATABASE_URL ? await onServer(process.env.TEST_DATABASE_URL) : await embedded()
  if (migrated) await migrate(database.sql, await loadMigrations())
  return database
}

/** A fresh database on the PostgreSQL server at `serverUrl`, dropped again by close(). */
export async function createServerDatabase(serverUrl: string, { migrated = false } = {}): Promise<TestDatabase> {
  const database = await onServer(serverUrl)
  if (migrated) await migrate(database.sql, await loadMigrations())
  return database
}

/**
 * Settings for an Earshot process started on `db`: PGlite is one session, so a process sharing
 * it with the test must use one connection (see worker/node.ts).
 */
export function onePoolOnPglite(db: TestDatabase): Record<string, string> {
  return db.kind === 'pglite' ? { DATABASE_POOL_SIZE: '1' } : {}
}

async function onServer(serverUrl: string): Promise<TestDatabase> {
  const admin = connect(serverUrl, { max: 1 })
  const name = `earshot_test_${randomBytes(6).toString('hex')}`
  await admin.unsafe(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  if (!url.password) url.password = 'postgres'
  const sql = connect(url.toString(), { max: 10 })
  return {
    url: url.toString(),
    sql,
    kind: 'postgres',
    async close() {
      await sql.end({ timeout: 5 })
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 5 })
    },
  }
}

async function embedded(): Promise<TestDatabase> {
  const database = await startEmbeddedDatabase({ maxConnections: 40 })
  // One connection: PGlite is a single session (see worker/node.ts).
  const sql = connect(database.url, { max: 1 })
  return {
    url: database.url,
    sql,
    kind: 'pglite',
    async close() {
      await sql.end({ timeout: 5 })
      await database.stop()
    },
  }
}
