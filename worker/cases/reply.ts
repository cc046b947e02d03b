// A person's reply on a case: it stops the response clocks (an automatic acknowledgement never
// does) and may carry a promise with a due time. Sending goes through the outbox: the row is
// written in the same transaction as the 'reply' event, and the sender (worker/outbox) appends
// the delivery (sent or failed) to the timeline later.
import type { SessionUser } from '../auth/session'
import { audit } from '../audit'
import type { Sql, Tx } from '../db/connect'
import { refreshSlaDue } from './clocks'
import { isClosed, lockCase, type CaseActionResult } from './ownership'
import { makePromise } from './promises'

export interface ReplyInput {
  caseId: string
  actor: SessionUser
  channel: 'public' | 'private'
  body: string
  promise?: { text: string; dueAt: Date }
  /** The client's key for this reply: sending the same request twice records and sends it once. */
  idempotencyKey?: string
}

export interface RecordedReply {
  eventId: string
  promiseId: string | null
  /** Null when there was nothing to send to (no post to answer, no account to message). */
  outboxId: string | null
}

export async function recordReply(sql: Sql, input: ReplyInput): Promise<CaseActionResult<RecordedReply>> {
  return sql.begin(async (tx) => {
    const locked = await lockCase(tx, input.caseId)
    if (!locked) return { ok: false, status: 404, detail: `There is no case ${input.caseId}.` }
    if (isClosed(locked.status)) return { ok: false, status: 409, detail: `Case ${input.caseId} is ${locked.status}; reopen it before replying.` }
    if (input.promise && input.promise.dueAt.getTime() <= Date.now()) {
      return { ok: false, status: 422, detail: 'A promise must fall due in the future.' }
    }
    if (input.idempotencyKey !== undefined && !/^[\x21-\x7e]{8,120}$/.test(input.idempotencyKey)) {
      return { ok: false, status: 422, detail: 'An idempotency key is 8 to 120 visible ASCII characters.' }
    }
    const clientKey = input.idempotencyKey === undefined ? null : `reply:${input.caseId}:client:${input.idempotencyKey}`
    if (clientKey) {
      // The same request again (a retry after a lost answer): the reply stands once.
      const [earlier] = await tx<{ id: string; event_id: string; promise_id: string | null }[]>`
        select o.id, o.event_id, (select p.id from promise p where p.event_id = o.event_id limit 1) as promise_id
          from outbox o where o.idempotency_key = ${clientKey}`
      if (earlier) return { ok: true, value: { eventId: earlier.event_id, promiseId: earlier.promise_id, outboxId: earlier.id } }
    }
    const target = await replyTarget(tx, input.caseId, input.channel)
    const [event] = await tx<{ id: string }[]>`
      insert into case_event (case_id, kind, actor_id, body)
      values (${input.caseId}, 'reply', ${input.actor.id},
              ${JSON.stringify({ channel: input.channel, text: input.body, delivery: target.ok ? 'queued' : 'failed', ...(target.ok ? {} : { error: target.error }) })}::text::jsonb)
      returning id`
    let outboxId: string | null = null
    if (target.ok) {
      const [row] = await tx<{ id: string }[]>`
        insert into outbox (case_id, event_id, kind, platform, recipient_identity_id, in_reply_to_external_id, idempotency_key, body, created_by)
        values (${input.caseId}, ${event!.id}, ${target.kind}, ${target.platform}, ${target.identityId}, ${target.inReplyTo},
                ${clientKey ?? `reply:${input.caseId}:event:${event!.id}`}, ${input.body}, ${input.actor.id})
        returning id`
      outboxId = row!.id
    }
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
    await audit(tx, { actorId: input.actor.id, action: 'case.reply', targetType: 'case', targetId: input.caseId, detail: { channel: input.channel, promise: promiseId, outbox: outboxId } })
    return { ok: true, value: { eventId: event!.id, promiseId, outboxId } }
  })
}

export type ReplyTarget =
  | { ok: true; kind: 'public_reply' | 'direct_message'; platform: string; inReplyTo: string | null; identityId: string | null }
  | { ok: false; error: string }

/**
 * Where a reply goes: in public, under the customer's latest public post on the case; in private,
 * to the account of their latest message (threaded under it when that message was private), or
 * the customer's most recently seen account when the case has no message.
 */
export async function replyTarget(tx: Tx, caseId: string, channel: 'public' | 'private'): Promise<ReplyTarget> {
  const latest = await tx<{ platform: string; external_id: string; identity_id: string; private: boolean }[]>`
    (select m.platform, m.external_id, m.identity_id, m.private
       from mention m
      where m.case_id = ${caseId} and m.kind is distinct from 'own_post' and not m.private
      order by m.posted_at desc, m.id desc
      limit 1)
    union all
    (select m.platform, m.external_id, m.identity_id, m.private
       from mention m
      where m.case_id = ${caseId} and m.kind is distinct from 'own_post' and m.private
      order by m.posted_at desc, m.id desc
      limit 1)`
  const latestPublic = latest.find((mention) => !mention.private)
  if (channel === 'public') {
    if (!latestPublic) {
      const detail = latest.length > 0 ? 'The customer has written only in private; answer in private.' : 'This case has no post to reply to in public; send a private message instead.'
      return { ok: false, error: detail }
    }
    return { ok: true, kind: 'public_reply', platform: latestPublic.platform, inReplyTo: latestPublic.external_id, identityId: latestPublic.identity_id }
  }
  const latestPrivate = latest.find((mention) => mention.private)
  const newest = latestPrivate ?? latestPublic
  if (newest) {
    return { ok: true, kind: 'direct_message', platform: newest.platform, inReplyTo: latestPrivate?.external_id ?? null, identityId: newest.identity_id }
  }
  const [identity] = await tx<{ id: string; platform: string }[]>`
    select i.id, i.platform from care_case c join identity i on i.customer_id = c.customer_id
     where c.id = ${caseId} order by i.updated_at desc, i.id desc limit 1`
  if (!identity) return { ok: false, error: 'The customer has no account Earshot knows of to message.' }
  return { ok: true, kind: 'direct_message', platform: identity.platform, inReplyTo: null, identityId: identity.id }
}
