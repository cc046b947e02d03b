// The trends API over HTTP: who may read it, what it answers bad input with, the drill-down's
// pages, and the CSV downloads (quoting, defused formulas, the same numbers as the JSON).
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import type { TrendMention, TrendsReport } from '../../worker/trends/types'
import { rollUpLocalDays } from '../../worker/trends/rollup'
import { trendRoutes } from '../../worker/trends/routes'
import { json } from '../support/demo-api'
import { useCareApi, type Person } from '../support/care-api'
import { insertIdentity, tallinn } from '../support/routing'

/** A server type as its JSON reads: Dates are ISO strings. */
type Json<T> = T extends Date ? string : T extends readonly unknown[] ? { [K in keyof T]: Json<T[K]> } : T extends object ? { [K in keyof T]: Json<T[K]> } : T

const care = useCareApi(trendRoutes, 'trendy')
const people: Record<'marketing' | 'executive' | 'admin' | 'agent', Person> = {} as never
let caseId: string
const mentionIds: string[] = []

// The first week of October 2024 in Tallinn (UTC+3).
const from = tallinn('2024-10-01T00:00').toISOString()
const to = tallinn('2024-10-08T00:00').toISOString()
const period = `from=${from}&to=${to}`

beforeAll(async () => {
  people.marketing = await care.marketer('mark@trendy.example')
  people.executive = await care.person({ email: 'exec@trendy.example', name: 'Exec', role: 'executive' })
  people.admin = await care.person({ email: 'admin@trendy.example', name: 'Admin', role: 'admin' })
  people.agent = await care.person({ email: 'agent@trendy.example', name: 'Agent' })
  const { sql } = care.db
  const brandId = care.brand.brandId
  const hour = (local: string) => tallinn(local)
  await sql`
    insert into trend_hour (brand_id, hour, platform, language, category, mentions, complaints, negative, sentiment_sum, sentiment_squares) values
      (${brandId}, ${hour('2024-10-02T09:00')}, 'x', 'en', 'outage', 4, 3, 3, -2.0, 1.5),
      (${brandId}, ${hour('2024-10-02T09:00')}, 'bluesky', 'et', 'general', 2, 0, 0, 0.6, 0.2),
      (${brandId}, ${hour('2024-10-05T18:00')}, 'x', 'en', 'money', 1, 1, 1, -0.8, 0.64)`
  await sql`
    insert into trend_reason_hour (brand_id, hour, platform, language, category, signal, mentions) values
      (${brandId}, ${hour('2024-10-02T09:00')}, 'x', 'en', 'outage', 'outage', 3),
      (${brandId}, ${hour('2024-10-05T18:00')}, 'x', 'en', 'money', 'money', 1)`
  // The days the rollup job sums from those hours.
  await rollUpLocalDays(sql, [hour('2024-10-02T09:00'), hour('2024-10-05T18:00')].map((at) => ({ brand_id: brandId, hour: at })))
  await sql`
    insert into trend_term_day (brand_id, day, language, term, complaints) values
      (${brandId}, '2024-10-02', 'en', 'router', 3), (${brandId}, '2024-10-05', 'en', '=1+2', 1)`
  caseId = await care.newCase()
  const { identityId } = await insertIdentity(sql, 'trendy-writer')
  const texts = [
    'Internet down since Monday',
    '=HYPERLINK("http://evil.example","refund")',
    'Line one\nline "two", with a comma',
    '@support where is my money',
    '+372 555 0100 call me back',
  ]
  for (const [i, text] of texts.entries()) {
    const [row] = await sql<{ id: string }[]>`
      insert into mention (platform, external_id, brand_id, identity_id, case_id, text, posted_at, raw, language, kind, sentiment, sentiment_label,
                           complaint_probability, complaint, priority, urgency_score, urgency_reasons, model_version, classified_at)
      values ('x', ${`trendy-${i}`}, ${brandId}, ${identityId}, ${caseId}, ${text}, ${tallinn(`2024-10-02T09:0${i}`)}, '{}', 'en', 'customer',
              -0.5, 'negative', 0.9, true, 3, 30, ${JSON.stringify(i === 3 ? [{ signal: 'money', points: 25, reason: 'money lost' }] : [{ signal: 'outage', points: 30, reason: 'down' }])}::text::jsonb,
              'test', now())
      returning id`
    mentionIds.push(row!.id)
  }
})

