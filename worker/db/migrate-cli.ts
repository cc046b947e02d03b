// `npm run migrate`: applies pending migrations to DATABASE_URL, e.g. before `wrangler deploy`.
import { ConfigError, parseConfig } from '../config'
import { connect } from './connect'
import { migrate } from './migrate'
import { loadMigrations } from './migration-files'

try {
  const config = parseConfig(process.env)
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL', 'must be set to the database to migrate', undefined)
  const sql = connect(config.DATABASE_URL, { max: 1 })
  try {
    const { applied, version } = await migrate(sql, await loadMigrations(), (migration) =>
      console.log(`Applied sql/${migration.file}`),
    )
    console.log(applied.length ? `Schema is at version ${version}` : `Schema is up to date (version ${version})`)
  } finally {
    await sql.end({ timeout: 5 })
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
}
