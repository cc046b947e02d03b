// Spike detection on the synthetic outage replay (four ordinary weeks, then an outage and a
// billing error) and on the demo's recorded week: what fires, how soon, with which terms and
// samples, that it fires once however often it is swept, that it ends, and that the brand's
// webhook hears of it once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../worker/config'
import type { Sql } from '../../worker/db/connect'
import type { Services } from '../../worker/env'
import { seedDemo } from '../../worker/demo/seed'
import { spikeSweep } from '../../worker/jobs/spike-sweep'
import { activeAlerts } from '../../worker/trends/alerts'
import {
  defaultSpikeKnobs, keepsAlert, median, middleMean, raisesAlert, scoreWindow, spikeSlots, sweepSpikes,
} from '../../worker/trends/spikes'
import { createTestDatabase, type TestDatabase } from '../support/database'
import {
  insertReplayBrand, insertSynthetic, measureSpikeDelay, outageReplaySpec, replayStart, storeDemoReplay, syntheticReplay,
  type DelayMeasurement, type SyntheticMention,
} from '../support/outage'
import { useWebhookReceiver } from '../support/webhook-receiver'

const minute = 60_000
const day = 86_400_000

describe('the method', () => {
  it('compares the window with the three hours before it and the same window on earlier days and weekdays', () => {
    const now = new Date('2026-02-03T10:00:00Z')
    const slots = spikeSlots(now, new Date('2026-01-01T00:00:00Z'))
    expect(slots[0]).toEqual({ index: 0, role: 'window', start: new Date('2026-02-03T09:45:00Z'), end: now })
    expect(slots.filter((slot) => slot.role === 'recent').map((slot) => slot.end.toISOString())).toEqual(
      Array.from({ length: 12 }, (_, block) => new Date(now.getTime() - (block + 1) * 15 * minute).toISOString()),
    )
    // Seven days back, then the same weekday two, three and four weeks back.
    expect(slots.filter((slot) => slot.role === 'seasonal').map((slot) => (now.getTime() - slot.end.getTime()) / day)).toEqual([1, 2, 3, 4, 5, 6, 7, 14, 21, 28])
    // Nothing from before the brand's first mention: unknown is not zero.
    const young = spikeSlots(now, new Date('2026-01-30T09:00:00Z'))
    expect(young.filter((slot) => slot.role === 'seasonal')).toHaveLength(4)
    expect(spikeSlots(now, null)).toHaveLength(1)
  })

  it('takes the larger of the seasonal and the recent level, each the mean of its middle half, and a robust spread', () => {
    expect(median([])).toBe(0)
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 10])).toBe(3.5)
    expect(middleMean([])).toBe(0)
    expect(middleMean([1, 2, 6])).toBe(3)
    expect(middleMean([9, 0, 2, 1, 3, 2, 2, 40])).toBe(2.25)
    // A morning ramp: the night before was quiet, but this hour is always busy.
    const ramp = scoreWindow(14, [12, 11, 13, 12, 14, 10, 12, 13, 11, 12], [2, 3, 4, 6])
    expect(ramp.expected).toBe(12)
    expect(raisesAlert(ramp)).toBe(false)
    // A busy afternoon that the time of day does not explain raises the bar too.
    expect(scoreWindow(20, [3, 4, 3, 5, 4, 3, 4, 4, 3, 4], [12, 14, 11, 13]).expected).toBe(12.5)
    // Last week's outage, one day in ten, moves neither the level nor the spread.
    const outlier = scoreWindow(4, [3, 4, 3, 5, 40, 3, 4, 4, 3, 4], [])
    expect(outlier.seasonal).toBeCloseTo(3.67, 2)
    expect(outlier.spread).toBeLessThan(3)
  })

  it('lets no chance rise of a quiet signal through, but a real one out of nothing', () => {
    // Two a window is ordinary; nine or ten of them happen by chance every few weeks.
    expect(raisesAlert(scoreWindow(10, [2, 2, 1, 3, 2, 2, 2, 3, 2, 1], [2, 2, 3]))).toBe(false)
    expect(raisesAlert(scoreWindow(15, [2, 2, 1, 3, 2, 2, 2, 3, 2, 1], [2, 2, 3]))).toBe(true)
    expect(raisesAlert(scoreWindow(8, [0, 0, 1, 0, 0, 0, 0, 1, 0, 0], [0, 0, 0]))).toBe(true)
    // Too few to act on, however unusual.
    expect(raisesAlert(scoreWindow(7, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0]))).toBe(false)
    // A big brand: a fifth more is no spike, though the Poisson noise of 400 is only 20.
    expect(raisesAlert(scoreWindow(520, [400, 410, 390, 405, 395, 400, 402, 398, 401, 399], [400]))).toBe(false)
    // Once raised, an alert is kept at a lower bar than it took to raise it.
    const fading = scoreWindow(9, [2, 2, 1, 3, 2, 2, 2, 3, 2, 1], [2, 2, 3])
    expect([raisesAlert(fading), keepsAlert(fading)]).toEqual([false, true])
  })

  it('raises nothing, minute by minute, over three and a half ordinary weeks of the synthetic traffic', () => {
    const mentions = syntheticReplay(outageReplaySpec()).filter((mention) => mention.burst === null)
    const keys = ['', ...defaultSpikeKnobs.signals]
    // Complaints per minute since the replay began, for the volume ('') and each signal.
    const span = Math.ceil((mentions.at(-1)!.receivedAt.getTime() - replayStart.getTime()) / minute) + 1
    const perMinute = new Map(keys.map((key) => [key, new Array<number>(span).fill(0)]))
    for (const mention of mentions) {
      if (!mention.complaint) continue
      const index = Math.floor((mention.receivedAt.getTime() - replayStart.getTime()) / minute)
      for (const key of keys) if (key === '' || mention.signals.includes(key)) perMinute.get(key)![index]! += 1
    }
    const sums = new Map<string, number[]>()
    for (const [key, counts] of perMinute) {
      const sum = [0]
      for (const count of counts) sum.push(sum.at(-1)! + count)
      sums.set(key, sum)
    }
    const count = (key: string, from: Date, to: Date) => {
      const sum = sums.get(key)!
      return sum[(to.getTime() - replayStart.getTime()) / minute]! - sum[(from.getTime() - replayStart.getTime()) / minute]!
    }
    const raised: string[] = []
    let windows = 0
    // From the second week, when there is a day of history, to the eve of the outage.
    for (let at = replayStart.getTime() + 7 * day; at < Date.parse('2026-02-03T08:00:00Z'); at += minute) {
      const slots = spikeSlots(new Date(at), replayStart)
      for (const key of keys) {
        const series = (role: string) => slots.filter((slot) => slot.role === role).map((slot) => count(key, slot.start, slot.end))
        const score = scoreWindow(count(key, slots[0]!.start, slots[0]!.end), series('seasonal'), series('recent'))
        windows++
        if (raisesAlert(score)) raised.push(`${new Date(at).toISOString()} ${key || 'volume'} ${score.observed} vs ${score.expected}`)
      }
    }
    expect(windows).toBeGreaterThan(200_000)
    expect(raised).toEqual([])
  })
})

