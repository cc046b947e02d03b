// Keeps the trend rollups current. Triggers queue what changed (trend_dirty_hour for a brand's
// UTC hour of mentions, trend_dirty_case for a case); processing a queued item recomputes its
// rows from the source rows, so doing it twice, late or out of order changes nothing, and a
// rebuild is the same processing over everything.
//
// Safe in many processes at once: a runner takes queue rows with `skip locked` and, in the same
// transaction, replaces the rollup rows they stand for. A row queued again meanwhile waits for
// that transaction (its insert conflicts with the row being taken) and is taken afterwards. Work
// two runners can reach from different queue rows (a day's terms from two of its hours, a
// survivor case from itself and from a case merged into it) is serialized with transaction
// advisory locks, always taken in one global order so that runners cannot deadlock.
import type postgres from 'postgres'
import { z } from 'zod'
import { idArray, type Sql, type Tx } from '../db/connect'
import { loadStaffing } from '../cases/staffing'
import { businessMinutesBetween } from '../sla/calendar'
import { caseCategorySql, mentionCategorySql } from './category'
import { countTerms } from './terms'

export interface RollupCounts {
  /** Brand hours recomputed (trend_hour and trend_reason_hour). */
  hours: number
  /** Cases recomputed (trend_case), including survivors of merged cases. */
  cases: number
  /** Brand days whose terms were recomputed (trend_term_day). */
  days: number
}

export interface ProcessOptions {
  /** Queue rows per transaction, hours and cases each. */
  batchSize?: number
  /** Passed to the brand's staffing; business minutes do not depend on it. */
  now?: Date
}

const defaultBatchSize = 200

/**
 * Which mentions the trends count: classified ones from customers, not spam and not the brand's
 * own posts. `alias` names the mention row in the surrounding query. Everything that lists the
 * mentions behind a chart must use this, or the drill-down would disagree with the chart.
 */
export function trendMentionSql(sql: Sql | Tx, alias: string): postgres.Fragment {
  return sql`${sql(alias)}.classified_at is not null and ${sql(alias)}.kind = 'customer'`
}

/**
 * Takes one batch of queued hours (with the days they fall on) and one batch of queued cases,
 * each in a transaction of its own, and recomputes their rows. All zero when nothing was queued,
 * or when other runners hold everything that is.
 */
export async function processDirty(sql: Sql, { batchSize = defaultBatchSize, now = new Date() }: ProcessOptions = {}): Promise<RollupCounts> {
  const { hours, days } = await sql.begin((tx) => rollUpHours(tx, batchSize))
  const cases = await sql.begin((tx) => rollUpCases(tx, batchSize, now))
  return { hours, cases, days }
}

/** Processes batches until the queues are empty (or held by other runners) or `deadline` passes. */
export async function processAllDirty(sql: Sql, options: ProcessOptions & { deadline?: Date } = {}): Promise<RollupCounts> {
  const total: RollupCounts = { hours: 0, cases: 0, days: 0 }
  for (;;) {
    const batch = await processDirty(sql, options)
    total.hours += batch.hours
    total.cases += batch.cases
    total.days += batch.days
    if (batch.hours === 0 && batch.cases === 0) return total
    if (options.deadline !== undefined && Date.now() >= options.deadline.getTime()) return total
  }
}

export interface RebuildProgress {
  phase: 'hours' | 'cases'
  done: number
  /** What was queued when the rebuild began; arrivals meanwhile can push `done` past it. */
  total: number
}

export interface RebuildOptions extends ProcessOptions {
  onProgress?: (progress: RebuildProgress) => void
}

/**
 * Recomputes every rollup from scratch: empties them and queues every hour with classified
 * mentions and every case, in one transaction (so the queue always covers what is missing), then
 * processes the queue to the end. The dashboard shows partial figures until it is done.
 */
