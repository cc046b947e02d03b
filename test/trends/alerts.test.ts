// The banner's spike alerts: which ones show, dismissing them, who may do what over HTTP, and
// the Slack-compatible message a brand's webhook gets.
import { beforeAll, describe, expect, it } from 'vitest'
import { activeAlerts, dismissAlert } from '../../worker/trends/alerts'
import { alertRoutes } from '../../worker/trends/alert-routes'
import { spikeWebhookMessage } from '../../worker/trends/spikes'
import type { SpikeAlertView } from '../../worker/trends/types'
import { useCareApi, type Person } from '../support/care-api'
import { insertClassified, insertIdentity, insertRoutingBrand } from '../support/routing'

const care = useCareApi(alertRoutes, 'alerts')
const now = new Date('2026-03-10T12:00:00Z')
const hour = 3_600_000
let agent: Person
let marketer: Person
let executive: Person
let admin: Person
let otherBrand: string
let mentionIds: string[]

interface AlertSpec {
  brandId?: string
  kind?: 'volume' | 'reason' | 'term'
  key?: string
  detectedAt: Date
  endedAt?: Date | null
  dismissedAt?: Date | null
  samples?: string[]
  terms?: string[]
}

async function insertAlert(spec: AlertSpec): Promise<string> {
  const [row] = await care.db.sql<{ id: string }[]>`
    insert into spike_alert (brand_id, kind, key, window_start, window_end, observed, expected, score, terms, sample_mention_ids,
                             detected_at, last_seen_at, ended_at, dismissed_at)
    values (${spec.brandId ?? care.brand.brandId}, ${spec.kind ?? 'volume'}, ${spec.key ?? ''},
            ${new Date(spec.detectedAt.getTime() - 15 * 60_000)}, ${spec.detectedAt}, 24, 3.5, 6.2,
            ${JSON.stringify(spec.terms ?? ['outage', 'kalamaja'])}::text::jsonb, ${JSON.stringify(spec.samples ?? [])}::text::jsonb,
            ${spec.detectedAt}, ${spec.endedAt ?? spec.detectedAt}, ${spec.endedAt ?? null}, ${spec.dismissedAt ?? null})
    returning id::text as id`
  return row!.id
}

beforeAll(async () => {
  agent = await care.person({ email: 'agent@alerts.example', name: 'Ann Agent' })
  executive = await care.person({ email: 'exec@alerts.example', name: 'Eve Exec', role: 'executive', teamId: undefined })
  admin = await care.person({ email: 'admin@alerts.example', name: 'Ada Admin', role: 'admin' })
  marketer = await care.marketer('mark@alerts.example')
  otherBrand = (await insertRoutingBrand(care.db.sql, 'alerts-other')).brandId
  const { identityId } = await insertIdentity(care.db.sql, 'kati_kask')
  mentionIds = []
  for (const [index, text] of ['Internet down in Kalamaja since 10', 'Kalamajas pole internetti, kas on rike?'].entries()) {
    mentionIds.push(await insertClassified(care.db.sql, { brandId: care.brand.brandId, identityId, externalId: `alerts-${index}`, text, receivedAt: new Date(now.getTime() - 20 * 60_000) }))
  }
})

describe('activeAlerts', () => {
  it('lists running alerts and those ended within six hours, not dismissed ones, running first', async () => {
    const running = await insertAlert({ detectedAt: new Date(now.getTime() - 30 * 60_000), samples: [mentionIds[1]!, mentionIds[0]!] })
    const endedLately = await insertAlert({ kind: 'reason', key: 'outage', detectedAt: new Date(now.getTime() - 3 * hour), endedAt: new Date(now.getTime() - 2 * hour) })
    await insertAlert({ kind: 'reason', key: 'money', detectedAt: new Date(now.getTime() - 9 * hour), endedAt: new Date(now.getTime() - 7 * hour) })
    await insertAlert({ kind: 'term', key: 'roaming', detectedAt: new Date(now.getTime() - hour), dismissedAt: new Date(now.getTime() - 10 * 60_000) })
    const elsewhere = await insertAlert({ brandId: otherBrand, detectedAt: new Date(now.getTime() - 2 * hour) })

    const alerts = await activeAlerts(care.db.sql, { now })
    expect(alerts.map((alert) => alert.id)).toEqual([running, elsewhere, endedLately])
    const [first] = alerts
    expect(first).toMatchObject({ brand_id: care.brand.brandId, brand_name: 'alerts', kind: 'volume', key: '', observed: 24, expected: 3.5, ended_at: null, terms: ['outage', 'kalamaja'] })
    expect(first!.detected_at).toBeInstanceOf(Date)
    // Samples keep the order they were chosen in, each with what the banner shows of it.
    expect(first!.samples.map((sample) => sample.id)).toEqual([mentionIds[1], mentionIds[0]])
    expect(first!.samples[0]).toMatchObject({ case_id: null, platform: 'x', author_handle: 'kati_kask', text: 'Kalamajas pole internetti, kas on rike?' })
    expect(first!.samples[0]!.posted_at).toBeInstanceOf(Date)

    expect((await activeAlerts(care.db.sql, { now, brandId: otherBrand })).map((alert) => alert.id)).toEqual([elsewhere])
  })

  it('dismissing hides an alert from everyone and keeps the first dismissal', async () => {
    const id = await insertAlert({ kind: 'term', key: 'fibre', detectedAt: new Date(now.getTime() - 5 * 60_000) })
    const first = await dismissAlert(care.db.sql, id, { id: marketer.id }, now)
    expect(first).toEqual({ id, dismissed_at: now, dismissed_by: marketer.id })
    expect(await dismissAlert(care.db.sql, id, { id: admin.id }, new Date(now.getTime() + 60_000))).toEqual(first)
    expect((await activeAlerts(care.db.sql, { now })).map((alert) => alert.id)).not.toContain(id)
    expect(await dismissAlert(care.db.sql, '999999999', { id: admin.id }, now)).toBeNull()
  })
})