// A receiver for the brands' webhooks, checking each signature.
const receiver = useWebhookReceiver('spike-webhook-secret')
const { hooks } = receiver
let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db?.close())

interface AlertRow {
  id: string
  kind: string
  key: string
  observed: number
  detected_at: Date
  last_seen_at: Date
  ended_at: Date | null
  webhook_sent_at: Date | null
}

function alertsOf(sql: Sql, brandId: string): Promise<AlertRow[]> {
  return sql<AlertRow[]>`
    select id::text as id, kind, key, observed, detected_at, last_seen_at, ended_at, webhook_sent_at
      from spike_alert where brand_id = ${brandId} order by id`
}

async function sweepEach(sql: Sql, from: number, to: number, step = minute, concurrent = 1): Promise<void> {
  for (let at = from; at < to; at += step) {
    const now = new Date(at)
    await Promise.all(Array.from({ length: concurrent }, () => sweepSpikes(sql, now)))
  }
}

describe('a synthetic outage', () => {
  const slug = 'synthetic'
  let mentions: SyntheticMention[]
  let brandId: string
  let outage: DelayMeasurement
  // The last minute swept once the outage's alerts were both up.
  let settled: number
  const burst = (name: string) => mentions.filter((mention) => mention.burst === name)

  beforeAll(async () => {
    mentions = syntheticReplay(outageReplaySpec())
    const brand = await insertReplayBrand(db.sql, slug)
    brandId = brand.brandId
    await insertSynthetic(db.sql, brand, mentions, slug)
    await db.sql`update brand set handoff_webhook_url = ${receiver.url}, handoff_webhook_secret = ${receiver.secret} where id = ${brandId}`
  }, 120_000)

  it('raises an alert within minutes of the first outage complaint, naming the outage, with samples', async () => {
    outage = await measureSpikeDelay(db.sql, brandId, mentions, 'outage')
    // The first window of the outage, though it broke in the busiest hour of the day.
    expect(outage.delayMinutes).not.toBeNull()
    expect(outage.delayMinutes!).toBeGreaterThan(0)
    expect(outage.delayMinutes!).toBeLessThan(10)
    expect(outage.alerts.map((alert) => `${alert.kind}:${alert.key}`)).toContain('reason:outage')

    // A few minutes on, the whole volume has risen too.
    settled = outage.alertAt!.getTime() + 12 * minute
    await sweepEach(db.sql, outage.alertAt!.getTime() + minute, settled + minute)
    const shown = await activeAlerts(db.sql, { brandId, now: new Date(settled) })
    expect(shown.map((alert) => `${alert.kind}:${alert.key}`).sort()).toEqual(['reason:outage', 'volume:'])
    const outageTexts = new Set(burst('outage').map((mention) => mention.text))
    for (const alert of shown) {
      expect(alert.ended_at).toBeNull()
      expect(alert.observed).toBeGreaterThanOrEqual(alert.expected * 3)
      expect(alert.terms).toEqual(expect.arrayContaining(['kalamaja', 'internet']))
      expect(alert.samples).toHaveLength(5)
      // The most urgent complaints, in as many languages as there are.
      expect(new Set(alert.samples.map((sample) => sample.author_handle.split('_customer_')[0]))).toEqual(new Set([slug]))
      expect(new Set(alert.samples.map((sample) => sample.text)).size).toBe(5)
      expect(alert.samples.filter((sample) => outageTexts.has(sample.text)).length).toBeGreaterThanOrEqual(4)
    }
    const languages = await db.sql<{ language: string }[]>`
      select distinct m.language from mention m
       where m.id in (select jsonb_array_elements_text(sample_mention_ids)::bigint from spike_alert where brand_id = ${brandId} and kind = 'reason')`
    expect(languages.length).toBeGreaterThanOrEqual(4)
  }, 120_000)

  it('changes nothing when the same minute is swept again, or twice at once', async () => {
    const before = await alertsOf(db.sql, brandId)
    const again = new Date(settled)
    const [first, second] = await Promise.all([sweepSpikes(db.sql, again), sweepSpikes(db.sql, again)])
    expect(first!.opened + second!.opened + first!.reopened + second!.reopened).toBe(0)
    expect(await sweepSpikes(db.sql, again)).toMatchObject({ opened: 0, reopened: 0, ended: 0, failed: 0 })
    expect((await alertsOf(db.sql, brandId)).map(({ id, kind, key, observed, ended_at }) => ({ id, kind, key, observed, ended_at }))).toEqual(
      before.map(({ id, kind, key, observed, ended_at }) => ({ id, kind, key, observed, ended_at })),
    )
  }, 60_000)

  it('tells the brand’s webhook of each alert once, signed, with the terms and samples', async () => {
    const spikes = hooks.filter((hook) => hook.event === 'spike')
    const alerts = await alertsOf(db.sql, brandId)
    expect(alerts.every((alert) => alert.webhook_sent_at !== null)).toBe(true)
    // The outage signal first, then the volume some minutes later: one message each.
    expect(spikes).toHaveLength(new Set(alerts.map((alert) => alert.detected_at.getTime())).size)
    expect(spikes.every((hook) => hook.valid)).toBe(true)
    const [first] = spikes
    expect(first!.text).toMatch(/^Complaint spike: synthetic telecom — \d+ outage complaints \(about [\d.]+ expected\) in 15 minutes/)
    expect(first!.text).toMatch(/Terms: .*kalamaja/)
    expect(first!.text).toMatch(/• @synthetic_customer_\d+ \(x\): /)
  })

  it('ends the alerts once the outage is over, without one per word on the way', async () => {
    const last = burst('outage').at(-1)!.receivedAt.getTime()
    await sweepEach(db.sql, settled + minute, last + 30 * minute, 2 * minute)
    const alerts = await alertsOf(db.sql, brandId)
    expect(alerts.map((alert) => `${alert.kind}:${alert.key}`).sort()).toEqual(['reason:outage', 'volume:'])
    for (const alert of alerts) {
      expect(alert.ended_at).not.toBeNull()
      // Not before the outage was well past its height, and soon after its last complaint.
      expect(alert.ended_at!.getTime()).toBeGreaterThan(burst('outage')[0]!.receivedAt.getTime() + 60 * minute)
      expect(alert.ended_at!.getTime()).toBeLessThan(last + 20 * minute)
    }
    expect(await activeAlerts(db.sql, { brandId, now: new Date(last + 30 * minute) })).toHaveLength(2)
    expect(await activeAlerts(db.sql, { brandId, now: new Date(last + 7 * 60 * minute) })).toHaveLength(0)
  }, 120_000)

  it('raises a rise of one signal for that signal alone, once, with two sweeps every minute', async () => {
    const sent = hooks.length
    const billing = await measureSpikeDelay(db.sql, brandId, mentions, 'billing', { leadMinutes: 10, concurrentSweeps: 2 })
    expect(billing.delayMinutes!).toBeLessThan(12)
    expect(billing.alerts.map((alert) => `${alert.kind}:${alert.key}`)).toEqual(['reason:money'])
    // Its height: the volume hardly shows it, and the terms are the money alert's to tell.
    await sweepEach(db.sql, billing.alertAt!.getTime() + minute, billing.alertAt!.getTime() + 25 * minute, minute, 2)
    const alerts = (await alertsOf(db.sql, brandId)).filter((alert) => alert.detected_at >= billing.firstMentionAt)
    expect(alerts.map((alert) => `${alert.kind}:${alert.key}`)).toEqual(['reason:money'])
    const [money] = await activeAlerts(db.sql, { brandId, now: new Date(billing.alertAt!.getTime() + 25 * minute) })
    expect(money).toMatchObject({ kind: 'reason', key: 'money' })
    expect(money!.terms.join(' ')).toMatch(/twice|дважды|zweimal/)
    expect(hooks.slice(sent).map((hook) => hook.event)).toEqual(['spike'])
    expect(hooks.at(-1)!.text).toContain('billing complaints')
  }, 120_000)
})

