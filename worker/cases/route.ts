// Routing: every classified mention lands on its customer's case. One open case per customer and
// brand (a unique index); a customer writing again within the reopen window, or replying in a
// thread of a resolved case, reopens it; spam and the brand's own posts are filed on none.
//
// Many routers may run at once (processes, Workers). Each claims a batch of mentions with
// `skip locked`, then locks the batch's customers, again with `skip locked`: a customer is routed
// by one router at a time, so two routers never open two cases for one person or assign one case
// twice. Mentions whose customer another router holds are left for the next round.
//
// A customer's answer to a satisfaction ask (a reply with a score) is filed on the resolved case
// without reopening it.
//
// A batch is decided in memory and written with a handful of set-based statements.
import { idArray, type Sql, type Tx } from '../db/connect'
import type { Priority } from '../classify/types'
import { openAsks, recordAnswers, type Answer } from '../satisfaction/answers'
import { parseSatisfaction } from '../satisfaction/parse'
import { acknowledgementText } from './acknowledge'
import { chooseOwner, priorityWeight } from './assign'
import { earlier, nearestDue } from './clocks'
import {
  knownCases,
  openCases,
  queueAcknowledgements,
  threadCases,
  writeCases,
  writeEvents,
  type Acknowledgement,
  type CaseState,
  type KnownCase,
  type NewEvent,
  type PendingMention,
} from './route-rows'
import { dueAt, loadStaffing, nextStaffedAt, type Staffing } from './staffing'

export interface RouteOptions {
  batchSize?: number
  now?: () => Date
}

export interface RouteResult {
  /** Mentions filed on a case. */
  filed: number
  /** Of those, answers to a satisfaction ask, filed on the resolved case. */
  answers: number
  /** Spam and the brand's own posts: marked routed, on no case. */
  skipped: number
  opened: number
  reopened: number
  assigned: number
  /** Mentions left for the next round because another router held their customer. */
  deferred: number
}

const emptyResult = (): RouteResult => ({ filed: 0, answers: 0, skipped: 0, opened: 0, reopened: 0, assigned: 0, deferred: 0 })

// One acknowledgement per case per stretch of absence: a customer writing five times at night gets one.
const acknowledgementGapMs = 12 * 3_600_000

/** Routes one batch of classified, unrouted mentions; returns what it did (all zero when none were waiting). */
export async function routePending(sql: Sql, { batchSize = 500, now = () => new Date() }: RouteOptions = {}): Promise<RouteResult> {
  return sql.begin((tx) => routeBatch(tx, batchSize, now()))
}

/** Routes batches until none is left; a batch that only deferred ends the run so it cannot spin. */
export async function routeAllPending(sql: Sql, options: RouteOptions = {}): Promise<RouteResult> {
  const total = emptyResult()
  for (;;) {
    const batch = await routePending(sql, options)
    for (const key of Object.keys(total) as (keyof RouteResult)[]) total[key] += batch[key]
    if (batch.filed + batch.skipped === 0) return total
  }
}

