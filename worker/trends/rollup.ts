// Keeps the trend rollups current. Triggers queue what changed (trend_dirty_hour for a brand's
// UTC hour of mentions, trend_dirty_case for a case, trend_dirty_case_day for a brand's day of
// satisfaction asks, which the case rollup queues too); processing a queued item recomputes its
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
import { countTerms, keptTerms } from './terms'

export interface RollupCounts {
  /** Brand hours recomputed (trend_hour and trend_reason_hour). */
  hours: number
  /** Cases recomputed (trend_case), including survivors of merged cases. */
  cases: number
  /** Brand days whose terms were recomputed (trend_term_day). */
  days: number
  /** Brand days whose cases and satisfaction asks were summed (trend_case_day, trend_satisfaction_day). */
  caseDays: number
}

export interface ProcessOptions {
  /** Queue rows per transaction, of each queue. */
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
export async function processDirty(sql: Sql, options: ProcessOptions = {}): Promise<RollupCounts> {
  const total: RollupCounts = { hours: 0, cases: 0, days: 0, caseDays: 0 }
  // Case days after the cases, so the days they queued are summed in the same round.
  for (const phase of phases) await runBatch(sql, phase, options, total)
  return total
}

/**
 * Processes batches until the queues are empty (or held by other runners) or `deadline` passes:
 * each queue drained before the next, since cases queue their days, and a backlog of cases
 * spread over many days would otherwise sum every one of those days again after each batch.
 */
export async function processAllDirty(sql: Sql, { deadline, ...options }: ProcessOptions & { deadline?: Date } = {}): Promise<RollupCounts> {
  const total: RollupCounts = { hours: 0, cases: 0, days: 0, caseDays: 0 }
  const pastDeadline = () => deadline !== undefined && Date.now() >= deadline.getTime()
  for (;;) {
    let worked = false
    for (const phase of phases) {
      const outcome = await drain(sql, phase, options, total, pastDeadline)
      if (outcome === 'deadline') return total
      if (outcome === 'worked') worked = true
    }
    // What arrived meanwhile is taken in another round.
    if (!worked) return total
  }
}

type Phase = 'hours' | 'cases' | 'case days'
const phases: Phase[] = ['hours', 'cases', 'case days']

/** One batch of a phase in a transaction of its own, added to `total`; how many items it took. */
async function runBatch(sql: Sql, phase: Phase, { batchSize = defaultBatchSize, now = new Date() }: ProcessOptions, total: RollupCounts): Promise<number> {
  return sql.begin(async (tx) => {
    if (phase === 'hours') {
      const { hours, days } = await rollUpHours(tx, batchSize)
      total.hours += hours
      total.days += days
      return hours
    }
    if (phase === 'cases') {
      const cases = await rollUpCases(tx, batchSize, now)
      total.cases += cases
      return cases
    }
    const caseDays = await rollUpCaseDays(tx, batchSize)
    total.caseDays += caseDays
    return caseDays
  })
}

/** Runs a phase's batches until its queue is empty, or the deadline passes after a batch. */
async function drain(
  sql: Sql, phase: Phase, options: ProcessOptions, total: RollupCounts, pastDeadline: () => boolean, onBatch: () => void = () => {},
): Promise<'empty' | 'worked' | 'deadline'> {
  let worked = false
  for (;;) {
    if ((await runBatch(sql, phase, options, total)) === 0) return worked ? 'worked' : 'empty'
    worked = true
    onBatch()
    if (pastDeadline()) return 'deadline'
  }
}

export interface RebuildProgress {
  phase: Phase
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
    await tx`truncate trend_hour, trend_reason_hour, trend_day, trend_reason_day, trend_term_day, trend_case, trend_case_day, trend_satisfaction_day`
    await tx`
      insert into trend_dirty_hour (brand_id, hour)
      select distinct brand_id, date_trunc('hour', posted_at, 'UTC') from mention where classified_at is not null
      on conflict do nothing`
    await tx`insert into trend_dirty_case (case_id) select id from care_case on conflict do nothing`
    // The cases queue their own days; asks' days are queued here.
    await tx`
      insert into trend_dirty_case_day (brand_id, day)
      select distinct c.brand_id, (s.asked_at at time zone b.time_zone)::date
        from satisfaction s join care_case c on c.id = s.case_id join brand b on b.id = c.brand_id
      on conflict do nothing`
    const [row] = await tx<{ hours: number; cases: number }[]>`
      select (select count(*)::int from trend_dirty_hour) as hours, (select count(*)::int from trend_dirty_case) as cases`
    return row!
  })
  const result: RollupCounts = { hours: 0, cases: 0, days: 0, caseDays: 0 }
  const done = { hours: () => result.hours, cases: () => result.cases, 'case days': () => result.caseDays }
  for (const phase of phases) {
    // The cases have queued their days by the time that phase begins.
    const total = phase === 'case days'
      ? (await sql<{ days: number }[]>`select count(*)::int as days from trend_dirty_case_day`)[0]!.days
      : totals[phase]
    onProgress({ phase, done: 0, total })
    await drain(sql, phase, { batchSize, now }, result, () => false, () => onProgress({ phase, done: done[phase](), total }))
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// Hours and days

export interface Bucket {
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
  // Both kinds of day in one ordered round of locks: runners never wait on each other in a circle.
  await lockInOrder(tx, tx`
    select distinct 'trend_day:' || b.brand_id || ':' || (b.hour at time zone brand.time_zone)::date
      from jsonb_to_recordset(${bucketJson}::text::jsonb) as b(brand_id bigint, hour timestamptz) join brand on brand.id = b.brand_id
    union all
    select 'trend_term_day:' || d.brand_id || ':' || d.day from jsonb_to_recordset(${JSON.stringify(days)}::text::jsonb) as d(brand_id bigint, day date)`)
  await rollUpLocalDays(tx, buckets)
  await rollUpTermDays(tx, days)
  return { hours: buckets.length, days: days.length }
}

/**
 * Brand days (`brandDays`: a query of brand_id and day) with what finding their rows takes: the
 * brand's zone, the day's bounds (starts, ends) and the range of UTC hours that may start on it
 * (first_hour, end_hour), for `onTheDay`.
 */
function localDays(tx: Sql | Tx, brandDays: postgres.Fragment): postgres.Fragment {
  return tx`
    select d.brand_id, d.day, b.time_zone,
           (d.day::timestamp at time zone b.time_zone) as starts,
           ((d.day + 1)::timestamp at time zone b.time_zone) as ends,
           -- The hour before local midnight too: in a zone half an hour off UTC, it starts on the day.
           (d.day::timestamp at time zone b.time_zone) - interval '1 hour' as first_hour,
           ((d.day + 1)::timestamp at time zone b.time_zone) as end_hour
      from (${brandDays}) d join brand b on b.id = d.brand_id`
}

/**
 * Whether the row `alias` of the brand of day `d` (a localDays row) has its UTC hour `column`
 * starting on that day in the brand's zone: how every day rollup groups hours. A range the index
 * can probe, then the exact test.
 */
function onTheDay(tx: Sql | Tx, alias: string, column: string): postgres.Fragment {
  const hour = tx`${tx(alias)}.${tx(column)}`
  return tx`${tx(alias)}.brand_id = d.brand_id and ${hour} >= d.first_hour and ${hour} < d.end_hour
            and (${hour} at time zone d.time_zone)::date = d.day`
}

/**
 * Sums the days in the brand's zone (trend_day, trend_reason_day) that the hours fall on from
 * all their hours. Under the rollup job the days' locks are held: another runner's hours of the
 * same day are committed by then, or that runner sums the day again after this one.
 */
export async function rollUpLocalDays(tx: Sql | Tx, buckets: Bucket[]): Promise<void> {
  const bucketJson = JSON.stringify(buckets.map((bucket) => ({ brand_id: bucket.brand_id, hour: bucket.hour.toISOString() })))
  const days = localDays(tx, tx`
    select distinct b.brand_id, (b.hour at time zone brand.time_zone)::date as day
      from jsonb_to_recordset(${bucketJson}::text::jsonb) as b(brand_id bigint, hour timestamptz) join brand on brand.id = b.brand_id`)
  // Cleared first, in statements of their own: inserts in the same statement would meet the old rows.
  await tx`
    with days as (${days}), cleared_reasons as (
      delete from trend_reason_day t using days d where t.brand_id = d.brand_id and t.day = d.day
    )
    delete from trend_day t using days d where t.brand_id = d.brand_id and t.day = d.day`
  await tx`
    with days as (${days}), hours as (
      select d.day, h.* from days d cross join lateral (select * from trend_hour h where ${onTheDay(tx, 'h', 'hour')} offset 0) h
    ), reasons as (
      select d.day, r.* from days d cross join lateral (select * from trend_reason_hour r where ${onTheDay(tx, 'r', 'hour')} offset 0) r
    ), summed_reasons as (
      insert into trend_reason_day (brand_id, day, platform, language, category, signal, mentions)
      select brand_id, day, platform, language, category, signal, sum(mentions)
        from reasons
       group by brand_id, day, platform, language, category, signal
    )
    insert into trend_day (brand_id, day, platform, language, category, mentions, complaints, negative, sentiment_sum, sentiment_squares)
    select brand_id, day, platform, language, category, sum(mentions), sum(complaints), sum(negative), sum(sentiment_sum), sum(sentiment_squares)
      from hours
     group by brand_id, day, platform, language, category`
}

const complaintText = z.object({ brand_id: z.string(), day: z.string(), language: z.string(), text: z.string() })

/**
 * Recomputes each (brand, UTC day)'s complaint terms whole: two hours of a day may be processed by
 * two runners. The caller holds the days' locks.
 */
async function rollUpTermDays(tx: Tx, days: { brand_id: string; day: string }[]): Promise<void> {
  const dayJson = JSON.stringify(days)
  // Read after the days' locks (taken by the caller), so whatever another runner wrote for these days is already committed.
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
    for (const [term, complaints] of keptTerms(countTerms(list))) termRows.push({ brand_id: brandId, day, language, term, complaints })
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

  // The days the cases counted for before, and below the days they count for now, are summed again.
  await tx`
    with cleared as (delete from trend_case where case_id = any(${idList}::bigint[]) returning brand_id, opened_hour)
    ${queueCaseDays(tx, tx`select * from cleared`)}`
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
    await tx`${queueCaseDays(tx, tx`select brand_id, opened_hour from trend_case where case_id = any(${idList}::bigint[])`)}`
  }
  return ids.length
}

