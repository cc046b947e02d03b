// The rows routing reads and writes, as set-based statements: a batch of mentions becomes a
// handful of queries whatever its size. The decisions are route.ts's.
import type { Priority, UrgencyReason } from '../classify/types'
import { idArray, type Tx } from '../db/connect'
import type { Clocks } from './clocks'

export interface PendingMention {
  id: string
  brand_id: string
  platform: string
  external_id: string
  identity_id: string
  /** A direct message: anything Earshot says back goes in private too. */
  private: boolean
  text: string
  conversation_id: string | null
  in_reply_to_id: string | null
  kind: 'customer' | 'own_post' | 'spam'
  language: string | null
  priority: Priority
  complaint: boolean
  urgency_reasons: UrgencyReason[]
  received_at: Date
  posted_at: Date
  customer_id: string
}

/** The case columns routing reads and writes: the clocks, and who, what and how urgent. */
export interface CaseState extends Clocks {
  id: string
  brand_id: string
  customer_id: string
  status: 'new' | 'open' | 'waiting_on_customer' | 'handed_off' | 'resolved' | 'closed'
  priority: Priority
  owner_id: string | null
  team_id: string | null
  language: string | null
  opened_at: Date
  last_customer_message_at: Date | null
  resolution_paused_minutes: number | null
  sla_due_at: Date | null
  resolved_at: Date | null
  closed_at: Date | null
  acknowledged_at: Date | null
}

export interface KnownCase extends CaseState {
  /** Whoever owned this customer's most recent case that had an owner. */
  last_owner_id: string | null
}

export interface NewEvent {
  case_id: string
  kind: 'mention' | 'status' | 'priority' | 'assignment' | 'acknowledgement'
  occurred_at: Date
  mention_id: string | null
  body: Record<string, unknown>
}

export interface Acknowledgement {
  case_id: string
  mention: PendingMention
  text: string
}

const caseColumns = (tx: Tx) => tx`
  c.id, c.brand_id, c.customer_id, c.status, c.priority, c.owner_id, c.team_id, c.language, c.opened_at,
  c.last_customer_message_at, c.first_response_at, c.first_response_due_at, c.next_response_due_at,
  c.resolution_due_at, c.resolution_paused_minutes, c.sla_due_at, c.resolved_at, c.closed_at,
  c.first_response_breached_at, c.next_response_breached_at, c.resolution_breached_at, c.acknowledged_at`

/**
 * Per customer and brand: the open case, or else the most recently resolved one (a reopen
 * candidate); locked, since agents change cases too. With the customer's last owner.
 */
export async function knownCases(tx: Tx, brandIds: string[], customerIds: string[]): Promise<Map<string, KnownCase>> {
  const rows = await tx<KnownCase[]>`
    select ${caseColumns(tx)},
           (select o.owner_id from care_case o
             where o.customer_id = c.customer_id and o.brand_id = c.brand_id and o.owner_id is not null
             order by o.opened_at desc limit 1) as last_owner_id
      from care_case c
     where c.id in (
             select distinct on (brand_id, customer_id) id from care_case
              where customer_id = any(${idArray(customerIds)}::bigint[]) and brand_id = any(${idArray(brandIds)}::bigint[])
                and merged_into_id is null and status <> 'closed'
              order by brand_id, customer_id, (status <> 'resolved') desc, coalesce(resolved_at, opened_at) desc)
       for update of c`
  return new Map(rows.map((row) => [`${row.brand_id}:${row.customer_id}`, row]))
}

/**
 * For replies: the case of the earlier post they answer or share a thread with, written by the
 * same customer. Not locked here: a resolved case changes only under its customer's lock, which
 * this router holds.
 */
export async function threadCases(tx: Tx, mentions: PendingMention[]): Promise<Map<string, CaseState>> {
  const replies = mentions
    .filter((mention) => mention.in_reply_to_id !== null || mention.conversation_id !== null)
    .map((mention) => ({
      id: mention.id,
      platform: mention.platform,
      brand_id: mention.brand_id,
      customer_id: mention.customer_id,
      in_reply_to_id: mention.in_reply_to_id,
      conversation_id: mention.conversation_id,
    }))
  if (replies.length === 0) return new Map()
  const rows = await tx<(CaseState & { mention_id: string })[]>`
    select distinct on (r.id) r.id as mention_id, ${caseColumns(tx)}
      from jsonb_to_recordset(${JSON.stringify(replies)}::text::jsonb)
             as r(id bigint, platform text, brand_id bigint, customer_id bigint, in_reply_to_id text, conversation_id text)
      join mention earlier on earlier.platform = r.platform and earlier.brand_id = r.brand_id and earlier.case_id is not null
           and (earlier.external_id = r.in_reply_to_id or earlier.conversation_id = r.conversation_id)
      join identity i on i.id = earlier.identity_id
      join customer k on k.id = i.customer_id and coalesce(k.merged_into_id, k.id) = r.customer_id
      -- Only the customer's own cases: one still filed under a customer merged into this one stays
      -- theirs, so that undoing the merge gives it back whole.
      join care_case c on c.id = earlier.case_id and c.merged_into_id is null and c.customer_id = r.customer_id
     order by r.id, earlier.posted_at desc`
  return new Map(rows.map((row) => [row.mention_id, row]))
}

/** A case routing opens, its clocks already worked out. */
export interface NewCase {
  brand_id: string
  customer_id: string
  priority: Priority
  team_id: string | null
  language: string | null
  opened_at: string
  first_response_due_at: string
  resolution_due_at: string
}

