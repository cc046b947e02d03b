// Promises: made with an event, reminded once at the brand's lead time, broken with a draft and
// escalation when they pass unkept, and left alone once kept.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { brokenPromiseDraft, keepPromise, makePromise, sweepPromises } from '../../worker/cases/promises'
import { parseConfig } from '../../worker/config'
import { connect, type Sql } from '../../worker/db/connect'
import { promiseSweep } from '../../worker/jobs/promise-sweep'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { type CareTeam, insertCareTeam, insertCustomer, insertUser } from '../support/fixtures'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())
// Truncate bypasses case_event's append-only trigger on purpose: each test starts empty.
beforeEach(async () => {
  await db.sql`truncate brand, customer, identity, care_case, case_event, promise, notification, app_user, team restart identity cascade`
})

// 11:00 in Tallinn (EET, UTC+2).
const due = new Date('2026-11-20T09:00:00Z')
const minutes = (n: number) => new Date(due.getTime() + n * 60_000)

interface World extends CareTeam {
  makerId: string
}

let serial = 0
/** A care team and one more agent, who makes the promises. */
async function world(sql: Sql): Promise<World> {
  const team = await insertCareTeam(sql)
  return { ...team, makerId: await insertUser(sql, `maker${++serial}@example.com`) }
}

async function openCase(w: World, fields: { ownerId?: string | null; language?: string | null; priority?: number } = {}): Promise<string> {
  const { customerId } = await insertCustomer(db.sql, `c${++serial}`)
  const [row] = await db.sql<{ id: string }[]>`
    insert into care_case (brand_id, customer_id, status, owner_id, team_id, language, priority)
    values (${w.brandId}, ${customerId}, 'open', ${fields.ownerId === undefined ? w.ownerId : fields.ownerId}, ${w.teamId},
            ${fields.language ?? null}, ${fields.priority ?? 4})
    returning id`
  return row!.id
}

async function promiseOn(w: World, caseId: string, text = 'your line would be fixed', dueAt = due): Promise<string> {
  const promise = await db.sql.begin((tx) => makePromise(tx, { caseId, madeBy: w.makerId, text, dueAt }))
  return promise.id
}

async function promiseRow(id: string) {
  const [row] = await db.sql<{ status: string; settled_at: Date | null; reminded_at: Date | null; reminders_sent: number }[]>`
    select status, settled_at, reminded_at, reminders_sent from promise where id = ${id}`
  return row!
}

async function events(caseId: string, kind: string) {
  return db.sql<{ body: Record<string, unknown>; actor_id: string | null; occurred_at: Date }[]>`
    select body, actor_id, occurred_at from case_event where case_id = ${caseId} and kind = ${kind} order by id`
}

async function notified(caseId: string, kind: string) {
  return db.sql<{ user_id: string; dedupe_key: string; body: Record<string, unknown> }[]>`
    select user_id, dedupe_key, body from notification where case_id = ${caseId} and kind = ${kind} order by user_id::bigint`
}

async function priorityOf(caseId: string): Promise<number> {
  const [row] = await db.sql<{ priority: number }[]>`select priority from care_case where id = ${caseId}`
  return row!.priority
}

describe('makePromise', () => {
  it('stores the promise and puts it on the timeline', async () => {
    const w = await world(db.sql)
    const caseId = await openCase(w)
    const [reply] = await db.sql<{ id: string }[]>`
      insert into case_event (case_id, kind, actor_id, body) values (${caseId}, 'reply', ${w.makerId}, '{}') returning id`
    const promise = await db.sql.begin((tx) =>
      makePromise(tx, { caseId, madeBy: w.makerId, text: 'a technician visit', dueAt: due, eventId: reply!.id }),
    )
    expect(promise).toMatchObject({
      case_id: caseId,
      made_by: w.makerId,
      event_id: reply!.id,
      text: 'a technician visit',
      due_at: due,
      status: 'open',
      reminded_at: null,
    })
    expect(await events(caseId, 'promise')).toEqual([
      {
        actor_id: w.makerId,
        occurred_at: expect.any(Date),
        body: { promise_id: promise.id, status: 'open', text: 'a technician visit', due_at: due.toISOString() },
      },
    ])
  })
})

