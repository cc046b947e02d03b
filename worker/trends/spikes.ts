// Spike detection: an unusual rise of complaints for a brand, overall, for one urgency signal or
// for one term, noticed within minutes of the mentions arriving.
//
// THE METHOD
// Every sweep (each minute, from the spike-sweep job) looks at the last `windowMinutes` of each
// brand's complaints by arrival (mention.received_at; classified complaints only) and asks, for
// the whole volume, for each watched urgency signal and for the window's most frequent terms:
//
//   observed  the complaints in the window (for a signal: those carrying it; for a term: those
//             using it; see terms.ts);
//   seasonal  the mean of the middle half (the quarter highest and the quarter lowest left
//             out) of the same window on each of the last `days` days and on the same weekday of
//             the last `weeks` weeks. The weekday thus counts four times in ten: a Monday-morning
//             peak is expected on Mondays, and a quiet Sunday does not make Monday look loud;
//             and last Tuesday's outage is among the windows left out;
//   recent    the mean of the middle half of the `recentBlocks` windows just before this one
//             (three hours): the level of the day, which the time of day alone does not know (a
//             busy week, a campaign). Trimmed, not averaged, so a rise that began up to
//             three-quarters of an hour ago does not raise its own bar; one that lasts longer
//             becomes the level, and its alert ends. (A median would do the same but reads small
//             counts too low: the median of windows averaging 2.1 is often 1, which lets chance
//             eights through; an EWMA learns a rise within minutes and would cut its alert short);
//   expected  the larger of seasonal and recent: a window must be unusual for the time of day
//             and for the day so far. (A blend would lower the bar on every morning ramp, when
//             the night's recent level is low but the hour is always busy.)
//   spread    max(1.4826 × MAD of the seasonal windows, √expected + skew, `floor`): the
//             seasonal windows' own robust spread, never below the Poisson noise of a count that
//             size; skew = (threshold² − 1) / (6 × threshold) (0.8 at 5) is the Cornish–Fisher
//             allowance for small counts jumping further above their mean than √mean says;
//   score     (observed − expected) / spread.
//
// An alert is raised when score ≥ `threshold`, observed ≥ `minCount` and observed ≥ `ratio` ×
// expected: the score says "not noise", the count says "enough to act on", the ratio says "a
// real rise" for big brands whose noise is small next to their volume. A running alert is
// extended while its window still scores ≥ `endScore` with at least half `minCount` complaints
// (hysteresis, so it does not flicker at the threshold), and ended by the first sweep that finds
// it below. One that rises again within `cooldownMinutes` of ending is reopened, not raised anew.
// Term alerts are for rises that neither the volume nor any signal shows (a new word in an
// otherwise ordinary stream: a product, a place, a phrase): none is raised while a volume or
// signal alert of the brand runs, since its terms already say what the rise is about (an outage
// makes one alert with its terms, not one per word), nor for a term another alert shows; at most
// `maxTermAlerts` run at once per brand.
//
// Windows are 24-hour steps back, so for a week after a clock change the seasonal windows sit an
// hour off in local time; the recent level covers for it. Windows from before the brand's first
// mention are left out, not counted as zero: a new brand's first quiet days do not become its
// normal. Only mentions posted at most `freshMinutes` before their window count, so a backfill
// (a new source's history, a poller catching up after an outage of its own) is no spike.
//
// An alert keeps the terms that set its window apart (the most frequent, less what the baseline
// windows expected of each) and up to five sample mentions, most urgent first, one per language
// before any second. New alerts are told to the brand's webhook once, after commit.
//
// Counts are aggregates over the partial index mention (brand_id, received_at) where complaint;
// term counts read the texts of the window and of the baseline windows (at most
// `baselineTexts` each, scaled up when there were more).
//
// THE KNOBS (defaultSpikeKnobs; SpikeKnobs says what each does) and how they were set
//   windowMinutes 15, days 7, weeks 4, recentBlocks 12 (three hours).
//   threshold 5: the synthetic replay's ordinary traffic (test/support/outage.ts: Poisson
//     arrivals with a daily and weekly shape, about 11 complaints a window at the busiest hour),
//     scored every minute for the volume and seven signals over 14 weeks (four seeds), raised
//     12 false alerts with medians and a threshold of 4, 7 with middle means and 4, and 1 with
//     middle means and 5; the outage and billing alerts came at most two minutes later for it.
//   minCount 8: the demo's outage breaks with 11 complaints (10 of them outage) in its first
//     three minutes; 10 would hang the demo's story on a single classification.
//   ratio 3, floor 1, endScore 2 (an outage's alerts end as its complaints fade out),
//   cooldownMinutes 30, freshMinutes 60, signals: the topical ones (category.ts; who is speaking,
//   reach and tone, is no topic), termCandidates 10, maxTermAlerts 3, termsPerAlert 8,
//   samplesPerAlert 5, windowTexts 2000, baselineTexts 300.
// On the synthetic replay an outage that ramps up to 3 complaints a minute over ten minutes, at
// the busiest hour of a Tuesday, raises its outage alert 8.7 minutes after its first complaint
// (5.6 to 8.7 over four seeds: the sweep after its ninth) and the volume alert about four minutes
// later; the demo's Monday-morning outage raises both four minutes after its first complaint.
import { z } from 'zod'
import type { UrgencyReason } from '../classify/types'
import type { Sql, Tx } from '../db/connect'
import { headlineMessage, sendBrandWebhook, type SendOptions, type WebhookMessage } from '../handoff/webhook'
import { alertsById } from './alerts'
import { topicalSignals } from './category'
import { termsOf } from './terms'
import type { SpikeAlertView } from './types'

