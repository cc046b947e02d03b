import type { Job } from './job'

export const expireSessions: Job = {
  name: 'expire-sessions',
  async run({ sql }, now) {
    const removed = await sql`delete from session where expires_at <= ${now}`
    return { removed: removed.count }
  },
}
