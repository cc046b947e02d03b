// The trend rollups on a real database: after any mix of inserts, re-classifications, moves,
// replays and case changes, processed in any batches by any number of runners, they equal a
// recomputation from scratch, and a rebuild gives the same tables.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadStaffing } from '../../worker/cases/staffing'
import { seededRandom } from '../../worker/random'
import { businessMinutesBetween, calendar } from '../../worker/sla/calendar'
import { categoryOf, topicalSignals, type ReasonLike } from '../../worker/trends/category'
import { processAllDirty, processDirty, rebuildTrends, slaMet, type RebuildProgress } from '../../worker/trends/rollup'
import { countTerms, keptTerms } from '../../worker/trends/terms'
import { connect } from '../../worker/db/connect'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertClassified, insertIdentity, insertRoutingBrand, tallinn, type RoutingBrand } from '../support/routing'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())

/** The hours insertRoutingBrand gives every brand: Monday to Friday 08:00–20:00, in Tallinn unless moved. */
const office = (timeZone: string) => calendar({ timeZone, spans: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '08:00', closes: '20:00' })) })
/** The same brand declared staffed round the clock. */
const roundTheClock = calendar({ timeZone: 'Europe/Tallinn', alwaysOpen: true, spans: [] })

/** The date an instant falls on in a zone, as trend_day keys it. */
const localDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)

/** Draws that reproduce: a failure's seed gives the same walk again. */
function seeded(seed: number) {
  const next = seededRandom(seed)
  const int = (below: number) => Math.floor(next() * below)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
  return { next, int, pick, chance: (p: number) => next() < p }
}
type Random = ReturnType<typeof seeded>

// ---------------------------------------------------------------------------------------------
// Mentions as the test writes them

interface MentionRow {
  platform: string
  external_id: string
  brand_id: string
  identity_id: string
  text: string
  posted_at: string
  language: string | null
  kind: string | null
  sentiment: number | null
  sentiment_label: string | null
  complaint_probability: number | null
  complaint: boolean | null
  priority: number | null
  urgency_score: number | null
  urgency_reasons: { signal: string; points: number; reason: string }[]
  model_version: string | null
  classified_at: string | null
}

const vocabulary: Record<string, string[]> = {
  en: ['internet', 'down', 'since', 'monday', 'billing', 'error', 'no', 'service', 'the', 'and', 'please', 'support', 'refund', 'router', 'not', 'working', "don't", 'again'],
  ru: ['интернет', 'не', 'работает', 'уже', 'три', 'дня', 'деньги', 'списали', 'дважды', 'поддержка', 'ещё', 'счёт'],
  et: ['internet', 'ei', 'tööta', 'juba', 'kolm', 'päeva', 'palun', 'arve', 'vale', 'teenindus'],
  de: ['Internet', 'geht', 'nicht', 'seit', 'Montag', 'Rechnung', 'falsch', 'bitte', 'Kündigung'],
  it: ['internet', 'non', 'funziona', 'da', 'lunedì', 'bolletta', 'sbagliata', "l'assistenza"],
  es: ['internet', 'no', 'funciona', 'desde', 'lunes', 'factura', 'doble', 'cobro', 'por', 'favor'],
}
const decorations = ['@AcmeCare', 'https://t.co/x1Y', '#outage', '😡', '3', ',', '!!', 'wi-fi']
const allWords = Object.values(vocabulary).flat()
const platforms = ['x', 'bluesky', 'mastodon', 'demo']
const languageChoices = ['en', 'ru', 'et', 'de', 'it', 'es', null]
const signals = [...topicalSignals, 'reach', 'repeat_contact', 'negative_sentiment']
/** Monday 23 November 2026, 00:00 UTC: three days of hours from here span day boundaries. */
const windowStart = Date.UTC(2026, 10, 23)
const windowHours = 72

function randomText(random: Random, language: string | null): string {
  const words = language === null ? allWords : vocabulary[language]!
  return Array.from({ length: 3 + random.int(8) }, () => (random.chance(0.15) ? random.pick(decorations) : random.pick(words))).join(' ')
}

function randomTime(random: Random): string {
  return new Date(windowStart + random.int(windowHours * 60) * 60_000 + random.int(60) * 1000).toISOString()
}

/** A classification as Classify writes one. Sentiments are eighths: exact in real and double, so sums compare exactly. */
function classification(random: Random, version: string): Partial<MentionRow> {
  const sentiment = (random.int(17) - 8) / 8
  const reasons = Array.from({ length: random.int(4) }, () => {
    const signal = random.pick(signals)
    return { signal, points: 5 * (1 + random.int(6)), reason: signal }
  })
  return {
    language: random.pick(languageChoices),
    kind: random.chance(0.8) ? 'customer' : random.pick(['spam', 'own_post']),
    sentiment,
    sentiment_label: sentiment < -0.25 ? 'negative' : sentiment > 0.25 ? 'positive' : 'neutral',
    complaint_probability: random.next(),
    complaint: random.chance(0.6),
    priority: 1 + random.int(4),
    urgency_score: random.int(100),
    urgency_reasons: reasons,
    model_version: version,
    classified_at: new Date().toISOString(),
  }
}