export type SpikeKind = SpikeAlertView['kind']

export interface SpikeKnobs {
  /** Minutes of complaints a sweep looks at, and the width of every baseline window. */
  windowMinutes: number
  /** Days back for the seasonal baseline (the same window each day). */
  days: number
  /** Weeks back for the seasonal baseline (the same window on the same weekday). */
  weeks: number
  /** Windows just before this one for the recent level. */
  recentBlocks: number
  /** Score to raise an alert. */
  threshold: number
  /** Fewest complaints in the window to raise an alert. */
  minCount: number
  /** Observed must be at least this many times expected to raise an alert. */
  ratio: number
  /** Least spread, so that a near-empty baseline does not make every complaint a spike. */
  floor: number
  /** Score below which a running alert ends. */
  endScore: number
  /** An alert rising again this soon after it ended is reopened rather than raised anew. */
  cooldownMinutes: number
  /** Mentions posted longer than this before their window are backfill, not news. */
  freshMinutes: number
  /** The urgency signals watched on their own. */
  signals: readonly UrgencyReason['signal'][]
  /** The window's most frequent terms considered for term alerts. */
  termCandidates: number
  /** Term alerts running at once per brand. */
  maxTermAlerts: number
  /** Terms kept with an alert. */
  termsPerAlert: number
  /** Sample mentions kept with an alert. */
  samplesPerAlert: number
  /** Complaint texts read from the window. */
  windowTexts: number
  /** Complaint texts read from each baseline window. */
  baselineTexts: number
}

export const defaultSpikeKnobs: Readonly<SpikeKnobs> = {
  windowMinutes: 15,
  days: 7,
  weeks: 4,
  recentBlocks: 12,
  threshold: 5,
  minCount: 8,
  ratio: 3,
  floor: 1,
  endScore: 2,
  cooldownMinutes: 30,
  freshMinutes: 60,
  signals: topicalSignals,
  termCandidates: 10,
  maxTermAlerts: 3,
  termsPerAlert: 8,
  samplesPerAlert: 5,
  windowTexts: 2000,
  baselineTexts: 300,
}

const minute = 60_000
const day = 86_400_000
// Scales a median absolute deviation to a standard deviation for normally distributed counts.
const madToSd = 1.4826
// Any constant will do, as long as no other advisory lock in Earshot uses it with a brand's id.
const lockSpace = 0x5350494b

// ---------------------------------------------------------------------------------------------
// Scoring: pure, so that the method can be read and tested without a database.

export type SlotRole = 'window' | 'recent' | 'seasonal'

export interface Slot {
  index: number
  role: SlotRole
  start: Date
  end: Date
}

/**
 * The window ending at `now` (index 0), then the recent and seasonal windows it is compared
 * with; those that start before `historyStart` are left out.
 */
