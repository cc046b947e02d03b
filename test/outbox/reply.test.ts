// A reply writes its outbox row in the same transaction as its timeline event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SessionUser } from '../../worker/auth/session'
import { recordReply } from '../../worker/cases/reply'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertAgent, insertRoutingBrand, type RoutingBrand } from '../support/routing'

let db: TestDatabase
let brand: RoutingBrand
let agent: SessionUser
let n = 0

beforeAll(async () => {
  db = await createTestDatabase()
  brand = await insertRoutingBrand(db.sql, 'reply-outbox')
  const user = await insertAgent(db.sql, { email: 'anna@reply.example', name: 'Anna', languages: ['en'], shifts: [], teamId: brand.teamId })
  agent = { id: user.id, email: 'anna@reply.example', name: 'Anna', role: 'agent' }
})
afterAll(() => db.close())

async function makeCase({ mentions = 2 } = {}) {
  const k = ++n
  const [customer] = await db.sql<{ id: string }[]>`insert into customer (display_name) values ('c') returning id`
  const [identity] = await db.sql<{ id: string }[]>`
    insert into identity (customer_id, platform, platform_user_id, handle) values (${customer!.id}, 'x', ${`30${k}`}, 'kati') returning id`
  const [care] = await db.sql<{ id: string }[]>`
    insert into care_case (brand_id, customer_id, status, priority, team_id) values (${brand.brandId}, ${customer!.id}, 'open', 3, ${brand.teamId}) returning id`
  for (let m = 0; m < mentions; m++) {
    await db.sql`
      insert into mention (platform, external_id, brand_id, identity_id, case_id, text, posted_at, raw)
      values ('x', ${`${k}00${m}`}, ${brand.brandId}, ${identity!.id}, ${care!.id}, 'help', now() - make_interval(mins => ${10 - m}), '{}')`
  }
  return { caseId: care!.id, identityId: identity!.id, latest: `${k}00${mentions - 1}` }
}

const rows = (caseId: string) =>
  db.sql<{ kind: string; platform: string; in_reply_to_external_id: string | null; recipient_identity_id: string | null; idempotency_key: string; body: string; status: string; event_id: string }[]>`
    select kind, platform, in_reply_to_external_id, recipient_identity_id, idempotency_key, body, status, event_id from outbox where case_id = ${caseId}`
const replies = (caseId: string) => db.sql<{ id: string; body: Record<string, unknown> }[]>`select id, body from case_event where case_id = ${caseId} and kind = 'reply' order by id`

describe('recordReply and the outbox', () => {
  it('queues a public reply under the case’s latest post, keyed by the event', async () => {
    const { caseId, latest, identityId } = await makeCase()
    const result = await recordReply(db.sql, { caseId, actor: agent, channel: 'public', body: 'On it.' })
    expect(result.ok).toBe(true)
    const value = result.ok ? result.value : null
    const [event] = await replies(caseId)
    expect(event).toEqual({ id: value!.eventId, body: { channel: 'public', text: 'On it.', delivery: 'queued' } })
    expect(await rows(caseId)).toEqual([
      { kind: 'public_reply', platform: 'x', in_reply_to_external_id: latest, recipient_identity_id: identityId, idempotency_key: `reply:${caseId}:event:${value!.eventId}`, body: 'On it.', status: 'queued', event_id: value!.eventId },
    ])
  })

  it('queues a private reply as a direct message to the customer’s account', async () => {
    const { caseId, identityId } = await makeCase()
    await recordReply(db.sql, { caseId, actor: agent, channel: 'private', body: 'Your account number, please?' })
    expect(await rows(caseId)).toMatchObject([{ kind: 'direct_message', platform: 'x', in_reply_to_external_id: null, recipient_identity_id: identityId }])
  })

  it('records a client’s repeated request once', async () => {
    const { caseId } = await makeCase()
    const input = { caseId, actor: agent, channel: 'public' as const, body: 'Once only.', idempotencyKey: 'client-key-123' }
    const first = await recordReply(db.sql, input)
    const second = await recordReply(db.sql, input)
    expect(second).toEqual(first)
    expect(await rows(caseId)).toHaveLength(1)
    expect(await replies(caseId)).toHaveLength(1)
    expect(await recordReply(db.sql, { ...input, idempotencyKey: 'short' })).toMatchObject({ ok: false, status: 422 })
  })

  it('a public reply on a case with no post stands on the timeline as failed, with no outbox row', async () => {
    const { caseId } = await makeCase({ mentions: 0 })
    const result = await recordReply(db.sql, { caseId, actor: agent, channel: 'public', body: 'Hello?' })
    expect(result).toMatchObject({ ok: true, value: { outboxId: null } })
    expect((await replies(caseId))[0]!.body).toMatchObject({ delivery: 'failed', error: expect.stringContaining('no post to reply to') })
    expect(await rows(caseId)).toHaveLength(0)
  })

  it('a failing outbox insert rolls the reply event back', async () => {
    const { caseId } = await makeCase()
    await db.sql`create function refuse_outbox() returns trigger language plpgsql as $$ begin raise exception 'outbox refused'; end $$`
    await db.sql`create trigger refuse_outbox before insert on outbox for each row execute function refuse_outbox()`
    try {
      await expect(recordReply(db.sql, { caseId, actor: agent, channel: 'public', body: 'Lost?' })).rejects.toThrow('outbox refused')
    } finally {
      await db.sql`drop trigger refuse_outbox on outbox`
      await db.sql`drop function refuse_outbox()`
    }
    expect(await replies(caseId)).toHaveLength(0)
    const [care] = await db.sql`select first_response_at from care_case where id = ${caseId}`
    expect(care!.first_response_at).toBeNull()
  })
})
