import { pruneLoginAttempts } from '../auth/throttle'
import { prunePresence } from '../cases/presence'
import type { Job } from './job'

/** Ends sessions past their time and forgets log-in attempts and presence too old to mean anything. */
export const housekeeping: Job = {
  name: 'housekeeping',
  async run({ sql }, now) {
    const sessions = await sql`delete from session where expires_at <= ${now}`
    return {
      sessions_expired: sessions.count,
      login_attempts_pruned: await pruneLoginAttempts(sql, now),
      presence_pruned: await prunePresence(sql, now),
    }
  },
}