export function spikeSlots(now: Date, historyStart: Date | null, knobs: SpikeKnobs = defaultSpikeKnobs): Slot[] {
  const width = knobs.windowMinutes * minute
  const end = now.getTime()
  const slots: Slot[] = [{ index: 0, role: 'window', start: new Date(end - width), end: now }]
  const add = (role: SlotRole, slotEnd: number) => {
    const start = slotEnd - width
    if (historyStart !== null && start >= historyStart.getTime()) slots.push({ index: slots.length, role, start: new Date(start), end: new Date(slotEnd) })
  }
  for (let block = 1; block <= knobs.recentBlocks; block++) add('recent', end - block * width)
  for (let days = 1; days <= knobs.days; days++) add('seasonal', end - days * day)
  // A week back is already one of the days when `days` reaches seven.
  for (let weeks = 1; weeks <= knobs.weeks; weeks++) if (weeks * 7 > knobs.days) add('seasonal', end - weeks * 7 * day)
  return slots
}

export interface WindowScore {
  observed: number
  expected: number
  seasonal: number
  recent: number
  spread: number
  score: number
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** The mean of the middle half: the quarter highest and the quarter lowest left out. */
export function middleMean(values: readonly number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const cut = Math.floor(sorted.length / 4)
  const middle = sorted.slice(cut, sorted.length - cut)
  return middle.reduce((sum, value) => sum + value, 0) / middle.length
}

/** How unusual `observed` is next to the seasonal and recent windows' counts. */
export function scoreWindow(observed: number, seasonal: readonly number[], recent: readonly number[], knobs: SpikeKnobs = defaultSpikeKnobs): WindowScore {
  const seasonalLevel = middleMean(seasonal)
  const recentLevel = middleMean(recent)
  const expected = Math.max(seasonalLevel, recentLevel)
  // Fewer than three windows have no spread worth the name; the Poisson floor stands in.
  const center = median(seasonal)
  const mad = seasonal.length >= 3 ? median(seasonal.map((count) => Math.abs(count - center))) * madToSd : 0
  const spread = Math.max(mad, Math.sqrt(expected) + skewAllowance(knobs.threshold), knobs.floor)
  return { observed, expected, seasonal: seasonalLevel, recent: recentLevel, spread, score: (observed - expected) / spread }
}

/**
 * Small counts are skewed: they jump further above their mean than √mean says, and a bar of
 * threshold × √expected lets a quiet signal's chance eights through. The Cornish–Fisher term
 * (z² − 1) / 6, spread over the z spreads of the bar, puts it where the Poisson tail really is
 * (0.8 at z = 5: an ordinary count of any size reaches it in well under one window in a million).
 */
export function skewAllowance(threshold: number): number {
  return threshold > 0 ? (threshold * threshold - 1) / (6 * threshold) : 0
}

export function raisesAlert(score: WindowScore, knobs: SpikeKnobs = defaultSpikeKnobs): boolean {
  return score.score >= knobs.threshold && score.observed >= knobs.minCount && score.observed >= knobs.ratio * score.expected
}

export function keepsAlert(score: WindowScore, knobs: SpikeKnobs = defaultSpikeKnobs): boolean {
  return score.score >= knobs.endScore && score.observed >= Math.ceil(knobs.minCount / 2)
}

// ---------------------------------------------------------------------------------------------
// Reading a brand's windows.

interface WindowComplaint {
  id: string
  language: string | null
  urgency: number
  receivedAt: Date
  signals: Set<string>
  terms: string[]
}

const reasonList = z.array(z.object({ signal: z.string() })).catch([])

function slotJson(slots: Slot[]): string {
  return JSON.stringify(slots.map((slot) => [slot.index, slot.start.toISOString(), slot.end.toISOString()]))
}

/** Complaints per window: overall under '' and per watched signal under its name. */
async function readCounts(sql: Sql, brandId: string, slots: Slot[], knobs: SpikeKnobs): Promise<Map<string, number[]>> {
  const rows = await sql<{ slot: number; key: string; complaints: number }[]>`
    with slot as (
      select (s->>0)::int as slot, (s->>1)::timestamptz as starts, (s->>2)::timestamptz as ends
        from jsonb_array_elements(${slotJson(slots)}::text::jsonb) as s
    ),
    watched as (
      select jsonb_array_elements_text(${JSON.stringify(knobs.signals)}::text::jsonb) as signal
    )
    -- Counted per window in a subquery of its own, so that each window is one range scan of the
    -- index whatever the planner's statistics say (a join over all windows at once may scan every
    -- complaint of the brand).
    select s.slot, c.key, c.complaints
      from slot s
     cross join lateral (
       select k.key, count(*)::int as complaints
         from mention m
        cross join lateral (
          select '' as key
           union
          select r->>'signal' from jsonb_array_elements(m.urgency_reasons) as r where r->>'signal' in (select signal from watched)
        ) as k
        where m.brand_id = ${brandId} and m.complaint
          and m.received_at >= s.starts and m.received_at < s.ends
          and m.posted_at >= s.starts - make_interval(mins => ${knobs.freshMinutes})
        group by k.key
     ) as c`
  const counts = new Map<string, number[]>()
  for (const row of rows) {
    let series = counts.get(row.key)
    if (!series) counts.set(row.key, (series = new Array<number>(slots.length).fill(0)))
    series[row.slot] = row.complaints
  }
  return counts
}

async function readWindow(sql: Sql, brandId: string, window: Slot, knobs: SpikeKnobs): Promise<WindowComplaint[]> {
  const rows = await sql<{ id: string; text: string; language: string | null; urgency_score: number | null; received_at: Date; urgency_reasons: unknown }[]>`
    select m.id::text as id, m.text, m.language, m.urgency_score, m.received_at, m.urgency_reasons
      from mention m
     where m.brand_id = ${brandId} and m.complaint
       and m.received_at >= ${window.start} and m.received_at < ${window.end}
       and m.posted_at >= ${new Date(window.start.getTime() - knobs.freshMinutes * minute)}
     order by m.received_at desc, m.id desc
     limit ${knobs.windowTexts}`
  return rows.map((row) => ({
    id: row.id,
    language: row.language,
    urgency: row.urgency_score ?? 0,
    receivedAt: row.received_at,
    signals: new Set(reasonList.parse(row.urgency_reasons).map((reason) => reason.signal)),
    terms: termsOf(row.text, row.language),
  }))
}

/** How many complaints of each baseline window use each term, scaled up where texts were left unread. */
async function readBaselineTerms(sql: Sql, brandId: string, slots: Slot[], totals: readonly number[], knobs: SpikeKnobs): Promise<Map<string, number>[]> {
  const perSlot = slots.map(() => new Map<string, number>())
  const baseline = slots.filter((slot) => slot.role !== 'window')
  if (baseline.length === 0) return perSlot
  const rows = await sql<{ slot: number; text: string; language: string | null }[]>`
    with slot as (
      select (s->>0)::int as slot, (s->>1)::timestamptz as starts, (s->>2)::timestamptz as ends
        from jsonb_array_elements(${slotJson(baseline)}::text::jsonb) as s
    )
    select s.slot, m.text, m.language
      from slot s
     cross join lateral (
       select m.text, m.language
         from mention m
        where m.brand_id = ${brandId} and m.complaint
          and m.received_at >= s.starts and m.received_at < s.ends
          and m.posted_at >= s.starts - make_interval(mins => ${knobs.freshMinutes})
        order by m.received_at desc
        limit ${knobs.baselineTexts}
     ) as m`
  const read = new Array<number>(slots.length).fill(0)
  for (const row of rows) {
    read[row.slot]! += 1
    const counts = perSlot[row.slot]!
    for (const term of termsOf(row.text, row.language)) counts.set(term, (counts.get(term) ?? 0) + 1)
  }
  for (const slot of baseline) {
    const scale = read[slot.index]! > 0 ? totals[slot.index]! / read[slot.index]! : 1
    if (scale > 1) for (const [term, count] of perSlot[slot.index]!) perSlot[slot.index]!.set(term, count * scale)
  }
  return perSlot
}

async function brandWords(sql: Sql, brandId: string): Promise<Set<string>> {
  const [row] = await sql<{ name: string; handles: string[] }[]>`
    select b.name, coalesce((select json_agg(h.handle) from brand_handle h where h.brand_id = b.id), '[]'::json) as handles
      from brand b where b.id = ${brandId}`
  const words = new Set<string>()
  // Handles are split at dots and '@' so that nordlink.bsky.social yields "nordlink".
  for (const source of [row?.name ?? '', ...(row?.handles ?? []).map((handle) => handle.replace(/[@.]/g, ' '))]) {
    for (const term of termsOf(source, null)) if (!term.includes(' ')) words.add(term)
  }
  return words
}

// ---------------------------------------------------------------------------------------------
// Evaluating a brand.

export interface SpikeFinding {
  kind: SpikeKind
  key: string
  score: WindowScore
  /** Unusual enough to raise an alert. */
  raises: boolean
  /** Still raised enough to keep a running alert. */
  keeps: boolean
  terms: string[]
  sampleIds: string[]
}

export interface BrandEvaluation {
  brandId: string
  windowStart: Date
  windowEnd: Date
  /** Complaints in the window. */
  complaints: number
  findings: SpikeFinding[]
}

function alertKey(kind: SpikeKind, key: string): string {
  return `${kind}:${key}`
}

/**
 * Scores the window ending at `now` for the brand: its volume, every watched signal seen in it,
 * its most frequent terms, and whatever `running` (alert keys, `kind:key`) needs to know whether
 * to go on. Terms and samples are worked out for the findings that raise or keep an alert.
 */
export async function evaluateBrand(sql: Sql, brandId: string, now: Date, { knobs = defaultSpikeKnobs, running = new Set<string>() }: { knobs?: SpikeKnobs; running?: ReadonlySet<string> } = {}): Promise<BrandEvaluation> {
  const [history] = await sql<{ first: Date | null }[]>`select min(received_at) as first from mention where brand_id = ${brandId}`
  const slots = spikeSlots(now, history?.first ?? null, knobs)
  const window = slots[0]!
  const [counts, complaints, excluded] = await Promise.all([readCounts(sql, brandId, slots, knobs), readWindow(sql, brandId, window, knobs), brandWords(sql, brandId)])
  const totals = counts.get('') ?? new Array<number>(slots.length).fill(0)
  const baselineTerms = await readBaselineTerms(sql, brandId, slots, totals, knobs)

  const seasonalSlots = slots.filter((slot) => slot.role === 'seasonal').map((slot) => slot.index)
  const recentSlots = slots.filter((slot) => slot.role === 'recent').map((slot) => slot.index)
  const score = (observed: number, series: (index: number) => number) =>
    scoreWindow(observed, seasonalSlots.map(series), recentSlots.map(series), knobs)

  // Term counts in the window, scaled like the baseline's if the window held more than was read.
  const windowScale = complaints.length > 0 ? Math.max(1, totals[0]! / complaints.length) : 1
  const windowTerms = new Map<string, number>()
  for (const complaint of complaints) {
    for (const term of complaint.terms) windowTerms.set(term, (windowTerms.get(term) ?? 0) + 1)
  }
  const termScores = new Map<string, WindowScore>()
  const termScore = (term: string): WindowScore => {
    let found = termScores.get(term)
    if (!found) termScores.set(term, (found = score(Math.round((windowTerms.get(term) ?? 0) * windowScale), (index) => baselineTerms[index]!.get(term) ?? 0)))
    return found
  }
  const isBrandTerm = (term: string) => term.split(' ').some((word) => excluded.has(word))

  const candidates: { kind: SpikeKind; key: string; score: WindowScore; matches: (complaint: WindowComplaint) => boolean }[] = []
  candidates.push({ kind: 'volume', key: '', score: score(totals[0]!, (index) => totals[index]!), matches: () => true })
  // Running alerts of a signal no longer watched are scored too (as nothing), so that they end.
  const runningSignals = [...running].filter((key) => key.startsWith('reason:')).map((key) => key.slice('reason:'.length))
  for (const signal of new Set<string>([...knobs.signals, ...runningSignals])) {
    const series = counts.get(signal)
    if (!series && !running.has(alertKey('reason', signal))) continue
    candidates.push({ kind: 'reason', key: signal, score: score(series?.[0] ?? 0, (index) => series?.[index] ?? 0), matches: (complaint) => complaint.signals.has(signal) })
  }
  const frequent = [...windowTerms]
    .filter(([term, count]) => count * windowScale >= knobs.minCount && !isBrandTerm(term))
    .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : 1))
    .slice(0, knobs.termCandidates)
    .map(([term]) => term)
  const runningTerms = [...running].filter((key) => key.startsWith('term:')).map((key) => key.slice('term:'.length))
  for (const term of new Set([...frequent, ...runningTerms])) {
    candidates.push({ kind: 'term', key: term, score: termScore(term), matches: (complaint) => complaint.terms.includes(term) })
  }

  const findings: SpikeFinding[] = candidates.map((candidate) => {
    const raises = raisesAlert(candidate.score, knobs)
    const keeps = keepsAlert(candidate.score, knobs)
    if (!raises && !keeps) return { kind: candidate.kind, key: candidate.key, score: candidate.score, raises, keeps, terms: [], sampleIds: [] }
    const matching = complaints.filter(candidate.matches)
    return {
      kind: candidate.kind,
      key: candidate.key,
      score: candidate.score,
      raises,
      keeps,
      terms: distinctiveTerms(matching, termScore, isBrandTerm, candidate.kind === 'term' ? candidate.key : null, knobs.termsPerAlert),
      sampleIds: samples(matching, knobs.samplesPerAlert),
    }
  })
  return { brandId, windowStart: window.start, windowEnd: window.end, complaints: totals[0]!, findings }
}