describe('the demo', () => {
  let services: Services
  beforeAll(async () => {
    services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
    await seedDemo(db.sql)
  }, 60_000)

  /**
   * Sweeps each minute at which a sweep can change anything for the brand: while one of its alerts
   * runs, or when its window holds enough complaints to raise one. At every other minute the
   * sweep passes the brand over after its first count (sweepSpikes), so skipping those minutes
   * changes nothing and spares a week of empty sweeps.
   */
  async function sweepWhereItMatters(brandId: string, from: number, to: number): Promise<number> {
    const { windowMinutes, freshMinutes, minCount } = defaultSpikeKnobs
    const complaints = await db.sql<{ received_at: Date; posted_at: Date }[]>`
      select received_at, posted_at from mention
       where brand_id = ${brandId} and complaint and received_at >= ${new Date(from - windowMinutes * minute)} and received_at < ${new Date(to)}`
    let sweeps = 0
    let running = 0
    for (let at = from; at < to; at += minute) {
      const start = at - windowMinutes * minute
      const inWindow = complaints.filter(
        (row) => row.received_at.getTime() >= start && row.received_at.getTime() < at && row.posted_at.getTime() >= start - freshMinutes * minute,
      ).length
      if (running === 0 && inWindow < minCount) continue
      await spikeSweep.run(services, new Date(at))
      sweeps++
      const [row] = await db.sql<{ running: number }[]>`select count(*)::int as running from spike_alert where brand_id = ${brandId} and ended_at is null`
      running = row?.running ?? 0
    }
    return sweeps
  }

  it('raises the Monday-morning outage of its recorded week, within minutes, and nothing else all week', async () => {
    const start = new Date('2026-06-01T06:00:00Z')
    const demo = await storeDemoReplay(db.sql, { start, speed: 1 })
    const sweeps = await sweepWhereItMatters(demo.brandId, start.getTime(), start.getTime() + 7 * day)
    expect(sweeps).toBeLessThan(60)
    const alerts = await alertsOf(db.sql, demo.brandId)
    expect(alerts.map((alert) => `${alert.kind}:${alert.key}`).sort()).toEqual(['reason:outage', 'volume:'])
    for (const alert of alerts) {
      // The outage's first reports arrive in its first three minutes.
      expect(alert.detected_at.getTime() - start.getTime()).toBeLessThanOrEqual(5 * minute)
      expect(alert.ended_at!.getTime() - start.getTime()).toBeLessThan(40 * minute)
    }
    const [shown] = await activeAlerts(db.sql, { brandId: demo.brandId, now: new Date(start.getTime() + 5 * minute) })
    expect(shown!.terms).toEqual(expect.arrayContaining(['internet', 'kalamaja']))
    expect(shown!.samples.length).toBe(5)
    expect(new Set(shown!.samples.map((sample) => sample.id)).size).toBe(5)
  }, 120_000)

  it('raises it in the first minutes of the live demo, which replays an hour a minute', async () => {
    const start = new Date('2026-09-07T06:00:00Z')
    const demo = await storeDemoReplay(db.sql, { start, speed: 60, firstRound: 100 })
    for (let at = start.getTime(); at <= start.getTime() + 5 * minute; at += minute) await sweepSpikes(db.sql, new Date(at))
    const shown = await activeAlerts(db.sql, { brandId: demo.brandId, now: new Date(start.getTime() + 5 * minute) })
    const outage = shown.find((alert) => alert.kind === 'reason' && alert.key === 'outage')
    expect(outage).toBeDefined()
    expect(outage!.detected_at.getTime() - start.getTime()).toBeLessThanOrEqual(2 * minute)
    expect(outage!.terms).toEqual(expect.arrayContaining(['internet']))
  }, 120_000)
})
