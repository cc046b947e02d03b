// The handoff summary Earshot drafts for the agent to edit: everything an executive needs before
// picking up the phone, read off the case's timeline. Pure: no database, no clock of its own.
import type { TimelineEvent } from '../cases/timeline'

export interface SummaryCase {
  id: string
  priority: number
  opened_at: Date
  customer_name: string | null
  /** "@handle (x)" style labels of the customer's identities. */
  handles: string[]
}

export interface SummaryFacts {
  who: string
  whatWentWrong: string
  since: Date
  contacts: number
  promises: { text: string; due_at: string; status: string }[]
  sentiment: { first: number | null; last: number | null; trend: 'worsening' | 'improving' | 'steady' | 'unknown' }
  asks: string | null
}

const askPattern = /\b(please|pls|want|need|refund|compensat\w*|call me|call back|cancel|fix|when will|asap|expect|demand)\b|\?/i

/** The facts the summary is made of, for the UI to show or tests to check. */
export function summaryFacts(kase: SummaryCase, events: readonly TimelineEvent[]): SummaryFacts {
  const mentions = events.filter((event) => event.kind === 'mention' && event.mention !== null).map((event) => event.mention!)
  const first = mentions[0]
  const reasons = [...new Set(mentions.flatMap((mention) => mention.urgency_reasons.map((reason) => reason.reason)))].slice(0, 5)
  const whatWentWrong = first
    ? `${quote(first.text)}${reasons.length > 0 ? ` (signals: ${reasons.join('; ')})` : ''}`
    : 'no message from the customer on the timeline'

  const promises = new Map<string, { text: string; due_at: string; status: string }>()
  for (const event of events) {
    if (event.kind !== 'promise') continue
    const id = String(event.body.promise_id ?? event.id)
    promises.set(id, {
      text: String(event.body.text ?? promises.get(id)?.text ?? ''),
      due_at: String(event.body.due_at ?? promises.get(id)?.due_at ?? ''),
      status: String(event.body.status ?? 'open'),
    })
  }

  const scores = mentions.map((mention) => mention.sentiment).filter((score): score is number => typeof score === 'number')
  let sentiment: SummaryFacts['sentiment'] = { first: null, last: null, trend: 'unknown' }
  if (scores.length > 0) {
    const half = Math.max(1, Math.floor(scores.length / 2))
    const early = average(scores.slice(0, half))
    const late = average(scores.slice(scores.length > 1 ? scores.length - half : 0))
    const trend = scores.length < 2 ? 'unknown' : late - early <= -0.15 ? 'worsening' : late - early >= 0.15 ? 'improving' : 'steady'
    sentiment = { first: scores[0]!, last: scores.at(-1)!, trend }
  }

  const ask = [...mentions].reverse().find((mention) => askPattern.test(mention.text)) ?? mentions.at(-1)
  const who = [kase.customer_name, ...kase.handles].filter((part): part is string => !!part && part.trim() !== '')
  return {
    who: who.length > 0 ? [...new Set(who)].join(', ') : `the customer of case ${kase.id}`,
    whatWentWrong,
    since: first && first.posted_at < kase.opened_at ? first.posted_at : kase.opened_at,
    contacts: mentions.length,
    promises: [...promises.values()],
    sentiment,
    asks: ask ? ask.text : null,
  }
}

/** The draft summary: plain text, one fact a line, for the agent to edit before handing off. */
export function draftHandoffSummary(kase: SummaryCase, events: readonly TimelineEvent[]): string {
  const facts = summaryFacts(kase, events)
  const missed = facts.promises.filter((promise) => promise.status === 'broken')
  const promiseLines =
    facts.promises.length === 0
      ? 'none'
      : `${facts.promises.length} made, ${missed.length} missed: ` +
        facts.promises.map((promise) => `${quote(promise.text)} due ${shortTime(promise.due_at)} (${promise.status})`).join('; ')
  const sentiment =
    facts.sentiment.first === null
      ? 'unknown'
      : facts.sentiment.trend === 'unknown'
        ? `${signed(facts.sentiment.first)} (one message)`
        : `${facts.sentiment.trend} (${signed(facts.sentiment.first)} → ${signed(facts.sentiment.last!)})`
  return [
    `Who: ${facts.who} (case ${kase.id}, P${kase.priority})`,
    `What went wrong: ${facts.whatWentWrong}`,
    `Since: ${shortTime(facts.since.toISOString())}`,
    `Contacts: ${facts.contacts} message${facts.contacts === 1 ? '' : 's'} from the customer`,
    `Promises: ${promiseLines}`,
    `Sentiment: ${sentiment}`,
    `Customer asks for: ${facts.asks === null ? 'not stated' : quote(facts.asks)}`,
  ].join('\n')
}

function average(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length
}

function signed(value: number): string {
  return `${value > 0 ? '+' : ''}${value.toFixed(2)}`
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return `“${flat.length > 280 ? `${flat.slice(0, 279)}…` : flat}”`
}

function shortTime(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
