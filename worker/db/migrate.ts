import type { Sql } from './connect'

export interface Migration {
  version: number
  name: string
  file: string
  sql: string
  checksum: string
}

// Any constant works, as long as nothing else in the database uses it for another lock.
const migrationLock = 0x6561_7273 // "ears"

export class MigrationError extends Error {
  override name = 'MigrationError'
}

export interface MigrateResult {
  applied: Migration[]
  version: number
}

/**
 * Applies pending migrations in order, each in its own transaction, each once.
 * Every step holds a transaction-scoped advisory lock and re-reads what is applied under it,
 * so processes starting together apply each migration exactly once between them. (A
 * transaction-scoped lock, not a session one: connections to the embedded database share a
 * session, and a session lock would not exclude them; its open transaction does.)
 */
export async function migrate(
  sql: Sql,
  migrations: Migration[],
  onApplied: (migration: Migration) => void = () => {},
): Promise<MigrateResult> {
  const applied: Migration[] = []
  for (const migration of migrations) {
    const didApply = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${migrationLock})`
      await tx`
        create table if not exists schema_migration (
          version    integer primary key,
          name       text not null,
          checksum   text not null,
          applied_at timestamptz not null default now()
        )`
      const [done] = await tx<{ checksum: string }[]>`
        select checksum from schema_migration where version = ${migration.version}`
      if (done) {
        if (done.checksum !== migration.checksum) {
          throw new MigrationError(
            `sql/${migration.file} was changed after it was applied to this database; ` +
              'put the change in a new migration file instead',
          )
        }
        return false
      }
      await tx.unsafe(migration.sql).catch((error: unknown) => {
        throw new MigrationError(`sql/${migration.file} failed: ${describe(error)}`, { cause: error })
      })
      await tx`
        insert into schema_migration (version, name, checksum)
        values (${migration.version}, ${migration.name}, ${migration.checksum})`
      return true
    })
    if (didApply) {
      applied.push(migration)
      onApplied(migration)
    }
  }
  return { applied, version: migrations.at(-1)?.version ?? 0 }
}

export interface AppliedVersion {
  version: number
  name: string
}

/** The newest applied migration, or null on a database Earshot has not migrated. */
export async function appliedVersion(sql: Sql): Promise<AppliedVersion | null> {
  const [exists] = await sql<{ present: boolean }[]>`select to_regclass('schema_migration') is not null as present`
  if (!exists?.present) return null
  const [row] = await sql<AppliedVersion[]>`
    select version, name from schema_migration order by version desc limit 1`
  return row ?? null
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const position = 'position' in error && error.position ? ` at character ${String(error.position)}` : ''
  return `${error.message}${position}`
}
