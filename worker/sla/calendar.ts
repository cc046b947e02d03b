/**
 * Business-hours calendars: when a brand is open (SLA clocks count only then) or when a person is
 * on shift. Pure and dependency-free so it runs in Workers and Node alike; zone offsets come from
 * `Intl.DateTimeFormat` and are memoized, because routing calls this thousands of times a second.
 */

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
/** Every offset change in modern tzdata falls on a quarter hour, so one offset per quarter hour is exact. */
const BUCKET_MS = 15 * MINUTE_MS
const HORIZON_DAYS = 400
/** Caps each zone's memo (about three years of quarter hours) so a long-lived isolate cannot grow it forever. */
const MAX_CACHED_BUCKETS = 100_000

/** One opening span on an ISO weekday (1 = Monday … 7 = Sunday), local wall times 'HH:MM' or 'HH:MM:SS'. A span whose closes is not after opens runs past midnight into the next day (overnight). closes '24:00' or '00:00' means midnight at the end of the day. */
export interface Span {
  weekday: number
  opens: string
  closes: string
}

export interface CalendarInput {
  timeZone: string
  alwaysOpen?: boolean
  spans: readonly Span[]
  /** 'YYYY-MM-DD' local dates */
  holidays?: Iterable<string>
}

export interface Calendar {
  readonly timeZone: string
  readonly alwaysOpen: boolean
  /**
   * Spans by ISO weekday (index 0 unused), sorted by opening, as milliseconds after local midnight
   * of the date they open on; closesMs passes 24 h for overnight spans.
   */
  readonly week: readonly (readonly { readonly opensMs: number; readonly closesMs: number }[])[]
  /** Holidays as local dates counted in days since 1970-01-01. */
  readonly holidays: ReadonlySet<number>
  readonly hasSpans: boolean
}

export class CalendarError extends Error {
  override name = 'CalendarError'
}

// ---------------------------------------------------------------------------------------------
// Zone offsets

interface Zone {
  readonly format: Intl.DateTimeFormat
  /** UTC offset in ms by quarter-hour bucket of the UTC instant. */
  readonly offsets: Map<number, number>
}

const zones = new Map<string, Zone>()

function zoneOf(timeZone: string): Zone {
  const known = zones.get(timeZone)
  if (known !== undefined) return known
  // Intl falls back to the host's zone when timeZone is undefined, which would hide a caller's bug.
  if (typeof timeZone !== 'string' || timeZone === '') {
    throw new CalendarError('timeZone must be an IANA time zone name such as "Europe/Tallinn"')
  }
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    throw new CalendarError(`Unknown time zone "${timeZone}" (expected an IANA name such as "Europe/Tallinn")`)
  }
  const zone: Zone = { format, offsets: new Map() }
  zones.set(timeZone, zone)
  return zone
}

function offsetMs(zone: Zone, ms: number): number {
  const bucket = Math.floor(ms / BUCKET_MS)
  const cached = zone.offsets.get(bucket)
  if (cached !== undefined) return cached
  const start = bucket * BUCKET_MS
  const offset = wallClockMs(zone.format, start) - start
  if (zone.offsets.size >= MAX_CACHED_BUCKETS) zone.offsets.clear()
  zone.offsets.set(bucket, offset)
  return offset
}

/** The zone's wall clock at `ms`, read as if it were UTC. */
function wallClockMs(format: Intl.DateTimeFormat, ms: number): number {
  const field = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 }
  for (const { type, value } of format.formatToParts(ms)) {
    if (type in field) field[type as keyof typeof field] = Number(value)
  }
  // Some engines print midnight as hour 24 even under h23.
  return utcMs(field.year, field.month, field.day) + ((field.hour % 24) * 60 + field.minute) * MINUTE_MS + field.second * 1000
}

/**
 * The UTC instant at which the zone's wall clock shows `wall` (wall time as if UTC): in a gap the
 * pre-change offset is used, which moves the time forward by the gap; in an overlap the earlier.
 */
function zonedMs(zone: Zone, wall: number): number {
  // The instant lies within 14 h of `wall`, so these two bracket any offset change that matters.
  const before = offsetMs(zone, wall - DAY_MS)
  const after = offsetMs(zone, wall + DAY_MS)
  const early = wall - before
  if (before === after) return early
  // In a fall-back overlap both readings are valid and `early` is the earlier one.
  if (offsetMs(zone, early) === before) return early
  const late = wall - after
  if (offsetMs(zone, late) === after) return late
  return early
}

function localDay(zone: Zone, ms: number): number {
  return Math.floor((ms + offsetMs(zone, ms)) / DAY_MS)
}

// ---------------------------------------------------------------------------------------------
// Dates and times of day