describe('sweepPromises: reminders', () => {
  it('reminds the owner once, at the brand’s lead time', async () => {
    const w = await world(db.sql)
    const caseId = await openCase(w)
    const id = await promiseOn(w, caseId)

    expect(await sweepPromises(db.sql, minutes(-61))).toEqual({ reminded: 0, broken: 0 })
    expect(await sweepPromises(db.sql, minutes(-60))).toEqual({ reminded: 1, broken: 0 })
    expect(await promiseRow(id)).toMatchObject({ status: 'open', reminded_at: minutes(-60), reminders_sent: 1 })
    expect(await events(caseId, 'reminder')).toEqual([
      { actor_id: null, occurred_at: minutes(-60), body: { promise_id: id, due_at: due.toISOString(), text: 'your line would be fixed' } },
    ])
    expect(await notified(caseId, 'promise_due')).toEqual([
      { user_id: w.ownerId, dedupe_key: `promise-due:${id}`, body: { promise_id: id, text: 'your line would be fixed', due_at: due.toISOString() } },
    ])

    expect(await sweepPromises(db.sql, minutes(-30))).toEqual({ reminded: 0, broken: 0 })
    expect(await promiseRow(id)).toMatchObject({ reminders_sent: 1 })
    expect(await events(caseId, 'reminder')).toHaveLength(1)
  })

  it('follows the brand’s own lead time', async () => {
    const w = await world(db.sql)
    await db.sql`update brand set promise_reminder_lead = interval '15 minutes' where id = ${w.brandId}`
    const id = await promiseOn(w, await openCase(w))
    expect(await sweepPromises(db.sql, minutes(-16))).toEqual({ reminded: 0, broken: 0 })
    expect(await sweepPromises(db.sql, minutes(-15))).toEqual({ reminded: 1, broken: 0 })
    expect((await promiseRow(id)).reminded_at).toEqual(minutes(-15))
  })

  it('reminds the person who made the promise when nobody owns the case', async () => {
    const w = await world(db.sql)
    const caseId = await openCase(w, { ownerId: null })
    await promiseOn(w, caseId)
    await sweepPromises(db.sql, minutes(-10))
    expect((await notified(caseId, 'promise_due')).map((row) => row.user_id)).toEqual([w.makerId])
  })
})

describe('sweepPromises: broken promises', () => {
  it('breaks a promise past due with a draft, raises priority and tells owner and lead', async () => {
    const w = await world(db.sql)
    const caseId = await openCase(w)
    const id = await promiseOn(w, caseId)

    expect(await sweepPromises(db.sql, minutes(1))).toEqual({ reminded: 0, broken: 1 })
    expect(await promiseRow(id)).toMatchObject({ status: 'broken', settled_at: minutes(1) })
    const draft = 'We told you your line would be fixed by Friday 20 November at 11:00 EET, and we did not keep that. I am sorry.'
    const [event] = (await events(caseId, 'promise')).slice(1)
    expect(event).toMatchObject({ actor_id: null, occurred_at: minutes(1) })
    expect(event!.body).toEqual({ promise_id: id, status: 'broken', text: 'your line would be fixed', due_at: due.toISOString(), draft: expect.any(String) })
    expect(event!.body.draft).toMatch(draft)
    expect(event!.body.draft).toMatch('[new time]')

    expect(await priorityOf(caseId)).toBe(3)
    expect((await events(caseId, 'priority')).map((row) => row.body)).toEqual([
      { from: 4, to: 3, reason: 'promise broken: your line would be fixed' },
    ])
    const told = await notified(caseId, 'promise_broken')
    expect(told.map((row) => row.user_id)).toEqual([w.ownerId, w.leadId])
    for (const row of told) {
      expect(row.dedupe_key).toBe(`promise-broken:${id}`)
      expect(row.body).toMatchObject({ promise_id: id, draft: event!.body.draft })
    }

    expect(await sweepPromises(db.sql, minutes(60))).toEqual({ reminded: 0, broken: 0 })
    expect(await priorityOf(caseId)).toBe(3)
    expect(await notified(caseId, 'promise_broken')).toHaveLength(2)
  })

  it('writes the draft in the case’s language, English when it has no template for it', async () => {
    const w = await world(db.sql)
    const estonian = await openCase(w, { language: 'et' })
    const french = await openCase(w, { language: 'fr' })
    await promiseOn(w, estonian, 'ühendus taastatakse')
    await promiseOn(w, french, 'a technician would call')
    await sweepPromises(db.sql, minutes(5))
    const [, etBroken] = await events(estonian, 'promise')
    const [, frBroken] = await events(french, 'promise')
    expect(etBroken!.body.draft).toMatch(/^Lubasime teile: „ühendus taastatakse“ – hiljemalt reede, 20\. november, kell 11:00/)
    expect(frBroken!.body.draft).toMatch(/^We told you a technician would call by Friday 20 November at 11:00/)
  })

  it('breaks without a reminder a promise that was already past due when first seen', async () => {
    const w = await world(db.sql)
    const caseId = await openCase(w)
    const id = await promiseOn(w, caseId)
    expect(await sweepPromises(db.sql, minutes(120))).toEqual({ reminded: 0, broken: 1 })
    expect(await promiseRow(id)).toMatchObject({ status: 'broken', reminded_at: null })
    expect(await events(caseId, 'reminder')).toEqual([])
  })

  it('raises a case whose two promises break together one step', async () => {
    const w = await world(db.sql)
    const caseId = await openCase(w)
    await promiseOn(w, caseId, 'a refund')
    await promiseOn(w, caseId, 'a call back', minutes(-5))
    expect(await sweepPromises(db.sql, minutes(1))).toEqual({ reminded: 0, broken: 2 })
    expect(await priorityOf(caseId)).toBe(3)
  })

  it('does not escalate a resolved case but still tells its people', async () => {
    const w = await world(db.sql)
    const caseId = await openCase(w)
    await promiseOn(w, caseId)
    await db.sql`update care_case set status = 'resolved', resolved_at = ${minutes(-5)} where id = ${caseId}`
    expect(await sweepPromises(db.sql, minutes(1))).toEqual({ reminded: 0, broken: 1 })
    expect(await priorityOf(caseId)).toBe(4)
    expect(await notified(caseId, 'promise_broken')).toHaveLength(2)
  })

  it('breaks each promise exactly once when two sweeps run at the same time', async () => {
    const w = await world(db.sql)
    for (let n = 0; n < 30; n++) await promiseOn(w, await openCase(w), `promise ${n}`, minutes(-n))
    const [one, two] = db.kind === 'postgres' ? [connect(db.url, { max: 1 }), connect(db.url, { max: 1 })] : [db.sql, db.sql]
    try {
      const [a, b] = await Promise.all([sweepPromises(one, minutes(1), { batchSize: 4 }), sweepPromises(two, minutes(1), { batchSize: 4 })])
      expect(a.broken + b.broken).toBe(30)
    } finally {
      if (one !== db.sql) await one.end()
      if (two !== db.sql) await two.end()
    }
    const [counts] = await db.sql<{ broken: number; priority: number; notified: number }[]>`
      select (select count(*)::int from case_event where kind = 'promise' and body->>'status' = 'broken') as broken,
             (select count(*)::int from case_event where kind = 'priority') as priority,
             (select count(*)::int from notification where kind = 'promise_broken') as notified`
    expect(counts).toEqual({ broken: 30, priority: 30, notified: 60 })
  })
})

