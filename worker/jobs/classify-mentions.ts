import { classifyAllPending } from '../classify/pending'
import type { Job } from './job'

/** Catches mentions the listener stored but could not classify (a crash, a failed batch). */
export const classifyMentions: Job = {
  name: 'classify-mentions',
  async run({ sql }) {
    return { classified: await classifyAllPending(sql) }
  },
}