/** Queues the brand days (in each brand's zone) of `cases`, a query of brand_id and opened_hour. */
function queueCaseDays(tx: Tx, cases: postgres.Fragment): postgres.Fragment {
  return tx`
    insert into trend_dirty_case_day (brand_id, day)
    select distinct c.brand_id, (c.opened_hour at time zone b.time_zone)::date from (${cases}) c join brand b on b.id = c.brand_id
     order by 1, 2
    -- Locks the row until this commits, so no runner sums the day without these cases (sql/0009).
    on conflict (brand_id, day) do update set day = excluded.day`
}

// ---------------------------------------------------------------------------------------------
// Days of cases and satisfaction asks

/**
 * Takes a batch of queued brand days and sums each whole: trend_case_day from the cases that
 * opened in it, trend_satisfaction_day from the asks made in it. A day the case rollup queues
 * again meanwhile waits for this transaction, and is summed again afterwards.
 */
async function rollUpCaseDays(tx: Tx, batchSize: number): Promise<number> {
  await withoutJit(tx)
  const taken = await tx<{ brand_id: string; day: string }[]>`
    delete from trend_dirty_case_day d
     using (select brand_id, day from trend_dirty_case_day order by brand_id, day limit ${batchSize} for update skip locked) s
     where d.brand_id = s.brand_id and d.day = s.day
    returning d.brand_id::text, d.day::text`
  if (taken.length > 0) await sumCaseDays(tx, taken)
  return taken.length
}

