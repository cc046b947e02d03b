// Every number urgency uses, in one place, with why.
//
// The scale: a mention's score is the sum of its signals' points, capped at 100, and maps to
// P1 >= 60, P2 >= 35, P3 >= 15, P4 below. The anchors:
//   - One plain complaint signal (an outage with no duration, a churn threat, a double charge) is
//     P3: worth a reply today, not worth waking anyone.
//   - Regulator, ombudsman, lawyer, press alone are P2 (35): design.md calls them top urgency, and
//     the material shows cases resolved only after a complaint to the regulator.
//   - A safety need (an alarm or a medical device on the line) alone is P2; with an outage or an
//     elderly person behind it, P1.
//   - Two strong signals together reach P1: the 112-hour outage with a regulator threat is
//     25 + 35 = 60. So does a long outage with repeat contact, a missed promise and a bad mood.
//   - Reach and mood only ever add to what the text says: at most 20 and 15, so a famous account
//     or an angry tone alone stays P3.

import type { Priority } from '../types'

export const maxScore = 100

/** The lowest score of each priority. */
export const priorityThresholds = { p1: 60, p2: 35, p3: 15 } as const

export function priorityFor(score: number): Priority {
  if (score >= priorityThresholds.p1) return 1
  if (score >= priorityThresholds.p2) return 2
  if (score >= priorityThresholds.p3) return 3
  return 4
}

/**
 * Outage, by how long it has lasted: unknown or under a day is the base; every further step is a
 * customer who has waited through another night or two. Duration stated as "day 3" counts the
 * days behind it (48 h), the lower bound.
 */
export const outagePoints = [
  { fromHours: 120, points: 30 }, // 5 days and more
  { fromHours: 72, points: 25 }, // 3-4 days (the 112-hour case)
  { fromHours: 24, points: 20 }, // 1-2 days
  { fromHours: 0, points: 15 }, // today, or no duration said
] as const

/**
 * Repeat contact, by which contact this is (from history or the text: "4th time", "22 calls").
 * The material's worst case is 22 calls: every extra contact is our failure to own the case.
 */
export const repeatContactPoints = [
  { fromContacts: 10, points: 25 },
  { fromContacts: 5, points: 20 },
  { fromContacts: 3, points: 15 },
  { fromContacts: 2, points: 10 },
] as const

/** A promise that passed unkept: the customer now doubts every next date we give. */
export const brokenPromisePoints = 20
/** Each further broken promise on record adds this, up to the cap. */
export const brokenPromiseExtra = 5
export const brokenPromiseCap = 30

/** Regulator / legal / press / petition: an outside party is about to judge the case in public or in law. */
export const regulatorPoints = { regulator: 35, legal: 35, press: 30, petition: 30 } as const
/** Two or more of those kinds at once ("TTJA and the press") add this, up to the cap. */
export const regulatorExtra = 5
export const regulatorCap = 40

/** A churn threat: the customer is on the way out and says so. */
export const churnPoints = 20

/** Vulnerability: safety first (a life may hang on the line), then bereavement and vulnerable people. */
export const vulnerabilityPoints = { safety: 35, bereavement: 25, vulnerable: 25 } as const
export const vulnerabilityExtra = 5
export const vulnerabilityCap = 40

/** Money lost, double billing, billed after cancelling: concrete harm, usually fixable fast. */
export const moneyPoints = 15

/** A complaint about support itself: our own process failed them once already. */
export const supportFailurePoints = 10

/** Reach: followers and the post's spread; the sum of both parts is capped. */
export const reachFollowerPoints = [
  { from: 100_000, points: 15 },
  { from: 25_000, points: 10 },
  { from: 5_000, points: 6 },
  { from: 1_000, points: 3 },
] as const
/** Shares are reposts plus quotes: they carry the post to people who do not follow the author. */
export const reachSharePoints = [
  { from: 100, points: 15 }, // viral
  { from: 25, points: 8 },
  { from: 5, points: 3 },
] as const
export const reachLikePoints = [
  { from: 1_000, points: 8 },
  { from: 200, points: 4 },
] as const
/** From this many shares the reason says "viral". */
export const viralShares = 100
export const reachCap = 20

/** Sentiment in [-1, 1]: strongly negative adds points; the lexicons are too coarse for more. */
export const negativeSentiment = [
  { atMost: -0.8, points: 15 },
  { atMost: -0.5, points: 10 },
] as const
