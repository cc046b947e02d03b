// Promises made to customers ("fixed by Friday 17:00"): made inside a reply, kept by a person,
// and otherwise reminded about before they fall due and broken when they pass unkept.
import type { Sql, Tx } from '../db/connect'
import { leadIdsOfCase, notify, type NotificationRequest } from '../notify/notify'
import { raisePriority } from './priority'
import { customerTime } from './customer-time'
import { audit } from '../audit'

export type PromiseStatus = 'open' | 'kept' | 'broken'

export interface PromiseRow {
  id: string
  case_id: string
  made_by: string
  event_id: string | null
  text: string
  due_at: Date
  status: PromiseStatus
  reminders_sent: number
  reminded_at: Date | null
  settled_at: Date | null
  created_at: Date
}

export interface NewPromise {
  caseId: string
  madeBy: string
  text: string
  dueAt: Date
  /** The reply event that carried the promise, when there is one. */
  eventId?: string | null
}

/** Records a promise and puts it on the case's timeline; inside the caller's transaction, with the reply it came in. */
export async function makePromise(tx: Sql | Tx, { caseId, madeBy, text, dueAt, eventId }: NewPromise): Promise<PromiseRow> {
  const [promise] = await tx<PromiseRow[]>`
    insert into promise (case_id, made_by, event_id, text, due_at)
    values (${caseId}, ${madeBy}, ${eventId ?? null}, ${text}, ${dueAt})
    returning *`
  await tx`
    insert into case_event (case_id, kind, actor_id, body)
    values (${caseId}, 'promise', ${madeBy},
            ${JSON.stringify({ promise_id: promise!.id, status: 'open', text, due_at: dueAt.toISOString() })}::text::jsonb)`
  return promise!
}

export type KeepResult = 'kept' | 'not_found' | 'not_open'

/** Marks an open promise kept, which ends its reminder and its breaking. */
export async function keepPromise(sql: Sql, { promiseId, actorId }: { promiseId: string; actorId: string }): Promise<KeepResult> {
  return sql.begin(async (tx) => {
    // Locked, so a sweep breaking it at this moment either waits for us or has already won.
    const [promise] = await tx<{ case_id: string; text: string; due_at: Date; status: PromiseStatus }[]>`
      select case_id, text, due_at, status from promise where id = ${promiseId} for update`
    if (!promise) return 'not_found'
    if (promise.status !== 'open') return 'not_open'
    const [settled] = await tx<{ settled_at: Date }[]>`
      update promise set status = 'kept', settled_at = now() where id = ${promiseId} returning settled_at`
    const body = {
      promise_id: promiseId,
      status: 'kept',
      text: promise.text,
      due_at: promise.due_at.toISOString(),
      // Kept after its due time but before a sweep broke it: the timeline should still say so.
      late: settled!.settled_at > promise.due_at,
    }
    await tx`
      insert into case_event (case_id, kind, actor_id, body)
      values (${promise.case_id}, 'promise', ${actorId}, ${JSON.stringify(body)}::text::jsonb)`
    await audit(tx, { actorId, action: 'promise.keep', targetType: 'promise', targetId: promiseId, detail: { case_id: promise.case_id } })
    return 'kept'
  })
}

export interface PromiseSweepOptions {
  /** Promises per transaction. */
  batchSize?: number
}

/**
 * Reminds owners of promises about to fall due (once each, at the brand's lead time), then
 * breaks the ones past due: a draft update for the customer, one step more urgency, and word to
 * the owner and the team lead. Promises are claimed with `skip locked`, so several processes can
 * sweep at once and each promise is still reminded and broken exactly once.
 */
export async function sweepPromises(
  sql: Sql,
  now: Date,
  { batchSize = 1000 }: PromiseSweepOptions = {},
): Promise<{ reminded: number; broken: number }> {
  let reminded = 0
  for (;;) {
    const batch = await sql.begin((tx) => remindBatch(tx, now, batchSize))
    reminded += batch
    if (batch < batchSize) break
  }
  let broken = 0
  for (;;) {
    const batch = await sql.begin((tx) => breakBatch(tx, now, batchSize))
    broken += batch
    if (batch < batchSize) break
  }
  return { reminded, broken }
}

