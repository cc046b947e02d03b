// The trends dashboard's figures. Charts read the rollups (trend_hour and trend_reason_hour for
// hour buckets, trend_day and trend_reason_day for days, trend_term_day, trend_case), a few
// thousand rows for a month however many mentions there were; only the drill-down and the
// mention export read mentions, a page or a cursor at a time.
//
// Filters: platform, language and category narrow everything that has that dimension: the
// series, totals, reasons and response figures. Terms are kept per language only, so platform
// and category leave them alone; satisfaction is per brand and period only.
// The filter values offered (options) are those of the period, whatever is filtered.
import type { Sql, Tx } from '../db/connect'
import { asksWhere, groupAsks, satisfactionFromRows, type SatisfactionReport } from '../satisfaction/stats'
import { mentionCategorySql } from './category'
import type { CsvValue } from './csv'
import { percentileOf, type Histogram } from './histogram'
import { trendMentionSql } from './rollup'
import type {
  ResponseFigures, TrendBucket, TrendFilters, TrendMention, TrendPoint, TrendReason, TrendsReport, TrendTerm, TrendTotals,
} from './types'

const hourMs = 3_600_000
const dayMs = 24 * hourMs

/** The longest period one request may cover, and the longest drawn in hours (some 745 points). */
export const maxPeriodDays = 400
export const maxHourBucketDays = 31

/** How many reasons and terms the dashboard shows. */
export const topReasons = 10
export const topTerms = 20

/** The idf's look-back: a term is new if it was rare over these days before the period. */
export const termHistoryDays = 90

export interface TrendBrand {
  id: string
  name: string
  time_zone: string
  slug: string
}

/** A brand and a period, rounded out to whole buckets when a bucket is given. */
export interface TrendScope {
  brand: TrendBrand
  from: Date
  to: Date
  bucket: TrendBucket | null
  filters: TrendFilters
  /** The period's first and last day in the brand's zone, for file names: 2024-10-01_2024-10-31. */
  days: string
}

export type ChartScope = TrendScope & { bucket: TrendBucket }

export interface TrendQuery {
  brandId: string
  from: Date
  to: Date
  bucket: TrendBucket
  filters: TrendFilters
}

export const noFilters: TrendFilters = { platform: null, language: null, category: null }

/** Why a period cannot be reported, naming the parameter to change; null when it can. */
export function periodProblem({ from, to, bucket }: { from: Date; to: Date; bucket: TrendBucket | null }):
  { parameter: 'from' | 'to' | 'bucket'; detail: string } | null {
  const days = (to.getTime() - from.getTime()) / dayMs
  if (!(days > 0)) return { parameter: 'to', detail: `to (${to.toISOString()}) must be after from (${from.toISOString()}).` }
  if (days > maxPeriodDays) {
    return { parameter: 'from', detail: `The period can be at most ${maxPeriodDays} days; from ${from.toISOString()} to ${to.toISOString()} is ${Math.ceil(days)}.` }
  }
  if (bucket === 'hour' && days > maxHourBucketDays) {
    return { parameter: 'bucket', detail: `Hour buckets cover at most ${maxHourBucketDays} days: ask for bucket=day, or a shorter period.` }
  }
  return null
}

/**
 * The brand (the given one, or the first when none is given) and the period. With a bucket the
 * period is rounded out to whole buckets, from down and to up: UTC hours (what trend_hour keeps),
 * or days in the brand's time zone; so the series adds up to the totals and each point's mentions
 * are exactly those posted in [t, next t). Null when there is no such brand.
 */
