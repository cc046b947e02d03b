// The pure parts of the handoff: the drafted summary, the .ics invitation and the signed webhook.
import { describe, expect, it } from 'vitest'
import type { TimelineEvent } from '../../worker/cases/timeline'
import { callbackIcs, escapeText, foldLine } from '../../worker/handoff/ics'
import { draftHandoffSummary, summaryFacts } from '../../worker/handoff/summary'
import { postWebhook, signBody, webhookMessage } from '../../worker/handoff/webhook'
import { useWebhookReceiver } from '../support/webhook-receiver'

let serial = 0
function mention(text: string, sentiment: number, postedAt: string, reasons: string[] = []): TimelineEvent {
  const id = String(++serial)
  return {
    id, case_id: '7', kind: 'mention', actor: null, occurred_at: new Date(postedAt), body: {},
    mention: {
      id, platform: 'x', text, url: null, author_handle: 'kati', private: false, posted_at: new Date(postedAt), language: 'en', sentiment,
      urgency_reasons: reasons.map((reason) => ({ signal: 'outage', points: 10, reason })),
    },
  }
}
function promise(promiseId: string, status: string, at: string): TimelineEvent {
  return {
    id: String(++serial), case_id: '7', kind: 'promise', actor: { id: '1', name: 'Agent' }, occurred_at: new Date(at),
    body: { promise_id: promiseId, status, text: 'a technician by Friday', due_at: '2025-03-07T15:00:00.000Z' },
    mention: null,
  }
}

describe('draftHandoffSummary', () => {
  const kase = { id: '7', priority: 2, opened_at: new Date('2025-03-03T09:00:00Z'), customer_name: 'Kati Kask', handles: ['@kati (x)'] }
  const events = [
    mention('Internet down since Monday, 3 days without dial tone', -0.3, '2025-03-03T08:00:00Z', ['outage for 3 days']),
    promise('11', 'open', '2025-03-03T10:00:00Z'),
    mention('Still nothing. Called 5 times.', -0.5, '2025-03-05T08:00:00Z', ['repeat contact']),
    promise('11', 'broken', '2025-03-07T15:00:00Z'),
    mention('I want a refund for the month and someone to call me, please.', -0.9, '2025-03-08T08:00:00Z'),
  ]

  it('states who, what, since when, contacts, promises, sentiment trend and the ask', () => {
    const facts = summaryFacts(kase, events)
    expect(facts).toMatchObject({
      who: 'Kati Kask, @kati (x)', contacts: 3, since: new Date('2025-03-03T08:00:00Z'),
      promises: [{ text: 'a technician by Friday', status: 'broken' }],
      sentiment: { first: -0.3, last: -0.9, trend: 'worsening' },
      asks: 'I want a refund for the month and someone to call me, please.',
    })
    const summary = draftHandoffSummary(kase, events)
    expect(summary.split('\n')).toEqual([
      'Who: Kati Kask, @kati (x) (case 7, P2)',
      'What went wrong: “Internet down since Monday, 3 days without dial tone” (signals: outage for 3 days; repeat contact)',
      'Since: 2025-03-03 08:00 UTC',
      'Contacts: 3 messages from the customer',
      'Promises: 1 made, 1 missed: “a technician by Friday” due 2025-03-07 15:00 UTC (broken)',
      'Sentiment: worsening (-0.30 → -0.90)',
      'Customer asks for: “I want a refund for the month and someone to call me, please.”',
    ])
  })

  it('says so when the timeline has nothing to tell', () => {
    const summary = draftHandoffSummary({ ...kase, customer_name: null, handles: [] }, [])
    expect(summary).toContain('Who: the customer of case 7')
    expect(summary).toContain('Contacts: 0 messages')
    expect(summary).toContain('Promises: none')
    expect(summary).toContain('Sentiment: unknown')
    expect(summary).toContain('Customer asks for: not stated')
  })
})