describe('the alert routes', () => {
  it('show the banner’s alerts to every role', async () => {
    await insertAlert({ kind: 'reason', key: 'regulator', detectedAt: new Date(Date.now() - 60_000) })
    for (const who of [agent, executive, admin, marketer]) {
      const response = await care.api.call('GET', `/api/trends/alerts?brand=${care.brand.brandId}`, undefined, who.cookie)
      expect(response.status).toBe(200)
      const { alerts } = (await response.json()) as { alerts: { kind: string; key: string; brand_id: string }[] }
      expect(alerts.some((alert) => alert.kind === 'reason' && alert.key === 'regulator')).toBe(true)
      expect(alerts.every((alert) => alert.brand_id === care.brand.brandId)).toBe(true)
    }
    expect((await care.api.call('GET', '/api/trends/alerts?brand=nordlink', undefined, agent.cookie)).status).toBe(400)
    expect((await care.api.call('GET', '/api/trends/alerts?since=yesterday', undefined, agent.cookie)).status).toBe(400)
    expect((await care.api.call('GET', '/api/trends/alerts')).status).toBe(401)
  })

  it('let marketing, executives and admins dismiss, and nobody else', async () => {
    const id = await insertAlert({ kind: 'term', key: 'router', detectedAt: new Date(Date.now() - 60_000) })
    expect((await care.api.call('POST', `/api/trends/alerts/${id}/dismiss`, undefined, agent.cookie)).status).toBe(403)
    const response = await care.api.call('POST', `/api/trends/alerts/${id}/dismiss`, undefined, marketer.cookie)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ alert: { id, dismissed_by: marketer.id } })
    const listed = (await (await care.api.call('GET', '/api/trends/alerts', undefined, agent.cookie)).json()) as { alerts: { id: string }[] }
    expect(listed.alerts.map((alert) => alert.id)).not.toContain(id)
    for (const who of [executive, admin]) {
      expect((await care.api.call('POST', `/api/trends/alerts/${id}/dismiss`, undefined, who.cookie)).status).toBe(200)
      expect((await care.api.call('POST', '/api/trends/alerts/999999999/dismiss', undefined, who.cookie)).status).toBe(404)
    }
    expect((await care.api.call('POST', '/api/trends/alerts/x1/dismiss', undefined, marketer.cookie)).status).toBe(404)
  })
})

describe('spikeWebhookMessage', () => {
  const base: SpikeAlertView = {
    id: '1',
    brand_id: '1',
    brand_name: 'Nordlink Telecom',
    kind: 'volume',
    key: '',
    window_start: now,
    window_end: now,
    observed: 31,
    expected: 4.25,
    score: 7.1,
    terms: ['kalamaja', 'outage'],
    samples: [
      { id: '5', case_id: null, platform: 'x', author_handle: 'liis_tamm', text: 'Internet down in <Kalamaja>\nsince 7', posted_at: now },
      { id: '6', case_id: '9', platform: 'bluesky', author_handle: 'mart.bsky.social', text: 'x'.repeat(300), posted_at: now },
    ],
    detected_at: now,
    last_seen_at: now,
    ended_at: null,
  }

  it('leads with the volume, lists every alert, the terms and the samples, escaped for Slack', () => {
    const outage: SpikeAlertView = { ...base, id: '2', kind: 'reason', key: 'outage', observed: 27, expected: 0.5, terms: ['internet', 'kalamaja'], samples: [] }
    const message = spikeWebhookMessage([outage, base], 15)
    const lines = message.text.split('\n')
    expect(lines[0]).toBe('Complaint spike: Nordlink Telecom — 31 complaints (about 4.3 expected) in 15 minutes')
    expect(lines).toContain('• 27 outage complaints (about 0.5 expected)')
    expect(lines).toContain('Terms: kalamaja, outage, internet')
    expect(lines).toContain('• @liis_tamm (x): Internet down in <Kalamaja> since 7')
    expect(lines.find((line) => line.startsWith('• @mart'))!.length).toBeLessThan(200)
    expect(JSON.stringify(message.blocks)).toContain('&lt;Kalamaja&gt;')
  })

  it('names a signal or a term when that is all there is', () => {
    expect(spikeWebhookMessage([{ ...base, kind: 'reason', key: 'money', expected: 12 }], 15).text.split('\n')[0]).toBe(
      'Complaint spike: Nordlink Telecom — 31 billing complaints (about 12 expected) in 15 minutes',
    )
    expect(spikeWebhookMessage([{ ...base, kind: 'term', key: 'roaming', expected: 0 }], 15).text.split('\n')[0]).toBe(
      'Complaint spike: Nordlink Telecom — 31 complaints saying “roaming” (about 0 expected) in 15 minutes',
    )
  })
})