export async function trendScope(
  sql: Sql,
  { brandId, from, to, bucket, filters }: { brandId: string | null; from: Date; to: Date; bucket: TrendBucket | null; filters: TrendFilters },
): Promise<TrendScope | null> {
  // A microsecond before `to` is the last instant inside the period, so an aligned `to` stays put.
  const [row] = await sql<{ id: string; name: string; time_zone: string; slug: string; from: Date; to: Date; days: string }[]>`
    with b as (
      select b.id, b.name, b.time_zone, b.slug,
             ${bucket === 'day'
               ? sql`date_trunc('day', ${from}::timestamptz at time zone b.time_zone) at time zone b.time_zone`
               : bucket === 'hour' ? sql`date_trunc('hour', ${from}::timestamptz, 'UTC')` : sql`${from}::timestamptz`} as from,
             ${bucket === 'day'
               ? sql`(date_trunc('day', (${to}::timestamptz - interval '1 microsecond') at time zone b.time_zone) + interval '1 day') at time zone b.time_zone`
               : bucket === 'hour' ? sql`date_trunc('hour', ${to}::timestamptz - interval '1 microsecond', 'UTC') + interval '1 hour'` : sql`${to}::timestamptz`} as to
        from brand b
       where ${brandId === null ? sql`true` : sql`b.id = ${brandId}`}
       order by b.id
       limit 1
    )
    select id::text, name, time_zone, slug, "from", "to",
           to_char("from" at time zone time_zone, 'YYYY-MM-DD') || '_' ||
           to_char(("to" - interval '1 microsecond') at time zone time_zone, 'YYYY-MM-DD') as days
      from b`
  if (!row) return null
  const { from: start, to: end, days, ...brand } = row
  return { brand, from: start, to: end, bucket, filters, days }
}

/** The whole dashboard for a brand and period (rounded out to whole buckets). */
export async function trendsReport(sql: Sql, query: TrendQuery): Promise<TrendsReport> {
  const scope = await trendScope(sql, query)
  if (!scope) throw new Error(`There is no brand ${query.brandId}.`)
  return reportOf(sql, { ...scope, bucket: query.bucket })
}

export async function reportOf(sql: Sql, scope: ChartScope): Promise<TrendsReport> {
  const [series, options, reasons, terms, response, satisfaction] = await Promise.all([
    trendSeries(sql, scope),
    trendOptions(sql, scope),
    trendReasons(sql, scope),
    trendTerms(sql, scope),
    trendResponse(sql, scope),
    trendSatisfaction(sql, scope),
  ])
  const { id, name, time_zone } = scope.brand
  return {
    brand: { id, name, time_zone },
    from: scope.from,
    to: scope.to,
    bucket: scope.bucket,
    filters: scope.filters,
    options,
    series: series.points,
    totals: series.totals,
    reasons,
    terms,
    response,
    satisfaction,
  }
}

/** `column = value` for a filter that is set, `true` for one that is not. */
function filtered(sql: Sql | Tx, filters: TrendFilters, dimensions: readonly (keyof TrendFilters)[]) {
  const [first, ...rest] = dimensions.filter((dimension) => filters[dimension] !== null)
  if (!first) return sql`true`
  return rest.reduce((condition, dimension) => sql`${condition} and ${sql(dimension)} = ${filters[dimension]}`, sql`${sql(first)} = ${filters[first]}`)
}

const allDimensions = ['platform', 'language', 'category'] as const

export interface SentimentSums {
  mentions: number
  complaints: number
  negative: number
  sentiment_sum: number
  sentiment_squares: number
}

/**
 * Share, mean and (population) standard deviation from counts, sums and sums of squares: the
 * rollup keeps those because they add up across any buckets, where means and spreads do not.
 */
export function sentimentFigures(sums: SentimentSums): TrendTotals & { negative: number } {
  const { mentions, complaints, negative } = sums
  if (mentions === 0) return { mentions, complaints, negative, complaint_share: null, sentiment_mean: null, sentiment_sd: null }
  const mean = sums.sentiment_sum / mentions
  // E[x²] − E[x]² cancels: equal values leave a variance of ±1e-17 or so, not 0.
  const variance = Math.max(0, sums.sentiment_squares / mentions - mean * mean)
  return {
    mentions, complaints, negative, complaint_share: complaints / mentions,
    sentiment_mean: sixDigits(mean), sentiment_sd: sixDigits(Math.sqrt(variance)),
  }
}

