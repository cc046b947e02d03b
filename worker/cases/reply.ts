// A person's reply on a case: it stops the response clocks (an automatic acknowledgement never
// does) and may carry a promise with a due time. Sending goes through the outbox; until the
// sender exists the reply stands on the timeline as queued.
import type { SessionUser } from '../auth/session'
import { audit } from '../audit'
import type { Sql } from '../db/connect'
import { refreshSlaDue } from './clocks'
import { isClosed, lockCase, type CaseActionResult } from './ownership'
import { makePromise } from './promises'

export interface ReplyInput {
  caseId: string
  actor: SessionUser
  channel: 'public' | 'private'
  body: string
  promise?: { text: string; dueAt: Date }
}

export interface RecordedReply {
  eventId: string
  promiseId: string | null
}

export async function recordReply(sql: Sql, input: ReplyInput): Promise<CaseActionResult<RecordedReply>> {
  return sql.begin(async (tx) => {
    const locked = await lockCase(tx, input.caseId)
    if (!locked) return { ok: false, status: 404, detail: `There is no case ${input.caseId}.` }
    if (isClosed(locked.status)) return { ok: false, status: 409, detail: `Case ${input.caseId} is ${locked.status}; reopen it before replying.` }
    if (input.promise && input.promise.dueAt.getTime() <= Date.now()) {
      return { ok: false, status: 422, detail: 'A promise must fall due in the future.' }
    }
    const [event] = await tx<{ id: string }[]>`
      insert into case_event (case_id, kind, actor_id, body)
      values (${input.caseId}, 'reply', ${input.actor.id},
              ${JSON.stringify({ channel: input.channel, text: input.body, delivery: 'queued' })}::text::jsonb)
      returning id`
    await tx`
      update care_case
         set first_response_at = coalesce(first_response_at, now()), next_response_due_at = null,
             status = case when status = 'new' then 'open' else status end, updated_at = now()
       where id = ${input.caseId}`
    await refreshSlaDue(tx, [input.caseId])
    const promise = input.promise
      ? await makePromise(tx, { caseId: input.caseId, madeBy: input.actor.id, text: input.promise.text, dueAt: input.promise.dueAt, eventId: event!.id })
      : null
    const promiseId = promise?.id ?? null
    await audit(tx, { actorId: input.actor.id, action: 'case.reply', targetType: 'case', targetId: input.caseId, detail: { channel: input.channel, promise: promiseId } })
    return { ok: true, value: { eventId: event!.id, promiseId } }
  })
}
