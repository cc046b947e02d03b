// Percentiles of business minutes read off histograms (trend_minutes_bin in sql/0009): bin k
// holds the minutes in [1.05^k − 1, 1.05^(k+1) − 1) and bin −1 exactly none. Days add up bin by
// bin, so a quarter's median costs a few thousand numbers, not a sort of every case.

/** Each bin's upper edge is this factor of the lower one (plus one minute). */
export const binGrowth = 1.05

/** [bin, cases] pairs in any order. */
export type Histogram = readonly (readonly [number, number])[]

function binRange(bin: number): [number, number] {
  if (bin < 0) return [0, 0]
  return [binGrowth ** bin - 1, binGrowth ** (bin + 1) - 1]
}

/**
 * The p-th percentile the way percentile_cont reads it off the sorted values (rank p · (n − 1),
 * between two neighbours interpolated), with each bin's cases taken as spread evenly over it.
 * Rounded to a tenth of a minute; null when there are no cases.
 */
export function percentileOf(histogram: Histogram, p: number): number | null {
  const bins = histogram.filter(([, cases]) => cases > 0).sort((a, b) => a[0] - b[0])
  const total = bins.reduce((sum, [, cases]) => sum + cases, 0)
  if (total === 0) return null
  const rank = p * (total - 1)
  // The value of the i-th smallest case (0-based).
  const nth = (i: number): number => {
    let before = 0
    for (const [bin, cases] of bins) {
      if (i < before + cases) {
        const [low, high] = binRange(bin)
        return low + ((high - low) * (i - before + 0.5)) / cases
      }
      before += cases
    }
    return binRange(bins.at(-1)![0])[1]
  }
  const below = Math.floor(rank)
  const value = rank === below ? nth(below) : nth(below) + (rank - below) * (nth(below + 1) - nth(below))
  return Math.round(value * 10) / 10
}
