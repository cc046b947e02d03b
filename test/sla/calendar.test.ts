// Business-hours calendars behind SLA clocks and shift rosters.
//
// Expected instants are worked out by hand. Zone facts used throughout:
//   Europe/Tallinn   EET  = UTC+2 in winter, EEST = UTC+3 in summer. 2024: spring forward Sun 31 Mar
//                    03:00 → 04:00 local (01:00Z); fall back Sun 27 Oct 04:00 → 03:00 local (01:00Z).
//   America/New_York EST  = UTC−5, EDT = UTC−4. 2024: spring forward Sun 10 Mar 02:00 → 03:00 local
//                    (07:00Z); fall back Sun 3 Nov 02:00 → 01:00 local (06:00Z).
// 2024-01-15 is a Monday.
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../worker/random'
import {
  addBusinessMinutes,
  businessMinutesBetween,
  calendar,
  CalendarError,
  isOpenAt,
  localTime,
  nextOpenAt,
  zonedInstant,
  type Calendar,
  type CalendarInput,
  type Span,
} from '../../worker/sla/calendar'

const TLL = 'Europe/Tallinn'
const NYC = 'America/New_York'
const WEEKDAYS = [1, 2, 3, 4, 5]
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7]

const every = (days: number[], opens: string, closes: string): Span[] => days.map((weekday) => ({ weekday, opens, closes }))