// Sentiment is stored as a 4-byte real: digits past the sixth are noise, the cancellation's too.
const sixDigits = (x: number) => Math.round(x * 1e6) / 1e6 + 0

/**
 * Where a scope's rollup rows are: a period of whole days in the brand's zone reads the day
 * tables (a row per day and combination), an hour-bucketed one the hour tables. `period` is the
 * condition on the table's time column, `at` that column's bucket start.
 */
function rollupOf(sql: Sql | Tx, scope: TrendScope, kind: 'figures' | 'reasons') {
  const { brand, from, to } = scope
  if (scope.bucket === 'day') {
    const tz = brand.time_zone
    return {
      table: sql(kind === 'figures' ? 'trend_day' : 'trend_reason_day'),
      period: sql`brand_id = ${brand.id} and day >= (${from}::timestamptz at time zone ${tz})::date and day < (${to}::timestamptz at time zone ${tz})::date`,
      at: sql`day::timestamp at time zone ${tz}`,
    }
  }
  return {
    table: sql(kind === 'figures' ? 'trend_hour' : 'trend_reason_hour'),
    period: sql`brand_id = ${brand.id} and hour >= ${from} and hour < ${to}`,
    at: sql`hour`,
  }
}

/** One point per bucket of the period, empty buckets as zeros so a chart's axis has no gaps. */
export async function trendSeries(sql: Sql, scope: ChartScope): Promise<{ points: TrendPoint[]; totals: TrendTotals }> {
  const { brand, from, to, bucket } = scope
  const tz = brand.time_zone
  const rollup = rollupOf(sql, scope, 'figures')
  // Day buckets step through local dates, so a day of 23 or 25 hours (daylight saving) is one point.
  const axis = bucket === 'day'
    ? sql`select g at time zone ${tz} as t
            from generate_series(${from}::timestamptz at time zone ${tz}, ${to}::timestamptz at time zone ${tz} - interval '1 day', interval '1 day') g`
    : sql`select g as t from generate_series(${from}::timestamptz, ${to}::timestamptz - interval '1 hour', interval '1 hour') g`
  const rows = await sql<({ t: Date } & SentimentSums)[]>`
    with sums as (
      select ${rollup.at} as t, sum(mentions)::float8 as mentions, sum(complaints)::float8 as complaints, sum(negative)::float8 as negative,
             sum(sentiment_sum) as sentiment_sum, sum(sentiment_squares) as sentiment_squares
        from ${rollup.table}
       where ${rollup.period} and ${filtered(sql, scope.filters, allDimensions)}
       group by 1
    ),
    axis as (${axis})
    select a.t, coalesce(s.mentions, 0) as mentions, coalesce(s.complaints, 0) as complaints, coalesce(s.negative, 0) as negative,
           coalesce(s.sentiment_sum, 0) as sentiment_sum, coalesce(s.sentiment_squares, 0) as sentiment_squares
      from axis a left join sums s on s.t = a.t
     order by a.t`
  const total: SentimentSums = { mentions: 0, complaints: 0, negative: 0, sentiment_sum: 0, sentiment_squares: 0 }
  const points = rows.map((row) => {
    for (const key of Object.keys(total) as (keyof SentimentSums)[]) total[key] += row[key]
    return { t: row.t, ...sentimentFigures(row) }
  })
  const { negative: _, ...totals } = sentimentFigures(total)
  return { points, totals }
}

/** The platforms, languages and categories seen in the period, for the filter bar. */
export async function trendOptions(sql: Sql, scope: TrendScope): Promise<TrendsReport['options']> {
  const rollup = rollupOf(sql, scope, 'figures')
  // As JSON, not arrays: Hyperdrive connections do not load array types.
  // The few combinations first, in one pass over the rows; then each dimension's values from them.
  const [row] = await sql<TrendsReport['options'][]>`
    with seen as (
      select platform, language, category
        from ${rollup.table}
       where ${rollup.period}
       group by 1, 2, 3
    )
    select (select coalesce(json_agg(distinct platform order by platform), '[]') from seen) as platforms,
           (select coalesce(json_agg(distinct language order by language), '[]') from seen) as languages,
           (select coalesce(json_agg(distinct category order by category), '[]') from seen) as categories`
  return row!
}

