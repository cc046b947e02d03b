// Strongly negative sentiment adds points; mild or positive does not.
import { describe, expect, it } from 'vitest'
import { negativeSentiment } from '../../../worker/classify/urgency/negative-sentiment'

describe('negative sentiment', () => {
  it('adds points from -0.5 down, more from -0.8', () => {
    expect(negativeSentiment(-0.5)).toEqual({ signal: 'negative_sentiment', points: 10, reason: 'very negative' })
    expect(negativeSentiment(-0.79)?.points).toBe(10)
    expect(negativeSentiment(-0.8)?.points).toBe(15)
    expect(negativeSentiment(-1)?.points).toBe(15)
  })

  it('stays quiet above -0.5 and for a missing score', () => {
    expect(negativeSentiment(-0.49)).toBeNull()
    expect(negativeSentiment(0.7)).toBeNull()
    expect(negativeSentiment(Number.NaN)).toBeNull()
  })
})
