// `npm run trends:rebuild`: recomputes every trend rollup from the mentions and cases, after a
// change to how they are computed or to repair them. On DATABASE_URL, or on the embedded database
// in EARSHOT_DATA_DIR when Earshot is not running on it. Running Earshot may keep working
// meanwhile; its dashboard shows partial figures until the rebuild ends.
import { parseConfig } from '../config'
import { connect } from '../db/connect'
import { startEmbeddedDatabase } from '../db/embedded'
import { migrate } from '../db/migrate'
import { loadMigrations } from '../db/migration-files'
import { rebuildTrends, type RebuildProgress } from './rollup'

const phaseNames: Record<RebuildProgress['phase'], string> = { hours: 'brand hours', cases: 'cases', 'case days': 'brand days of cases and satisfaction' }

try {
  const config = parseConfig(process.env)
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedDatabase({ dataDir: config.EARSHOT_DATA_DIR, maxConnections: 3 })
  const sql = connect(config.DATABASE_URL ?? embedded!.url, { max: 1 })
  try {
    await migrate(sql, await loadMigrations())
    const started = Date.now()
    let lastPhase: RebuildProgress['phase'] | null = null
    const result = await rebuildTrends(sql, {
      onProgress({ phase, done, total }) {
        if (lastPhase !== null && phase !== lastPhase) process.stderr.write('\n')
        lastPhase = phase
        const percent = Math.min(100, Math.round((done / Math.max(total, 1)) * 100))
        process.stderr.write(`\r${phaseNames[phase]}: ${done} of ${total} (${percent}%)`)
      },
    })
    if (lastPhase !== null) process.stderr.write('\n')
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    console.log(`Rebuilt trends in ${seconds} s: ${result.hours} brand hours, ${result.days} brand days of terms, ${result.cases} cases, ${result.caseDays} brand days of cases and satisfaction`)
  } finally {
    await sql.end({ timeout: 5 })
    await embedded?.stop()
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
}
