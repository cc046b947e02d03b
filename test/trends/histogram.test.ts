// Percentiles read off the 5% bins against the exact ones (percentile_cont's reading) of the
// same minutes, for spreads like real response times.
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../worker/random'
import { percentileOf, type Histogram } from '../../worker/trends/histogram'

/** The bin sql/0009's trend_minutes_bin gives. */
const binOf = (minutes: number) => (minutes <= 0 ? -1 : Math.floor(Math.log(1 + minutes) / Math.log(1.05)))

function histogramOf(values: number[]): Histogram {
  const bins = new Map<number, number>()
  for (const value of values) bins.set(binOf(value), (bins.get(binOf(value)) ?? 0) + 1)
  return [...bins]
}

function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = p * (sorted.length - 1)
  const below = Math.floor(rank)
  return sorted[below]! + (rank - below) * ((sorted[Math.min(below + 1, sorted.length - 1)] ?? 0) - sorted[below]!)
}

describe('percentiles from bins', () => {
  it('are within 2.5% of the exact ones on smooth spreads of many sizes (a bin width, 5%, at worst)', () => {
    const random = seededRandom(2026)
    for (let round = 0; round < 300; round++) {
      const size = 20 + Math.floor(random() * 3000)
      // Log-normal-ish minutes: most answered within the hour, a long tail over days; some none.
      const scale = 5 + random() * 600
      const values = Array.from({ length: size }, () => (random() < 0.1 ? 0 : scale * Math.exp(2 * (random() + random() + random() - 1.5))))
      for (const p of [0.5, 0.9]) {
        const exact = exactPercentile(values, p)
        const read = percentileOf(histogramOf(values), p)!
        expect(Math.abs(read - exact), `p${p * 100} of ${size} values`).toBeLessThanOrEqual(0.025 * exact + 0.05)
      }
    }
  })

  it('give none for no cases, and exact zeros for responses in no business time', () => {
    expect(percentileOf([], 0.5)).toBeNull()
    expect(percentileOf([[3, 0]], 0.5)).toBeNull()
    expect(percentileOf(histogramOf([0, 0, 0]), 0.9)).toBe(0)
  })

  it('take bins in any order', () => {
    const values = [1, 5, 30, 30, 120, 480, 2000]
    const histogram = histogramOf(values)
    expect(percentileOf([...histogram].reverse(), 0.5)).toBe(percentileOf(histogram, 0.5))
  })
})
