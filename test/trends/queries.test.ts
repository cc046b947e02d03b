// The trends figures over rollup rows written here as the rollup job would leave them: series
// with empty buckets, local days across daylight-saving changes, sentiment from sums, filters,
// TF-IDF, percentiles and SLA attainment; and the drill-down over mentions.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mentionCategorySql } from '../../worker/trends/category'
import { satisfactionReport } from '../../worker/satisfaction/stats'
import { rollUpLocalDays, sumCaseDays, type Bucket } from '../../worker/trends/rollup'
import {
  noFilters, periodProblem, sentimentFigures, termDays, allDayCandidates, busyDayCandidates, scoreTerms, trendMentions, trendScope, trendsReport, trendTerms,
  type ChartScope, type MentionQuery,
} from '../../worker/trends/queries'
import type { TrendFilters } from '../../worker/trends/types'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertIdentity, tallinn } from '../support/routing'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())

const hourMs = 3_600_000
const dayMs = 24 * hourMs
let brands = 0

async function insertBrand(timeZone = 'Europe/Tallinn'): Promise<string> {
  const slug = `trend-${++brands}`
  const [row] = await db.sql<{ id: string }[]>`insert into brand (slug, name, time_zone) values (${slug}, ${`Brand ${brands}`}, ${timeZone}) returning id`
  return row!.id
}

interface HourRow {
  platform?: string
  language?: string
  category?: string
  /** One value per mention. */
  sentiments: number[]
  complaints?: number
}

async function insertHour(brandId: string, hour: Date, { platform = 'x', language = 'en', category = 'general', sentiments, complaints = 0 }: HourRow) {
  const sum = sentiments.reduce((a, b) => a + b, 0)
  const squares = sentiments.reduce((a, b) => a + b * b, 0)
  const negative = sentiments.filter((s) => s < -0.05).length
  await db.sql`
    insert into trend_hour (brand_id, hour, platform, language, category, mentions, complaints, negative, sentiment_sum, sentiment_squares)
    values (${brandId}, ${hour}, ${platform}, ${language}, ${category}, ${sentiments.length}, ${complaints}, ${negative}, ${sum}, ${squares})`
}

async function insertReason(brandId: string, hour: Date, signal: string, mentions: number, { platform = 'x', language = 'en', category = 'general' } = {}) {
  await db.sql`
    insert into trend_reason_hour (brand_id, hour, platform, language, category, signal, mentions)
    values (${brandId}, ${hour}, ${platform}, ${language}, ${category}, ${signal}, ${mentions})`
}

async function insertTermDay(brandId: string, day: string, term: string, complaints: number, language = 'en') {
  await db.sql`insert into trend_term_day (brand_id, day, language, term, complaints) values (${brandId}, ${day}, ${language}, ${term}, ${complaints})`
}

const filters = (f: Partial<TrendFilters> = {}): TrendFilters => ({ ...noFilters, ...f })
/** The brand's days summed from the hour rows written here, as the rollup job sums them. */
async function sumDays(brandId: string) {
  const hours = await db.sql<Bucket[]>`
    select brand_id::text, hour from trend_hour where brand_id = ${brandId}
    union
    select brand_id::text, hour from trend_reason_hour where brand_id = ${brandId}`
  await rollUpLocalDays(db.sql, hours)
}

/** The brand's days of cases and satisfaction asks summed from the rows written here. */
async function sumCaseDaysOf(brandId: string) {
  const days = await db.sql<{ brand_id: string; day: string }[]>`
    select t.brand_id::text, (t.opened_hour at time zone b.time_zone)::date::text as day
      from trend_case t join brand b on b.id = t.brand_id where t.brand_id = ${brandId}
    union
    select c.brand_id::text, (s.asked_at at time zone b.time_zone)::date::text
      from satisfaction s join care_case c on c.id = s.case_id join brand b on b.id = c.brand_id where c.brand_id = ${brandId}`
  await sumCaseDays(db.sql, days)
}

async function report(brandId: string, from: Date, to: Date, bucket: 'hour' | 'day', f: Partial<TrendFilters> = {}) {
  await sumDays(brandId)
  await sumCaseDaysOf(brandId)
  return trendsReport(db.sql, { brandId, from, to, bucket, filters: filters(f) })
}

function meanAndSd(values: number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return { mean, sd: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) }
}

