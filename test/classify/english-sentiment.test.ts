import { describe, expect, it } from 'vitest'
import { readSentiment } from '../../worker/classify/csv'
import { englishSentiment, sentimentModelMetrics, sentimentModelVersion } from '../../worker/classify/english-sentiment'

describe('englishSentiment (shipped model)', () => {
  it('names its version', () => {
    expect(sentimentModelVersion).toMatch(/^sentiment-en-\d{4}\.\d{1,2}\.\d+$/)
  })

  it('keeps the accuracy on airline-sentiment-dev recorded when it was trained, within 0.02', () => {
    const dev = readSentiment('dev')
    const correct = dev.filter((r) => englishSentiment(r.text).label === r.sentiment).length
    const recorded = sentimentModelMetrics.dev_accuracy
    expect(recorded).toBeTypeOf('number')
    expect(correct / dev.length).toBeGreaterThanOrEqual(recorded! - 0.02)
  })

  it('reads obvious cases right', () => {
    const negative = englishSentiment('@united worst airline ever, cancelled my flight and lost my bag. Never again')
    expect(negative.label).toBe('negative')
    expect(negative.score).toBeLessThan(-0.5)
    const positive = englishSentiment('@JetBlue thank you so much, amazing crew and a lovely flight! ❤️')
    expect(positive.label).toBe('positive')
    expect(positive.score).toBeGreaterThan(0.5)
  })

  it('scores P(positive) - P(negative), with probabilities that sum to one', () => {
    for (const text of ['', 'ok', 'What time does the gate open?', 'I hate this 😡']) {
      const s = englishSentiment(text)
      const { negative, neutral, positive } = s.probabilities
      expect(negative + neutral + positive).toBeCloseTo(1, 12)
      expect(s.score).toBeCloseTo(positive - negative, 12)
      expect(s.score).toBeGreaterThanOrEqual(-1)
      expect(s.score).toBeLessThanOrEqual(1)
    }
  })
})
