import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appliedVersion, migrate, MigrationError } from '../../worker/db/migrate'
import { loadMigrations } from '../../worker/db/migration-files'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { runScript } from '../support/process'

const expectedTables = [
  'app_user', 'audit_log', 'brand', 'brand_handle', 'business_hours', 'care_case', 'case_event', 'case_presence', 'customer', 'customer_merge',
  'handoff', 'holiday', 'identity', 'login_attempt', 'mention', 'notification', 'outbox', 'promise', 'rejected_item', 'reply_template', 'satisfaction', 'schema_migration', 'session', 'sla_policy',
  'source', 'spike_alert', 'team', 'team_member', 'trend_case', 'trend_case_day', 'trend_day', 'trend_dirty_case', 'trend_dirty_case_day',
  'trend_dirty_hour', 'trend_hour', 'trend_reason_day', 'trend_reason_hour', 'trend_satisfaction_day', 'trend_term_day', 'user_shift',
]

async function tables(db: TestDatabase): Promise<string[]> {
  const rows = await db.sql<{ table_name: string }[]>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`
  return rows.map((row) => row.table_name)
}

async function migrationDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-sql-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

let db: TestDatabase | undefined
afterEach(async () => {
  await db?.close()
  db = undefined
})

describe('migrate', () => {
  it('applies every migration to an empty database, then has nothing left to do', async () => {
    db = await createTestDatabase({ migrated: false })
    const migrations = await loadMigrations()
    expect(await appliedVersion(db.sql)).toBeNull()

    const first = await migrate(db.sql, migrations)
    expect(first.applied.map((m) => m.file)).toEqual(migrations.map((m) => m.file))
    expect(await tables(db)).toEqual(expectedTables)
    expect(await appliedVersion(db.sql)).toEqual({ version: migrations.at(-1)!.version, name: migrations.at(-1)!.name })

    const second = await migrate(db.sql, migrations)
    expect(second.applied).toEqual([])
    expect(await tables(db)).toEqual(expectedTables)
  })

  it('applies files in version order and records each once', async () => {
    db = await createTestDatabase({ migrated: false })
    const dir = await migrationDir({
      '0002_second.sql': 'insert into step values (2);',
      '0001_first.sql': 'create table step (n int primary key); insert into step values (1);',
    })
    await migrate(db.sql, await loadMigrations(dir))
    expect((await db.sql`select n from step order by n`).map((row) => row.n)).toEqual([1, 2])
    const recorded = await db.sql`select version, name from schema_migration order by version`
    expect(recorded.map((row) => [row.version, row.name])).toEqual([[1, 'first'], [2, 'second']])
  })

  it('rolls a failing migration back whole and names its file', async () => {
    db = await createTestDatabase({ migrated: false })
    const dir = await migrationDir({
      '0001_fine.sql': 'create table fine (n int);',
      '0002_broken.sql': 'create table half (n int); select * from no_such_table;',
    })
    await expect(migrate(db.sql, await loadMigrations(dir))).rejects.toThrow(/sql\/0002_broken\.sql failed: .*no_such_table/)
    expect(await appliedVersion(db.sql)).toEqual({ version: 1, name: 'fine' })
    const [half] = await db.sql`select to_regclass('half') as present`
    expect(half!.present).toBeNull()
  })

  it('refuses a migration whose file changed after it was applied', async () => {
    db = await createTestDatabase({ migrated: false })
    await migrate(db.sql, await loadMigrations(await migrationDir({ '0001_one.sql': 'create table one (n int);' })))
    const edited = await loadMigrations(await migrationDir({ '0001_one.sql': 'create table one (n bigint);' }))
    await expect(migrate(db.sql, edited)).rejects.toThrow(MigrationError)
    await expect(migrate(db.sql, edited)).rejects.toThrow(/0001_one\.sql was changed after it was applied/)
  })

  it('rejects files that are not named NNNN_name.sql, and duplicate versions', async () => {
    await expect(loadMigrations(await migrationDir({ '1_bad.sql': '' }))).rejects.toThrow(/1_bad\.sql is not named NNNN_name\.sql/)
    await expect(
      loadMigrations(await migrationDir({ '0001_a.sql': '', '0001_b.sql': '' })),
    ).rejects.toThrow(/share version 1/)
  })

  it('ends with one applied set when two processes migrate at once', async () => {
    db = await createTestDatabase({ migrated: false })
    const env = { DATABASE_URL: db.url }
    const runs = await Promise.all([runScript('worker/db/migrate-cli.ts', env), runScript('worker/db/migrate-cli.ts', env)])
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' })
    const migrations = await loadMigrations()
    const applied = await db.sql<{ version: number }[]>`select version from schema_migration order by version`
    expect(applied.map((row) => row.version)).toEqual(migrations.map((m) => m.version))
    // Each file was applied by exactly one of the two.
    const appliedLines = runs.flatMap((run) => run.stdout.split('\n').filter((line) => line.startsWith('Applied ')))
    expect(appliedLines.sort()).toEqual(migrations.map((m) => `Applied sql/${m.file}`).sort())
    expect(await tables(db)).toEqual(expectedTables)
  })

  it('says which variable is missing when the command has no database', async () => {
    const run = await runScript('worker/db/migrate-cli.ts', {})
    expect(run.code).toBe(1)
    expect(run.stderr.trim()).toBe('Invalid configuration: DATABASE_URL must be set to the database to migrate')
  })
})