describe('periods', () => {
  const at = (iso: string) => new Date(iso)
  it('wants from before to, at most 400 days, hour buckets over at most 31 days', () => {
    expect(periodProblem({ from: at('2024-01-02T00:00Z'), to: at('2024-01-01T00:00Z'), bucket: 'day' })?.parameter).toBe('to')
    expect(periodProblem({ from: at('2024-01-01T00:00Z'), to: at('2024-01-01T00:00Z'), bucket: null })?.parameter).toBe('to')
    expect(periodProblem({ from: at('2023-01-01T00:00Z'), to: at('2024-02-05T00:00Z'), bucket: 'day' })).toBeNull()
    expect(periodProblem({ from: at('2023-01-01T00:00Z'), to: at('2024-02-06T00:00Z'), bucket: 'day' })?.parameter).toBe('from')
    expect(periodProblem({ from: at('2024-01-01T00:00Z'), to: at('2024-02-01T00:00Z'), bucket: 'hour' })).toBeNull()
    const long = periodProblem({ from: at('2024-01-01T00:00Z'), to: at('2024-02-01T01:00Z'), bucket: 'hour' })
    expect(long?.parameter).toBe('bucket')
    expect(long?.detail).toMatch(/31 days/)
  })

  it('stands for a local day by the UTC day whose noon it holds, and for hours or a shorter period by the days they touch', () => {
    // Tallinn's 27 October 2024 runs from 21:00 UTC the day before (summer time) to 22:00 UTC.
    expect(termDays(tallinn('2024-10-27T00:00'), tallinn('2024-10-28T00:00'))).toEqual({ first: '2024-10-27', end: '2024-10-28' })
    // New York's day runs 04:00 to 04:00 UTC; most of it is the same UTC date.
    expect(termDays(at('2024-10-27T04:00Z'), at('2024-10-28T04:00Z'))).toEqual({ first: '2024-10-27', end: '2024-10-28' })
    expect(termDays(at('2024-10-01T00:00Z'), at('2024-11-01T00:00Z'))).toEqual({ first: '2024-10-01', end: '2024-11-01' })
    expect(termDays(at('2024-10-27T13:00Z'), at('2024-10-27T16:00Z'))).toEqual({ first: '2024-10-27', end: '2024-10-28' })
    expect(termDays(at('2024-10-27T20:00Z'), at('2024-10-28T03:00Z'))).toEqual({ first: '2024-10-27', end: '2024-10-29' })
    // The last 24 hours, early in the UTC day: yesterday and today, not yesterday alone.
    expect(termDays(at('2024-10-27T04:00Z'), at('2024-10-28T04:00Z'), 'hour')).toEqual({ first: '2024-10-27', end: '2024-10-29' })
  })

  it('rounds a period out to whole buckets: UTC hours, or days in the brand zone', async () => {
    const brandId = await insertBrand()
    const scope = await trendScope(db.sql, { brandId, from: at('2024-10-27T10:30Z'), to: at('2024-10-28T10:30Z'), bucket: 'day', filters: noFilters })
    expect(scope).toMatchObject({ from: tallinn('2024-10-27T00:00'), to: tallinn('2024-10-29T00:00'), days: '2024-10-27_2024-10-28' })
    const hours = await trendScope(db.sql, { brandId, from: at('2024-10-27T10:30Z'), to: at('2024-10-27T12:00Z'), bucket: 'hour', filters: noFilters })
    expect(hours).toMatchObject({ from: at('2024-10-27T10:00Z'), to: at('2024-10-27T12:00Z') })
    const exact = await trendScope(db.sql, { brandId, from: at('2024-10-27T10:30Z'), to: at('2024-10-27T12:00Z'), bucket: null, filters: noFilters })
    expect(exact).toMatchObject({ from: at('2024-10-27T10:30Z'), to: at('2024-10-27T12:00Z') })
    expect(await trendScope(db.sql, { brandId: '999999999', from: at('2024-10-27T10:30Z'), to: at('2024-10-28T10:30Z'), bucket: 'day', filters: noFilters })).toBeNull()
  })
})

describe('sentiment from sums', () => {
  it('gives the mean and standard deviation of the mentions themselves', () => {
    const values = [-1, -0.5, 0, 0.5, 1, 1]
    const sums = {
      mentions: values.length, complaints: 2, negative: 2,
      sentiment_sum: values.reduce((a, b) => a + b, 0), sentiment_squares: values.reduce((a, b) => a + b * b, 0),
    }
    const figures = sentimentFigures(sums)
    const { mean, sd } = meanAndSd(values)
    expect(figures.sentiment_mean).toBeCloseTo(mean, 5)
    expect(figures.sentiment_sd).toBeCloseTo(sd, 5)
    expect(figures.complaint_share).toBeCloseTo(1 / 3, 12)
  })

  it('gives no mean for no mentions, and a spread of 0, never NaN, when all agree', () => {
    expect(sentimentFigures({ mentions: 0, complaints: 0, negative: 0, sentiment_sum: 0, sentiment_squares: 0 }))
      .toMatchObject({ complaint_share: null, sentiment_mean: null, sentiment_sd: null })
    const same = Array.from({ length: 7 }, () => 0.1)
    expect(sentimentFigures({ mentions: 7, complaints: 0, negative: 0, sentiment_sum: same.reduce((a, b) => a + b, 0), sentiment_squares: same.reduce((a, b) => a + b * b, 0) }).sentiment_sd).toBe(0)
  })
})