describe('keepPromise', () => {
  it('keeps an open promise, which stops both its reminder and its breaking', async () => {
    const w = await world(db.sql)
    const caseId = await openCase(w)
    const id = await promiseOn(w, caseId)
    expect(await keepPromise(db.sql, { promiseId: id, actorId: w.ownerId })).toBe('kept')
    expect(await promiseRow(id)).toMatchObject({ status: 'kept', settled_at: expect.any(Date) })
    expect((await events(caseId, 'promise')).at(-1)).toMatchObject({
      actor_id: w.ownerId,
      body: { promise_id: id, status: 'kept', text: 'your line would be fixed', due_at: due.toISOString() },
    })

    expect(await sweepPromises(db.sql, minutes(-30))).toEqual({ reminded: 0, broken: 0 })
    expect(await sweepPromises(db.sql, minutes(30))).toEqual({ reminded: 0, broken: 0 })
    expect((await promiseRow(id)).status).toBe('kept')
    expect(await priorityOf(caseId)).toBe(4)
    expect(await db.sql`select 1 from notification where case_id = ${caseId}`).toHaveLength(0)
  })

  it('refuses a promise that is settled or unknown', async () => {
    const w = await world(db.sql)
    const id = await promiseOn(w, await openCase(w))
    await sweepPromises(db.sql, minutes(1))
    expect(await keepPromise(db.sql, { promiseId: id, actorId: w.ownerId })).toBe('not_open')
    expect(await keepPromise(db.sql, { promiseId: '999999', actorId: w.ownerId })).toBe('not_found')
  })
})

describe('brokenPromiseDraft', () => {
  it.each([
    ['en', /^We told you .+ by Friday 20 November at 11:00 EET, .+ I am sorry\. .+\[new time\]/],
    ['et', /hiljemalt reede, 20\. november, kell 11:00 .+ kahju\. .+\[uus aeg\]/],
    ['ru', /пятница, 20 ноября в 11:00 .+ Простите нас\. .+\[новое время\]/],
    ['it', /entro venerdì 20 novembre alle ore 11:00 .+ Mi scuso\. .+\[nuova scadenza\]/],
    ['de', /bis Freitag, 20\. November um 11:00 .+ Das tut mir leid\. .+\[neuer Termin\]/],
    ['es', /para el viernes, 20 de noviembre, 11:00 .+ Lo siento\. .+\[nueva fecha\]/],
  ])('writes %s with the missed time in the brand’s zone and a placeholder for the new one', (language, pattern) => {
    const draft = brokenPromiseDraft(language, 'the thing.', due, 'Europe/Tallinn')
    expect(draft).toMatch(pattern)
    expect(draft).not.toMatch('thing..')
  })

  it('uses the brand’s time zone', () => {
    expect(brokenPromiseDraft(null, 'a call back', due, 'America/New_York')).toMatch('by Friday 20 November at 04:00 GMT-5')
  })
})

describe('promise-sweep job', () => {
  it('runs both halves of the sweep', async () => {
    const w = await world(db.sql)
    await promiseOn(w, await openCase(w), 'a refund', minutes(-1))
    await promiseOn(w, await openCase(w), 'a call back', minutes(30))
    const services = { sql: db.sql, config: parseConfig({}), runtime: 'node' as const, secrets: {} }
    expect(promiseSweep.name).toBe('promise-sweep')
    expect(await promiseSweep.run(services, due)).toEqual({ reminded: 1, broken: 1 })
  })
})
