import { sweepPromises } from '../cases/promises'
import type { Job } from './job'

/** Reminds owners of promises about to fall due and breaks the ones that passed unkept. */
export const promiseSweep: Job = {
  name: 'promise-sweep',
  async run({ sql }, now) {
    return sweepPromises(sql, now)
  },
}