describe('the series', () => {
  it('has a point for every hour, empty ones as zeros, and adds buckets of every platform up', async () => {
    const brandId = await insertBrand()
    const xs = [-1, -0.5, 0, 0.5]
    const masto = [1, 1]
    await insertHour(brandId, new Date('2024-05-06T10:00Z'), { sentiments: xs, complaints: 3 })
    await insertHour(brandId, new Date('2024-05-06T10:00Z'), { platform: 'mastodon', sentiments: masto, complaints: 1 })
    await insertHour(brandId, new Date('2024-05-06T12:00Z'), { sentiments: [-0.8], complaints: 1 })
    // Outside the period on either side.
    await insertHour(brandId, new Date('2024-05-06T08:00Z'), { sentiments: [0.3] })
    await insertHour(brandId, new Date('2024-05-06T14:00Z'), { sentiments: [0.3] })

    const r = await report(brandId, new Date('2024-05-06T09:00Z'), new Date('2024-05-06T14:00Z'), 'hour')
    expect(r.series.map((p) => [p.t.toISOString(), p.mentions, p.complaints])).toEqual([
      ['2024-05-06T09:00:00.000Z', 0, 0],
      ['2024-05-06T10:00:00.000Z', 6, 4],
      ['2024-05-06T11:00:00.000Z', 0, 0],
      ['2024-05-06T12:00:00.000Z', 1, 1],
      ['2024-05-06T13:00:00.000Z', 0, 0],
    ])
    expect(r.series[0]).toMatchObject({ complaint_share: null, sentiment_mean: null, sentiment_sd: null, negative: 0 })
    const ten = meanAndSd([...xs, ...masto])
    expect(r.series[1]!.sentiment_mean).toBeCloseTo(ten.mean, 5)
    expect(r.series[1]!.sentiment_sd).toBeCloseTo(ten.sd, 5)
    expect(r.series[1]).toMatchObject({ negative: 2, complaint_share: 4 / 6 })

    const all = meanAndSd([...xs, ...masto, -0.8])
    expect(r.totals).toMatchObject({ mentions: 7, complaints: 5 })
    expect(r.totals.sentiment_mean).toBeCloseTo(all.mean, 5)
    expect(r.totals.sentiment_sd).toBeCloseTo(all.sd, 5)
    expect(r.options).toEqual({ platforms: ['mastodon', 'x'], languages: ['en'], categories: ['general'] })
  })

  it('draws days in the brand zone: 25 hours on the autumn change, 23 in spring, and empty days too', async () => {
    const brandId = await insertBrand('Europe/Tallinn')
    // One mention every UTC hour from Tallinn's 26 October 00:00 to its 29 October 00:00.
    await db.sql`
      insert into trend_hour (brand_id, hour, platform, language, category, mentions, complaints, negative, sentiment_sum, sentiment_squares)
      select ${brandId}, h, 'x', 'en', 'general', 1, 0, 0, 0.5, 0.25
        from generate_series(${tallinn('2024-10-26T00:00')}::timestamptz, ${tallinn('2024-10-29T00:00')}::timestamptz - interval '1 hour', interval '1 hour') h`
    await db.sql`
      insert into trend_hour (brand_id, hour, platform, language, category, mentions, complaints, negative, sentiment_sum, sentiment_squares)
      select ${brandId}, h, 'x', 'en', 'general', 1, 1, 1, -0.5, 0.25
        from generate_series(${tallinn('2024-03-30T00:00')}::timestamptz, ${tallinn('2024-04-01T00:00')}::timestamptz - interval '1 hour', interval '1 hour') h`

    // Asked from the middle of a day, the period starts at that day's local midnight.
    const autumn = await report(brandId, tallinn('2024-10-26T15:00'), tallinn('2024-10-31T00:00'), 'day')
    expect(autumn.from).toEqual(tallinn('2024-10-26T00:00'))
    expect(autumn.series.map((p) => [p.t.toISOString(), p.mentions])).toEqual([
      ['2024-10-25T21:00:00.000Z', 24],
      ['2024-10-26T21:00:00.000Z', 25],
      ['2024-10-27T22:00:00.000Z', 24],
      ['2024-10-28T22:00:00.000Z', 0],
      ['2024-10-29T22:00:00.000Z', 0],
    ])
    expect(autumn.totals.mentions).toBe(73)

    const spring = await report(brandId, tallinn('2024-03-30T00:00'), tallinn('2024-04-01T00:00'), 'day')
    expect(spring.series.map((p) => [p.t.toISOString(), p.mentions, p.complaints])).toEqual([
      ['2024-03-29T22:00:00.000Z', 24, 24],
      ['2024-03-30T22:00:00.000Z', 23, 23],
    ])
    expect(spring.totals).toMatchObject({ sentiment_mean: -0.5, sentiment_sd: 0 })
  })

  it('narrows by platform, language and category, and offers every value of the period whatever is chosen', async () => {
    const brandId = await insertBrand()
    const hour = new Date('2024-06-01T09:00Z')
    await insertHour(brandId, hour, { platform: 'x', language: 'en', category: 'outage', sentiments: [-0.9, -0.7], complaints: 2 })
    await insertHour(brandId, hour, { platform: 'x', language: 'et', category: 'general', sentiments: [0.2] })
    await insertHour(brandId, hour, { platform: 'bluesky', language: 'en', category: 'outage', sentiments: [-0.5], complaints: 1 })
    await insertHour(brandId, hour, { platform: 'bluesky', language: 'other', category: 'money', sentiments: [-0.1, 0.1, 0.3], complaints: 1 })
    await insertReason(brandId, hour, 'outage', 2, { platform: 'x', language: 'en', category: 'outage' })
    await insertReason(brandId, hour, 'outage', 1, { platform: 'bluesky', language: 'en', category: 'outage' })
    await insertReason(brandId, hour, 'money', 1, { platform: 'bluesky', language: 'other', category: 'money' })

    const from = new Date('2024-06-01T00:00Z')
    const to = new Date('2024-06-02T00:00Z')
    const totals = async (f: Partial<TrendFilters>) => (await report(brandId, from, to, 'hour', f)).totals.mentions
    expect(await totals({})).toBe(7)
    expect(await totals({ platform: 'x' })).toBe(3)
    expect(await totals({ language: 'en' })).toBe(3)
    expect(await totals({ language: 'other' })).toBe(3)
    expect(await totals({ category: 'outage' })).toBe(3)
    expect(await totals({ platform: 'bluesky', language: 'en', category: 'outage' })).toBe(1)
    expect(await totals({ platform: 'mastodon' })).toBe(0)

    const outage = await report(brandId, from, to, 'hour', { platform: 'bluesky' })
    expect(outage.reasons).toEqual([{ signal: 'money', mentions: 1 }, { signal: 'outage', mentions: 1 }])
    expect(outage.options).toEqual({ platforms: ['bluesky', 'x'], languages: ['en', 'et', 'other'], categories: ['general', 'money', 'outage'] })
  })
})

