// What the Trends page shows is kept in its address (#/trends?period=24h&platform=x), so a view
// can be shared, bookmarked and gone back to. This module turns that address into the API's
// queries.
import { query } from '../api'
import type { TrendBucket, TrendChart, TrendsReport } from '../api-types'

export const periods = [
  { key: '24h', label: 'Last 24 h', hours: 24 },
  { key: '7d', label: '7 days', hours: 7 * 24 },
  { key: '30d', label: '30 days', hours: 30 * 24 },
  { key: '90d', label: '90 days', hours: 90 * 24 },
] as const

export type PeriodKey = (typeof periods)[number]['key']

export interface TrendsState {
  /** A brand id; empty for the server's default (the first brand). */
  brand: string
  period: PeriodKey
  platform: string
  language: string
  category: string
}

export const defaultPeriod: PeriodKey = '7d'

const isPeriod = (value: string | null): value is PeriodKey => periods.some((period) => period.key === value)

export function readState(params: URLSearchParams): TrendsState {
  const period = params.get('period')
  return {
    brand: params.get('brand') ?? '',
    period: isPeriod(period) ? period : defaultPeriod,
    platform: params.get('platform') ?? '',
    language: params.get('language') ?? '',
    category: params.get('category') ?? '',
  }
}

/** The page's address for `state`, without the '#'. */
export function trendsPath(state: Partial<TrendsState>): string {
  return `/trends${query({ ...state, period: state.period === defaultPeriod ? undefined : state.period })}`
}

/** The parameters of the address the page is showing. */
export function currentParams(): URLSearchParams {
  const hash = location.hash.replace(/^#/, '')
  const at = hash.indexOf('?')
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1))
}

/** Hourly points up to a week; longer periods in days, or the charts would be a blur of hours. */
export function bucketOf(period: PeriodKey): TrendBucket {
  const hours = periods.find((entry) => entry.key === period)?.hours ?? 0
  return hours <= 7 * 24 ? 'hour' : 'day'
}

export interface Range {
  from: string
  to: string
}

/**
 * The period ending at the end of the current hour. Whole hours, because the rollups are kept
 * per hour: a period that starts mid-hour would count its first hour only in part.
 */
export function rangeOf(period: PeriodKey, now = Date.now()): Range {
  const hour = 3_600_000
  const to = Math.ceil(now / hour) * hour
  const hours = periods.find((entry) => entry.key === period)?.hours ?? 24
  return { from: new Date(to - hours * hour).toISOString(), to: new Date(to).toISOString() }
}

const filters = (state: TrendsState) => ({ brand: state.brand, platform: state.platform, language: state.language, category: state.category })

export const reportUrl = (state: TrendsState, range: Range) =>
  `/api/trends${query({ ...filters(state), from: range.from, to: range.to, bucket: bucketOf(state.period) })}`

/** A chart's CSV. The brand is the report's own, so a default brand exports what is shown. */
export const exportUrl = (chart: TrendChart, report: TrendsReport, state: TrendsState) =>
  `/api/trends/export.csv${query({ chart, ...filters(state), brand: report.brand.id, from: report.from, to: report.to, bucket: report.bucket })}`

/** Which mentions a drill-down lists. */
export interface MentionFilter {
  from: string
  to: string
  complaintsOnly: boolean
  signal: string | null
}

// With the bucket, the server rounds the period out exactly as it did for the report, so the
// list holds the mentions the point counted.
const mentionQuery = (report: TrendsReport, state: TrendsState, pick: MentionFilter) => ({
  ...filters(state),
  brand: report.brand.id,
  from: pick.from,
  to: pick.to,
  bucket: report.bucket,
  complaint: pick.complaintsOnly ? 'true' : undefined,
  signal: pick.signal,
})

export const mentionsUrl = (report: TrendsReport, state: TrendsState, pick: MentionFilter, page: { limit: number; before: string | null }) =>
  `/api/trends/mentions${query({ ...mentionQuery(report, state, pick), ...page })}`

export const mentionsCsvUrl = (report: TrendsReport, state: TrendsState, pick: MentionFilter) =>
  `/api/trends/mentions.csv${query(mentionQuery(report, state, pick))}`

/** Where point `index` of the series ends: where the next one starts, or the period's end. */
export function bucketRange(report: TrendsReport, index: number): Range | null {
  const point = report.series[index]
  if (!point) return null
  return { from: point.t, to: report.series[index + 1]?.t ?? report.to }
}