export async function rebuildTrends(sql: Sql, { onProgress = () => {}, batchSize = defaultBatchSize, now = new Date() }: RebuildOptions = {}): Promise<RollupCounts> {
  const totals = await sql.begin(async (tx) => {
    await tx`truncate trend_hour, trend_reason_hour, trend_term_day, trend_case`
    await tx`
      insert into trend_dirty_hour (brand_id, hour)
      select distinct brand_id, date_trunc('hour', posted_at, 'UTC') from mention where classified_at is not null
      on conflict do nothing`
    await tx`insert into trend_dirty_case (case_id) select id from care_case on conflict do nothing`
    const [row] = await tx<{ hours: number; cases: number }[]>`
      select (select count(*)::int from trend_dirty_hour) as hours, (select count(*)::int from trend_dirty_case) as cases`
    return row!
  })
  const result: RollupCounts = { hours: 0, cases: 0, days: 0 }
  onProgress({ phase: 'hours', done: 0, total: totals.hours })
  for (;;) {
    const batch = await sql.begin((tx) => rollUpHours(tx, batchSize))
    if (batch.hours === 0) break
    result.hours += batch.hours
    result.days += batch.days
    onProgress({ phase: 'hours', done: result.hours, total: totals.hours })
  }
  onProgress({ phase: 'cases', done: 0, total: totals.cases })
  for (;;) {
    const cases = await sql.begin((tx) => rollUpCases(tx, batchSize, now))
    if (cases === 0) break
    result.cases += cases
    onProgress({ phase: 'cases', done: result.cases, total: totals.cases })
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// Hours and days

interface Bucket {
  brand_id: string
  hour: Date
}

/**
 * Each batch's statements are small index probes, but the planner cannot know how few rows a
 * JSON list of buckets holds, and past its cost threshold it JIT-compiles them: most of a second
 * spent for a few milliseconds of work.
 */
async function withoutJit(tx: Tx): Promise<void> {
  await tx`set local jit = off`
}

async function rollUpHours(tx: Tx, batchSize: number): Promise<{ hours: number; days: number }> {
  await withoutJit(tx)
  // Taking the queue rows and clearing their buckets in one statement: whatever is inserted
  // below is the whole of each bucket.
  const buckets = await tx<Bucket[]>`
    with taken as (
      delete from trend_dirty_hour d
       using (select brand_id, hour from trend_dirty_hour order by brand_id, hour limit ${batchSize} for update skip locked) s
       where d.brand_id = s.brand_id and d.hour = s.hour
      returning d.brand_id, d.hour
    ), cleared_hours as (
      delete from trend_hour t using taken where t.brand_id = taken.brand_id and t.hour = taken.hour
    ), cleared_reasons as (
      delete from trend_reason_hour t using taken where t.brand_id = taken.brand_id and t.hour = taken.hour
    )
    select brand_id, hour from taken`
  if (buckets.length === 0) return { hours: 0, days: 0 }

  const bucketJson = JSON.stringify(buckets.map((bucket) => ({ brand_id: bucket.brand_id, hour: bucket.hour.toISOString() })))
  await tx`
    with buckets as (
      select * from jsonb_to_recordset(${bucketJson}::text::jsonb) as b(brand_id bigint, hour timestamptz)
    ), counted as (
      select m.brand_id, b.hour, m.platform, coalesce(m.language, 'other') as language, ${mentionCategorySql(tx, 'm')} as category,
             m.complaint, m.sentiment::float8 as sentiment, m.sentiment_label, m.urgency_reasons
        from buckets b
        -- One index range per bucket: joined as a whole, the planner would rather scan all the
        -- brand's mentions than probe a few hours (offset 0 keeps the subquery a probe).
        cross join lateral (
          select * from mention m
           where m.brand_id = b.brand_id and m.posted_at >= b.hour and m.posted_at < b.hour + interval '1 hour'
             and ${trendMentionSql(tx, 'm')}
          offset 0) m
    ), hours as (
      insert into trend_hour (brand_id, hour, platform, language, category, mentions, complaints, negative, sentiment_sum, sentiment_squares)
      select brand_id, hour, platform, language, category, count(*), count(*) filter (where complaint),
             count(*) filter (where sentiment_label = 'negative'), sum(sentiment), sum(sentiment * sentiment)
        from counted
       group by brand_id, hour, platform, language, category
    )
    insert into trend_reason_hour (brand_id, hour, platform, language, category, signal, mentions)
    select c.brand_id, c.hour, c.platform, c.language, c.category, s.signal, count(*)
      from counted c
      cross join lateral (select distinct reason->>'signal' as signal from jsonb_array_elements(c.urgency_reasons) reason) s
     where s.signal is not null
     group by c.brand_id, c.hour, c.platform, c.language, c.category, s.signal`

  const days = [...new Map(buckets.map((bucket) => {
    const day = bucket.hour.toISOString().slice(0, 10)
    return [`${bucket.brand_id}:${day}`, { brand_id: bucket.brand_id, day }] as const
  })).values()]
  await rollUpTermDays(tx, days)
  return { hours: buckets.length, days: days.length }
}

const complaintText = z.object({ brand_id: z.string(), day: z.string(), language: z.string(), text: z.string() })

/** Recomputes each (brand, UTC day)'s complaint terms whole: two hours of a day may be processed by two runners. */
async function rollUpTermDays(tx: Tx, days: { brand_id: string; day: string }[]): Promise<void> {
  const dayJson = JSON.stringify(days)
  await lockInOrder(tx, tx`select 'trend_term_day:' || d.brand_id || ':' || d.day from jsonb_to_recordset(${dayJson}::text::jsonb) as d(brand_id bigint, day date)`)
  // Read after the locks, so whatever another runner wrote for these days is already committed.
  const rows = await tx`
    select d.brand_id::text as brand_id, d.day::text as day, coalesce(m.language, 'other') as language, m.text
      from jsonb_to_recordset(${dayJson}::text::jsonb) as d(brand_id bigint, day date)
      cross join lateral (
        select m.language, m.text from mention m
         where m.brand_id = d.brand_id
           and m.posted_at >= d.day::timestamp at time zone 'UTC'
           and m.posted_at < (d.day + 1)::timestamp at time zone 'UTC'
           and ${trendMentionSql(tx, 'm')} and m.complaint
        offset 0) m`
  const texts = new Map<string, { text: string; language: string }[]>()
  for (const raw of rows) {
    const row = complaintText.parse(raw)
    const key = `${row.brand_id}\u0000${row.day}\u0000${row.language}`
    const list = texts.get(key)
    if (list) list.push(row)
    else texts.set(key, [row])
  }
  const termRows: { brand_id: string; day: string; language: string; term: string; complaints: number }[] = []
  for (const [key, list] of texts) {
    const [brandId, day, language] = key.split('\u0000') as [string, string, string]
    for (const [term, complaints] of countTerms(list)) termRows.push({ brand_id: brandId, day, language, term, complaints })
  }
  await tx`
    delete from trend_term_day t
     using jsonb_to_recordset(${dayJson}::text::jsonb) as d(brand_id bigint, day date)
     where t.brand_id = d.brand_id and t.day = d.day`
  if (termRows.length > 0) {
    await tx`
      insert into trend_term_day (brand_id, day, language, term, complaints)
      select brand_id, day, language, term, complaints
        from jsonb_to_recordset(${JSON.stringify(termRows)}::text::jsonb)
               as r(brand_id bigint, day date, language text, term text, complaints integer)`
  }
}

/**
 * Takes a transaction advisory lock for each name `names` yields (a query of one text column),
 * in the order of their keys: every runner takes them in the same order, so none waits for a
 * lock while holding one the other is waiting for. Two names sharing a key only wait for each other.
 */
async function lockInOrder(tx: Tx, names: postgres.Fragment): Promise<void> {
  await tx`
    select count(pg_advisory_xact_lock(k))
      from (select distinct hashtextextended(name, 0) as k from (${names}) as n(name) order by 1 offset 0) keys`
}

// ---------------------------------------------------------------------------------------------
// Cases

const caseFacts = z.object({
  id: z.string(),
  brand_id: z.string(),
  opened_at: z.date(),
  team_id: z.string().nullable(),
  owner_id: z.string().nullable(),
  first_response_at: z.date().nullable(),
  resolved_at: z.date().nullable(),
  breached: z.boolean(),
  platform: z.string().nullable(),
  language: z.string().nullable(),
  category: z.string(),
})

async function rollUpCases(tx: Tx, batchSize: number, now: Date): Promise<number> {
  await withoutJit(tx)
  const taken = await tx<{ case_id: string }[]>`
    delete from trend_dirty_case d
     using (select case_id from trend_dirty_case order by case_id limit ${batchSize} for update skip locked) s
     where d.case_id = s.case_id
    returning d.case_id`
  if (taken.length === 0) return 0
  const takenIds = idArray(taken.map((row) => row.case_id))
  // A merged case's mentions count for the case it was merged into.
  const survivors = await tx<{ id: string }[]>`
    select distinct merged_into_id as id from care_case
     where id = any(${takenIds}::bigint[]) and merged_into_id is not null`
  const ids = [...new Set([...taken.map((row) => row.case_id), ...survivors.map((row) => row.id)])]
  const idList = idArray(ids)
  await lockInOrder(tx, tx`select 'trend_case:' || id from unnest(${idList}::bigint[]) as id`)

  const rows = await tx`
    select c.id, c.brand_id, c.opened_at, c.team_id, c.owner_id, c.first_response_at, c.resolved_at,
           (c.first_response_breached_at is not null or c.next_response_breached_at is not null
             or c.resolution_breached_at is not null) as breached,
           first.platform, first.language, ${caseCategorySql(tx, tx`c.id`)} as category
      from care_case c
      left join lateral (
        select m.platform, m.language
          from (select c.id union all select merged.id from care_case merged where merged.merged_into_id = c.id) family(id)
          cross join lateral (
            select m.platform, m.language, m.posted_at, m.id from mention m where m.case_id = family.id order by m.posted_at, m.id limit 1) m
         order by m.posted_at, m.id
         limit 1) first on true
     where c.id = any(${idList}::bigint[]) and c.merged_into_id is null`
  const cases = rows.map((row) => caseFacts.parse(row))
  const staffing = await loadStaffing(tx, [...new Set(cases.map((kase) => kase.brand_id))], now)
  const caseRows = cases.map((kase) => {
    const hours = staffing.get(kase.brand_id)!.hours
    return {
      case_id: kase.id,
      brand_id: kase.brand_id,
      opened_hour: utcHour(kase.opened_at).toISOString(),
      platform: kase.platform ?? 'other',
      language: kase.language ?? 'other',
      category: kase.category,
      team_id: kase.team_id,
      owner_id: kase.owner_id,
      // The same business-time arithmetic as the SLA clocks Route sets, on the same calendar.
      first_response_minutes: kase.first_response_at === null ? null : businessMinutesBetween(hours, kase.opened_at, kase.first_response_at),
      resolution_minutes: kase.resolved_at === null ? null : businessMinutesBetween(hours, kase.opened_at, kase.resolved_at),
      sla_met: slaMet(kase),
    }
  })

  await tx`delete from trend_case where case_id = any(${idList}::bigint[])`
  if (caseRows.length > 0) {
    await tx`
      insert into trend_case (case_id, brand_id, opened_hour, platform, language, category, team_id, owner_id,
                              first_response_minutes, resolution_minutes, sla_met)
      select case_id, brand_id, opened_hour, platform, language, category, team_id, owner_id,
             first_response_minutes, resolution_minutes, sla_met
        from jsonb_to_recordset(${JSON.stringify(caseRows)}::text::jsonb)
               as r(case_id bigint, brand_id bigint, opened_hour timestamptz, platform text, language text, category text,
                    team_id bigint, owner_id bigint, first_response_minutes double precision,
                    resolution_minutes double precision, sla_met boolean)`
  }
  return ids.length
}

/**
 * Whether the case kept its clocks: false once any clock was breached; true once it was answered
 * and resolved without a breach; null while it may still go either way.
 */
export function slaMet(kase: { breached: boolean; first_response_at: Date | null; resolved_at: Date | null }): boolean | null {
  if (kase.breached) return false
  if (kase.first_response_at !== null && kase.resolved_at !== null) return true
  return null
}

function utcHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000)
}