/**
 * The terms that set these complaints apart: frequent among them, less what the baseline windows
 * expected of each, so that words every complaint uses ("internet" for a telco on any day) give
 * way to what is new ("kalamaja", "outage").
 */
function distinctiveTerms(
  complaints: WindowComplaint[],
  termScore: (term: string) => WindowScore,
  isBrandTerm: (term: string) => boolean,
  first: string | null,
  limit: number,
): string[] {
  const counts = new Map<string, number>()
  for (const complaint of complaints) for (const term of complaint.terms) counts.set(term, (counts.get(term) ?? 0) + 1)
  // One complaint's words are no pattern, unless one complaint is all there is.
  const least = complaints.length >= 4 ? 2 : 1
  const ranked = [...counts]
    .filter(([term, count]) => count >= least && term !== first && !isBrandTerm(term))
    .map(([term, count]) => ({ term, count, excess: count - termScore(term).expected }))
    .sort((a, b) => b.excess - a.excess || b.count - a.count || (a.term < b.term ? -1 : 1))
    .map((entry) => entry.term)
  return [...(first === null ? [] : [first]), ...ranked].slice(0, limit)
}

/** The most urgent complaints, one per language before a second of any, newest first among equals. */
function samples(complaints: WindowComplaint[], limit: number): string[] {
  const ordered = [...complaints].sort((a, b) => b.urgency - a.urgency || b.receivedAt.getTime() - a.receivedAt.getTime() || (a.id < b.id ? 1 : -1))
  const picked: WindowComplaint[] = []
  const languages = new Set<string>()
  for (const complaint of ordered) {
    if (picked.length >= limit) break
    const language = complaint.language ?? 'other'
    if (languages.has(language)) continue
    languages.add(language)
    picked.push(complaint)
  }
  for (const complaint of ordered) {
    if (picked.length >= limit) break
    if (!picked.includes(complaint)) picked.push(complaint)
  }
  return picked.map((complaint) => complaint.id)
}