/** Unlike Date.UTC, keeps years 0–99 as they are. */
function utcMs(year: number, month: number, day: number): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date.getTime()
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date, or undefined when it is not a real date. */
function parseDay(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (match === null) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const ms = utcMs(year, month, day)
  const back = new Date(ms)
  // Date rolls 2024-02-30 over to March; a mismatch means the date does not exist.
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined
  return ms / DAY_MS
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

function isoWeekday(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((day + 3) % 7) + 7) % 7) + 1
}

/** Milliseconds after midnight of 'HH:MM' or 'HH:MM:SS', or undefined when malformed. */
function parseTimeOfDay(text: unknown, allowEndOfDay: boolean): number | undefined {
  if (typeof text !== 'string') return undefined
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text)
  if (match === null) return undefined
  const [hour, minute, second] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)]
  if (minute > 59 || second > 59) return undefined
  if (hour === 24 && allowEndOfDay && minute === 0 && second === 0) return DAY_MS
  if (hour > 23) return undefined
  return ((hour * 60 + minute) * 60 + second) * 1000
}

// ---------------------------------------------------------------------------------------------
// Building a calendar

function parseSpan(span: Span, index: number): { opensMs: number; closesMs: number } {
  const label = `spans[${index}] (weekday ${String(span.weekday)}, ${String(span.opens)}–${String(span.closes)})`
  if (!Number.isInteger(span.weekday) || span.weekday < 1 || span.weekday > 7) {
    throw new CalendarError(`${label}: weekday must be a whole number from 1 (Monday) to 7 (Sunday)`)
  }
  const opensMs = parseTimeOfDay(span.opens, false)
  if (opensMs === undefined) throw new CalendarError(`${label}: opens must be a time from 00:00 to 23:59:59 (HH:MM or HH:MM:SS)`)
  const closesMs = parseTimeOfDay(span.closes, true)
  if (closesMs === undefined) throw new CalendarError(`${label}: closes must be a time from 00:00 to 24:00 (HH:MM or HH:MM:SS)`)
  // Not after opens means it closes the next day; '00:00' thereby becomes the end of the day.
  return { opensMs, closesMs: closesMs > opensMs ? closesMs : closesMs + DAY_MS }
}

/** Validates (unknown zone, bad times, weekday out of range → CalendarError with a clear message) and precomputes. */
export function calendar(input: CalendarInput): Calendar {
  const { timeZone } = input
  zoneOf(timeZone)
  if (!Array.isArray(input.spans)) throw new CalendarError('spans must be an array')
  const week: { opensMs: number; closesMs: number }[][] = Array.from({ length: 8 }, () => [])
  input.spans.forEach((span, index) => {
    const parsed = parseSpan(span, index)
    week[span.weekday]!.push(parsed)
  })
  for (const spans of week) spans.sort((a, b) => a.opensMs - b.opensMs)
  const holidays = new Set<number>()
  for (const date of input.holidays ?? []) {
    const day = parseDay(date)
    if (day === undefined) throw new CalendarError(`Holiday "${String(date)}" is not a date in the form YYYY-MM-DD`)
    holidays.add(day)
  }
  return Object.freeze({
    timeZone,
    alwaysOpen: input.alwaysOpen === true,
    week,
    holidays,
    hasSpans: input.spans.length > 0,
  })
}

// ---------------------------------------------------------------------------------------------
// Walking open time

/** The day's open intervals as flat [open, close, open, close, …] UTC ms, sorted by open. */
function dayIntervals(cal: Calendar, zone: Zone, day: number, out: number[]): void {
  out.length = 0
  // A holiday removes the spans that open on it; yesterday's overnight span is yesterday's.
  if (cal.holidays.has(day)) return
  const midnight = day * DAY_MS
  for (const span of cal.week[isoWeekday(day)]!) {
    const open = zonedMs(zone, midnight + span.opensMs)
    const close = zonedMs(zone, midnight + span.closesMs)
    if (close > open) out.push(open, close)
  }
  if (!sortedByOpen(out)) sortByOpen(out)
}

function sortedByOpen(flat: readonly number[]): boolean {
  for (let i = 2; i < flat.length; i += 2) if (flat[i]! < flat[i - 2]!) return false
  return true
}

/** Only spans opening inside a spring-forward gap can come out of order. */
function sortByOpen(flat: number[]): void {
  const pairs: [number, number][] = []
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!])
  pairs.sort((a, b) => a[0] - b[0])
  flat.length = 0
  for (const [open, close] of pairs) flat.push(open, close)
}

/**
 * Feeds `visit` the open time from `fromMs` on as non-overlapping stretches [start, end) in time
 * order (touching stretches may arrive separately), until `visit` returns a value, which is then
 * returned; undefined when 400 days pass first.
 */
