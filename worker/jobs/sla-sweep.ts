import { sweepSla } from '../sla/sweep'
import type { Job } from './job'

/** Marks SLA clocks that passed unanswered, escalates their cases and tells owners and leads. */
export const slaSweep: Job = {
  name: 'sla-sweep',
  async run({ sql }, now) {
    return sweepSla(sql, now)
  },
}
