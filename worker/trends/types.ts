// The shapes of the trends API, shared by the server that builds them and the web app that draws
// them. Times are ISO strings on the wire (Date on the server side, see web/api-types.ts Json<>).
import type { SatisfactionReport } from '../satisfaction/stats'

export const trendBuckets = ['hour', 'day'] as const
export type TrendBucket = (typeof trendBuckets)[number]

export interface TrendFilters {
  platform: string | null
  language: string | null
  category: string | null
}

/** One point of the time series: a bucket (an hour, or a day in the brand's time zone). */
export interface TrendPoint {
  /** The bucket's start. */
  t: Date
  mentions: number
  complaints: number
  /** complaints / mentions, 0..1; null when there were no mentions. */
  complaint_share: number | null
  /** Mean sentiment in [-1, 1] and its standard deviation; null when there were no mentions. */
  sentiment_mean: number | null
  sentiment_sd: number | null
  negative: number
}

export interface TrendTotals {
  mentions: number
  complaints: number
  complaint_share: number | null
  sentiment_mean: number | null
  sentiment_sd: number | null
}

export interface TrendReason {
  signal: string
  mentions: number
}

export interface TrendTerm {
  term: string
  language: string
  complaints: number
  /** TF-IDF over the period against the brand's preceding 90 days. */
  score: number
}

export interface DurationFigures {
  /** Business minutes; null when no case in the period has one. */
  median_minutes: number | null
  p90_minutes: number | null
}

export interface ResponseFigures {
  cases: number
  first_response: DurationFigures
  resolution: DurationFigures
  sla: { met: number; breached: number; attainment: number | null }
}

export interface TrendsReport {
  brand: { id: string; name: string; time_zone: string }
  from: Date
  to: Date
  bucket: TrendBucket
  filters: TrendFilters
  /** Values the filters can take in this period. */
  options: { platforms: string[]; languages: string[]; categories: string[] }
  series: TrendPoint[]
  totals: TrendTotals
  reasons: TrendReason[]
  terms: TrendTerm[]
  response: ResponseFigures
  satisfaction: SatisfactionReport
}

/** A mention behind a point of a chart, for the drill-down list. */
export interface TrendMention {
  id: string
  case_id: string | null
  platform: string
  author_handle: string
  text: string
  url: string | null
  posted_at: Date
  language: string | null
  sentiment: number | null
  complaint: boolean | null
  urgency_reasons: { signal: string; points: number; reason: string }[]
}

export interface SpikeAlertView {
  id: string
  brand_id: string
  brand_name: string
  kind: 'volume' | 'reason' | 'term'
  /** The signal or term; '' for the brand's whole complaint volume. */
  key: string
  window_start: Date
  window_end: Date
  observed: number
  expected: number
  score: number
  terms: string[]
  samples: { id: string; case_id: string | null; platform: string; author_handle: string; text: string; posted_at: Date }[]
  detected_at: Date
  last_seen_at: Date
  ended_at: Date | null
}