async function insertMentions(rows: MentionRow[]): Promise<void> {
  await db.sql`
    insert into mention (platform, external_id, brand_id, identity_id, text, posted_at, raw, language, kind, sentiment,
                         sentiment_label, complaint_probability, complaint, priority, urgency_score, urgency_reasons,
                         model_version, classified_at)
    select platform, external_id, brand_id, identity_id, text, posted_at, '{}', language, kind, sentiment, sentiment_label,
           complaint_probability, complaint, priority, urgency_score, coalesce(urgency_reasons, '[]'), model_version, classified_at
      from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as r(
             platform text, external_id text, brand_id bigint, identity_id bigint, text text, posted_at timestamptz,
             language text, kind text, sentiment real, sentiment_label text, complaint_probability real, complaint boolean,
             priority smallint, urgency_score integer, urgency_reasons jsonb, model_version text, classified_at timestamptz)
    on conflict (platform, external_id) do nothing`
}

// ---------------------------------------------------------------------------------------------
// The rollups, read back and recomputed from scratch

interface Figures { mentions: number; complaints: number; negative: number; sentiment_sum: number; sentiment_squares: number }

interface Tables {
  hours: Record<string, Figures>
  reasons: Record<string, number>
  days: Record<string, Figures>
  dayReasons: Record<string, number>
  terms: Record<string, number>
  cases: Record<string, {
    brand_id: string; opened_hour: string; platform: string; language: string; category: string; team_id: string | null
    owner_id: string | null; first_response_minutes: number | null; resolution_minutes: number | null; sla_met: boolean | null
  }>
  caseDays: Record<string, { cases: number; sla_met: number; sla_breached: number; first_response_bins: Record<string, number>; resolution_bins: Record<string, number> }>
  /** brand|day|agent|team|category → asked, answered, score counts. */
  asks: Record<string, number[]>
}

/** The bin sql/0009's trend_minutes_bin gives. */
const binOf = (minutes: number) => (minutes <= 0 ? -1 : Math.floor(Math.log(1 + minutes) / Math.log(1.05)))

const utcHour = (at: Date) => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000).toISOString()

const noFigures = (): Figures => ({ mentions: 0, complaints: 0, negative: 0, sentiment_sum: 0, sentiment_squares: 0 })

/** Sums of sums come out in another order than the mentions' own: equal to the ninth digit. */
const roughly = ({ sentiment_sum, sentiment_squares, ...counts }: Figures): Figures =>
  ({ ...counts, sentiment_sum: Number(sentiment_sum.toFixed(9)) + 0, sentiment_squares: Number(sentiment_squares.toFixed(9)) + 0 })

async function storedTables(): Promise<Tables> {
  const tables: Tables = { hours: {}, reasons: {}, days: {}, dayReasons: {}, terms: {}, cases: {}, caseDays: {}, asks: {} }
  const hours = await db.sql<{ brand_id: string; hour: Date; platform: string; language: string; category: string; mentions: number; complaints: number; negative: number; sentiment_sum: number; sentiment_squares: number }[]>`
    select * from trend_hour`
  for (const { brand_id, hour, platform, language, category, ...figures } of hours) {
    tables.hours[[brand_id, hour.toISOString(), platform, language, category].join('|')] = figures
  }
  const reasons = await db.sql<{ brand_id: string; hour: Date; platform: string; language: string; category: string; signal: string; mentions: number }[]>`
    select * from trend_reason_hour`
  for (const row of reasons) tables.reasons[[row.brand_id, row.hour.toISOString(), row.platform, row.language, row.category, row.signal].join('|')] = row.mentions
  const days = await db.sql<({ brand_id: string; day: string; platform: string; language: string; category: string } & Figures)[]>`
    select brand_id, day::text as day, platform, language, category, mentions, complaints, negative, sentiment_sum, sentiment_squares from trend_day`
  for (const { brand_id, day, platform, language, category, ...figures } of days) {
    tables.days[[brand_id, day, platform, language, category].join('|')] = roughly(figures)
  }
  const dayReasons = await db.sql<{ brand_id: string; day: string; platform: string; language: string; category: string; signal: string; mentions: number }[]>`
    select brand_id, day::text as day, platform, language, category, signal, mentions from trend_reason_day`
  for (const row of dayReasons) tables.dayReasons[[row.brand_id, row.day, row.platform, row.language, row.category, row.signal].join('|')] = row.mentions
  const terms = await db.sql<{ brand_id: string; day: string; language: string; term: string; complaints: number }[]>`
    select brand_id, day::text as day, language, term, complaints from trend_term_day`
  for (const row of terms) tables.terms[[row.brand_id, row.day, row.language, row.term].join('|')] = row.complaints
  const cases = await db.sql<({ case_id: string; opened_hour: Date } & Omit<Tables['cases'][string], 'opened_hour'>)[]>`
    select * from trend_case`
  for (const { case_id, opened_hour, ...row } of cases) tables.cases[case_id] = { ...row, opened_hour: opened_hour.toISOString() }
  const caseDays = await db.sql<({ brand_id: string; day: string } & Tables['caseDays'][string])[]>`
    select brand_id, day::text as day, cases, sla_met, sla_breached, first_response_bins, resolution_bins from trend_case_day`
  for (const { brand_id, day, ...row } of caseDays) tables.caseDays[`${brand_id}|${day}`] = row
  const asks = await db.sql<{ key: string; figures: number[] }[]>`
    select concat_ws('|', brand_id, day, coalesce(agent_id::text, '-'), coalesce(team_id::text, '-'), category) as key,
           json_build_array(asked, answered, score_1, score_2, score_3, score_4, score_5) as figures
      from trend_satisfaction_day`
  for (const row of asks) tables.asks[row.key] = row.figures
  return tables
}

