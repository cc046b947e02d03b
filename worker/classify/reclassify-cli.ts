// `npm run reclassify`: classifies every stored mention that has no classification, or one from
// an older model, with the model this build ships. On DATABASE_URL, or on the embedded database
// in EARSHOT_DATA_DIR when Earshot is not running on it.
import { runOnDatabase } from '../db/cli'
import { modelVersion } from './classify'
import { classifyPending } from './pending'

await runOnDatabase(async (sql) => {
  const [{ total }] = await sql<[{ total: number }]>`
    select count(*)::int as total from mention where model_version is distinct from ${modelVersion}`
  console.log(`${total} mentions to classify with ${modelVersion}`)
  let done = 0
  for (;;) {
    const batch = await classifyPending(sql, { stale: true, batchSize: 1000 })
    if (batch === 0) break
    done += batch
    process.stderr.write(`\r${done} of ${total} (${Math.round((done / Math.max(total, 1)) * 100)}%)`)
  }
  if (done > 0) process.stderr.write('\n')
  console.log(`Classified ${done} mentions`)
})