// ---------------------------------------------------------------------------------------------
// The sweep: alerts raised, extended, ended; webhooks after commit.

export interface SpikeSweepOptions {
  knobs?: Partial<SpikeKnobs>
  webhook?: SendOptions
}

export interface SpikeSweepResult {
  /** Brands whose window was scored. */
  evaluated: number
  opened: number
  extended: number
  reopened: number
  ended: number
  /** Webhook messages the brands' receivers accepted. */
  webhooks: number
  /** Brands whose sweep failed (and was logged). */
  failed: number
}

interface StoredAlert {
  id: string
  kind: SpikeKind
  key: string
  terms: unknown
  ended_at: Date | null
  last_seen_at: Date
}

const termList = z.array(z.string()).catch([])

/**
 * Scores every brand's window ending at `now` and brings its alerts up to date. Brands with fewer
 * complaints in the window than could raise an alert, and no alert running, are passed over
 * after one count. Safe to run in several processes at once and for the same `now` twice: each
 * brand's alerts change under a transaction-scoped advisory lock, and at most one alert per
 * brand, kind and key runs (a unique index).
 */
export async function sweepSpikes(sql: Sql, now: Date, { knobs: overrides, webhook }: SpikeSweepOptions = {}): Promise<SpikeSweepResult> {
  const knobs: SpikeKnobs = { ...defaultSpikeKnobs, ...overrides }
  const windowStart = new Date(now.getTime() - knobs.windowMinutes * minute)
  const result: SpikeSweepResult = { evaluated: 0, opened: 0, extended: 0, reopened: 0, ended: 0, webhooks: 0, failed: 0 }
  const brands = await sql<{ id: string; complaints: number; running: string[] }[]>`
    select b.id::text as id,
           (select count(*)::int from mention m
             where m.brand_id = b.id and m.complaint and m.received_at >= ${windowStart} and m.received_at < ${now}
               and m.posted_at >= ${new Date(windowStart.getTime() - knobs.freshMinutes * minute)}) as complaints,
           coalesce((select json_agg(a.kind || ':' || a.key) from spike_alert a where a.brand_id = b.id and a.ended_at is null), '[]'::json) as running
      from brand b
     order by b.id`
  for (const brand of brands) {
    if (brand.running.length === 0 && brand.complaints < knobs.minCount) continue
    // One brand's failure is logged and does not keep the others from being swept.
    try {
      const evaluation = await evaluateBrand(sql, brand.id, now, { knobs, running: new Set(brand.running) })
      const changes = await sql.begin((tx) => applyFindings(tx, evaluation, now, knobs))
      result.evaluated++
      result.opened += changes.opened
      result.extended += changes.extended
      result.reopened += changes.reopened
      result.ended += changes.ended
    } catch (error) {
      console.error(`spike sweep of brand ${brand.id} failed:`, error)
      result.failed++
      continue
    }
    if (await announce(sql, brand.id, now, knobs, webhook)) result.webhooks++
  }
  return result
}