interface DuePromise {
  id: string
  case_id: string
  made_by: string
  text: string
  due_at: Date
  owner_id: string | null
}

async function remindBatch(tx: Tx, now: Date, batchSize: number): Promise<number> {
  // The bound on the longest lead of any brand lets the partial index on due_at narrow the scan;
  // the brand's own lead then decides.
  const due = await tx<DuePromise[]>`
    select p.id, p.case_id, p.made_by, p.text, p.due_at, c.owner_id
      from promise p
      join care_case c on c.id = p.case_id
      join brand b on b.id = c.brand_id
     where p.status = 'open' and p.reminded_at is null
       and p.due_at > ${now}
       and p.due_at <= ${now}::timestamptz + (select coalesce(max(promise_reminder_lead), interval '0') from brand)
       and p.due_at - b.promise_reminder_lead <= ${now}
     order by p.due_at, p.id
     limit ${batchSize}
       for update of p skip locked`
  if (due.length === 0) return 0
  const ids = JSON.stringify(due.map((promise) => promise.id))
  await tx`
    update promise set reminded_at = ${now}, reminders_sent = reminders_sent + 1
     where id in (select jsonb_array_elements_text(${ids}::text::jsonb)::bigint) and reminded_at is null`
  const events = due.map((promise) => ({
    case_id: promise.case_id,
    body: { promise_id: promise.id, due_at: promise.due_at.toISOString(), text: promise.text },
  }))
  await insertEvents(tx, 'reminder', now, events)
  await notify(
    tx,
    due.map((promise) => ({
      // Nobody owns the case: the person who gave their word is the one to keep it.
      userId: promise.owner_id ?? promise.made_by,
      caseId: promise.case_id,
      kind: 'promise_due',
      body: { promise_id: promise.id, text: promise.text, due_at: promise.due_at.toISOString() },
      dedupeKey: `promise-due:${promise.id}`,
    })),
  )
  return due.length
}

interface BrokenPromise extends DuePromise {
  case_open: boolean
  language: string | null
  time_zone: string
  lead_ids: string[]
}

async function breakBatch(tx: Tx, now: Date, batchSize: number): Promise<number> {
  const due = await tx<BrokenPromise[]>`
    select p.id, p.case_id, p.made_by, p.text, p.due_at, c.owner_id, c.language, b.time_zone,
           c.status not in ('resolved', 'closed') as case_open,
           ${leadIdsOfCase(tx)} as lead_ids
      from promise p
      join care_case c on c.id = p.case_id
      join brand b on b.id = c.brand_id
     where p.status = 'open' and p.due_at <= ${now}
     order by p.due_at, p.id
     limit ${batchSize}
       for update of p skip locked`
  if (due.length === 0) return 0
  const ids = JSON.stringify(due.map((promise) => promise.id))
  await tx`
    update promise set status = 'broken', settled_at = ${now}
     where id in (select jsonb_array_elements_text(${ids}::text::jsonb)::bigint) and status = 'open'`

  const events: { case_id: string; body: Record<string, unknown> }[] = []
  const notifications: NotificationRequest[] = []
  for (const promise of due) {
    const dueAt = promise.due_at.toISOString()
    const draft = brokenPromiseDraft(promise.language, promise.text, promise.due_at, promise.time_zone)
    events.push({ case_id: promise.case_id, body: { promise_id: promise.id, status: 'broken', text: promise.text, due_at: dueAt, draft } })
    const body = { promise_id: promise.id, text: promise.text, due_at: dueAt, draft }
    for (const userId of [promise.owner_id ?? promise.made_by, ...promise.lead_ids]) {
      notifications.push({ userId, caseId: promise.case_id, kind: 'promise_broken', body, dedupeKey: `promise-broken:${promise.id}` })
    }
  }
  await insertEvents(tx, 'promise', now, events)
  // A resolved case keeps the priority it was resolved at; the customer still gets the update.
  await raisePriority(
    tx,
    due.filter((promise) => promise.case_open).map((promise) => ({ caseId: promise.case_id, reason: `promise broken: ${shortened(promise.text, 120)}` })),
    { occurredAt: now },
  )
  await notify(tx, notifications)
  return due.length
}

