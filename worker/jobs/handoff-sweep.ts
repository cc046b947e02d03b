import { sweepHandoffs } from '../handoff/sweep'
import type { Job } from './job'

/** Reminds executives of callbacks coming up and breaches the ones that passed without an outcome. */
export const handoffSweep: Job = {
  name: 'handoff-sweep',
  async run({ sql }, now) {
    return sweepHandoffs(sql, now)
  },
}