async function applyFindings(tx: Tx, evaluation: BrandEvaluation, now: Date, knobs: SpikeKnobs) {
  const changes = { opened: 0, extended: 0, reopened: 0, ended: 0 }
  const { brandId } = evaluation
  await tx`select pg_advisory_xact_lock(${lockSpace}, (${brandId}::bigint % 2147483647)::int)`
  // Read again under the lock: another sweep may have changed them since the evaluation began.
  const stored = await tx<StoredAlert[]>`
    select id::text as id, kind, key, terms, ended_at, last_seen_at
      from spike_alert
     where brand_id = ${brandId} and (ended_at is null or ended_at > ${new Date(now.getTime() - knobs.cooldownMinutes * minute)})
     order by ended_at desc nulls first, id desc`
  const running = new Map<string, StoredAlert>()
  const lately = new Map<string, StoredAlert>()
  for (const alert of stored) {
    const key = alertKey(alert.kind, alert.key)
    if (alert.ended_at === null) running.set(key, alert)
    else if (alert.ended_at <= now && !lately.has(key)) lately.set(key, alert)
  }
  // Terms some alert already shows, and how many alerts of each sort run: a term alert is for a
  // rise that neither the volume nor any signal shows; while one of those runs, its terms say it.
  const shown = new Set<string>()
  let termAlerts = 0
  let otherAlerts = 0
  for (const alert of running.values()) {
    if (alert.kind === 'term') termAlerts++
    else otherAlerts++
    for (const term of termList.parse(alert.terms)) shown.add(term)
  }

  const order: Record<SpikeKind, number> = { volume: 0, reason: 1, term: 2 }
  for (const finding of [...evaluation.findings].sort((a, b) => order[a.kind] - order[b.kind])) {
    const key = alertKey(finding.kind, finding.key)
    const alert = running.get(key)
    if (alert) {
      if (finding.raises || finding.keeps) {
        await extend(tx, alert.id, finding, now)
        changes.extended++
      } else if (alert.last_seen_at <= now) {
        // A sweep for an earlier moment that lost the race must not end what a later one saw.
        await tx`update spike_alert set ended_at = ${now} where id = ${alert.id} and ended_at is null`
        changes.ended++
      }
      continue
    }
    if (!finding.raises) continue
    if (finding.kind === 'term' && (otherAlerts > 0 || shown.has(finding.key) || termAlerts >= knobs.maxTermAlerts)) continue
    const previous = lately.get(key)
    if (previous) {
      await tx`update spike_alert set ended_at = null where id = ${previous.id} and ended_at is not null`
      await extend(tx, previous.id, finding, now)
      changes.reopened++
    } else {
      const [created] = await tx<{ id: string }[]>`
        insert into spike_alert (brand_id, kind, key, window_start, window_end, observed, expected, score, terms,
                                 sample_mention_ids, detected_at, last_seen_at)
        values (${brandId}, ${finding.kind}, ${finding.key}, ${evaluation.windowStart}, ${evaluation.windowEnd},
                ${Math.round(finding.score.observed)}, ${finding.score.expected}, ${finding.score.score},
                ${JSON.stringify(finding.terms)}::text::jsonb, ${JSON.stringify(finding.sampleIds)}::text::jsonb, ${now}, ${now})
        on conflict (brand_id, kind, key) where ended_at is null do nothing
        returning id::text as id`
      if (!created) continue
      changes.opened++
    }
    if (finding.kind === 'term') termAlerts++
    else otherAlerts++
    for (const term of finding.terms) shown.add(term)
  }
  return changes
}

