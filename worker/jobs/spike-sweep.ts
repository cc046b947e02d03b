import { sweepSpikes } from '../trends/spikes'
import type { Job } from './job'

/** Scores each brand's last quarter-hour of complaints; raises, extends and ends spike alerts and tells webhooks of new ones. */
export const spikeSweep: Job = {
  name: 'spike-sweep',
  async run({ sql }, now) {
    return { ...(await sweepSpikes(sql, now)) }
  },
}