describe('reasons', () => {
  it('are the ten signals seen most often over the period, ties by name', async () => {
    const brandId = await insertBrand()
    const signals = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].map((l) => `signal_${l}`)
    for (const [i, signal] of signals.entries()) {
      await insertReason(brandId, new Date('2024-06-01T09:00Z'), signal, 1 + (i % 6))
      await insertReason(brandId, new Date('2024-06-01T10:00Z'), signal, 1)
    }
    // Outside the period: would put signal_a first.
    await insertReason(brandId, new Date('2024-06-03T09:00Z'), 'signal_a', 100)
    const { reasons } = await report(brandId, new Date('2024-06-01T00:00Z'), new Date('2024-06-02T00:00Z'), 'day')
    expect(reasons.map((r) => `${r.signal}:${r.mentions}`)).toEqual([
      'signal_f:7', 'signal_l:7', 'signal_e:6', 'signal_k:6', 'signal_d:5', 'signal_j:5', 'signal_c:4', 'signal_i:4', 'signal_b:3', 'signal_h:3',
    ])
  })
})

describe('terms', () => {
  const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  const before = (days: number) => isoDay(Date.parse('2024-09-01T00:00Z') - days * dayMs)
  const september = (brandId: string, f: Partial<TrendFilters> = {}): ChartScope => ({
    brand: { id: brandId, name: '', time_zone: 'UTC', slug: '' },
    from: new Date('2024-09-01T00:00Z'), to: new Date('2024-09-08T00:00Z'), bucket: 'day', filters: filters(f), days: '',
  })

  it('rank the period complaints by TF-IDF against the 90 days before', async () => {
    const brandId = await insertBrand()
    for (let d = 1; d <= 100; d++) {
      await insertTermDay(brandId, before(d), 'internet', 1)
      if (d % 2 === 0 && d <= 90) await insertTermDay(brandId, before(d), 'router', 2)
    }
    await insertTermDay(brandId, '2024-09-02', 'internet', 10)
    await insertTermDay(brandId, '2024-09-02', 'router', 5)
    await insertTermDay(brandId, '2024-09-03', 'router', 3)
    await insertTermDay(brandId, '2024-09-03', 'outage', 6)
    await insertTermDay(brandId, '2024-09-03', 'störung', 9, 'de')
    // After the period.
    await insertTermDay(brandId, '2024-09-08', 'outage', 50)

    const terms = await trendTerms(db.sql, september(brandId))
    // 90 days of history; internet every day (idf 1), router on 45, outage and störung never.
    const idf = (df: number) => Math.log(91 / (1 + df)) + 1
    expect(terms.map((t) => t.term)).toEqual(['störung', 'outage', 'router', 'internet'])
    expect(terms.find((t) => t.term === 'outage')).toMatchObject({ complaints: 6, language: 'en' })
    expect(terms.find((t) => t.term === 'outage')!.score).toBeCloseTo(6 * idf(0), 3)
    expect(terms.find((t) => t.term === 'router')!.score).toBeCloseTo(8 * idf(45), 3)
    expect(terms.find((t) => t.term === 'internet')!.score).toBeCloseTo(10, 3)

    // Kept per language only: the language narrows them, platform and category do not.
    expect((await trendTerms(db.sql, september(brandId, { language: 'de' }))).map((t) => t.term)).toEqual(['störung'])
    expect((await trendTerms(db.sql, september(brandId, { platform: 'mastodon', category: 'money' }))).map((t) => t.term))
      .toEqual(['störung', 'outage', 'router', 'internet'])
  })

  it('score a brand without history by counts alone', async () => {
    const brandId = await insertBrand()
    await insertTermDay(brandId, '2024-09-02', 'slow', 4)
    await insertTermDay(brandId, '2024-09-02', 'billing', 7)
    const terms = await trendTerms(db.sql, september(brandId))
    expect(terms).toEqual([
      { term: 'billing', language: 'en', complaints: 7, score: 7 },
      { term: 'slow', language: 'en', complaints: 4, score: 4 },
    ])
  })

  /** Every term of the brand scored straight from the definition, for comparison. */
  function scoredByHand(rows: [day: string, term: string, complaints: number][]) {
    const [first, end] = ['2024-09-01', '2024-09-08']
    const since = before(90)
    const earlier = rows.map(([day]) => day).filter((day) => day < first).sort()
    const start = earlier.length === 0 ? first : earlier[0]! > since ? earlier[0]! : since
    const n = (Date.parse(first) - Date.parse(start)) / dayMs
    const tf = new Map<string, number>()
    const df = new Map<string, number>()
    for (const [day, term, complaints] of rows) {
      if (day >= first && day < end) tf.set(term, (tf.get(term) ?? 0) + complaints)
      if (day >= since && day < first) df.set(term, (df.get(term) ?? 0) + 1)
    }
    return [...tf]
      .map(([term, count]) => ({ term, score: Math.round(count * (Math.log((1 + n) / (1 + (df.get(term) ?? 0))) + 1) * 10_000) / 10_000 }))
      .sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
      .slice(0, 20)
  }

  async function insertTerms(brandId: string, rows: [string, string, number][]) {
    await db.sql`
      insert into trend_term_day ${db.sql(rows.map(([day, term, complaints]) => ({ brand_id: brandId, day, language: 'en', term, complaints })))}`
  }

  function random(seed: number) {
    return () => ((seed = (seed * 48271) % 2147483647) / 2147483647)
  }

  it('are the top 20 of scoring every term, when counts are too small for the busy days to settle it', async () => {
    const brandId = await insertBrand()
    // 60 terms of assorted counts and histories, on one day; rare ones could win by being new.
    const next = random(7)
    const rows: [string, string, number][] = [[before(90), 'filler', 1]]
    for (let i = 0; i < 60; i++) {
      rows.push(['2024-09-04', `term${String(i).padStart(2, '0')}`, 1 + Math.floor(next() * 40)])
      const days = i % 3 === 0 ? 0 : Math.floor(next() * 91)
      for (let d = 1; d <= days; d++) rows.push([before(d), `term${String(i).padStart(2, '0')}`, 1])
    }
    await insertTerms(brandId, rows)
    const terms = await trendTerms(db.sql, september(brandId))
    expect(terms.map((t) => ({ term: t.term, score: t.score }))).toEqual(scoredByHand(rows))
    // Counts this small leave room for a term seen once a day to win: the busy days settle nothing.
    expect(await busyDayCandidates(db.sql, september(brandId))).toBeNull()
  })

  it('are the top 20 of scoring every term, when read mostly from the busy days', async () => {
    const brandId = await insertBrand()
    const next = random(11)
    const rows: [string, string, number][] = [[before(90), 'filler', 1]]
    const days = ['2024-09-01', '2024-09-02', '2024-09-03', '2024-09-04', '2024-09-05', '2024-09-06', '2024-09-07']
    const history = (term: string, odds: number) => {
      for (let d = 1; d <= 90; d++) if (next() < odds) rows.push([before(d), term, 1 + Math.floor(next() * 3)])
    }
    // Busy terms, common or new; terms seen once a day, some every day and new (score 7 · I);
    // middling ones with one busy day among single complaints, a few of which, being new, win.
    for (let i = 0; i < 40; i++) {
      const term = `busy${String(i).padStart(2, '0')}`
      for (const day of days) if (next() < 0.8) rows.push([day, term, 2 + Math.floor(next() * 20)])
      history(term, i % 4 === 0 ? 0 : next())
    }
    for (let i = 0; i < 200; i++) {
      const term = `once${String(i).padStart(3, '0')}`
      for (const day of days) if (i < 20 || next() < 0.5) rows.push([day, term, 1])
      history(term, i < 20 ? 0 : next() * 0.5)
    }
    for (let i = 0; i < 60; i++) {
      const term = `some${String(i).padStart(2, '0')}`
      days.forEach((day, d) => rows.push([day, term, d === i % 7 ? 2 + Math.floor(next() * 50) : 1]))
      history(term, i % 3 === 0 ? 0 : next() * 0.3)
    }
    await insertTerms(brandId, rows)
    const expected = scoredByHand(rows)
    const scope = september(brandId)
    const busy = await busyDayCandidates(db.sql, scope)
    const all = await allDayCandidates(db.sql, scope)
    // The busy days settle it here, and lose none of the top.
    expect(busy).not.toBeNull()
    const top = async (candidates: typeof all) => (await scoreTerms(db.sql, scope, candidates)).map((t) => ({ term: t.term, score: t.score }))
    expect(await top(busy!)).toEqual(expected)
    expect(await top(all)).toEqual(expected)
    expect((await trendTerms(db.sql, scope)).map((t) => ({ term: t.term, score: t.score }))).toEqual(expected)
  })
})

