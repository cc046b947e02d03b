// Callbacks owed by executives: a reminder before each (at the brand's reminder lead), and an SLA
// breach when one passes without an outcome, like any other missed due time. Also tells the brand's
// webhook of every case that became P1. Rows are claimed
// with `skip locked`, so several processes can sweep at once and each is handled exactly once.
import type { Sql, Tx } from '../db/connect'
import { raisePriority } from '../cases/priority'
import { leadIdsOfCase, notify, type NotificationRequest } from '../notify/notify'
import { sendBrandWebhook, webhookMessage, type SendOptions, type WebhookEvent, type WebhookMessage } from './webhook'

export interface HandoffSweepOptions {
  batchSize?: number
  webhook?: SendOptions
}

interface Pending {
  brandId: string
  event: WebhookEvent
  message: WebhookMessage
}

interface DueCallback {
  id: string
  case_id: string
  brand_id: string
  requested_by: string
  executive_id: string | null
  executive: string | null
  owner_id: string | null
  priority: number
  customer: string | null
  callback_at: Date
  callback_channel: string
  callback_contact: string | null
  case_open: boolean
  lead_ids: string[]
}

/**
 * Reminds, then breaches, then announces new P1 cases; webhooks for due callbacks and P1 cases go
 * out after each commit.
 */
export async function sweepHandoffs(sql: Sql, now: Date, { batchSize = 500, webhook }: HandoffSweepOptions = {}): Promise<{ reminded: number; breached: number; webhooks: number }> {
  let reminded = 0
  let breached = 0
  let webhooks = 0
  const send = async (pending: Pending[]) => {
    for (const item of pending) {
      try {
        const result = await sendBrandWebhook(sql, item.brandId, item.event, item.message, webhook)
        if (result?.ok) webhooks++
      } catch (error) {
        console.warn(`handoff webhook ${item.event} could not be sent:`, error)
      }
    }
  }
  for (;;) {
    const batch = await sql.begin((tx) => remindBatch(tx, now, batchSize))
    reminded += batch.count
    await send(batch.webhooks)
    if (batch.count < batchSize) break
  }
  for (;;) {
    const batch = await sql.begin((tx) => breachBatch(tx, now, batchSize))
    breached += batch.count
    await send(batch.webhooks)
    if (batch.count < batchSize) break
  }
  for (;;) {
    const batch = await sql.begin((tx) => announceP1Batch(tx, now, batchSize))
    await send(batch)
    if (batch.length < batchSize) break
  }
  return { reminded, breached, webhooks }
}

/**
 * Cases that became P1 by any road (a new case, routing raising one, an SLA breach, a person):
 * the brand's webhook hears of each once, with the reason of the change that made it P1.
 */
async function announceP1Batch(tx: Tx, now: Date, batchSize: number): Promise<Pending[]> {
  const cases = await tx<{ id: string; brand_id: string; customer: string | null; reason: string | null }[]>`
    with due as (
      select c.id from care_case c
       where c.priority = 1 and c.p1_announced_at is null and c.status not in ('resolved', 'closed')
       order by c.id
       limit ${batchSize}
         for update skip locked
    )
    update care_case c set p1_announced_at = ${now}
      from due
     where c.id = due.id
    returning c.id, c.brand_id,
              (select cu.display_name from customer cu where cu.id = c.customer_id) as customer,
              (select coalesce(e.body->>'reason', 'opened as P1') from case_event e
                where e.case_id = c.id and e.kind = 'priority' order by e.occurred_at desc, e.id desc limit 1) as reason`
  return cases.map((kase) => ({
    brandId: kase.brand_id,
    event: 'p1_case' as const,
    message: webhookMessage('p1_case', { caseId: kase.id, priority: 1, customer: kase.customer }, [kase.reason ? `Raised to P1: ${kase.reason}` : 'Opened as P1']),
  }))
}

function selectDue(tx: Tx) {
  return tx`
    select h.id, h.case_id, c.brand_id, h.requested_by, h.executive_id, e.name as executive, c.owner_id, c.priority,
           cu.display_name as customer, h.callback_at, h.callback_channel, h.callback_contact,
           c.status not in ('resolved', 'closed') as case_open, ${leadIdsOfCase(tx)} as lead_ids
      from handoff h
      join care_case c on c.id = h.case_id
      join brand b on b.id = c.brand_id
      join customer cu on cu.id = c.customer_id
      left join app_user e on e.id = h.executive_id`
}