/** The rollups computed here, in TypeScript, from the mentions and cases as they are now. */
async function recomputedTables(): Promise<Tables> {
  const tables: Tables = { hours: {}, reasons: {}, days: {}, dayReasons: {}, terms: {}, cases: {}, caseDays: {}, asks: {} }
  const zones = new Map((await db.sql<{ id: string; time_zone: string }[]>`select id, time_zone from brand`).map((brand) => [brand.id, brand.time_zone]))
  const mentions = await db.sql<{ id: string; brand_id: string; case_id: string | null; platform: string; language: string | null; complaint: boolean; sentiment: number; sentiment_label: string; urgency_reasons: ReasonLike[]; text: string; posted_at: Date }[]>`
    select id, brand_id, case_id, platform, language, complaint, sentiment::float8 as sentiment, sentiment_label, urgency_reasons, text, posted_at
      from mention where classified_at is not null and kind = 'customer'`
  const complaintTexts = new Map<string, { text: string; language: string }[]>()
  for (const m of mentions) {
    const language = m.language ?? 'other'
    const bucket = [m.brand_id, utcHour(m.posted_at), m.platform, language, categoryOf(m.urgency_reasons)].join('|')
    // A day holds the hours that start on it in the brand's zone.
    const dayBucket = [m.brand_id, localDate(new Date(utcHour(m.posted_at)), zones.get(m.brand_id)!), m.platform, language, categoryOf(m.urgency_reasons)].join('|')
    for (const figures of [(tables.hours[bucket] ??= noFigures()), (tables.days[dayBucket] ??= noFigures())]) {
      figures.mentions++
      if (m.complaint) figures.complaints++
      if (m.sentiment_label === 'negative') figures.negative++
      figures.sentiment_sum += m.sentiment
      figures.sentiment_squares += m.sentiment * m.sentiment
    }
    for (const signal of new Set(m.urgency_reasons.map((reason) => String(reason.signal)))) {
      tables.reasons[`${bucket}|${signal}`] = (tables.reasons[`${bucket}|${signal}`] ?? 0) + 1
      tables.dayReasons[`${dayBucket}|${signal}`] = (tables.dayReasons[`${dayBucket}|${signal}`] ?? 0) + 1
    }
    if (m.complaint) {
      const day = [m.brand_id, m.posted_at.toISOString().slice(0, 10), language].join('|')
      complaintTexts.set(day, [...(complaintTexts.get(day) ?? []), { text: m.text, language }])
    }
  }
  for (const [day, texts] of complaintTexts) {
    for (const [term, complaints] of keptTerms(countTerms(texts))) tables.terms[`${day}|${term}`] = complaints
  }
  for (const [key, figures] of Object.entries(tables.days)) tables.days[key] = roughly(figures)

  const cases = await db.sql<{ id: string; brand_id: string; always_staffed: boolean; opened_at: Date; team_id: string | null; owner_id: string | null; first_response_at: Date | null; resolved_at: Date | null; merged_into_id: string | null; breached: boolean }[]>`
    select c.id, c.brand_id, b.always_staffed, c.opened_at, c.team_id, c.owner_id, c.first_response_at, c.resolved_at, c.merged_into_id,
           (c.first_response_breached_at is not null or c.next_response_breached_at is not null or c.resolution_breached_at is not null) as breached
      from care_case c join brand b on b.id = c.brand_id`
  const filed = await db.sql<{ id: string; case_id: string; platform: string; language: string | null; urgency_reasons: ReasonLike[]; posted_at: Date }[]>`
    select id, case_id, platform, language, urgency_reasons, posted_at from mention where case_id is not null`
  for (const kase of cases) {
    if (kase.merged_into_id !== null) continue
    const mergedIn = new Set(cases.filter((other) => other.merged_into_id === kase.id).map((other) => other.id))
    const own = filed
      .filter((m) => m.case_id === kase.id || mergedIn.has(m.case_id))
      .sort((a, b) => a.posted_at.getTime() - b.posted_at.getTime() || Number(a.id) - Number(b.id))
    const hours = kase.always_staffed ? roundTheClock : office(zones.get(kase.brand_id)!)
    tables.cases[kase.id] = {
      brand_id: kase.brand_id,
      opened_hour: utcHour(kase.opened_at),
      platform: own[0]?.platform ?? 'other',
      language: own[0]?.language ?? 'other',
      category: categoryOf(own.flatMap((m) => m.urgency_reasons)),
      team_id: kase.team_id,
      owner_id: kase.owner_id,
      first_response_minutes: kase.first_response_at && businessMinutesBetween(hours, kase.opened_at, kase.first_response_at),
      resolution_minutes: kase.resolved_at && businessMinutesBetween(hours, kase.opened_at, kase.resolved_at),
      sla_met: slaMet(kase),
    }
  }
  for (const row of Object.values(tables.cases)) {
    const key = `${row.brand_id}|${localDate(new Date(row.opened_hour), zones.get(row.brand_id)!)}`
    const day = (tables.caseDays[key] ??= { cases: 0, sla_met: 0, sla_breached: 0, first_response_bins: {}, resolution_bins: {} })
    day.cases++
    if (row.sla_met === true) day.sla_met++
    if (row.sla_met === false) day.sla_breached++
    for (const [minutes, bins] of [[row.first_response_minutes, day.first_response_bins], [row.resolution_minutes, day.resolution_bins]] as const) {
      if (minutes !== null) bins[binOf(minutes)] = (bins[binOf(minutes)] ?? 0) + 1
    }
  }
  const asks = await db.sql<{ brand_id: string; asked_at: Date; agent_id: string | null; team_id: string | null; category: string; score: number | null }[]>`
    select c.brand_id, s.asked_at, s.agent_id, s.team_id, s.category, s.score from satisfaction s join care_case c on c.id = s.case_id`
  for (const ask of asks) {
    const key = [ask.brand_id, localDate(ask.asked_at, zones.get(ask.brand_id)!), ask.agent_id ?? '-', ask.team_id ?? '-', ask.category].join('|')
    const figures = (tables.asks[key] ??= [0, 0, 0, 0, 0, 0, 0])
    figures[0]!++
    if (ask.score !== null) {
      figures[1]!++
      figures[1 + ask.score]!++
    }
  }
  return tables
}