const get = (path: string, who: keyof typeof people | null = 'marketing') => care.api.call('GET', path, undefined, who ? people[who].cookie : undefined)

interface ProblemBody {
  status: number
  detail: string
  issues: { path: string; message: string }[]
}

async function badRequest(path: string): Promise<ProblemBody> {
  const response = await get(path)
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  return json<ProblemBody>(response, 400)
}

describe('who may', () => {
  const routes = ['/api/trends', '/api/trends/mentions', '/api/trends/export.csv?chart=series', '/api/trends/mentions.csv']
  it.each(routes)('%s: marketing, executives and admins; not agents, nor anyone logged out', async (route) => {
    for (const who of ['marketing', 'executive', 'admin'] as const) {
      const response = await get(route, who)
      await response.body?.cancel()
      expect(response.status, who).toBe(200)
    }
    expect((await get(route, 'agent')).status).toBe(403)
    expect((await get(route, null)).status).toBe(401)
  })
})

describe('GET /api/trends', () => {
  it('reports the brand, rounded to days in its zone, by default over the last 30 days', async () => {
    const before = Date.now()
    const report = await json<Json<TrendsReport>>(await get('/api/trends'), 200)
    expect(report.brand).toEqual({ id: care.brand.brandId, name: 'trendy', time_zone: 'Europe/Tallinn' })
    expect(report.bucket).toBe('day')
    expect(report.filters).toEqual({ platform: null, language: null, category: null })
    // Thirty days back rounded down to a local midnight, to the midnight after now: 31 days.
    expect(report.series).toHaveLength(31)
    expect(Date.parse(report.from)).toBeLessThanOrEqual(before - 30 * 86_400_000)
    expect(Date.parse(report.to)).toBeGreaterThan(before)
    expect(report.series[0]!.t).toBe(report.from)
  })

  it('answers the figures of the period as JSON', async () => {
    const report = await json<Json<TrendsReport>>(await get(`/api/trends?${period}`), 200)
    expect(report.from).toBe(from)
    expect(report.series.map((p) => p.mentions)).toEqual([0, 6, 0, 0, 1, 0, 0])
    expect(report.series[1]).toMatchObject({ t: tallinn('2024-10-02T00:00').toISOString(), complaints: 3, negative: 3, complaint_share: 0.5 })
    expect(report.totals).toMatchObject({ mentions: 7, complaints: 4 })
    expect(report.reasons).toEqual([{ signal: 'outage', mentions: 3 }, { signal: 'money', mentions: 1 }])
    expect(report.terms.map((t) => t.term)).toEqual(['router', '=1+2'])
    expect(report.options).toEqual({ platforms: ['bluesky', 'x'], languages: ['en', 'et'], categories: ['general', 'money', 'outage'] })
    expect(report.response.cases).toBe(0)
    expect(report.satisfaction.overall.asked).toBe(0)
  })

  it('filters, leaving empty parameters alone', async () => {
    const report = await json<Json<TrendsReport>>(await get(`/api/trends?${period}&platform=x&language=&category=outage&bucket=hour&brand=`), 200)
    expect(report.filters).toEqual({ platform: 'x', language: null, category: 'outage' })
    expect(report.series).toHaveLength(7 * 24)
    expect(report.totals).toMatchObject({ mentions: 4, complaints: 3 })
    expect(report.reasons).toEqual([{ signal: 'outage', mentions: 3 }])
  })

  it('answers bad input with a 400 naming the parameter', async () => {
    expect((await badRequest(`/api/trends?from=${to}&to=${from}`)).detail).toMatch(/^to: .*must be after from/)
    expect((await badRequest(`/api/trends?from=${to}&to=${to}`)).issues).toEqual([{ path: 'to', message: expect.stringMatching(/after/) }])
    expect((await badRequest('/api/trends?from=2023-01-01T00:00:00Z&to=2024-03-01T00:00:00Z')).detail).toMatch(/^from: The period can be at most 400 days/)
    expect((await badRequest('/api/trends?from=2024-01-01T00:00:00Z&to=2024-03-01T00:00:00Z&bucket=hour')).detail).toMatch(/^bucket: Hour buckets cover at most 31 days/)
    expect((await badRequest('/api/trends?bucket=week')).detail).toMatch(/^bucket: /)
    expect((await badRequest('/api/trends?from=yesterday')).detail).toMatch(/^from: /)
    expect((await badRequest('/api/trends?platform=myspace')).detail).toMatch(/^platform: /)
    expect((await badRequest('/api/trends?language=English')).detail).toMatch(/^language: /)
    expect((await badRequest('/api/trends?category=Outage!')).detail).toMatch(/^category: /)
    expect((await badRequest('/api/trends?brand=nordlink')).detail).toMatch(/^brand: /)
    expect((await badRequest('/api/trends?colour=red')).detail).toMatch(/colour/)
  })

  it('answers 404 for a brand that is not there', async () => {
    const problem = await json<{ detail: string }>(await get('/api/trends?brand=999999999'), 404)
    expect(problem.detail).toBe('There is no brand 999999999.')
  })
})