async function routeBatch(tx: Tx, batchSize: number, now: Date): Promise<RouteResult> {
  const result = emptyResult()
  const claimed = await tx<PendingMention[]>`
    select m.id, m.brand_id, m.platform, m.external_id, m.identity_id, m.private, m.text, m.conversation_id, m.in_reply_to_id, m.kind, m.language,
           m.priority, m.complaint, m.urgency_reasons, m.received_at, m.posted_at,
           coalesce(c.merged_into_id, c.id) as customer_id
      from mention m
      join identity i on i.id = m.identity_id
      join customer c on c.id = i.customer_id
     where m.routed_at is null and m.classified_at is not null
     order by m.id
     limit ${batchSize}
     for update of m skip locked`
  if (claimed.length === 0) return result

  const notForCases = claimed.filter((mention) => mention.kind !== 'customer')
  result.skipped = notForCases.length
  if (notForCases.length > 0) {
    await tx`update mention set routed_at = ${now} where id = any(${idArray(notForCases.map((mention) => mention.id))}::bigint[])`
  }
  const forCases = claimed.filter((mention) => mention.kind === 'customer')
  if (forCases.length === 0) return result

  // Hold each customer for the rest of the transaction; one merged meanwhile is left for the next round.
  const locked = await tx<{ id: string }[]>`
    select id from customer
     where id = any(${idArray([...new Set(forCases.map((mention) => mention.customer_id))])}::bigint[]) and merged_into_id is null
     order by id
     for update skip locked`
  const held = new Set(locked.map((row) => row.id))
  const mentions = forCases.filter((mention) => held.has(mention.customer_id))
  result.deferred = forCases.length - mentions.length
  if (mentions.length === 0) return result

  const brandIds = [...new Set(mentions.map((mention) => mention.brand_id))]
  const customerIds = [...held]
  const [known, threads, staffing] = await Promise.all([
    knownCases(tx, brandIds, customerIds),
    threadCases(tx, mentions),
    loadStaffing(tx, brandIds, now),
  ])
  const asks = await openAsks(tx, [...known.values()].filter((state) => state.status === 'resolved').map((state) => state.id), now)

  // Group by customer and brand, oldest first, so the timeline and the clocks follow the customer.
  const groups = new Map<string, PendingMention[]>()
  for (const mention of mentions.sort((a, b) => a.posted_at.getTime() - b.posted_at.getTime() || Number(a.id) - Number(b.id))) {
    const key = `${mention.brand_id}:${mention.customer_id}`
    const group = groups.get(key)
    if (group) group.push(mention)
    else groups.set(key, [mention])
  }

  // Decide each group's case; open the new ones in one statement to learn their ids.
  const plans: { mentions: PendingMention[]; existing: KnownCase | null; reopen: boolean; answer: boolean; staffing: Staffing }[] = []
  const toOpen: { first: PendingMention; staffing: Staffing }[] = []
  const answers: Answer[] = []
  for (const [key, group] of groups) {
    const first = group[0]!
    const brandStaffing = staffing.get(first.brand_id)!
    const latest = known.get(key) ?? null
    // A lone message with a score, after an ask: the answer, not a new problem. Anything more reopens as usual.
    const ask = latest !== null && latest.status === 'resolved' && group.length === 1 ? asks.get(latest.id) : undefined
    const parsed = ask ? parseSatisfaction(first.text, first.language ?? ask.language) : null
    if (ask && parsed) {
      answers.push({ satisfactionId: ask.id, score: parsed.score, comment: parsed.comment, via: 'reply', mentionId: first.id })
      plans.push({ mentions: group, existing: latest, reopen: false, answer: true, staffing: brandStaffing })
      continue
    }
    const threadCase = threads.get(first.id) ?? null
    let existing: KnownCase | null = null
    let reopen = false
    if (latest !== null && isOpen(latest)) existing = latest
    else if (threadCase !== null && threadCase.status === 'resolved') {
      existing = { ...threadCase, last_owner_id: threadCase.owner_id ?? latest?.last_owner_id ?? null }
      reopen = true
    } else if (latest !== null && latest.status === 'resolved' && latest.resolved_at !== null && first.received_at.getTime() - latest.resolved_at.getTime() <= brandStaffing.reopenWindowMs) {
      existing = latest
      reopen = true
    }
    plans.push({ mentions: group, existing, reopen, answer: false, staffing: brandStaffing })
    if (existing === null) toOpen.push({ first, staffing: brandStaffing })
  }
  const opened = await openCases(
    tx,
    toOpen.map(({ first, staffing: brand }) => {
      const priority = mentionPriority(first)
      const targets = brand.targets[priority]!
      return {
        brand_id: first.brand_id,
        customer_id: first.customer_id,
        priority,
        team_id: brand.teamId,
        language: first.language,
        opened_at: first.received_at.toISOString(),
        first_response_due_at: dueAt(brand, first.received_at, targets.firstResponse).toISOString(),
        resolution_due_at: dueAt(brand, first.received_at, targets.resolution).toISOString(),
      }
    }),
  )
  result.opened = toOpen.length

  const events: NewEvent[] = []
  const acknowledgements: Acknowledgement[] = []
  const changed: CaseState[] = []
  const filed: { id: string; case_id: string }[] = []
  for (const plan of plans) {
    const first = plan.mentions[0]!
    const key = `${first.brand_id}:${first.customer_id}`
    const state = plan.existing ?? opened.get(key)!
    if (plan.answer) {
      for (const mention of plan.mentions) {
        events.push({ case_id: state.id, kind: 'mention', occurred_at: mention.posted_at, mention_id: mention.id, body: {} })
        filed.push({ id: mention.id, case_id: state.id })
      }
      result.answers += plan.mentions.length
      continue
    }
    const previousOwnerId = plan.existing ? (plan.existing.owner_id ?? plan.existing.last_owner_id) : (known.get(key)?.last_owner_id ?? null)
    const isNew = plan.existing === null
    if (isNew) events.push(systemEvent(state.id, 'status', now, { from: null, to: 'new', reason: 'a new customer message' }))
    if (plan.reopen) {
      reopenCase(state, first, plan.staffing, now, events)
      result.reopened++
    }
    for (const mention of plan.mentions) {
      events.push({ case_id: state.id, kind: 'mention', occurred_at: mention.posted_at, mention_id: mention.id, body: {} })
      if (!isNew || mention !== first) receive(state, mention, plan.staffing, now, events)
      filed.push({ id: mention.id, case_id: state.id })
    }
    if (assignIfNeeded(state, previousOwnerId, plan.staffing, now, events, isNew || plan.reopen)) result.assigned++
    if (needsAcknowledgement(state, plan.staffing, now)) {
      const last = plan.mentions.at(-1)!
      const text = acknowledgementText(state.language, nextStaffedAt(plan.staffing, now), plan.staffing.timeZone)
      acknowledgements.push({ case_id: state.id, mention: last, text })
      state.acknowledged_at = now
    }
    state.sla_due_at = nearestDue(state)
    changed.push(state)
  }
  result.filed = filed.length

  await writeCases(tx, changed)
  await writeEvents(tx, events)
  await recordAnswers(tx, answers, now)
  await tx`
    update mention m set case_id = r.case_id, routed_at = ${now}
      from jsonb_to_recordset(${JSON.stringify(filed)}::text::jsonb) as r(id bigint, case_id bigint)
     where m.id = r.id`
  if (acknowledgements.length > 0) await queueAcknowledgements(tx, acknowledgements, now)
  return result
}