async function queued(): Promise<{ hours: number; cases: number; caseDays: number }> {
  const [row] = await db.sql<{ hours: number; cases: number; caseDays: number }[]>`
    select (select count(*)::int from trend_dirty_hour) as hours, (select count(*)::int from trend_dirty_case) as cases,
           (select count(*)::int from trend_dirty_case_day) as "caseDays"`
  return row!
}

async function expectUpToDate(): Promise<Tables> {
  await processAllDirty(db.sql, { batchSize: 50 })
  expect(await queued()).toEqual({ hours: 0, cases: 0, caseDays: 0 })
  const stored = await storedTables()
  expect(stored).toEqual(await recomputedTables())
  return stored
}

// ---------------------------------------------------------------------------------------------
// A world of brands, customers and cases to change at random

interface World {
  brands: RoutingBrand[]
  identities: Map<string, string[]>
  cases: Map<string, string[]>
  written: MentionRow[]
}

let worlds = 0
async function createWorld(brandCount: number, casesPerBrand: number): Promise<World> {
  const world: World = { brands: [], identities: new Map(), cases: new Map(), written: [] }
  const name = `world${++worlds}`
  for (let b = 0; b < brandCount; b++) {
    const brand = await insertRoutingBrand(db.sql, `${name}-brand-${b}`)
    world.brands.push(brand)
    const identities: string[] = []
    const cases: string[] = []
    for (let c = 0; c < casesPerBrand; c++) {
      const { customerId, identityId } = await insertIdentity(db.sql, `${name}-${b}-${c}`)
      identities.push(identityId)
      const openedAt = new Date(windowStart + (c * 7 + 3) * 3_600_000 + c * 60_000)
      const [kase] = await db.sql<{ id: string }[]>`
        insert into care_case (brand_id, customer_id, status, team_id, opened_at)
        values (${brand.brandId}, ${customerId}, 'open', ${brand.teamId}, ${openedAt}) returning id`
      cases.push(kase!.id)
    }
    world.identities.set(brand.brandId, identities)
    world.cases.set(brand.brandId, cases)
  }
  return world
}

function newMention(random: Random, world: World, externalId: string): MentionRow {
  const brand = random.pick(world.brands)
  const classified = random.chance(0.85) ? classification(random, 'test-1') : {}
  const row: MentionRow = {
    platform: random.pick(platforms),
    external_id: externalId,
    brand_id: brand.brandId,
    identity_id: random.pick(world.identities.get(brand.brandId)!),
    text: '',
    posted_at: randomTime(random),
    language: null, kind: null, sentiment: null, sentiment_label: null, complaint_probability: null, complaint: null,
    priority: null, urgency_score: null, urgency_reasons: [], model_version: null, classified_at: null,
    ...classified,
  }
  row.text = randomText(random, row.language)
  return row
}

async function randomMentionId(random: Random, world: World): Promise<{ id: string; brand_id: string } | undefined> {
  const external = random.pick(world.written).external_id
  const [row] = await db.sql<{ id: string; brand_id: string }[]>`select id, brand_id from mention where external_id = ${external}`
  return row
}

