// What the outbox tests read and do the same way on every platform: record a reply as the API
// does, read an item and the deliveries on a case's timeline, and leave only one test's items due.
import type { SessionUser } from '../../worker/auth/session'
import { recordReply } from '../../worker/cases/reply'
import type { Sql } from '../../worker/db/connect'

export interface OutboxRow {
  status: string
  attempts: number
  next_attempt_at: Date
  platform_post_id: string | null
  platform_url: string | null
  last_error: string | null
  idempotency_key: string
  created_at: Date
}

export function outboxHelpers(sql: () => Sql, agent: () => SessionUser) {
  return {
    async reply(caseId: string, text: string, channel: 'public' | 'private' = 'public') {
      const result = await recordReply(sql(), { caseId, actor: agent(), channel, body: text })
      if (!result.ok) throw new Error(result.detail)
      return result.value
    },
    async outbox(id: string): Promise<OutboxRow> {
      const [row] = await sql()<OutboxRow[]>`
        select status, attempts, next_attempt_at, platform_post_id, platform_url, last_error, idempotency_key, created_at
          from outbox where id = ${id}`
      return row!
    },
    deliveries(caseId: string) {
      return sql()<{ kind: string; body: Record<string, unknown> }[]>`
        select kind, body from case_event where case_id = ${caseId} and body ? 'delivery_of' order by id`
    },
    /** Earlier tests' items are settled, but be sure only this test's are due. */
    async settleOthers() {
      await sql()`update outbox set status = 'failed', last_error = 'settled by the test' where status in ('queued', 'sending')`
    },
  }
}