async function insertEvents(tx: Tx, kind: 'promise' | 'reminder', at: Date, events: { case_id: string; body: Record<string, unknown> }[]) {
  if (events.length === 0) return
  await tx`
    insert into case_event (case_id, kind, occurred_at, body)
    select r.case_id, ${kind}, ${at}, r.body
      from jsonb_to_recordset(${JSON.stringify(events)}::text::jsonb) as r(case_id bigint, body jsonb)`
}

interface DraftTemplate {
  newTime: string
  text: (promised: string, due: string, newTime: string) => string
}

// Each owns the missed time and the promised thing, apologises without excuses, and leaves the
// new time for the owner to fill in: only a person can promise again.
const draftTemplates: Record<string, DraftTemplate> = {
  en: {
    newTime: '[new time]',
    text: (promised, due, newTime) =>
      `We told you ${promised} by ${due}, and we did not keep that. I am sorry. Our new time for this is ${newTime}, and I will keep you posted until it is done.`,
  },
  et: {
    newTime: '[uus aeg]',
    text: (promised, due, newTime) =>
      `Lubasime teile: „${promised}“ – hiljemalt ${due}. Me ei pidanud seda lubadust ja mul on väga kahju. Uus aeg on ${newTime} ning annan teile teada, kuidas asi edeneb, kuni see on lahendatud.`,
  },
  ru: {
    newTime: '[новое время]',
    text: (promised, due, newTime) =>
      `Мы обещали вам: «${promised}», срок: ${due}. Мы не сдержали это обещание. Простите нас. Новый срок — ${newTime}, и я буду держать вас в курсе, пока всё не будет решено.`,
  },
  it: {
    newTime: '[nuova scadenza]',
    text: (promised, due, newTime) =>
      `Le avevamo promesso «${promised}» entro ${due}, e non abbiamo mantenuto la promessa. Mi scuso. La nuova scadenza è ${newTime} e Le darò aggiornamenti finché non sarà tutto risolto.`,
  },
  de: {
    newTime: '[neuer Termin]',
    text: (promised, due, newTime) =>
      `Wir hatten Ihnen „${promised}“ bis ${due} zugesagt, und das haben wir nicht eingehalten. Das tut mir leid. Der neue Termin ist ${newTime}, und ich halte Sie auf dem Laufenden, bis alles erledigt ist.`,
  },
  es: {
    newTime: '[nueva fecha]',
    text: (promised, due, newTime) =>
      `Le dijimos «${promised}» para el ${due}, y no lo cumplimos. Lo siento. La nueva fecha es ${newTime} y le mantendré al tanto hasta que esté resuelto.`,
  },
}

/**
 * The update to the customer about a broken promise, for the owner to edit and send: in the
 * case's language when Earshot has a template for it (English otherwise), with the missed time
 * in the brand's time zone and a bracketed placeholder for the new one.
 */
export function brokenPromiseDraft(language: string | null, promised: string, dueAt: Date, timeZone: string): string {
  const known = language !== null && language in draftTemplates
  const template = draftTemplates[known ? language : 'en']!
  const due = customerTime(dueAt, known ? language : 'en', timeZone)
  // The promise is quoted into a sentence that has its own full stop.
  return template.text(promised.trim().replace(/[.!。]+$/u, ''), due, template.newTime)
}

/** The placeholder a draft leaves for the new time, so the UI can select it for the owner. */
export function newTimePlaceholder(language: string | null): string {
  return (draftTemplates[language ?? 'en'] ?? draftTemplates.en!).newTime
}

function shortened(text: string, length: number): string {
  const trimmed = text.trim()
  return trimmed.length <= length ? trimmed : `${trimmed.slice(0, length - 1)}…`
}