async function remindBatch(tx: Tx, now: Date, batchSize: number): Promise<{ count: number; webhooks: Pending[] }> {
  const due = await tx<DueCallback[]>`
    ${selectDue(tx)}
     where h.status = 'callback_scheduled' and h.reminded_at is null
       and h.callback_at > ${now}
       and h.callback_at <= ${now}::timestamptz + (select coalesce(max(promise_reminder_lead), interval '0') from brand)
       and h.callback_at - b.promise_reminder_lead <= ${now}
     order by h.callback_at, h.id
     limit ${batchSize}
       for update of h skip locked`
  if (due.length === 0) return { count: 0, webhooks: [] }
  await tx`
    update handoff set reminded_at = ${now}
     where id in (select jsonb_array_elements_text(${JSON.stringify(due.map((h) => h.id))}::text::jsonb)::bigint) and reminded_at is null`
  const events = due.map((h) => ({
    case_id: h.case_id,
    body: { handoff_id: h.id, clock: 'callback', callback_at: h.callback_at.toISOString(), channel: h.callback_channel, contact: h.callback_contact, executive_id: h.executive_id },
  }))
  await insertEvents(tx, 'reminder', now, events)
  const notifications: NotificationRequest[] = []
  for (const h of due) {
    const at = h.callback_at.toISOString()
    const body = { handoff_id: h.id, at, channel: h.callback_channel, contact: h.callback_contact, executive: h.executive }
    for (const userId of [h.executive_id, h.requested_by, h.owner_id]) {
      notifications.push({ userId, caseId: h.case_id, kind: 'callback_due', body, dedupeKey: `callback-due:${h.id}:${at}` })
    }
  }
  await notify(tx, notifications)
  const webhooks = due.map((h) => ({
    brandId: h.brand_id,
    event: 'callback_due' as const,
    message: webhookMessage('callback_due', { caseId: h.case_id, priority: h.priority, customer: h.customer }, [
      `${h.executive ?? 'The executive'} calls back at ${h.callback_at.toISOString()} by ${h.callback_channel}${h.callback_contact ? ` (${h.callback_contact})` : ''}`,
    ]),
  }))
  return { count: due.length, webhooks }
}

async function breachBatch(tx: Tx, now: Date, batchSize: number): Promise<{ count: number; webhooks: Pending[] }> {
  const due = await tx<DueCallback[]>`
    ${selectDue(tx)}
     where h.status = 'callback_scheduled' and h.breached_at is null and h.callback_at <= ${now}
     order by h.callback_at, h.id
     limit ${batchSize}
       for update of h skip locked`
  if (due.length === 0) return { count: 0, webhooks: [] }
  await tx`
    update handoff set breached_at = ${now}
     where id in (select jsonb_array_elements_text(${JSON.stringify(due.map((h) => h.id))}::text::jsonb)::bigint) and breached_at is null`
  const events: { case_id: string; body: Record<string, unknown> }[] = []
  const notifications: NotificationRequest[] = []
  for (const h of due) {
    const dueAt = h.callback_at.toISOString()
    events.push({ case_id: h.case_id, body: { clock: 'callback', handoff_id: h.id, due_at: dueAt, breached: true, executive_id: h.executive_id } })
    const body = { case_id: h.case_id, handoff_id: h.id, clock: 'callback', due_at: dueAt, breached_at: now.toISOString(), text: `Executive callback missed${h.executive ? ` (${h.executive})` : ''}` }
    for (const userId of [h.executive_id, h.requested_by, h.owner_id, ...h.lead_ids]) {
      notifications.push({ userId, caseId: h.case_id, kind: 'sla_breach', body, dedupeKey: `sla:${h.case_id}:callback:${h.id}:${dueAt}` })
    }
  }
  await insertEvents(tx, 'sla', now, events)
  const changes = await raisePriority(
    tx,
    due.filter((h) => h.case_open).map((h) => ({ caseId: h.case_id, reason: 'executive callback missed' })),
    { occurredAt: now },
  )
  await notify(tx, notifications)
  const byCase = new Map(due.map((h) => [h.case_id, h]))
  const raisedToP1 = changes.filter((change) => change.to === 1)
  // Announced here with the reason; the P1 announcer below must not tell the brand again.
  if (raisedToP1.length > 0) {
    await tx`
      update care_case set p1_announced_at = ${now}
       where id in (select jsonb_array_elements_text(${JSON.stringify(raisedToP1.map((change) => change.caseId))}::text::jsonb)::bigint)`
  }
  const webhooks = raisedToP1
    .map((change) => {
      const h = byCase.get(change.caseId)!
      return {
        brandId: h.brand_id,
        event: 'p1_case' as const,
        message: webhookMessage('p1_case', { caseId: h.case_id, priority: 1, customer: h.customer }, [`Raised to P1: ${change.reason}`]),
      }
    })
  return { count: due.length, webhooks }
}

async function insertEvents(tx: Tx, eventKind: 'reminder' | 'sla', at: Date, events: { case_id: string; body: Record<string, unknown> }[]) {
  if (events.length === 0) return
  await tx`
    insert into case_event (case_id, kind, occurred_at, body)
    select r.case_id, ${eventKind}, ${at}, r.body
      from jsonb_to_recordset(${JSON.stringify(events)}::text::jsonb) as r(case_id bigint, body jsonb)`
}