function isOpen(state: CaseState): boolean {
  return state.status !== 'resolved' && state.status !== 'closed'
}

function systemEvent(caseId: string, kind: NewEvent['kind'], at: Date, body: Record<string, unknown>): NewEvent {
  return { case_id: caseId, kind, occurred_at: at, mention_id: null, body }
}

/** A case's priority for a mention: non-complaints (praise, questions) sit one step lower. */
function mentionPriority(mention: PendingMention): Priority {
  return mention.complaint ? mention.priority : (Math.min(4, mention.priority + 1) as Priority)
}

function topReason(mention: PendingMention): string {
  return mention.urgency_reasons[0]?.reason ?? (mention.complaint ? 'a complaint' : 'a message')
}

/** The customer wrote again on a running case: raise the priority if needed and start the next-response clock. */
function receive(state: CaseState, mention: PendingMention, staffing: Staffing, now: Date, events: NewEvent[]): void {
  const priority = mentionPriority(mention)
  const received = mention.received_at
  if (priority < state.priority) {
    events.push(systemEvent(state.id, 'priority', now, { from: state.priority, to: priority, reason: `customer wrote again: ${topReason(mention)}` }))
    state.priority = priority
    // A more urgent case tightens the clocks already running; it never loosens them.
    const targets = staffing.targets[priority]!
    if (state.first_response_at === null) state.first_response_due_at = earlier(state.first_response_due_at, dueAt(staffing, state.opened_at, targets.firstResponse))
    if (state.resolution_due_at !== null) state.resolution_due_at = earlier(state.resolution_due_at, dueAt(staffing, state.opened_at, targets.resolution))
  }
  if (state.language === null && mention.language !== null) state.language = mention.language
  state.last_customer_message_at = later(state.last_customer_message_at, received)
  if (state.status === 'waiting_on_customer') {
    events.push(systemEvent(state.id, 'status', now, { from: 'waiting_on_customer', to: 'open', reason: 'the customer answered' }))
    state.status = 'open'
    if (state.resolution_paused_minutes !== null) {
      state.resolution_due_at = dueAt(staffing, received, state.resolution_paused_minutes)
      state.resolution_paused_minutes = null
    }
  }
  // Until the first reply the first-response clock is the one that counts.
  if (state.first_response_at !== null) {
    const due = dueAt(staffing, received, staffing.targets[state.priority]!.nextResponse)
    if (state.next_response_due_at === null || state.next_response_breached_at !== null) {
      state.next_response_due_at = due
      state.next_response_breached_at = null
    }
  }
}

