import { routeAllPending } from '../cases/route'
import { assignQueued } from '../cases/queue'
import type { Job } from './job'

/** Files classified mentions on cases, then hands queued cases to whoever has come on shift. */
export const routeMentions: Job = {
  name: 'route-mentions',
  async run({ sql }, now) {
    const routed = await routeAllPending(sql, { now: () => now })
    return { filed: routed.filed, opened: routed.opened, reopened: routed.reopened, assigned: routed.assigned + (await assignQueued(sql, { now })) }
  },
}