/** The urgency signals seen most often. */
export async function trendReasons(sql: Sql, scope: TrendScope): Promise<TrendReason[]> {
  const rollup = rollupOf(sql, scope, 'reasons')
  return sql<TrendReason[]>`
    select signal, sum(mentions)::float8 as mentions
      from ${rollup.table}
     where ${rollup.period} and ${filtered(sql, scope.filters, allDimensions)}
     group by signal
     order by 2 desc, 1
     limit ${topReasons}`
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/**
 * The UTC days (trend_term_day's) standing for a period. Whole days in the brand's zone (day
 * buckets): those whose noon falls inside the period, so a day in any zone from UTC−12 to UTC+12
 * maps to exactly one UTC day. Hours (the last 24 hours, say) and a period too short to hold a
 * noon: every day they touch, so that today's complaints count from the first hour. [first, end),
 * as ISO dates.
 */
export function termDays(from: Date, to: Date, bucket: TrendBucket | null = 'day'): { first: string; end: string } {
  const noon = dayMs / 2
  let first = Math.ceil((from.getTime() - noon) / dayMs) * dayMs
  let end = Math.ceil((to.getTime() - noon) / dayMs) * dayMs
  if (bucket !== 'day' || first >= end) {
    first = Math.floor(from.getTime() / dayMs) * dayMs
    end = Math.ceil(to.getTime() / dayMs) * dayMs
  }
  return { first: isoDay(first), end: isoDay(end) }
}

/**
 * The terms of the period's complaints that stand out, by TF-IDF against the brand's recent past:
 *   tf  = complaints with the term in the period,
 *   idf = ln((1 + N) / (1 + df)) + 1, N the days of the preceding 90 the brand has term data for
 *         (fewer for a new brand), df the days of those the term was seen on,
 *   score = tf · idf.
 * A term seen every day scores its count (idf 1); a new one up to I = ln(1 + N) + 1 times that.
 * Filtered by language only: terms are not kept per platform or category.
 *
 * Since idf lies between 1 and I, a term whose tf · I is below a lower bound of the 20th score
 * cannot make the top 20: only the others are counted in full and have their history read.
 */
export async function trendTerms(sql: Sql, scope: TrendScope): Promise<TrendTerm[]> {
  // These plans hinge on how many rows the period and the candidates hold. A generic plan, which
  // a prepared statement switches to after five runs, guesses a handful and reads the period once
  // per candidate: over twenty times slower at a million mentions a year.
  return sql.begin(async (tx) => {
    await tx`set local plan_cache_mode = force_custom_plan`
    const candidates = (await busyDayCandidates(tx, scope)) ?? (await allDayCandidates(tx, scope))
    return scoreTerms(tx, scope, candidates)
  })
}

/** A term that may make the top: its tf counted in full. */
export interface TermCandidate {
  term: string
  language: string
  tf: number
}

/** The pieces the queries of terms share. */
function termQueryParts(sql: Sql | Tx, scope: TrendScope) {
  const { first, end } = termDays(scope.from, scope.to, scope.bucket)
  const brandId = scope.brand.id
  const language = filtered(sql, scope.filters, ['language'])
  return {
    first,
    brandId,
    /** The period's length in days, each a row per term at most. */
    days: (Date.parse(end) - Date.parse(first)) / dayMs,
    inPeriod: sql`brand_id = ${brandId} and day >= ${first}::date and day < ${end}::date and ${language}`,
    /** N, and I the largest idf. */
    history: sql`
      history as (
        select days, ln(1 + days) + 1 as most
          from (select (${first}::date - greatest(${first}::date - ${termHistoryDays}::int, coalesce(min(day), ${first}::date)))::float8 as days
                  from trend_term_day
                 where brand_id = ${brandId} and day < ${first}::date and ${language}) n
      )`,
  }
}

/**
 * The candidates read mostly from the rows of terms seen in more than one complaint a day. Most
 * of a period's rows are a term in a single complaint that day (four in five at a million
 * mentions a year); a term with no busier day has tf ≤ D, the period's days, so a score ≤ D · I.
 * Summing the busier rows per term gives a lower bound of each tf, and the 20th largest of those
 * a lower bound of the 20th score. If D · I is below it, no term without a busy day can make the
 * top 20, and of the rest only those whose tf could reach it (busy sum plus one for each other
 * day, times I) are counted in full. Null when that does not settle it: few complaints, or a
 * period long enough for a term seen once a day to matter.
 */
export async function busyDayCandidates(sql: Sql | Tx, scope: TrendScope): Promise<TermCandidate[] | null> {
  const { days, inPeriod, history } = termQueryParts(sql, scope)
  const candidates = await sql<TermCandidate[]>`
    with ${history},
    busy as (
      select term, language, sum(complaints)::float8 as tf, count(*)::float8 as days
        from trend_term_day
       where ${inPeriod} and complaints > 1
       group by term, language
    ),
    bound as (
      select count(*)::int as terms, coalesce(min(tf), 0) as tf from (select tf from busy order by tf desc limit ${topTerms}) top
    ),
    candidates as (
      select b.term, b.language
        from busy b, bound, history h
       where bound.terms = ${topTerms} and ${days} * h.most < bound.tf and (b.tf + ${days} - b.days) * h.most >= bound.tf
    )
    select term, language, sum(complaints)::float8 as tf
      from trend_term_day
     where ${inPeriod} and (term, language) in (select term, language from candidates)
     group by term, language`
  // Settled, at least the 20 busiest terms are candidates; none means it was not.
  return candidates.length > 0 ? candidates : null
}

/** The candidates from every term of the period: its 20th largest tf bounds the 20th score. */
export async function allDayCandidates(sql: Sql | Tx, scope: TrendScope): Promise<TermCandidate[]> {
  const { inPeriod, history } = termQueryParts(sql, scope)
  return sql<TermCandidate[]>`
    with ${history},
    period as (
      select term, language, sum(complaints)::float8 as tf
        from trend_term_day
       where ${inPeriod}
       group by term, language
    ),
    cutoff as (
      select coalesce(min(tf), 0) as tf from (select tf from period order by tf desc limit ${topTerms}) top
    )
    select p.term, p.language, p.tf from period p, cutoff c, history h where p.tf * h.most >= c.tf`
}

/**
 * Scores the candidates against their history and takes the top. They come as a JSON list,
 * whose estimated 100 rows are near enough the truth for the planner to look each term's
 * history up when an index allows it, and to read the 90 days once when none does.
 */
export async function scoreTerms(sql: Sql | Tx, scope: TrendScope, candidates: TermCandidate[]): Promise<TrendTerm[]> {
  if (candidates.length === 0) return []
  const { first, brandId, history } = termQueryParts(sql, scope)
  return sql<TrendTerm[]>`
    with ${history},
    counted as (
      select * from jsonb_to_recordset(${JSON.stringify(candidates)}::text::jsonb) as c(term text, language text, tf float8)
    ),
    seen as (
      select d.term, d.language, count(*)::float8 as days
        from trend_term_day d
       where d.brand_id = ${brandId} and d.day >= ${first}::date - ${termHistoryDays}::int and d.day < ${first}::date
         and (d.term, d.language) in (select term, language from counted)
       group by d.term, d.language
    ),
    scored as (
      select c.term, c.language, c.tf, round((c.tf * (ln((1 + h.days) / (1 + coalesce(s.days, 0))) + 1))::numeric, 4)::float8 as score
        from counted c
        cross join history h
        left join seen s on s.term = c.term and s.language = c.language
    )
    select term, language, tf as complaints, score
      from scored
     order by score desc, term, language
     limit ${topTerms}`
}

/**
 * First response and resolution (business minutes, median and p90) and SLA attainment of the
 * cases opened in the period: met / (met + breached), cases whose clocks still run unbroken not
 * counted either way. Percentiles come from histograms of 5% bins (histogram.ts): a period of
 * whole days without filters adds up trend_case_day's, a row a day; otherwise the period's cases
 * in trend_case are binned on the way.
 */
export async function trendResponse(sql: Sql, scope: TrendScope): Promise<ResponseFigures> {
  const unfiltered = allDimensions.every((dimension) => scope.filters[dimension] === null)
  // Histograms as JSON lists of [bin, cases]: Hyperdrive does not load array types.
  const [row] = unfiltered && scope.bucket === 'day' ? await responseFromDays(sql, scope) : await responseFromCases(sql, scope)
  const r = row!
  const figures = (histogram: Histogram) => ({ median_minutes: percentileOf(histogram, 0.5), p90_minutes: percentileOf(histogram, 0.9) })
  return {
    cases: r.cases,
    first_response: figures(r.first),
    resolution: figures(r.resolution),
    sla: { met: r.met, breached: r.breached, attainment: r.met + r.breached === 0 ? null : r.met / (r.met + r.breached) },
  }
}

interface ResponseSums {
  cases: number
  met: number
  breached: number
  first: [number, number][]
  resolution: [number, number][]
}

function responseFromDays(sql: Sql, scope: TrendScope) {
  const tz = scope.brand.time_zone
  return sql<ResponseSums[]>`
    with days as (
      select * from trend_case_day
       where brand_id = ${scope.brand.id}
         and day >= (${scope.from}::timestamptz at time zone ${tz})::date and day < (${scope.to}::timestamptz at time zone ${tz})::date
    )
    select coalesce(sum(cases), 0)::float8 as cases, coalesce(sum(sla_met), 0)::float8 as met, coalesce(sum(sla_breached), 0)::float8 as breached,
           (select coalesce(json_agg(json_build_array(bin, n)), '[]')
              from (select key::int as bin, sum(value::int)::float8 as n from days, jsonb_each_text(first_response_bins) group by 1) b) as first,
           (select coalesce(json_agg(json_build_array(bin, n)), '[]')
              from (select key::int as bin, sum(value::int)::float8 as n from days, jsonb_each_text(resolution_bins) group by 1) b) as resolution
      from days`
}

function responseFromCases(sql: Sql, scope: TrendScope) {
  return sql<ResponseSums[]>`
    with cases as (
      select first_response_minutes, resolution_minutes, sla_met
        from trend_case
       where brand_id = ${scope.brand.id} and opened_hour >= ${scope.from} and opened_hour < ${scope.to}
         and ${filtered(sql, scope.filters, allDimensions)}
    )
    select count(*)::float8 as cases, count(*) filter (where sla_met)::float8 as met, count(*) filter (where not sla_met)::float8 as breached,
           (select coalesce(json_agg(json_build_array(bin, n)), '[]')
              from (select trend_minutes_bin(first_response_minutes) as bin, count(*)::float8 as n
                      from cases where first_response_minutes is not null group by 1) b) as first,
           (select coalesce(json_agg(json_build_array(bin, n)), '[]')
              from (select trend_minutes_bin(resolution_minutes) as bin, count(*)::float8 as n
                      from cases where resolution_minutes is not null group by 1) b) as resolution
      from cases`
}

/**
 * Satisfaction asks made in the period, per agent, team and category: the whole days in the
 * brand's zone from trend_satisfaction_day, and only what lies outside them (the ends of an
 * hour-bucketed period) from the asks themselves.
 */
export async function trendSatisfaction(sql: Sql, scope: TrendScope): Promise<SatisfactionReport> {
  const { brand, from, to } = scope
  const tz = brand.time_zone
  // The first local midnight at or after `from`, and the last at or before `to`.
  const [days] = await sql<{ first: Date; end: Date }[]>`
    select first, greatest(first, "end") as "end"
      from (select (date_trunc('day', (${from}::timestamptz - interval '1 microsecond') at time zone ${tz}) + interval '1 day') at time zone ${tz} as first,
                   date_trunc('day', ${to}::timestamptz at time zone ${tz}) at time zone ${tz} as "end") d`
  const { first, end } = days!
  const rows = await groupAsks(sql, sql`
    select agent_id, team_id, category, asked, answered, score_1, score_2, score_3, score_4, score_5
      from trend_satisfaction_day
     where brand_id = ${brand.id} and day >= (${first}::timestamptz at time zone ${tz})::date and day < (${end}::timestamptz at time zone ${tz})::date
    union all
    ${asksWhere(sql, sql`
      c.brand_id = ${brand.id} and s.asked_at >= ${from} and s.asked_at < ${to} and not (s.asked_at >= ${first} and s.asked_at < ${end})`)}`)
  return satisfactionFromRows(rows, from, to)
}

// ---- the mentions behind the figures ----

export interface MentionQuery {
  brandId: string
  from: Date
  to: Date
  filters: TrendFilters
  /** Only complaints, or only the rest. */
  complaint?: boolean
  /** Only mentions with this urgency signal. */
  signal?: string
}

/**
 * The mentions the rollups count under a filter, for a mention aliased `m`: the rollup's own
 * choice of mentions (trendMentionSql) and category rule, posted in [from, to), language 'other'
 * when none was recognised; so a point's drill-down lists exactly the mentions it counts.
 */
function mentionsUnder(sql: Sql, query: MentionQuery) {
  const { platform, language, category } = query.filters
  return sql`
    m.brand_id = ${query.brandId} and ${trendMentionSql(sql, 'm')}
    and m.posted_at >= ${query.from} and m.posted_at < ${query.to}
    and ${platform === null ? sql`true` : sql`m.platform = ${platform}`}
    and ${language === null ? sql`true` : language === 'other' ? sql`m.language is null` : sql`m.language = ${language}`}
    and ${category === null ? sql`true` : sql`${mentionCategorySql(sql, 'm')} = ${category}`}
    and ${query.complaint === undefined ? sql`true` : sql`m.complaint = ${query.complaint}`}
    and ${query.signal === undefined ? sql`true` : sql`m.urgency_reasons @> ${JSON.stringify([{ signal: query.signal }])}::text::jsonb`}`
}

/**
 * A page of the mentions behind a point, newest first. `before` is the `next` of the page before:
 * a mention id, the page going on from (posted_at, id) below it, so mentions arriving meanwhile
 * neither repeat nor shift the pages.
 */
export async function trendMentions(
  sql: Sql,
  query: MentionQuery & { limit: number; before?: string },
): Promise<{ mentions: TrendMention[]; next: string | null }> {
  const rows = await sql<TrendMention[]>`
    select m.id::text as id, m.case_id::text as case_id, m.platform, i.handle as author_handle, m.text, m.url, m.posted_at,
           m.language, round(m.sentiment::numeric, 3)::float8 as sentiment, m.complaint, m.urgency_reasons
      from mention m
      join identity i on i.id = m.identity_id
     where ${mentionsUnder(sql, query)}
       and ${query.before === undefined ? sql`true` : sql`(m.posted_at, m.id) < (select b.posted_at, b.id from mention b where b.id = ${query.before})`}
     order by m.posted_at desc, m.id desc
     limit ${query.limit + 1}`
  const mentions = rows.slice(0, query.limit)
  return { mentions, next: rows.length > query.limit ? mentions.at(-1)!.id : null }
}

export const mentionCsvHeader = [
  'posted_at', 'mention_id', 'case_id', 'platform', 'author_handle', 'language', 'sentiment', 'complaint', 'category', 'signals', 'url', 'text',
] as const

/** Every mention under the filter as CSV rows, newest first, read through a cursor 1,000 at a time. */
export async function* trendMentionRows(sql: Sql, query: MentionQuery): AsyncGenerator<CsvValue[][]> {
  const cursor = sql<{
    posted_at: Date; id: string; case_id: string | null; platform: string; author_handle: string; language: string | null
    sentiment: number | null; complaint: boolean | null; category: string; signals: string | null; url: string | null; text: string
  }[]>`
    select m.posted_at, m.id::text as id, m.case_id::text as case_id, m.platform, i.handle as author_handle, m.language,
           round(m.sentiment::numeric, 3)::float8 as sentiment, m.complaint, ${mentionCategorySql(sql, 'm')} as category,
           (select string_agg(r->>'signal', ' ' order by r->>'signal') from jsonb_array_elements(m.urgency_reasons) r) as signals,
           m.url, m.text
      from mention m
      join identity i on i.id = m.identity_id
     where ${mentionsUnder(sql, query)}
     order by m.posted_at desc, m.id desc`.cursor(1000)
  for await (const rows of cursor) {
    yield rows.map((m) => [m.posted_at, m.id, m.case_id, m.platform, m.author_handle, m.language, m.sentiment, m.complaint, m.category, m.signals, m.url, m.text])
  }
}

// ---- the charts as CSV ----

export const trendCharts = ['series', 'reasons', 'terms', 'response', 'satisfaction'] as const
export type TrendChart = (typeof trendCharts)[number]

/** One chart's numbers as a header and rows, the same figures the report has. */
export async function chartTable(sql: Sql, scope: ChartScope, chart: TrendChart): Promise<{ header: string[]; rows: CsvValue[][] }> {
  switch (chart) {
    case 'series': {
      const { points } = await trendSeries(sql, scope)
      return {
        header: ['t', 'mentions', 'complaints', 'complaint_share', 'sentiment_mean', 'sentiment_sd', 'negative'],
        rows: points.map((p) => [p.t, p.mentions, p.complaints, p.complaint_share, p.sentiment_mean, p.sentiment_sd, p.negative]),
      }
    }
    case 'reasons':
      return { header: ['signal', 'mentions'], rows: (await trendReasons(sql, scope)).map((r) => [r.signal, r.mentions]) }
    case 'terms':
      return { header: ['term', 'language', 'complaints', 'score'], rows: (await trendTerms(sql, scope)).map((t) => [t.term, t.language, t.complaints, t.score]) }
    case 'response': {
      const r = await trendResponse(sql, scope)
      return {
        header: ['figure', 'value'],
        rows: [
          ['cases', r.cases],
          ['first_response_median_minutes', r.first_response.median_minutes],
          ['first_response_p90_minutes', r.first_response.p90_minutes],
          ['resolution_median_minutes', r.resolution.median_minutes],
          ['resolution_p90_minutes', r.resolution.p90_minutes],
          ['sla_met', r.sla.met],
          ['sla_breached', r.sla.breached],
          ['sla_attainment', r.sla.attainment],
        ],
      }
    }
    case 'satisfaction': {
      const s = await trendSatisfaction(sql, scope)
      const groups = [
        { dimension: 'overall', key: '', name: 'All', ...s.overall },
        ...s.agents.map((g) => ({ dimension: 'agent', ...g })),
        ...s.teams.map((g) => ({ dimension: 'team', ...g })),
        ...s.categories.map((g) => ({ dimension: 'category', ...g })),
      ]
      return {
        header: ['dimension', 'key', 'name', 'asked', 'answered', 'average', 'csat_percent', 'score_1', 'score_2', 'score_3', 'score_4', 'score_5'],
        rows: groups.map((g) => [g.dimension, g.key, g.name, g.asked, g.answered, g.average, g.csat, ...g.scores]),
      }
    }
  }
}