/** One random change of the kind Earshot's code paths (or a person at a SQL prompt) make. */
async function randomChange(random: Random, world: World, counter: { next: number }): Promise<string> {
  const roll = random.next()
  if (roll < 0.25 || world.written.length === 0) {
    const rows = Array.from({ length: 1 + random.int(4) }, () => newMention(random, world, `${world.brands[0]!.brandId}-m${counter.next++}`))
    await insertMentions(rows)
    world.written.push(...rows)
    return 'insert'
  }
  if (roll < 0.33) {
    // The same posts fetched again (a poll overlapping the last one): nothing changes.
    await insertMentions(Array.from({ length: 1 + random.int(3) }, () => random.pick(world.written)))
    return 'replay'
  }
  const mention = await randomMentionId(random, world)
  if (!mention) return 'none'
  if (roll < 0.48) {
    const next = classification(random, `test-${2 + random.int(3)}`)
    await db.sql`
      update mention
         set language = ${next.language ?? null}, kind = ${next.kind!}, sentiment = ${next.sentiment!}, sentiment_label = ${next.sentiment_label!},
             complaint_probability = ${next.complaint_probability!}, complaint = ${next.complaint!}, priority = ${next.priority!},
             urgency_score = ${next.urgency_score!}, urgency_reasons = ${JSON.stringify(next.urgency_reasons)}::text::jsonb,
             model_version = ${next.model_version!}, classified_at = now()
       where id = ${mention.id}`
    return 'reclassify'
  }
  if (roll < 0.53) {
    // A correction that leaves the model's stamp alone.
    await db.sql`update mention set complaint = not complaint, sentiment = -sentiment where id = ${mention.id} and classified_at is not null`
    return 'correct'
  }
  if (roll < 0.62) {
    await db.sql`update mention set posted_at = ${randomTime(random)} where id = ${mention.id}`
    return 'move'
  }
  if (roll < 0.65) {
    const brand = random.pick(world.brands)
    await db.sql`update mention set brand_id = ${brand.brandId} where id = ${mention.id}`
    return 'move-brand'
  }
  if (roll < 0.68) {
    await db.sql`
      update mention set model_version = null, classified_at = null, kind = null, sentiment = null, sentiment_label = null,
                         complaint_probability = null, complaint = null, priority = null, urgency_score = null
       where id = ${mention.id}`
    return 'declassify'
  }
  if (roll < 0.8) {
    const caseId = random.chance(0.85) ? random.pick(world.cases.get(mention.brand_id) ?? [null]) : null
    await db.sql`update mention set routed_at = now(), case_id = ${caseId} where id = ${mention.id}`
    return 'route'
  }
  return changeCase(random, world)
}

/** Satisfaction asks on random cases of the world at random times: their ids. */
async function askRandomly(random: Random, world: World, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let n = 0; n < count; n++) {
    const brand = random.pick(world.brands)
    const askedAt = randomTime(random)
    const [row] = await db.sql<{ id: string }[]>`
      insert into satisfaction (case_id, token_hash, channel, language, agent_id, team_id, category, asked_at, expires_at)
      values (${random.pick(world.cases.get(brand.brandId)!)}, ${randomBytes(32).toString('hex')}, 'public', 'en',
              ${random.chance(0.7) ? brand.leadId : null}, ${random.chance(0.8) ? brand.teamId : null}, ${random.pick(['general', 'outage', 'money'])},
              ${askedAt}, ${askedAt}::timestamptz + interval '7 days')
      returning id`
    ids.push(row!.id)
  }
  return ids
}

async function changeCase(random: Random, world: World): Promise<string> {
  const brand = random.pick(world.brands)
  const cases = world.cases.get(brand.brandId)!
  const caseId = random.pick(cases)
  const [kase] = await db.sql<{ opened_at: Date; merged_into_id: string | null }[]>`select opened_at, merged_into_id from care_case where id = ${caseId}`
  const later = (minutes: number) => new Date(kase!.opened_at.getTime() + minutes * 60_000)
  const what = random.int(6)
  if (kase!.merged_into_id !== null) {
    await db.sql`
      update care_case set merged_into_id = null, status = 'open', resolved_at = null, closed_at = null where id = ${caseId}`
    return 'unmerge'
  }
  if (what === 0) {
    await db.sql`update care_case set first_response_at = ${later(random.int(3000))} where id = ${caseId}`
    return 'answer'
  }
  if (what === 1) {
    await db.sql`update care_case set status = 'resolved', resolved_at = ${later(random.int(6000))}, owner_id = null where id = ${caseId}`
    return 'resolve'
  }
  if (what === 2) {
    await db.sql`update care_case set first_response_breached_at = ${later(60)} where id = ${caseId}`
    return 'breach'
  }
  if (what === 3) {
    await db.sql`update care_case set owner_id = ${brand.leadId}, team_id = ${random.chance(0.5) ? brand.teamId : null} where id = ${caseId}`
    return 'assign'
  }
  const into = random.pick(cases)
  const [target] = await db.sql<{ merged_into_id: string | null }[]>`select merged_into_id from care_case where id = ${into}`
  const hasMergedIn = await db.sql`select 1 from care_case where merged_into_id = ${caseId}`
  if (into === caseId || target!.merged_into_id !== null || hasMergedIn.length > 0) return 'none'
  await db.sql`
    update care_case set status = 'closed', resolved_at = ${later(30)}, closed_at = ${later(30)}, owner_id = null, merged_into_id = ${into}
     where id = ${caseId}`
  return 'merge'
}

// ---------------------------------------------------------------------------------------------