function scan<T>(cal: Calendar, fromMs: number, visit: (start: number, end: number) => T | undefined): T | undefined {
  if (!cal.hasSpans) return undefined
  const zone = zoneOf(cal.timeZone)
  // Yesterday's overnight span may still be running at `fromMs`.
  const firstDay = localDay(zone, fromMs) - 1
  const intervals: number[] = []
  // Everything before this instant is consumed or irrelevant; it keeps overlapping spans from counting twice.
  let covered = fromMs
  for (let day = firstDay; day <= firstDay + 1 + HORIZON_DAYS; day++) {
    dayIntervals(cal, zone, day, intervals)
    for (let i = 0; i < intervals.length; i += 2) {
      const start = Math.max(intervals[i]!, covered)
      const end = intervals[i + 1]!
      if (end <= start) continue
      covered = end
      const result = visit(start, end)
      if (result !== undefined) return result
    }
  }
  return undefined
}

function instantMs(at: Date): number {
  const ms = at.getTime()
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date')
  return ms
}

function durationMs(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be a finite number >= 0, got ${minutes}`)
  // Whole milliseconds keep addBusinessMinutes and businessMinutesBetween exact inverses.
  return Math.round(minutes * MINUTE_MS)
}

function firstOpenMs(cal: Calendar, fromMs: number): number | undefined {
  return scan(cal, fromMs, (start) => start)
}

// ---------------------------------------------------------------------------------------------
// Public queries

export function isOpenAt(cal: Calendar, at: Date): boolean {
  const ms = instantMs(at)
  return cal.alwaysOpen || firstOpenMs(cal, ms) === ms
}

/** The first instant at or after `at` when the calendar is open; `at` itself when open; null when it never opens again within 400 days (no spans, or holidays all the way). */
export function nextOpenAt(cal: Calendar, at: Date): Date | null {
  const ms = instantMs(at)
  if (cal.alwaysOpen) return new Date(ms)
  const next = firstOpenMs(cal, ms)
  return next === undefined ? null : new Date(next)
}

/** The instant when `minutes` business minutes have passed since `from` (minutes may be fractional, >= 0; the result is rounded to the millisecond). With 0 minutes and `from` closed, that is the next opening (a clock due "now" outside hours falls due when the brand opens). null when the calendar never accumulates that much within 400 days. */
export function addBusinessMinutes(cal: Calendar, from: Date, minutes: number): Date | null {
  const fromMs = instantMs(from)
  let left = durationMs(minutes)
  if (cal.alwaysOpen) return new Date(fromMs + left)
  const due = scan(cal, fromMs, (start, end) => {
    if (left <= end - start) return start + left
    left -= end - start
    return undefined
  })
  return due === undefined ? null : new Date(due)
}

/** Business minutes between two instants (0 when to <= from). Exact inverse of addBusinessMinutes for open stretches. Open time more than 400 days after `from` is not counted. */
export function businessMinutesBetween(cal: Calendar, from: Date, to: Date): number {
  const fromMs = instantMs(from)
  const toMs = instantMs(to)
  if (toMs <= fromMs) return 0
  if (cal.alwaysOpen) return (toMs - fromMs) / MINUTE_MS
  let total = 0
  scan(cal, fromMs, (start, end) => {
    if (start >= toMs) return true
    total += Math.min(end, toMs) - start
    return end >= toMs ? true : undefined
  })
  return total / MINUTE_MS
}

/** Local date 'YYYY-MM-DD', ISO weekday and minutes since local midnight (fractional when the instant has seconds) of an instant in a zone (exported for formatting messages and tests). */
export function localTime(timeZone: string, at: Date): { date: string; weekday: number; minutes: number } {
  const zone = zoneOf(timeZone)
  const ms = instantMs(at)
  const wall = ms + offsetMs(zone, ms)
  const day = Math.floor(wall / DAY_MS)
  return { date: formatDay(day), weekday: isoWeekday(day), minutes: (wall - day * DAY_MS) / MINUTE_MS }
}

/** The UTC instant of a local wall time in a zone; in a spring-forward gap the time is moved forward by the gap (02:30 → 03:30 where clocks jump 02:00 → 03:00); in a fall-back overlap the EARLIER instant is taken. `minutes` past 1440 run into the following days. */
export function zonedInstant(timeZone: string, date: string, minutes: number): Date {
  const zone = zoneOf(timeZone)
  const day = parseDay(date)
  if (day === undefined) throw new CalendarError(`"${date}" is not a date in the form YYYY-MM-DD`)
  if (!Number.isFinite(minutes)) throw new RangeError(`minutes must be a finite number, got ${minutes}`)
  return new Date(zonedMs(zone, day * DAY_MS + Math.round(minutes * MINUTE_MS)))
}
