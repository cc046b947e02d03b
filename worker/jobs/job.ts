import type { Services } from '../env'

/**
 * A periodic task. Cron runs it on Workers, a timer on Node. It must be safe to run in many
 * processes at once (skip locked rows, unique keys, advisory locks), since both may happen.
 */
export interface Job {
  name: string
  run(services: Services, now: Date): Promise<Record<string, number>>
}