/** Sums the brand days' cases and asks whole (trend_case_day, trend_satisfaction_day). Days as ISO dates. */
export async function sumCaseDays(tx: Sql | Tx, brandDays: { brand_id: string; day: string }[]): Promise<void> {
  const days = localDays(tx, tx`select * from jsonb_to_recordset(${JSON.stringify(brandDays)}::text::jsonb) as d(brand_id bigint, day date)`)
  await tx`
    with days as (${days}), cleared_asks as (
      delete from trend_satisfaction_day t using days d where t.brand_id = d.brand_id and t.day = d.day
    )
    delete from trend_case_day t using days d where t.brand_id = d.brand_id and t.day = d.day`
  await tx`
    with days as (${days}), cases as (
      select d.brand_id, d.day, c.first_response_minutes, c.resolution_minutes, c.sla_met
        from days d
        cross join lateral (select * from trend_case c where ${onTheDay(tx, 'c', 'opened_hour')} offset 0) c
    ), bins as (
      select brand_id, day, 'first' as measure, trend_minutes_bin(first_response_minutes) as bin, count(*) as cases
        from cases where first_response_minutes is not null group by 1, 2, 3, 4
      union all
      select brand_id, day, 'resolution', trend_minutes_bin(resolution_minutes), count(*)
        from cases where resolution_minutes is not null group by 1, 2, 3, 4
    )
    insert into trend_case_day (brand_id, day, cases, sla_met, sla_breached, first_response_bins, resolution_bins)
    select c.brand_id, c.day, count(*), count(*) filter (where c.sla_met), count(*) filter (where not c.sla_met),
           coalesce((select jsonb_object_agg(b.bin, b.cases) from bins b where b.brand_id = c.brand_id and b.day = c.day and b.measure = 'first'), '{}'),
           coalesce((select jsonb_object_agg(b.bin, b.cases) from bins b where b.brand_id = c.brand_id and b.day = c.day and b.measure = 'resolution'), '{}')
      from cases c
     group by c.brand_id, c.day`
  await tx`
    with days as (${days})
    insert into trend_satisfaction_day (brand_id, day, agent_id, team_id, category, asked, answered, score_1, score_2, score_3, score_4, score_5)
    select d.brand_id, d.day, s.agent_id, s.team_id, s.category, count(*), count(s.score),
           count(*) filter (where s.score = 1), count(*) filter (where s.score = 2), count(*) filter (where s.score = 3),
           count(*) filter (where s.score = 4), count(*) filter (where s.score = 5)
      from days d
      join satisfaction s on s.asked_at >= d.starts and s.asked_at < d.ends
      join care_case c on c.id = s.case_id and c.brand_id = d.brand_id
     group by d.brand_id, d.day, s.agent_id, s.team_id, s.category`
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