function reopenCase(state: CaseState, mention: PendingMention, staffing: Staffing, now: Date, events: NewEvent[]): void {
  const days = Math.round(staffing.reopenWindowMs / 86_400_000)
  const why = mention.in_reply_to_id !== null || mention.conversation_id !== null ? 'the customer replied in its thread' : `the customer wrote again within ${days} days of it being resolved`
  events.push(systemEvent(state.id, 'status', now, { from: state.status, to: 'open', reason: `reopened: ${why}` }))
  state.status = 'open'
  state.resolved_at = null
  state.closed_at = null
  const targets = staffing.targets[state.priority]!
  // Reopening starts a next-response clock and a fresh resolution clock, not a new case.
  state.resolution_due_at = dueAt(staffing, mention.received_at, targets.resolution)
  state.resolution_breached_at = null
  state.resolution_paused_minutes = null
  // receive() starts the next-response clock from this mention.
  state.next_response_due_at = null
  state.next_response_breached_at = null
}

/** Gives an unowned case an owner when someone suitable is on shift; a reopened case's owner stays only while on shift. */
function assignIfNeeded(state: CaseState, previousOwnerId: string | null, staffing: Staffing, now: Date, events: NewEvent[], returning: boolean): boolean {
  if (state.owner_id !== null) {
    const owner = staffing.members.find((member) => member.id === state.owner_id)
    if (!returning || owner?.onShift === true) return false
    events.push(systemEvent(state.id, 'assignment', now, { from: state.owner_id, to: null, reason: 'the owner is off shift; back to the team queue' }))
    state.owner_id = null
  }
  const decision = chooseOwner(staffing.members, { language: state.language, priority: state.priority, previousOwnerId })
  if (decision.ownerId === null) return false
  events.push(systemEvent(state.id, 'assignment', now, { from: null, to: decision.ownerId, reason: decision.reason, automatic: true }))
  state.owner_id = decision.ownerId
  const member = staffing.members.find((candidate) => candidate.id === decision.ownerId)
  if (member) member.load += priorityWeight(state.priority)
  return true
}

function needsAcknowledgement(state: CaseState, staffing: Staffing, now: Date): boolean {
  if (state.owner_id !== null || staffing.members.some((member) => member.onShift)) return false
  return state.acknowledged_at === null || now.getTime() - state.acknowledged_at.getTime() >= acknowledgementGapMs
}

function later(a: Date | null, b: Date): Date {
  return a === null || b > a ? b : a
}