/** The alert runs on to `now`; its figures, terms and samples are those of its busiest window. */
async function extend(tx: Tx, id: string, finding: SpikeFinding, now: Date) {
  const observed = Math.round(finding.score.observed)
  // Every right-hand side reads the row as it was, so each "is this the peak?" sees the old observed.
  await tx`
    update spike_alert
       set last_seen_at = greatest(last_seen_at, ${now}),
           window_end = greatest(window_end, ${now}),
           expected = case when ${observed}::int > observed then ${finding.score.expected}::float8 else expected end,
           score = case when ${observed}::int > observed then ${finding.score.score}::float8 else score end,
           terms = case when ${observed}::int > observed then ${JSON.stringify(finding.terms)}::text::jsonb else terms end,
           sample_mention_ids = case when ${observed}::int > observed then ${JSON.stringify(finding.sampleIds)}::text::jsonb else sample_mention_ids end,
           observed = greatest(observed, ${observed}::int)
     where id = ${id}`
}

/**
 * Tells the brand's webhook of its alerts nobody has told it of, in one message. They are claimed
 * (webhook_sent_at) before sending, so two sweeps never both send one; a failed send is logged and
 * not retried, like every webhook. A brand without a webhook keeps its alerts unclaimed, so one
 * set up during a spike still hears of it.
 */