describe('trend rollups', () => {
  it('equal a recomputation from scratch after random inserts, updates, replays and case changes, and a rebuild gives the same', async () => {
    const random = seeded(9_2026)
    const world = await createWorld(3, 5)
    const counter = { next: 0 }
    const seen = new Set<string>()
    for (let step = 0; step < 220; step++) {
      if (random.chance(0.12)) {
        await processDirty(db.sql, { batchSize: 1 + random.int(8) })
        seen.add('process')
      } else {
        seen.add(await randomChange(random, world, counter))
      }
    }
    // The walk exercised every kind of change.
    for (const kind of ['insert', 'replay', 'reclassify', 'correct', 'move', 'move-brand', 'declassify', 'route', 'answer', 'resolve', 'breach', 'assign', 'merge', 'process']) {
      expect(seen, kind).toContain(kind)
    }
    const stored = await expectUpToDate()
    expect(Object.keys(stored.hours).length).toBeGreaterThan(20)
    expect(Object.keys(stored.terms).length).toBeGreaterThan(20)
    expect(Object.values(stored.cases).some((row) => row.category !== 'general')).toBe(true)

    const progress: RebuildProgress[] = []
    const rebuilt = await rebuildTrends(db.sql, { batchSize: 7, onProgress: (report) => progress.push(report) })
    expect(await storedTables()).toEqual(stored)
    expect(await queued()).toEqual({ hours: 0, cases: 0, caseDays: 0 })
    expect(rebuilt.hours).toBe(progress.filter((p) => p.phase === 'hours').at(-1)!.total)
    expect(rebuilt.cases).toBeGreaterThanOrEqual(progress.filter((p) => p.phase === 'cases').at(-1)!.total)
    expect(progress.filter((p) => p.phase === 'hours').length).toBeGreaterThan(2)
  })

  it('sum satisfaction asks per day, and again when they are answered or corrected', async () => {
    const random = seeded(77)
    const world = await createWorld(2, 5)
    const asks = await askRandomly(random, world, 40)
    await expectUpToDate()
    for (const id of asks.slice(0, 25)) {
      await db.sql`update satisfaction set score = ${1 + random.int(5)}, answered_at = asked_at + interval '1 hour', answered_via = 'page' where id = ${id}`
    }
    const answered = await expectUpToDate()
    expect(Object.values(answered.asks).reduce((sum, figures) => sum + figures[1]!, 0)).toBe(25)
    // A correction moves an ask to another day and agent.
    await db.sql`update satisfaction set asked_at = asked_at + interval '3 days', agent_id = null where id = ${asks[0]!}`
    await expectUpToDate()
  })

  it("regroup a brand's days, and measure its cases again, when it moves to another time zone", async () => {
    const random = seeded(31)
    const world = await createWorld(2, 4)
    const rows = Array.from({ length: 80 }, (_, i) => ({ ...newMention(random, world, `zone-${i}`), ...classification(random, 'test-1') }))
    await insertMentions(rows)
    const mentionIds = await db.sql<{ id: string; brand_id: string }[]>`select id, brand_id from mention where external_id like 'zone-%'`
    for (const mention of mentionIds) {
      await db.sql`update mention set case_id = ${random.pick(world.cases.get(mention.brand_id)!)}, routed_at = now() where id = ${mention.id}`
    }
    for (const cases of world.cases.values()) await db.sql`update care_case set first_response_at = opened_at + interval '20 hours' where id = ${cases[0]!}`
    await askRandomly(random, world, 30)
    const before = await expectUpToDate()
    const moved = world.brands[0]!.brandId
    const dayKeys = (tables: Tables) => Object.keys(tables.days).filter((key) => key.startsWith(`${moved}|`)).sort()

    // Half an hour off UTC: hours no longer start at local hour boundaries.
    await db.sql`update brand set time_zone = 'Asia/Kolkata' where id = ${moved}`
    const kolkata = await expectUpToDate()
    expect(dayKeys(kolkata)).not.toEqual(dayKeys(before))
    const caseRow = (tables: Tables) => tables.cases[world.cases.get(moved)![0]!]!.first_response_minutes
    expect(caseRow(kolkata)).not.toBe(caseRow(before))

    await db.sql`update brand set time_zone = 'Europe/Tallinn' where id = ${moved}`
    expect(await expectUpToDate()).toEqual(before)
  })

  it('leave a bucket queued while a writer of it has not committed, so its rows are never missed', async () => {
    const random = seeded(5)
    const world = await createWorld(1, 2)
    const first = { ...newMention(random, world, 'writer-0'), ...classification(random, 'test-1') }
    first.posted_at = new Date(windowStart + 3_600_000).toISOString()
    await insertMentions([first])
    // The hour is queued and committed; a writer adds another mention to it and stays open while a
    // runner goes through the queue. (PGlite is a single session: there the writer commits first.)
    const writerSql = db.kind === 'postgres' ? connect(db.url, { max: 1 }) : db.sql
    let inserted = () => {}
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve))
    let commit = () => {}
    const committed = new Promise<void>((resolve) => (commit = resolve))
    const writing = writerSql.begin(async (tx) => {
      await tx`
        insert into mention (platform, external_id, brand_id, identity_id, text, posted_at, received_at, raw, language, kind, sentiment,
                             sentiment_label, complaint_probability, complaint, priority, urgency_score, urgency_reasons, model_version, classified_at)
        values ('x', 'writer-1', ${first.brand_id}, ${first.identity_id}, 'No signal since noon', ${first.posted_at}, now(), '{}', 'en', 'customer',
                -0.5, 'negative', 0.9, true, 3, 20, '[]', 'test-1', now())`
      inserted()
      if (db.kind === 'postgres') await committed
    })
    await insertedYet
    if (db.kind === 'postgres') {
      // The runner leaves the hour alone rather than summing it without the writer's mention.
      expect((await processAllDirty(db.sql)).hours).toBe(0)
      commit()
    }
    await writing
    if (writerSql !== db.sql) await writerSql.end()
    const tables = await expectUpToDate()
    const hourKey = `${first.brand_id}|${new Date(first.posted_at).toISOString().slice(0, 13)}`
    const inHour = Object.entries(tables.hours).filter(([key]) => key.startsWith(hourKey))
    expect(inHour.reduce((sum, [, figures]) => sum + figures.mentions, 0)).toBe(2)
  })

  it('are not queued by routing, which only files mentions on cases', async () => {
    const random = seeded(7)
    const world = await createWorld(1, 2)
    const rows = Array.from({ length: 6 }, (_, i) => ({ ...newMention(random, world, `routing-only-${i}`), ...classification(random, 'test-1') }))
    await insertMentions(rows)
    await expectUpToDate()
    const caseId = world.cases.get(world.brands[0]!.brandId)![0]!
    await db.sql`update mention set routed_at = now(), case_id = ${caseId} where external_id like 'routing-only-%'`
    // The case's row reads its mentions, so the case is queued; no hour is.
    expect(await queued()).toEqual({ hours: 0, cases: 1, caseDays: 0 })
    await expectUpToDate()
  })

  it('come out right when several runners process the same hours, days and cases at once', async () => {
    const random = seeded(42)
    const world = await createWorld(2, 6)
    // Many hours of the same two days, so runners meet on days' terms.
    const rows = Array.from({ length: 120 }, (_, i) => {
      const row = { ...newMention(random, world, `concurrent-${i}`), ...classification(random, 'test-1') }
      row.posted_at = new Date(windowStart + random.int(48) * 3_600_000 + random.int(3_600_000)).toISOString()
      row.text = randomText(random, row.language)
      return row
    })
    await insertMentions(rows)
    const mentionIds = await db.sql<{ id: string; brand_id: string }[]>`select id, brand_id from mention where external_id like 'concurrent-%'`
    for (const mention of mentionIds) {
      await db.sql`update mention set case_id = ${random.pick(world.cases.get(mention.brand_id)!)}, routed_at = now() where id = ${mention.id}`
    }
    // Survivors are reached from their merged cases as well as from their own queue rows.
    for (const cases of world.cases.values()) {
      for (const [merged, into] of [[cases[1], cases[0]], [cases[2], cases[0]], [cases[4], cases[3]]]) {
        await db.sql`
          update care_case set status = 'closed', resolved_at = now(), closed_at = now(), merged_into_id = ${into!} where id = ${merged!}`
      }
    }
    const runs = await Promise.all([1, 2, 3, 4].map((n) => processAllDirty(db.sql, { batchSize: n })))
    const hoursQueued = new Set(rows.map((row) => `${row.brand_id}|${utcHour(new Date(row.posted_at))}`)).size
    // Each queued hour was taken by exactly one runner.
    expect(runs.reduce((sum, run) => sum + run.hours, 0)).toBe(hoursQueued)
    await expectUpToDate()
  })
})