describe('response times and SLA', () => {
  let serial = 0
  async function insertCase(brandId: string, opened: Date, figures: { first: number | null; resolution: number | null; met: boolean | null; category?: string; platform?: string }) {
    const { customerId } = await insertIdentity(db.sql, `frt-${++serial}`)
    const [kase] = await db.sql<{ id: string }[]>`
      insert into care_case (brand_id, customer_id, status, opened_at) values (${brandId}, ${customerId}, 'open', ${opened}) returning id`
    await db.sql`
      insert into trend_case (case_id, brand_id, opened_hour, platform, language, category, first_response_minutes, resolution_minutes, sla_met)
      values (${kase!.id}, ${brandId}, date_trunc('hour', ${opened}::timestamptz, 'UTC'), ${figures.platform ?? 'x'}, 'en',
              ${figures.category ?? 'general'}, ${figures.first}, ${figures.resolution}, ${figures.met})`
    return kase!.id
  }

  it('gives the median and p90 of business minutes and the share of kept clocks, of the cases opened in the period', async () => {
    const brandId = await insertBrand()
    const opened = new Date('2024-07-10T09:20Z')
    const met = [true, true, true, false, true, null, true, false, true, null]
    for (let i = 0; i < 10; i++) {
      await insertCase(brandId, opened, { first: 10 * (i + 1), resolution: i < 4 ? 100 * (i + 1) : null, met: met[i]!, category: i < 5 ? 'outage' : 'money' })
    }
    // Opened before the period: counted nowhere.
    await insertCase(brandId, new Date('2024-07-01T09:00Z'), { first: 10_000, resolution: 10_000, met: false })

    // Read off 5% bins, within 2.5% of percentile_cont's here: the median of 10..100 is 55, its
    // p90 90 + 0.1 · 10; of 100..400, 250 and 370.
    const near = (exact: number) => ({ asymmetricMatch: (value: unknown) => typeof value === 'number' && Math.abs(value - exact) <= 0.025 * exact })
    const expected = {
      cases: 10,
      first_response: { median_minutes: near(55), p90_minutes: near(91) },
      resolution: { median_minutes: near(250), p90_minutes: near(370) },
      sla: { met: 6, breached: 2, attainment: 0.75 },
    }
    // Whole days unfiltered add up trend_case_day; hours bin the cases on the way: the same figures.
    const days = await report(brandId, new Date('2024-07-10T00:00Z'), new Date('2024-07-11T00:00Z'), 'day')
    expect(days.response).toEqual(expected)
    const hours = await report(brandId, days.from, days.to, 'hour')
    expect(hours.response).toEqual(days.response)
    const outage = await report(brandId, new Date('2024-07-10T00:00Z'), new Date('2024-07-11T00:00Z'), 'day', { category: 'outage' })
    expect(outage.response).toMatchObject({ cases: 5, first_response: { median_minutes: near(30) }, sla: { met: 4, breached: 1, attainment: 0.8 } })
  })

  it('count a response in no business time as none at all', async () => {
    const brandId = await insertBrand()
    for (const first of [0, 0, 0, 12]) await insertCase(brandId, new Date('2024-07-13T09:20Z'), { first, resolution: null, met: null })
    const r = await report(brandId, new Date('2024-07-13T00:00Z'), new Date('2024-07-14T00:00Z'), 'day')
    // p90: rank 0.9 · 3 = 2.7, so 0.7 of the way from 0 to 12.
    expect(r.response.first_response).toEqual({ median_minutes: 0, p90_minutes: expect.closeTo(8.4, 0) })
  })

  it('are empty, not zero, without cases', async () => {
    const brandId = await insertBrand()
    const r = await report(brandId, new Date('2024-07-10T00:00Z'), new Date('2024-07-11T00:00Z'), 'day')
    expect(r.response).toEqual({
      cases: 0,
      first_response: { median_minutes: null, p90_minutes: null },
      resolution: { median_minutes: null, p90_minutes: null },
      sla: { met: 0, breached: 0, attainment: null },
    })
  })

  it('come with the satisfaction of the brand over the same period', async () => {
    const brandId = await insertBrand()
    const other = await insertBrand()
    const caseIn = await insertCase(brandId, new Date('2024-07-10T09:00Z'), { first: 5, resolution: 50, met: true })
    const caseOther = await insertCase(other, new Date('2024-07-10T09:00Z'), { first: 5, resolution: 50, met: true })
    for (const [caseId, score, askedAt] of [[caseIn, 5, '2024-07-10T12:00Z'], [caseIn, 2, '2024-07-10T13:00Z'], [caseOther, 1, '2024-07-10T12:00Z'], [caseIn, 1, '2024-07-12T12:00Z']] as const) {
      await db.sql`
        insert into satisfaction (case_id, token_hash, channel, language, category, asked_at, expires_at, score, answered_at, answered_via)
        values (${caseId}, ${randomBytes(32).toString('hex')}, 'public', 'en', 'general', ${askedAt}, ${askedAt}::timestamptz + interval '7 days',
                ${score}, ${askedAt}, 'page')`
    }
    const r = await report(brandId, tallinn('2024-07-10T00:00'), tallinn('2024-07-11T00:00'), 'day')
    expect(r.satisfaction.overall).toMatchObject({ asked: 2, answered: 2, csat: 50, scores: [0, 1, 0, 0, 1] })
    expect(r.satisfaction.from).toEqual(r.from)
    // Whole days add up trend_satisfaction_day; hours read the asks: the same report.
    const byHour = await report(brandId, r.from, r.to, 'hour')
    expect(byHour.satisfaction).toEqual(r.satisfaction)
    // A period of whole days and a piece of one at each end: the days from the rollup, the pieces
    // from the asks, together what the asks alone give.
    const ragged = await report(brandId, tallinn('2024-07-09T13:00'), tallinn('2024-07-12T15:30'), 'hour')
    expect(ragged.satisfaction).toEqual(await satisfactionReport(db.sql, { brandId, from: ragged.from, to: ragged.to }))
    expect(ragged.satisfaction.overall).toMatchObject({ asked: 3, answered: 3, scores: [1, 1, 0, 0, 1] })
  })
})