describe('GET /api/trends/mentions', () => {
  it('pages through the mentions behind a point, newest first, each with its case', async () => {
    const point = `from=${tallinn('2024-10-02T09:00').toISOString()}&to=${tallinn('2024-10-02T10:00').toISOString()}`
    const seen: Json<TrendMention>[] = []
    let next: string | null = null
    let pages = 0
    do {
      const page: { mentions: Json<TrendMention>[]; next: string | null } =
        await json(await get(`/api/trends/mentions?${point}&limit=2${next ? `&before=${next}` : ''}`), 200)
      seen.push(...page.mentions)
      next = page.next
      pages++
    } while (next !== null)
    expect(pages).toBe(3)
    expect(seen.map((m) => m.id)).toEqual([...mentionIds].reverse())
    expect(seen[0]).toMatchObject({ case_id: caseId, author_handle: 'trendy-writer', platform: 'x', complaint: true, posted_at: tallinn('2024-10-02T09:04').toISOString() })
  })

  it('narrows by category, signal and complaint, and rounds to the bucket when one is given', async () => {
    const day = `from=${tallinn('2024-10-02T12:00').toISOString()}&to=${tallinn('2024-10-02T13:00').toISOString()}`
    const ids = async (query: string) => (await json<{ mentions: Json<TrendMention>[] }>(await get(`/api/trends/mentions?${query}`), 200)).mentions.map((m) => m.id)
    expect(await ids(day)).toEqual([])
    expect(await ids(`${day}&bucket=day`)).toHaveLength(5)
    expect(await ids(`${day}&bucket=day&category=money`)).toEqual([mentionIds[3]])
    expect(await ids(`${day}&bucket=day&signal=outage&limit=1`)).toEqual([mentionIds[4]])
    expect(await ids(`${day}&bucket=day&complaint=false`)).toEqual([])
  })

  it('answers bad paging with a 400 naming the parameter', async () => {
    expect((await badRequest('/api/trends/mentions?limit=0')).detail).toMatch(/^limit: /)
    expect((await badRequest('/api/trends/mentions?limit=201')).detail).toMatch(/^limit: /)
    expect((await badRequest('/api/trends/mentions?before=abc')).detail).toMatch(/^before: /)
    expect((await badRequest('/api/trends/mentions?complaint=maybe')).detail).toMatch(/^complaint: /)
    expect((await badRequest('/api/trends/mentions?signal=DROP%20TABLE')).detail).toMatch(/^signal: /)
  })
})