async function announce(sql: Sql, brandId: string, now: Date, knobs: SpikeKnobs, options: SendOptions | undefined): Promise<boolean> {
  const claimed = await sql<{ id: string }[]>`
    update spike_alert a set webhook_sent_at = ${now}
      from brand b
     where b.id = a.brand_id and a.brand_id = ${brandId} and a.webhook_sent_at is null and a.ended_at is null
       and b.handoff_webhook_url is not null
    returning a.id::text as id`
  if (claimed.length === 0) return false
  try {
    const alerts = await alertsById(sql, claimed.map((row) => row.id))
    const result = await sendBrandWebhook(sql, brandId, 'spike', spikeWebhookMessage(alerts, knobs.windowMinutes), options)
    return result?.ok === true
  } catch (error) {
    console.warn('spike webhook could not be sent:', error)
    return false
  }
}

const signalNames: Record<UrgencyReason['signal'], string> = {
  outage: 'outage',
  repeat_contact: 'repeat-contact',
  broken_promise: 'broken-promise',
  regulator: 'regulator',
  churn: 'leaving',
  vulnerability: 'vulnerable-customer',
  money: 'billing',
  support_failure: 'support-failure',
  reach: 'high-reach',
  negative_sentiment: 'negative',
}

function describeAlert(alert: SpikeAlertView): string {
  const what =
    alert.kind === 'volume'
      ? 'complaints'
      : alert.kind === 'reason'
        ? `${signalNames[alert.key as UrgencyReason['signal']] ?? alert.key} complaints`
        : `complaints saying “${alert.key}”`
  const expected = alert.expected < 10 ? alert.expected.toFixed(1).replace(/\.0$/, '') : String(Math.round(alert.expected))
  return `${alert.observed} ${what} (about ${expected} expected)`
}

/**
 * The Slack-compatible message for a brand's new alerts: the leading one (overall volume when it
 * is among them) in the title, every alert on a line, the terms, and the leading one's samples.
 */
export function spikeWebhookMessage(alerts: SpikeAlertView[], windowMinutes: number): WebhookMessage {
  const lead = alerts.find((alert) => alert.kind === 'volume') ?? alerts[0]
  if (!lead) throw new Error('a spike message needs an alert')
  const lines: string[] = []
  if (alerts.length > 1) for (const alert of alerts) lines.push(`• ${describeAlert(alert)}`)
  const terms = [...new Set([lead, ...alerts].flatMap((alert) => alert.terms))].slice(0, 10)
  if (terms.length > 0) lines.push(`Terms: ${terms.join(', ')}`)
  if (lead.samples.length > 0) {
    lines.push('Samples:')
    for (const sample of lead.samples) {
      const text = sample.text.replace(/\s+/g, ' ')
      lines.push(`• @${sample.author_handle} (${sample.platform}): ${text.length > 160 ? `${text.slice(0, 159)}…` : text}`)
    }
  }
  return headlineMessage('spike', `${lead.brand_name} — ${describeAlert(lead)} in ${windowMinutes} minutes`, lines)
}