/** Unfolds and splits an iCalendar text into its properties (RFC 5545 3.1), checking line lengths. */
function parseIcs(text: string): Map<string, string[]> {
  expect(text.endsWith('\r\n')).toBe(true)
  const physical = text.slice(0, -2).split('\r\n')
  for (const line of physical) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75)
  const logical: string[] = []
  for (const line of physical) {
    if (line.startsWith(' ')) logical[logical.length - 1] += line.slice(1)
    else logical.push(line)
  }
  const props = new Map<string, string[]>()
  for (const line of logical) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon)
    props.set(name, [...(props.get(name) ?? []), line.slice(colon + 1)])
  }
  return props
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, char: string) => (char === 'n' || char === 'N' ? '\n' : char))
}

describe('callbackIcs', () => {
  it('round-trips UID, DTSTART in UTC, SUMMARY and a long escaped DESCRIPTION folded at 75 octets', () => {
    const description = `Channel: phone +372 5555 1234\nSummary; with commas, semicolons and a backslash \\ — ${'ütlen sõnu, '.repeat(20)}`
    const ics = callbackIcs({
      uid: 'handoff-42@earshot.example',
      start: new Date('2025-03-10T12:30:00+02:00'),
      summary: 'Call back Kati Kask (Acme case #7)',
      description,
      location: 'phone: +372 5555 1234',
      stamp: new Date('2025-03-09T08:00:00Z'),
    })
    const props = parseIcs(ics)
    expect(props.get('BEGIN')).toEqual(['VCALENDAR', 'VEVENT', 'VALARM'])
    expect(props.get('UID')).toEqual(['handoff-42@earshot.example'])
    expect(props.get('DTSTART')).toEqual(['20250310T103000Z'])
    expect(props.get('DTEND')).toEqual(['20250310T104500Z'])
    expect(unescapeText(props.get('SUMMARY')![0]!)).toBe('Call back Kati Kask (Acme case #7)')
    expect(unescapeText(props.get('DESCRIPTION')![0]!)).toBe(description)
    // The description was long enough to need folding.
    expect(ics.split('\r\n').some((line) => line.startsWith(' '))).toBe(true)
  })

  it('escapes TEXT values and never splits a multi-byte character when folding', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne')
    const folded = foldLine(`DESCRIPTION:${'€'.repeat(60)}`)
    for (const line of folded.split('\r\n')) {
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75)
      expect(line).not.toContain('\uFFFD')
    }
    expect(folded.split('\r\n').map((line, i) => (i === 0 ? line : line.slice(1))).join('')).toBe(`DESCRIPTION:${'€'.repeat(60)}`)
  })
})

describe('postWebhook', () => {
  const receiver = useWebhookReceiver('a-webhook-secret-of-some-length')

  it('signs the exact body with HMAC-SHA256 and sends Slack-compatible JSON', async () => {
    const message = webhookMessage('handoff_requested', { caseId: '7', priority: 1, customer: 'Kati <Kask>' }, ['From Agent to the executive pool'])
    const result = await postWebhook(receiver, 'handoff_requested', message)
    expect(result).toEqual({ ok: true, status: 200 })
    expect(receiver.hooks.at(-1)!.valid).toBe(true)
    const last = receiver.requests.at(-1)!
    expect(last.headers['content-type']).toBe('application/json')
    expect(last.headers['x-earshot-event']).toBe('handoff_requested')
    const json = JSON.parse(last.body) as { text: string; blocks: { type: string; text: { text: string } }[] }
    expect(json.text).toBe('Executive handoff requested: case #7 (P1) — Kati <Kask>\nFrom Agent to the executive pool')
    expect(json.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Executive handoff requested: case #7 (P1) — Kati &lt;Kask&gt;*' } })
    expect(last.headers['x-earshot-signature']).toBe(`sha256=${await signBody(receiver.secret, last.body)}`)
  })

  it('reports a refusal or an unreachable receiver instead of throwing', async () => {
    receiver.status = 500
    expect(await postWebhook(receiver, 'callback_due', { text: 'x' })).toEqual({ ok: false, status: 500 })
    receiver.status = 200
    const unreachable = await postWebhook({ url: 'http://127.0.0.1:1/hook', secret: null }, 'callback_due', { text: 'x' }, { timeoutMs: 2000 })
    expect(unreachable.ok).toBe(false)
    expect(unreachable.error).toBeTruthy()
  })
})
