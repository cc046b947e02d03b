import type { Services } from '../env'
import { classifyMentions } from './classify-mentions'
import { housekeeping } from './housekeeping'
import type { Job } from './job'
import { wake } from '../live/wake'
import { promiseSweep } from './promise-sweep'
import { routeMentions } from './route-mentions'
import { slaSweep } from './sla-sweep'
import { handoffSweep } from './handoff-sweep'
import { sendOutbox } from './send-outbox'
import { trendsRollup } from './trends-rollup'
import { spikeSweep } from './spike-sweep'

// In this order: a mention classified in this run is routed in this run, its acknowledgement sent,
// its case's clocks are swept, and the trends and spike alerts count it.
export const scheduledJobs: Job[] = [housekeeping, classifyMentions, routeMentions, sendOutbox, slaSweep, promiseSweep, handoffSweep, trendsRollup, spikeSweep]

export type JobReport =
  | { job: string; ok: true; result: Record<string, number>; ms: number }
  | { job: string; ok: false; error: string; ms: number }

/** Runs every job once; one job's failure is reported and does not stop the others. */
export async function runScheduledJobs(services: Services, now = new Date(), jobs = scheduledJobs): Promise<JobReport[]> {
  const reports: JobReport[] = []
  for (const job of jobs) {
    const started = Date.now()
    try {
      const result = await job.run(services, now)
      reports.push({ job: job.name, ok: true, result, ms: Date.now() - started })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      console.error(`job ${job.name} failed: ${message}`)
      reports.push({ job: job.name, ok: false, error: message, ms: Date.now() - started })
    }
  }
  // Routing, sweeps and reminders write timeline events: live streams in this process read now.
  wake()
  return reports
}