/** Opens cases in one statement; keyed by brand and customer, as routing groups mentions. */
export async function openCases(tx: Tx, rows: NewCase[]): Promise<Map<string, CaseState>> {
  if (rows.length === 0) return new Map()
  const inserted = await tx<CaseState[]>`
    insert into care_case as c (brand_id, customer_id, status, priority, team_id, language, opened_at,
                                last_customer_message_at, first_response_due_at, resolution_due_at, sla_due_at)
    select r.brand_id, r.customer_id, 'new', r.priority, r.team_id, r.language, r.opened_at,
           r.opened_at, r.first_response_due_at, r.resolution_due_at, least(r.first_response_due_at, r.resolution_due_at)
      from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
             as r(brand_id bigint, customer_id bigint, priority smallint, team_id bigint, language text,
                  opened_at timestamptz, first_response_due_at timestamptz, resolution_due_at timestamptz)
    returning ${caseColumns(tx)}`
  return new Map(inserted.map((row) => [`${row.brand_id}:${row.customer_id}`, row]))
}

export async function writeCases(tx: Tx, cases: CaseState[]): Promise<void> {
  const iso = (date: Date | null) => (date === null ? null : date.toISOString())
  const rows = cases.map((state) => ({
    id: state.id,
    status: state.status,
    priority: state.priority,
    owner_id: state.owner_id,
    language: state.language,
    last_customer_message_at: iso(state.last_customer_message_at),
    first_response_due_at: iso(state.first_response_due_at),
    next_response_due_at: iso(state.next_response_due_at),
    resolution_due_at: iso(state.resolution_due_at),
    resolution_paused_minutes: state.resolution_paused_minutes,
    sla_due_at: iso(state.sla_due_at),
    resolved_at: iso(state.resolved_at),
    closed_at: iso(state.closed_at),
    next_response_breached_at: iso(state.next_response_breached_at),
    resolution_breached_at: iso(state.resolution_breached_at),
    acknowledged_at: iso(state.acknowledged_at),
  }))
  await tx`
    update care_case c
       set status = r.status, priority = r.priority, owner_id = r.owner_id, language = r.language,
           last_customer_message_at = r.last_customer_message_at, first_response_due_at = r.first_response_due_at,
           next_response_due_at = r.next_response_due_at, resolution_due_at = r.resolution_due_at,
           resolution_paused_minutes = r.resolution_paused_minutes, sla_due_at = r.sla_due_at,
           resolved_at = r.resolved_at, closed_at = r.closed_at, next_response_breached_at = r.next_response_breached_at,
           resolution_breached_at = r.resolution_breached_at, acknowledged_at = r.acknowledged_at, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
             as r(id bigint, status text, priority smallint, owner_id bigint, language text,
                  last_customer_message_at timestamptz, first_response_due_at timestamptz, next_response_due_at timestamptz,
                  resolution_due_at timestamptz, resolution_paused_minutes integer, sla_due_at timestamptz,
                  resolved_at timestamptz, closed_at timestamptz, next_response_breached_at timestamptz,
                  resolution_breached_at timestamptz, acknowledged_at timestamptz)
     where c.id = r.id`
}

export async function writeEvents(tx: Tx, events: NewEvent[]): Promise<void> {
  const rows = events.map((event, order) => ({ ...event, order, occurred_at: event.occurred_at.toISOString() }))
  await tx`
    insert into case_event (case_id, kind, occurred_at, mention_id, body)
    select r.case_id, r.kind, r.occurred_at, r.mention_id, r.body
      from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
             as r("order" integer, case_id bigint, kind text, occurred_at timestamptz, mention_id bigint, body jsonb)
     order by r."order"`
}

/** Acknowledgements go out through the outbox like any reply, each with its timeline event. */
export async function queueAcknowledgements(tx: Tx, acknowledgements: Acknowledgement[], now: Date): Promise<void> {
  const events = await tx<{ id: string; case_id: string }[]>`
    insert into case_event (case_id, kind, occurred_at, body)
    select r.case_id, 'acknowledgement', ${now}, jsonb_build_object('text', r.text, 'automatic', true)
      from jsonb_to_recordset(${JSON.stringify(acknowledgements.map((ack) => ({ case_id: ack.case_id, text: ack.text })))}::text::jsonb)
             as r(case_id bigint, text text)
    returning id, case_id`
  const eventOf = new Map(events.map((event) => [event.case_id, event.id]))
  const rows = acknowledgements.map((ack) => ({
    case_id: ack.case_id,
    event_id: eventOf.get(ack.case_id)!,
    kind: ack.mention.private ? 'direct_message' : 'public_reply',
    platform: ack.mention.platform,
    recipient: ack.mention.private ? ack.mention.identity_id : null,
    in_reply_to: ack.mention.external_id,
    key: `acknowledgement:${ack.case_id}:${ack.mention.id}`,
    body: ack.text,
  }))
  await tx`
    insert into outbox (case_id, event_id, kind, platform, recipient_identity_id, in_reply_to_external_id, idempotency_key, body)
    select r.case_id, r.event_id, r.kind, r.platform, r.recipient, r.in_reply_to, r.key, r.body
      from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
             as r(case_id bigint, event_id bigint, kind text, platform text, recipient bigint, in_reply_to text, key text, body text)
    on conflict (idempotency_key) do nothing`
}