/** `count` consecutive Mondays from `first` as 'YYYY-MM-DD' (test input, not an expected value). */
function mondays(first: string, count: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`)
  return Array.from({ length: count }, (_, week) => new Date(start + week * 7 * 86_400_000).toISOString().slice(0, 10))
}

const tllOffice = calendar({ timeZone: TLL, spans: every(WEEKDAYS, '08:00', '20:00') })
const tllOfficeTuesdayOff = calendar({ timeZone: TLL, spans: every(WEEKDAYS, '08:00', '20:00'), holidays: ['2024-01-16'] })
const tllNights = calendar({ timeZone: TLL, spans: every(ALL_DAYS, '22:00', '06:00') })
const tllNightsTuesdayOff = calendar({ timeZone: TLL, spans: every(ALL_DAYS, '22:00', '06:00'), holidays: ['2024-01-16'] })
const tllOverlapping = calendar({
  timeZone: TLL,
  spans: [
    { weekday: 1, opens: '08:00', closes: '12:00' },
    { weekday: 1, opens: '10:00', closes: '14:00' },
    { weekday: 1, opens: '22:00', closes: '06:00' },
    { weekday: 2, opens: '06:00', closes: '14:00' },
  ],
})
const tllAlways = calendar({ timeZone: TLL, alwaysOpen: true, spans: [], holidays: ['2024-03-31', '2024-10-27'] })
const tllNever = calendar({ timeZone: TLL, spans: [] })
const tllMondaysAllHolidays = calendar({ timeZone: TLL, spans: every([1], '09:00', '17:00'), holidays: mondays('2024-01-15', 60) })
const tllMondays50Holidays = calendar({ timeZone: TLL, spans: every([1], '09:00', '17:00'), holidays: mondays('2024-01-15', 50) })
const nycOffice = calendar({ timeZone: NYC, spans: every(WEEKDAYS, '09:00', '17:00') })
const nycNights = calendar({ timeZone: NYC, spans: every(ALL_DAYS, '22:00', '06:00') })
const nycLateMonday = calendar({ timeZone: NYC, spans: [{ weekday: 1, opens: '18:00', closes: '24:00' }] })
const nycLateMondayIntoTuesday = calendar({
  timeZone: NYC,
  spans: [
    { weekday: 1, opens: '18:00', closes: '24:00' },
    { weekday: 2, opens: '00:00', closes: '02:00' },
  ],
})
const nycLateMondayMidnight = calendar({
  timeZone: NYC,
  spans: [
    { weekday: 1, opens: '18:00', closes: '00:00' },
    { weekday: 2, opens: '00:00', closes: '02:00' },
  ],
})

const at = (iso: string) => new Date(iso)

describe('addBusinessMinutes', () => {
  const rows: { name: string; cal: Calendar; from: string; minutes: number; due: string | null }[] = [
    // Tallinn office Mon–Fri 08:00–20:00, January (UTC+2).
    { name: 'inside hours', cal: tllOffice, from: '2024-01-15T08:00:00Z', minutes: 90, due: '2024-01-15T09:30:00.000Z' },
    // Mon 06:00 local; opens 08:00 = 06:00Z, +30.
    { name: 'starting before opening', cal: tllOffice, from: '2024-01-15T04:00:00Z', minutes: 30, due: '2024-01-15T06:30:00.000Z' },
    // Mon 19:30 local: 30 min to 20:00, then Tue 08:00 + 30 = 08:30 local.
    { name: 'crossing a night', cal: tllOffice, from: '2024-01-15T17:30:00Z', minutes: 60, due: '2024-01-16T06:30:00.000Z' },
    // Fri 19:30 local: 30 min to 20:00, weekend closed, Mon 08:00 + 30.
    { name: 'crossing a weekend', cal: tllOffice, from: '2024-01-19T17:30:00Z', minutes: 60, due: '2024-01-22T06:30:00.000Z' },
    // As above from Mon, but Tue 16 Jan is a holiday: Wed 08:30 local.
    { name: 'a holiday skipped', cal: tllOfficeTuesdayOff, from: '2024-01-15T17:30:00Z', minutes: 60, due: '2024-01-17T06:30:00.000Z' },
    { name: 'due exactly at closing', cal: tllOffice, from: '2024-01-15T17:00:00Z', minutes: 60, due: '2024-01-15T18:00:00.000Z' },
    // Mon 08:00 + 4 × 720: Mon, Tue, Wed, Thu each full → Thu 20:00 local.
    { name: 'four business days', cal: tllOffice, from: '2024-01-15T06:00:00Z', minutes: 2880, due: '2024-01-18T18:00:00.000Z' },
    { name: 'fractional minutes', cal: tllOffice, from: '2024-01-15T08:00:00Z', minutes: 0.25, due: '2024-01-15T08:00:15.000Z' },
    { name: '0 minutes while open is now', cal: tllOffice, from: '2024-01-15T08:00:00Z', minutes: 0, due: '2024-01-15T08:00:00.000Z' },
    // Sat noon local: nothing until Mon 08:00 local.
    { name: '0 minutes while closed is the next opening', cal: tllOffice, from: '2024-01-20T10:00:00Z', minutes: 0, due: '2024-01-22T06:00:00.000Z' },

    // Night shift 22:00–06:00 every day, Tallinn January.
    // Mon 23:00 local + 2 h = Tue 01:00 local = Mon 23:00Z.
    { name: 'shift 22–06, inside', cal: tllNights, from: '2024-01-15T21:00:00Z', minutes: 120, due: '2024-01-15T23:00:00.000Z' },
    // Tue 05:30 local: 30 min to 06:00, then Tue 22:00 + 30.
    { name: 'shift 22–06, across the day off', cal: tllNights, from: '2024-01-16T03:30:00Z', minutes: 60, due: '2024-01-16T20:30:00.000Z' },
    // Mon 23:00 local: Mon's span runs into the holiday until Tue 06:00 (7 h = 420 min); Tue's own
    // 22:00 span is gone; Wed 22:00 local (20:00Z) + the remaining 60.
    { name: 'holiday on the day after an overnight span starts', cal: tllNightsTuesdayOff, from: '2024-01-15T21:00:00Z', minutes: 480, due: '2024-01-17T21:00:00.000Z' },

    // DST nights. Sat 30 Mar 22:00 EET = 20:00Z → Sun 31 Mar 06:00 EEST = 03:00Z: 7 real hours.
    { name: 'Tallinn spring-forward night is 7 h', cal: tllNights, from: '2024-03-30T20:00:00Z', minutes: 420, due: '2024-03-31T03:00:00.000Z' },
    // One minute more: Sun 22:00 EEST = 19:00Z, + 1.
    { name: 'Tallinn spring-forward night, one minute more', cal: tllNights, from: '2024-03-30T20:00:00Z', minutes: 421, due: '2024-03-31T19:01:00.000Z' },
    // Sat 26 Oct 22:00 EEST = 19:00Z → Sun 27 Oct 06:00 EET = 04:00Z: 9 real hours.
    { name: 'Tallinn fall-back night is 9 h', cal: tllNights, from: '2024-10-26T19:00:00Z', minutes: 540, due: '2024-10-27T04:00:00.000Z' },
    // One minute more: Sun 22:00 EET = 20:00Z, + 1.
    { name: 'Tallinn fall-back night, one minute more', cal: tllNights, from: '2024-10-26T19:00:00Z', minutes: 541, due: '2024-10-27T20:01:00.000Z' },
    // Sat 9 Mar 22:00 EST = Sun 03:00Z → Sun 06:00 EDT = 10:00Z: 7 h.
    { name: 'New York spring-forward night is 7 h', cal: nycNights, from: '2024-03-10T03:00:00Z', minutes: 420, due: '2024-03-10T10:00:00.000Z' },
    // Sat 2 Nov 22:00 EDT = Sun 02:00Z → Sun 06:00 EST = 11:00Z: 9 h.
    { name: 'New York fall-back night is 9 h', cal: nycNights, from: '2024-11-03T02:00:00Z', minutes: 540, due: '2024-11-03T11:00:00.000Z' },
    // Fri 8 Mar 16:30 EST: 30 min to 17:00, then Mon 11 Mar 09:00 EDT (13:00Z) + 30.
    { name: 'New York office across the DST weekend', cal: nycOffice, from: '2024-03-08T21:30:00Z', minutes: 60, due: '2024-03-11T13:30:00.000Z' },

    // Spans closing at midnight, New York January (UTC−5). Mon 23:30 EST = Tue 04:30Z.
    // Only Mon 18:00–24:00: 30 min to midnight, then next Mon 18:00 EST (23:00Z) + 30.
    { name: 'closes 24:00, nothing after', cal: nycLateMonday, from: '2024-01-16T04:30:00Z', minutes: 60, due: '2024-01-22T23:30:00.000Z' },
    // Mon 18:00–24:00 touches Tue 00:00–02:00: straight on to Tue 00:30 EST = 05:30Z.
    { name: 'closes 24:00, next day opens 00:00', cal: nycLateMondayIntoTuesday, from: '2024-01-16T04:30:00Z', minutes: 60, due: '2024-01-16T05:30:00.000Z' },
    { name: 'closes 00:00 means the same', cal: nycLateMondayMidnight, from: '2024-01-16T04:30:00Z', minutes: 60, due: '2024-01-16T05:30:00.000Z' },

    // Overlapping Mon 08–12 and 10–14 count once: 360 min is Mon 14:00 local (12:00Z).
    { name: 'overlapping spans count once', cal: tllOverlapping, from: '2024-01-15T06:00:00Z', minutes: 360, due: '2024-01-15T12:00:00.000Z' },
    // Mon 22:00 local: 22–06 (480) then the adjacent Tue 06–14 (480) → Tue 14:00 local.
    { name: 'adjacent overnight and morning spans merge', cal: tllOverlapping, from: '2024-01-15T20:00:00Z', minutes: 960, due: '2024-01-16T12:00:00.000Z' },

    // Always open: real elapsed time. Sat 30 Mar 14:00 EET + 24 h = Sun 31 Mar 15:00 EEST (a
    // holiday, ignored): 12:00Z both days.
    { name: 'alwaysOpen across spring-forward is 24 real hours', cal: tllAlways, from: '2024-03-30T12:00:00Z', minutes: 1440, due: '2024-03-31T12:00:00.000Z' },
    { name: 'alwaysOpen across fall-back is 24 real hours', cal: tllAlways, from: '2024-10-26T12:00:00Z', minutes: 1440, due: '2024-10-27T12:00:00.000Z' },

    { name: 'no spans', cal: tllNever, from: '2024-01-15T08:00:00Z', minutes: 60, due: null },
    { name: 'no spans, 0 minutes', cal: tllNever, from: '2024-01-15T08:00:00Z', minutes: 0, due: null },
    { name: 'holidays on every open day for 420 days', cal: tllMondaysAllHolidays, from: '2024-01-15T00:00:00Z', minutes: 1, due: null },
    // 50 Monday holidays from 15 Jan: first open Monday is 30 Dec 2024, 09:00 EET = 07:00Z, + 1.
    { name: 'holidays on every open day for 50 weeks', cal: tllMondays50Holidays, from: '2024-01-15T00:00:00Z', minutes: 1, due: '2024-12-30T07:01:00.000Z' },
  ]

  it.each(rows)('$name', ({ cal, from, minutes, due }) => {
    expect(addBusinessMinutes(cal, at(from), minutes)?.toISOString() ?? null).toBe(due)
  })

  it('rejects negative and non-finite minutes', () => {
    expect(() => addBusinessMinutes(tllOffice, at('2024-01-15T08:00:00Z'), -1)).toThrow(RangeError)
    expect(() => addBusinessMinutes(tllOffice, at('2024-01-15T08:00:00Z'), Number.NaN)).toThrow(RangeError)
  })
})

describe('businessMinutesBetween', () => {
  const rows: { name: string; cal: Calendar; from: string; to: string; minutes: number }[] = [
    { name: 'inside hours', cal: tllOffice, from: '2024-01-15T08:00:00Z', to: '2024-01-15T09:30:00Z', minutes: 90 },
    { name: 'crossing a night', cal: tllOffice, from: '2024-01-15T17:30:00Z', to: '2024-01-16T06:30:00Z', minutes: 60 },
    { name: 'crossing a weekend', cal: tllOffice, from: '2024-01-19T17:30:00Z', to: '2024-01-22T06:30:00Z', minutes: 60 },
    { name: 'to before from', cal: tllOffice, from: '2024-01-15T09:30:00Z', to: '2024-01-15T08:00:00Z', minutes: 0 },
    { name: 'to equal to from', cal: tllOffice, from: '2024-01-15T09:30:00Z', to: '2024-01-15T09:30:00Z', minutes: 0 },
    // Mon 00:00 → Thu 00:00 local with Tue off: Mon 720 + Wed 720.
    { name: 'holiday', cal: tllOfficeTuesdayOff, from: '2024-01-14T22:00:00Z', to: '2024-01-17T22:00:00Z', minutes: 1440 },
    // Mon noon → Thu noon local: Mon night 480, Tue night gone, Wed night 480.
    { name: 'holiday after an overnight span', cal: tllNightsTuesdayOff, from: '2024-01-15T10:00:00Z', to: '2024-01-18T10:00:00Z', minutes: 960 },
    // Sat noon → Sun noon local holds only Sat's night: 7 h / 9 h.
    { name: 'Tallinn spring-forward night', cal: tllNights, from: '2024-03-30T10:00:00Z', to: '2024-03-31T09:00:00Z', minutes: 420 },
    { name: 'Tallinn fall-back night', cal: tllNights, from: '2024-10-26T09:00:00Z', to: '2024-10-27T10:00:00Z', minutes: 540 },
    { name: 'New York spring-forward night', cal: nycNights, from: '2024-03-09T17:00:00Z', to: '2024-03-10T16:00:00Z', minutes: 420 },
    { name: 'New York fall-back night', cal: nycNights, from: '2024-11-02T16:00:00Z', to: '2024-11-03T17:00:00Z', minutes: 540 },
    // Mon 00:00 → Wed 00:00 local: Mon 08–14 (360) + Mon 22 → Tue 14 (960), overlaps once.
    { name: 'overlapping and adjacent spans', cal: tllOverlapping, from: '2024-01-14T22:00:00Z', to: '2024-01-16T22:00:00Z', minutes: 1320 },
    // Mon noon → Tue noon EST: Mon 18–24 (360) + Tue 00–02 (120).
    { name: 'closes 24:00 then opens 00:00', cal: nycLateMondayIntoTuesday, from: '2024-01-15T17:00:00Z', to: '2024-01-16T17:00:00Z', minutes: 480 },
    { name: 'alwaysOpen across spring-forward', cal: tllAlways, from: '2024-03-30T12:00:00Z', to: '2024-03-31T12:00:00Z', minutes: 1440 },
    { name: 'no spans', cal: tllNever, from: '2024-01-15T08:00:00Z', to: '2024-01-20T08:00:00Z', minutes: 0 },
  ]

  it.each(rows)('$name', ({ cal, from, to, minutes }) => {
    expect(businessMinutesBetween(cal, at(from), at(to))).toBe(minutes)
  })
})

describe('isOpenAt', () => {
  const rows: { name: string; cal: Calendar; at: string; open: boolean }[] = [
    // Tallinn office opens 08:00 = 06:00Z and closes 20:00 = 18:00Z in January.
    { name: 'office at opening', cal: tllOffice, at: '2024-01-15T06:00:00.000Z', open: true },
    { name: 'office just before opening', cal: tllOffice, at: '2024-01-15T05:59:59.999Z', open: false },
    { name: 'office just before closing', cal: tllOffice, at: '2024-01-15T17:59:59.999Z', open: true },
    { name: 'office at closing', cal: tllOffice, at: '2024-01-15T18:00:00.000Z', open: false },
    { name: 'office on Saturday', cal: tllOffice, at: '2024-01-20T10:00:00.000Z', open: false },
    { name: 'office on a holiday', cal: tllOfficeTuesdayOff, at: '2024-01-16T10:00:00.000Z', open: false },
    { name: 'shift at its start', cal: tllNights, at: '2024-01-15T20:00:00.000Z', open: true },
    { name: 'shift just before its end next morning', cal: tllNights, at: '2024-01-16T03:59:59.999Z', open: true },
    { name: 'shift at its end', cal: tllNights, at: '2024-01-16T04:00:00.000Z', open: false },
    // Tue 01:00 local: Monday's span still runs into Tuesday's holiday.
    { name: 'overnight span running into a holiday', cal: tllNightsTuesdayOff, at: '2024-01-15T23:00:00.000Z', open: true },
    // Tue 23:00 and Wed 00:30 local: Tuesday's own span is removed.
    { name: 'span opening on a holiday, evening', cal: tllNightsTuesdayOff, at: '2024-01-16T21:00:00.000Z', open: false },
    { name: 'span opening on a holiday, after midnight', cal: tllNightsTuesdayOff, at: '2024-01-16T22:30:00.000Z', open: false },
    // Sun 31 Mar 05:59:59.999 EEST = 02:59:59.999Z; 06:00 EEST = 03:00Z.
    { name: 'shift end on spring-forward morning, before', cal: tllNights, at: '2024-03-31T02:59:59.999Z', open: true },
    { name: 'shift end on spring-forward morning, at', cal: tllNights, at: '2024-03-31T03:00:00.000Z', open: false },
    // Mon 24:00 EST = Tue 05:00Z.
    { name: 'closes 24:00, just before', cal: nycLateMonday, at: '2024-01-16T04:59:59.999Z', open: true },
    { name: 'closes 24:00, at', cal: nycLateMonday, at: '2024-01-16T05:00:00.000Z', open: false },
    { name: 'closes 24:00 and next day opens 00:00', cal: nycLateMondayIntoTuesday, at: '2024-01-16T05:00:00.000Z', open: true },
    { name: 'alwaysOpen on a holiday', cal: tllAlways, at: '2024-03-31T10:00:00.000Z', open: true },
    { name: 'no spans', cal: tllNever, at: '2024-01-15T08:00:00.000Z', open: false },
  ]

  it.each(rows)('$name', ({ cal, at: when, open }) => {
    expect(isOpenAt(cal, at(when))).toBe(open)
  })
})

describe('nextOpenAt', () => {
  const rows: { name: string; cal: Calendar; at: string; next: string | null }[] = [
    { name: 'open: itself', cal: tllOffice, at: '2024-01-15T06:00:00.000Z', next: '2024-01-15T06:00:00.000Z' },
    { name: 'open mid-span: itself', cal: tllOffice, at: '2024-01-15T10:11:12.013Z', next: '2024-01-15T10:11:12.013Z' },
    // Mon 20:00 local → Tue 08:00 local.
    { name: 'at closing: next morning', cal: tllOffice, at: '2024-01-15T18:00:00.000Z', next: '2024-01-16T06:00:00.000Z' },
    { name: 'Friday closing: Monday', cal: tllOffice, at: '2024-01-19T18:00:00.000Z', next: '2024-01-22T06:00:00.000Z' },
    { name: 'before a holiday: the day after', cal: tllOfficeTuesdayOff, at: '2024-01-15T18:00:00.000Z', next: '2024-01-17T06:00:00.000Z' },
    // Tue 06:00 local → Tue 22:00 local.
    { name: 'shift ended: this evening', cal: tllNights, at: '2024-01-16T04:00:00.000Z', next: '2024-01-16T20:00:00.000Z' },
    // Fri 8 Mar 17:00 EST → Mon 11 Mar 09:00 EDT.
    { name: 'New York across the DST weekend', cal: nycOffice, at: '2024-03-08T22:00:00.000Z', next: '2024-03-11T13:00:00.000Z' },
    { name: 'alwaysOpen: itself', cal: tllAlways, at: '2024-10-27T01:30:00.000Z', next: '2024-10-27T01:30:00.000Z' },
    { name: 'no spans', cal: tllNever, at: '2024-01-15T06:00:00.000Z', next: null },
    { name: 'holidays all the way', cal: tllMondaysAllHolidays, at: '2024-01-15T00:00:00.000Z', next: null },
    { name: 'holidays for 50 weeks', cal: tllMondays50Holidays, at: '2024-01-15T00:00:00.000Z', next: '2024-12-30T07:00:00.000Z' },
  ]

  it.each(rows)('$name', ({ cal, at: when, next }) => {
    expect(nextOpenAt(cal, at(when))?.toISOString() ?? null).toBe(next)
  })
})

describe('zonedInstant', () => {
  const rows: { name: string; zone: string; date: string; minutes: number; instant: string }[] = [
    { name: 'Tallinn winter 08:00', zone: TLL, date: '2024-01-15', minutes: 480, instant: '2024-01-15T06:00:00.000Z' },
    { name: 'Tallinn summer 08:00', zone: TLL, date: '2024-07-15', minutes: 480, instant: '2024-07-15T05:00:00.000Z' },
    { name: 'seconds', zone: TLL, date: '2024-01-15', minutes: 480.5, instant: '2024-01-15T06:00:30.000Z' },
    { name: '24:00 is the next midnight', zone: TLL, date: '2024-01-15', minutes: 1440, instant: '2024-01-15T22:00:00.000Z' },
    // Gap: 02:30 does not exist; moved forward an hour to 03:30 EDT = 07:30Z.
    { name: 'New York gap', zone: NYC, date: '2024-03-10', minutes: 150, instant: '2024-03-10T07:30:00.000Z' },
    { name: 'New York gap start', zone: NYC, date: '2024-03-10', minutes: 120, instant: '2024-03-10T07:00:00.000Z' },
    { name: 'New York just before the gap', zone: NYC, date: '2024-03-10', minutes: 119, instant: '2024-03-10T06:59:00.000Z' },
    // Gap 03:00–04:00: 03:30 → 04:30 EEST = 01:30Z.
    { name: 'Tallinn gap', zone: TLL, date: '2024-03-31', minutes: 210, instant: '2024-03-31T01:30:00.000Z' },
    // Overlap: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST); the earlier.
    { name: 'New York overlap', zone: NYC, date: '2024-11-03', minutes: 90, instant: '2024-11-03T05:30:00.000Z' },
    { name: 'New York after the overlap', zone: NYC, date: '2024-11-03', minutes: 120, instant: '2024-11-03T07:00:00.000Z' },
    // Overlap: 03:30 happens at 00:30Z (EEST) and 01:30Z (EET); the earlier.
    { name: 'Tallinn overlap', zone: TLL, date: '2024-10-27', minutes: 210, instant: '2024-10-27T00:30:00.000Z' },
  ]

  it.each(rows)('$name', ({ zone, date, minutes, instant }) => {
    expect(zonedInstant(zone, date, minutes).toISOString()).toBe(instant)
  })

  it('rejects a malformed date', () => {
    expect(() => zonedInstant(TLL, '2024-02-30', 0)).toThrow(CalendarError)
    expect(() => zonedInstant(TLL, '15.01.2024', 0)).toThrow(CalendarError)
  })
})

describe('localTime', () => {
  const rows: { name: string; zone: string; at: string; local: ReturnType<typeof localTime> }[] = [
    { name: 'Tallinn after local midnight', zone: TLL, at: '2024-01-15T22:30:00Z', local: { date: '2024-01-16', weekday: 2, minutes: 30 } },
    // 03:00:30 EEST on Monday 1 Jul.
    { name: 'Tallinn summer with seconds', zone: TLL, at: '2024-07-01T00:00:30Z', local: { date: '2024-07-01', weekday: 1, minutes: 180.5 } },
    { name: 'New York first 01:30 (EDT)', zone: NYC, at: '2024-11-03T05:30:00Z', local: { date: '2024-11-03', weekday: 7, minutes: 90 } },
    { name: 'New York second 01:30 (EST)', zone: NYC, at: '2024-11-03T06:30:00Z', local: { date: '2024-11-03', weekday: 7, minutes: 90 } },
    { name: 'New York right after spring-forward', zone: NYC, at: '2024-03-10T07:00:00Z', local: { date: '2024-03-10', weekday: 7, minutes: 180 } },
  ]

  it.each(rows)('$name', ({ zone, at: when, local }) => {
    expect(localTime(zone, at(when))).toEqual(local)
  })
})

describe('calendar validation', () => {
  const rows: { name: string; input: CalendarInput; message: RegExp }[] = [
    { name: 'unknown zone', input: { timeZone: 'Mars/Olympus', spans: [] }, message: /Unknown time zone "Mars\/Olympus"/ },
    { name: 'empty zone', input: { timeZone: '', spans: [] }, message: /IANA time zone/ },
    { name: 'weekday 8', input: { timeZone: TLL, spans: [{ weekday: 8, opens: '08:00', closes: '20:00' }] }, message: /weekday must be .* 1 \(Monday\) to 7 \(Sunday\)/ },
    { name: 'weekday 0', input: { timeZone: TLL, spans: [{ weekday: 0, opens: '08:00', closes: '20:00' }] }, message: /weekday/ },
    { name: 'weekday 1.5', input: { timeZone: TLL, spans: [{ weekday: 1.5, opens: '08:00', closes: '20:00' }] }, message: /weekday/ },
    { name: 'opens 25:00', input: { timeZone: TLL, spans: [{ weekday: 1, opens: '25:00', closes: '20:00' }] }, message: /spans\[0\].*opens must be/ },
    { name: 'closes 25:00', input: { timeZone: TLL, spans: [{ weekday: 1, opens: '08:00', closes: '25:00' }] }, message: /closes must be/ },
    { name: 'opens 24:00', input: { timeZone: TLL, spans: [{ weekday: 1, opens: '24:00', closes: '02:00' }] }, message: /opens must be/ },
    { name: 'minute 60', input: { timeZone: TLL, spans: [{ weekday: 1, opens: '12:60', closes: '20:00' }] }, message: /opens must be/ },
    { name: 'one-digit hour', input: { timeZone: TLL, spans: [{ weekday: 1, opens: '8:00', closes: '20:00' }] }, message: /opens must be/ },
    { name: 'second span bad', input: { timeZone: TLL, spans: [...every([1], '08:00', '20:00'), { weekday: 2, opens: '08:00', closes: '20:61' }] }, message: /spans\[1\].*closes must be/ },
    { name: 'impossible holiday', input: { timeZone: TLL, spans: [], holidays: ['2024-02-30'] }, message: /Holiday "2024-02-30"/ },
  ]

  it.each(rows)('$name', ({ input, message }) => {
    expect(() => calendar(input)).toThrow(CalendarError)
    expect(() => calendar(input)).toThrow(message)
  })

  it('accepts HH:MM:SS, 24:00 and 00:00 closes', () => {
    const cal = calendar({ timeZone: TLL, spans: [{ weekday: 1, opens: '08:00:30', closes: '24:00' }, { weekday: 2, opens: '10:00', closes: '00:00' }] })
    // Mon 08:00:30 local = 06:00:30Z.
    expect(nextOpenAt(cal, at('2024-01-15T06:00:00Z'))?.toISOString()).toBe('2024-01-15T06:00:30.000Z')
    expect(cal.timeZone).toBe(TLL)
    expect(cal.alwaysOpen).toBe(false)
  })

  it('wraps unknown zones in the helpers too', () => {
    expect(() => localTime('Mars/Olympus', at('2024-01-15T00:00:00Z'))).toThrow(CalendarError)
    expect(() => zonedInstant('Mars/Olympus', '2024-01-15', 0)).toThrow(CalendarError)
  })
})

describe('addBusinessMinutes and businessMinutesBetween are inverses', () => {
  const calendars = [
    tllOffice,
    tllOfficeTuesdayOff,
    tllNights,
    tllNightsTuesdayOff,
    tllOverlapping,
    nycOffice,
    nycNights,
    nycLateMondayIntoTuesday,
    calendar({
      timeZone: NYC,
      spans: [...every(WEEKDAYS, '08:15:30', '12:00'), ...every(WEEKDAYS, '13:00', '17:45'), ...every([6, 7], '23:00', '01:30')],
      holidays: ['2024-03-11', '2024-07-04', '2024-11-04'],
    }),
    tllAlways,
  ]
  // All of 2024, so both DST changes in both zones are crossed.
  const yearStart = Date.parse('2024-01-01T00:00:00Z')
  const yearMs = 366 * 86_400_000
  const random = seededRandom(20_240_331)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!

  it('minutes → instant → minutes, 500 random cases', () => {
    for (let n = 0; n < 500; n++) {
      const cal = pick(calendars)
      const from = new Date(yearStart + Math.floor(random() * yearMs))
      // Whole milliseconds' worth of up to five days' business time.
      const minutes = Math.floor(random() * 5 * 1440 * 60_000) / 60_000
      const due = addBusinessMinutes(cal, from, minutes)
      expect(due, `case ${n}`).not.toBeNull()
      expect(businessMinutesBetween(cal, from, due!), `case ${n}: ${cal.timeZone} ${from.toISOString()} + ${minutes}`).toBe(minutes)
    }
  })

  it('instant → minutes → instant, 500 random cases', () => {
    let exactHits = 0
    for (let n = 0; n < 500; n++) {
      const cal = pick(calendars)
      const from = new Date(yearStart + Math.floor(random() * yearMs))
      const to = new Date(from.getTime() + Math.floor(random() * 10 * 86_400_000))
      const minutes = businessMinutesBetween(cal, from, to)
      const due = addBusinessMinutes(cal, from, minutes)
      const label = `case ${n}: ${cal.timeZone} ${from.toISOString()} → ${to.toISOString()} = ${minutes}`
      expect(due, label).not.toBeNull()
      expect(businessMinutesBetween(cal, from, due!), label).toBe(minutes)
      if (isOpenAt(cal, to) && isOpenAt(cal, new Date(to.getTime() - 1))) {
        // Inside an open stretch the answer is `to` exactly.
        expect(due!.toISOString(), label).toBe(to.toISOString())
        exactHits++
      } else if (minutes > 0) {
        // Otherwise it is where the open time ran out before `to`.
        expect(due!.getTime(), label).toBeLessThanOrEqual(to.getTime())
        expect(businessMinutesBetween(cal, due!, to), label).toBe(0)
      }
    }
    // Guards against a generator that never lands inside open hours.
    expect(exactHits).toBeGreaterThan(100)
  })
})