describe('trend_case', () => {
  async function caseWith(brand: RoutingBrand, handle: string, facts: { openedAt: Date; firstResponseAt?: Date; resolvedAt?: Date; breached?: boolean }) {
    const { customerId, identityId } = await insertIdentity(db.sql, handle)
    const resolved = facts.resolvedAt !== undefined
    const [kase] = await db.sql<{ id: string }[]>`
      insert into care_case (brand_id, customer_id, status, team_id, opened_at, first_response_at, resolved_at, first_response_breached_at)
      values (${brand.brandId}, ${customerId}, ${resolved ? 'resolved' : 'open'}, ${brand.teamId}, ${facts.openedAt},
              ${facts.firstResponseAt ?? null}, ${facts.resolvedAt ?? null}, ${facts.breached ? facts.openedAt : null})
      returning id`
    return { caseId: kase!.id, identityId }
  }

  async function rowOf(caseId: string) {
    await processAllDirty(db.sql)
    const [row] = await db.sql<{ platform: string; language: string; category: string; first_response_minutes: number | null; resolution_minutes: number | null; sla_met: boolean | null; opened_hour: Date }[]>`
      select platform, language, category, first_response_minutes, resolution_minutes, sla_met, opened_hour from trend_case where case_id = ${caseId}`
    return row
  }

  it('measures first response and resolution in the brand business minutes, as the SLA clocks do', async () => {
    const brand = await insertRoutingBrand(db.sql, 'trend-case-frt')
    // Friday 27 November 2026 19:30 in Tallinn; answered Monday 08:30, resolved Monday 10:00.
    const openedAt = tallinn('2026-11-27T19:30:00')
    const firstResponseAt = tallinn('2026-11-30T08:30:00')
    const resolvedAt = tallinn('2026-11-30T10:00:00')
    const { caseId } = await caseWith(brand, 'frt-customer', { openedAt, firstResponseAt, resolvedAt })
    const row = await rowOf(caseId)
    expect(row).toMatchObject({ first_response_minutes: 60, resolution_minutes: 150, sla_met: true, platform: 'other', language: 'other', category: 'general' })
    expect(row!.opened_hour.toISOString()).toBe('2026-11-27T17:00:00.000Z')
    const staffing = (await loadStaffing(db.sql, [brand.brandId], new Date())).get(brand.brandId)!
    expect(row!.first_response_minutes).toBe(businessMinutesBetween(staffing.hours, openedAt, firstResponseAt))

    // A brand staffed round the clock counts wall-clock minutes.
    await db.sql`update brand set always_staffed = true where id = ${brand.brandId}`
    await db.sql`update care_case set updated_at = now() where id = ${caseId}`
    expect(await rowOf(caseId)).toMatchObject({ first_response_minutes: 61 * 60, resolution_minutes: 62.5 * 60 })
  })

  it('says whether the clocks were kept: false after any breach, true once answered and resolved, null before', async () => {
    const brand = await insertRoutingBrand(db.sql, 'trend-case-sla')
    const openedAt = tallinn('2026-11-25T10:00:00')
    const later = (minutes: number) => new Date(openedAt.getTime() + minutes * 60_000)
    const running = await caseWith(brand, 'sla-running', { openedAt })
    const answered = await caseWith(brand, 'sla-answered', { openedAt, firstResponseAt: later(10) })
    const kept = await caseWith(brand, 'sla-kept', { openedAt, firstResponseAt: later(10), resolvedAt: later(100) })
    const breached = await caseWith(brand, 'sla-breached', { openedAt, firstResponseAt: later(300), resolvedAt: later(400), breached: true })
    expect((await rowOf(running.caseId))?.sla_met).toBeNull()
    expect((await rowOf(answered.caseId))?.sla_met).toBeNull()
    expect((await rowOf(kept.caseId))?.sla_met).toBe(true)
    expect((await rowOf(breached.caseId))?.sla_met).toBe(false)
    await db.sql`update care_case set resolution_breached_at = ${later(50)} where id = ${answered.caseId}`
    expect((await rowOf(answered.caseId))?.sla_met).toBe(false)
  })

  it('takes platform and language from the first mention and the category from all, a merged case counting for its survivor', async () => {
    const brand = await insertRoutingBrand(db.sql, 'trend-case-mentions')
    const openedAt = tallinn('2026-11-25T10:00:00')
    const survivor = await caseWith(brand, 'survivor', { openedAt })
    const merged = await caseWith(brand, 'merged', { openedAt })
    const file = async (caseId: string, identityId: string, externalId: string, at: string, extra: Partial<Parameters<typeof insertClassified>[1]>) => {
      const id = await insertClassified(db.sql, { brandId: brand.brandId, identityId, externalId, receivedAt: tallinn(at), ...extra })
      await db.sql`update mention set case_id = ${caseId}, routed_at = now() where id = ${id}`
      return id
    }
    await file(survivor.caseId, survivor.identityId, 'tc-1', '2026-11-25T10:00:00', { platform: 'bluesky', language: 'et', reasons: [{ signal: 'money', points: 20, reason: 'charged twice' }] })
    const second = await file(survivor.caseId, survivor.identityId, 'tc-2', '2026-11-25T10:05:00', { platform: 'x', language: 'en', reasons: [{ signal: 'outage', points: 15, reason: 'down' }] })
    expect(await rowOf(survivor.caseId)).toMatchObject({ platform: 'bluesky', language: 'et', category: 'money' })

    // A re-classification of a filed mention changes the case's category.
    await db.sql`update mention set urgency_reasons = '[{"signal": "outage", "points": 30, "reason": "down 2 days"}]' where id = ${second}`
    expect(await rowOf(survivor.caseId)).toMatchObject({ category: 'outage' })

    await file(merged.caseId, merged.identityId, 'tc-3', '2026-11-25T09:00:00', { platform: 'mastodon', language: null, reasons: [{ signal: 'regulator', points: 40, reason: 'ombudsman' }] })
    expect(await rowOf(merged.caseId)).toMatchObject({ platform: 'mastodon', language: 'other', category: 'regulator' })
    await db.sql`
      update care_case set status = 'closed', resolved_at = now(), closed_at = now(), merged_into_id = ${survivor.caseId} where id = ${merged.caseId}`
    expect(await rowOf(merged.caseId)).toBeUndefined()
    expect(await rowOf(survivor.caseId)).toMatchObject({ platform: 'mastodon', language: 'other', category: 'regulator' })

    // Undoing the merge gives each case its own again.
    await db.sql`update care_case set status = 'open', resolved_at = null, closed_at = null, merged_into_id = null where id = ${merged.caseId}`
    expect(await rowOf(survivor.caseId)).toMatchObject({ platform: 'bluesky', language: 'et', category: 'outage' })
    expect(await rowOf(merged.caseId)).toMatchObject({ category: 'regulator' })
    await expectUpToDate()
  })
})