describe('CSV', () => {
  async function csv(path: string, filename: string) {
    const response = await get(path)
    expect(response.status, await response.clone().text()).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${filename}"`)
    const body = await response.text()
    expect(body.endsWith('\r\n')).toBe(true)
    return parse(body) as string[][]
  }

  it('exports each chart with the numbers of the JSON report', async () => {
    const series = await csv(`/api/trends/export.csv?chart=series&${period}`, 'trendy-series-2024-10-01_2024-10-07.csv')
    expect(series[0]).toEqual(['t', 'mentions', 'complaints', 'complaint_share', 'sentiment_mean', 'sentiment_sd', 'negative'])
    expect(series.slice(1).map((row) => row[1])).toEqual(['0', '6', '0', '0', '1', '0', '0'])
    expect(series[2]!.slice(0, 4)).toEqual([tallinn('2024-10-02T00:00').toISOString(), '6', '3', '0.5'])
    expect(series[1]!.slice(3)).toEqual(['', '', '', '0'])

    const hours = await csv(`/api/trends/export.csv?chart=series&bucket=hour&${period}`, 'trendy-series-2024-10-01_2024-10-07.csv')
    expect(hours).toHaveLength(1 + 7 * 24)

    expect(await csv(`/api/trends/export.csv?chart=reasons&${period}`, 'trendy-reasons-2024-10-01_2024-10-07.csv'))
      .toEqual([['signal', 'mentions'], ['outage', '3'], ['money', '1']])
    // Terms are words customers wrote: a formula among them is defused.
    expect(await csv(`/api/trends/export.csv?chart=terms&${period}`, 'trendy-terms-2024-10-01_2024-10-07.csv'))
      .toEqual([['term', 'language', 'complaints', 'score'], ['router', 'en', '3', '3'], ["'=1+2", 'en', '1', '1']])
    const response = await csv(`/api/trends/export.csv?chart=response&${period}`, 'trendy-response-2024-10-01_2024-10-07.csv')
    expect(response[0]).toEqual(['figure', 'value'])
    expect(response).toContainEqual(['cases', '0'])
    expect(response).toContainEqual(['sla_attainment', ''])
    const satisfaction = await csv(`/api/trends/export.csv?chart=satisfaction&${period}`, 'trendy-satisfaction-2024-10-01_2024-10-07.csv')
    expect(satisfaction[1]!.slice(0, 5)).toEqual(['overall', '', 'All', '0', '0'])
  })

  it('exports the mentions under the filter, quoted, with formulas defused', async () => {
    const rows = await csv(`/api/trends/mentions.csv?${period}&platform=x`, 'trendy-mentions-2024-10-01_2024-10-07.csv')
    expect(rows[0]).toEqual(['posted_at', 'mention_id', 'case_id', 'platform', 'author_handle', 'language', 'sentiment', 'complaint', 'category', 'signals', 'url', 'text'])
    expect(rows.slice(1).map((row) => row[1])).toEqual([...mentionIds].reverse())
    expect(rows.slice(1).map((row) => row[11])).toEqual([
      "'+372 555 0100 call me back",
      "'@support where is my money",
      'Line one\nline "two", with a comma',
      `'=HYPERLINK("http://evil.example","refund")`,
      'Internet down since Monday',
    ])
    expect(rows[2]!.slice(2, 10)).toEqual([caseId, 'x', 'trendy-writer', 'en', '-0.5', 'true', 'money', 'money'])
    expect(await csv(`/api/trends/mentions.csv?${period}&platform=bluesky`, 'trendy-mentions-2024-10-01_2024-10-07.csv')).toHaveLength(1)
  })

  it('answers bad input before any of the file, as a problem', async () => {
    expect((await badRequest('/api/trends/export.csv?chart=pie')).detail).toMatch(/^chart: /)
    expect((await badRequest('/api/trends/export.csv')).detail).toMatch(/^chart: /)
    expect((await badRequest(`/api/trends/mentions.csv?from=${to}&to=${from}`)).detail).toMatch(/^to: /)
    expect((await badRequest('/api/trends/mentions.csv?limit=10')).detail).toMatch(/limit/)
  })
})