describe('the mentions behind a point', () => {
  let brandId: string
  let identityId: string
  let caseId: string
  let serial = 0

  async function insertMention(postedAt: Date, m: { platform?: string; language?: string | null; complaint?: boolean; reasons?: { signal: string; points: number }[]; classified?: boolean; kind?: string } = {}) {
    const classified = m.classified ?? true
    const [row] = await db.sql<{ id: string }[]>`
      insert into mention (platform, external_id, brand_id, identity_id, case_id, text, posted_at, raw, language, kind, sentiment, sentiment_label,
                           complaint_probability, complaint, priority, urgency_score, urgency_reasons, model_version, classified_at)
      values (${m.platform ?? 'x'}, ${`drill-${++serial}`}, ${brandId}, ${identityId}, ${caseId}, ${`mention ${serial}`}, ${postedAt}, '{}',
              ${m.language === undefined ? 'en' : m.language}, ${classified ? m.kind ?? 'customer' : null}, ${classified ? -0.4 : null}, ${classified ? 'negative' : null},
              ${classified ? 0.8 : null}, ${classified ? m.complaint ?? true : null}, ${classified ? 3 : null}, ${classified ? 20 : null},
              ${JSON.stringify((m.reasons ?? []).map((r) => ({ ...r, reason: r.signal })))}::text::jsonb,
              ${classified ? 'test' : null}, ${classified ? postedAt : null})
      returning id`
    return row!.id
  }

  const query = (f: Partial<TrendFilters> = {}, extra: Partial<MentionQuery> = {}): MentionQuery => ({
    brandId, from: new Date('2024-08-01T10:00Z'), to: new Date('2024-08-01T11:00Z'), filters: filters(f), ...extra,
  })
  const ids = async (q: MentionQuery) => (await trendMentions(db.sql, { ...q, limit: 100 })).mentions.map((m) => m.id)

  beforeAll(async () => {
    brandId = await insertBrand()
    const identity = await insertIdentity(db.sql, 'drill-customer')
    identityId = identity.identityId
    const [kase] = await db.sql<{ id: string }[]>`insert into care_case (brand_id, customer_id) values (${brandId}, ${identity.customerId}) returning id`
    caseId = kase!.id
  })

  it('lists the classified mentions posted in the bucket, newest first, paged without repeats', async () => {
    const at = (minute: number) => new Date(Date.parse('2024-08-01T10:00Z') + minute * 60_000)
    const made = [
      await insertMention(at(5)), await insertMention(at(30)), await insertMention(at(30)), await insertMention(at(30)),
      await insertMention(at(45)), await insertMention(at(59)), await insertMention(at(0)),
    ]
    await insertMention(at(60))
    await insertMention(at(-1))
    await insertMention(at(20), { classified: false })
    // Counted nowhere in the trends, so listed under no point either.
    await insertMention(at(21), { kind: 'spam' })
    await insertMention(at(22), { kind: 'own_post' })

    const seen: string[] = []
    let before: string | undefined
    const pages: number[] = []
    for (;;) {
      const page = await trendMentions(db.sql, { ...query(), limit: 3, before })
      pages.push(page.mentions.length)
      seen.push(...page.mentions.map((m) => m.id))
      if (page.next === null) break
      before = page.next
    }
    expect(pages).toEqual([3, 3, 1])
    // Same time: the larger id (the later insert) first.
    expect(seen).toEqual([made[5], made[4], made[3], made[2], made[1], made[0], made[6]])

    const [first] = (await trendMentions(db.sql, { ...query(), limit: 1 })).mentions
    expect(first).toMatchObject({ id: made[5], case_id: caseId, platform: 'x', author_handle: 'drill-customer', language: 'en', sentiment: -0.4, complaint: true })
    expect(first!.posted_at).toEqual(at(59))
  })

  it('narrows the way the rollups count: category from the most topical points, language other for none', async () => {
    const from = new Date('2024-08-02T10:00Z')
    const at = (minute: number) => new Date(from.getTime() + minute * 60_000)
    const outage = await insertMention(at(1), { reasons: [{ signal: 'outage', points: 30 }, { signal: 'money', points: 20 }, { signal: 'reach', points: 50 }] })
    const money = await insertMention(at(2), { reasons: [{ signal: 'outage', points: 10 }, { signal: 'money', points: 20 }], platform: 'mastodon' })
    const general = await insertMention(at(3), { reasons: [{ signal: 'negative_sentiment', points: 10 }], language: null, complaint: false })
    const q = (f: Partial<TrendFilters>, extra: Partial<MentionQuery> = {}) => query(f, { from, to: at(60), ...extra })

    expect(await ids(q({ category: 'outage' }))).toEqual([outage])
    expect(await ids(q({ category: 'money' }))).toEqual([money])
    expect(await ids(q({ category: 'general' }))).toEqual([general])
    expect(await ids(q({ language: 'other' }))).toEqual([general])
    expect(await ids(q({ language: 'en' }))).toEqual([money, outage])
    expect(await ids(q({ platform: 'mastodon' }))).toEqual([money])
    expect(await ids(q({}, { complaint: false }))).toEqual([general])
    expect(await ids(q({}, { signal: 'outage' }))).toEqual([money, outage])
    expect(await ids(q({ platform: 'x' }, { signal: 'outage' }))).toEqual([outage])

    const categories = await db.sql<{ id: string; category: string }[]>`
      select m.id::text as id, ${mentionCategorySql(db.sql, 'm')} as category from mention m where m.id in ${db.sql([outage, money, general])} order by m.id`
    expect(categories.map((c) => c.category)).toEqual(['outage', 'money', 'general'])
  })
})
