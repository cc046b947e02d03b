import { processAllDirty } from '../trends/rollup'
import type { Job } from './job'

/**
 * A run keeps taking batches for this long: a backlog (a burst of mentions, a re-classification)
 * drains over a few runs without holding up the jobs after it.
 */
const runBudgetMs = 30_000

/** Brings the trend rollups up to date with the mentions and cases changed since the last run. */
export const trendsRollup: Job = {
  name: 'trends-rollup',
  async run({ sql }, now) {
    const done = await processAllDirty(sql, { now, deadline: new Date(Date.now() + runBudgetMs) })
    return { hours: done.hours, days: done.days, cases: done.cases, case_days: done.caseDays }
  },
}
