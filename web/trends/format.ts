// How the Trends page writes its numbers. Cards, tables and chart legends use the same
// functions, so the table view reads exactly what a hover shows.
import type { TrendBucket } from '../api-types'

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 })
const oneDecimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 })
const twoDecimals = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' })
const plainTwo = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })

export const dash = '—'

export const formatCount = (value: number | null | undefined) => (value === null || value === undefined ? dash : integer.format(value))

/** A share in 0..1 as a percentage with one decimal. */
export const formatShare = (share: number | null | undefined) => (share === null || share === undefined ? dash : `${oneDecimal.format(share * 100)} %`)

/** A value that is already a percentage (CSAT is sent as one). */
export const formatPercent = (percent: number | null | undefined) => (percent === null || percent === undefined ? dash : `${oneDecimal.format(percent)} %`)

/** Sentiment in [-1, 1], signed so that a glance tells good from bad. */
export const formatSentiment = (value: number | null | undefined) => (value === null || value === undefined ? dash : twoDecimals.format(value))

export const formatDecimal = (value: number | null | undefined) => (value === null || value === undefined ? dash : plainTwo.format(value))

/** Business minutes as "1 h 20 min"; hours keep counting past a day, as business days vary in length. */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return dash
  if (minutes < 1) return '< 1 min'
  const whole = Math.round(minutes)
  const hours = Math.floor(whole / 60)
  const rest = whole % 60
  if (hours === 0) return `${rest} min`
  return rest === 0 ? `${integer.format(hours)} h` : `${integer.format(hours)} h ${rest} min`
}

/** The start of a bucket as the brand's people read it: in the brand's time zone. */
export function bucketLabeller(bucket: TrendBucket, timeZone: string): (iso: string) => string {
  const options: Intl.DateTimeFormatOptions =
    bucket === 'hour'
      ? { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat(undefined, { ...options, timeZone })
  } catch {
    // A zone this browser does not know: the browser's own zone beats no page at all.
    format = new Intl.DateTimeFormat(undefined, options)
  }
  return (iso) => format.format(new Date(iso))
}

/** "Urgency reason" keys as words: broken_promise → broken promise. */
export const signalName = (signal: string) => signal.replaceAll('_', ' ')
