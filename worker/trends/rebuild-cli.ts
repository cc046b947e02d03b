// `npm run trends:rebuild`: recomputes every trend rollup from the mentions and cases, after a
// change to how they are computed or to repair them. On DATABASE_URL, or on the embedded database
// in EARSHOT_DATA_DIR when Earshot is not running on it. Running Earshot may keep working
// meanwhile; its dashboard shows partial figures until the rebuild ends.
import { runOnDatabase } from '../db/cli'
import { rebuildTrends, type RebuildProgress } from './rollup'

const phaseNames: Record<RebuildProgress['phase'], string> = { hours: 'brand hours', cases: 'cases', 'case days': 'brand days of cases and satisfaction' }

await runOnDatabase(async (sql) => {
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
})
