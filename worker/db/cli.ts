// What every maintenance command shares: the database (DATABASE_URL, or the embedded one in
// EARSHOT_DATA_DIR when Earshot is not running on it), migrated first, closed at the end, and a
// failure told in one line with exit code 1 rather than a stack trace.
import { parseConfig } from '../config'
import { connect, type Sql } from './connect'
import { startEmbeddedDatabase } from './embedded'
import { migrate } from './migrate'
import { loadMigrations } from './migration-files'

export async function runOnDatabase(command: (sql: Sql) => Promise<void>): Promise<void> {
  try {
    const config = parseConfig(process.env)
    const embedded = config.DATABASE_URL ? undefined : await startEmbeddedDatabase({ dataDir: config.EARSHOT_DATA_DIR, maxConnections: 3 })
    const sql = connect(config.DATABASE_URL ?? embedded!.url, { max: 1 })
    try {
      await migrate(sql, await loadMigrations())
      await command(sql)
    } finally {
      await sql.end({ timeout: 5 })
      await embedded?.stop()
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  }
}
