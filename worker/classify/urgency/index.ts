// Urgency: a score and P1..P4 from explainable rules. Each rule is its own module with its
// patterns per language (English, Russian, Italian, Estonian, German, Spanish; English patterns
// run on every text because people mix it in); each hit adds points and a short reason the agent
// sees, stored with the mention. The points and the thresholds live in points.ts, with why.
//
// Pure and cheap: no I/O, no Node APIs. The text is normalized once and read once (phrases.ts:
// one walk over its word starts finds which phrases may start where); each rule then tries only
// its own candidate phrases, each compiled once, at exactly those positions.
import type { Priority, UrgencyInput, UrgencyReason } from '../types'
import { brokenPromise } from './broken-promise'
import { churn } from './churn'
import { money } from './money'
import { negativeSentiment } from './negative-sentiment'
import { outage } from './outage'
import { maxScore, priorityFor } from './points'
import { reach } from './reach'
import { regulator } from './regulator'
import { repeatContact } from './repeat-contact'
import { supportFailure } from './support-failure'
import { normalize } from './text'
import { read } from './phrases'
import { vulnerability } from './vulnerability'

export { maxScore, priorityFor, priorityThresholds } from './points'
export { normalize } from './text'
export { read, type Reading } from './phrases'

export interface UrgencyAssessment {
  /** Sum of the reasons' points, capped at 100. */
  score: number
  priority: Priority
  /** Strongest first. */
  reasons: UrgencyReason[]
}

/**
 * Scores one mention. `now` is when the post was written (durations like "since Monday" count up
 * to it); it defaults to the current time, right for a mention classified as it arrives.
 */
export function assessUrgency(input: UrgencyInput, now: Date = new Date()): UrgencyAssessment {
  const reading = read(normalize(input.text), input.language)
  const found = [
    outage(reading, now),
    repeatContact(reading, input.history),
    brokenPromise(reading, input.history),
    regulator(reading),
    churn(reading),
    vulnerability(reading),
    money(reading),
    supportFailure(reading),
    reach(input.followers, input.engagement),
    negativeSentiment(input.sentiment),
  ]
  const reasons: UrgencyReason[] = []
  let sum = 0
  for (const reason of found) {
    if (reason === null) continue
    reasons.push(reason)
    sum += reason.points
  }
  reasons.sort((a, b) => b.points - a.points)
  const score = Math.min(maxScore, sum)
  return { score, priority: priorityFor(score), reasons }
}
