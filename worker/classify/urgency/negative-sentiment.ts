// Strongly negative sentiment: the mood behind the words, from the sentiment score in [-1, 1].
import type { UrgencyReason } from '../types'
import { negativeSentiment as steps } from './points'

/** A negative-sentiment signal for `sentiment` in [-1, 1]; null above -0.5 (or when it is not a number). */
export function negativeSentiment(sentiment: number): UrgencyReason | null {
  for (const row of steps) {
    if (sentiment <= row.atMost) return { signal: 'negative_sentiment', points: row.points, reason: 'very negative' }
  }
  return null
}
