import { classifyPending } from '../classify/pending'
import type { Job } from './job'

/** Catches mentions the listener stored but could not classify (a crash, a failed batch). */
export const classifyMentions: Job = {
  name: 'classify-mentions',
  async run({ sql }) {
    let classified = 0
    for (let batch = await classifyPending(sql); batch > 0; batch = await classifyPending(sql)) classified += batch
    return { classified }
  },
}
