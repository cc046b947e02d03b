// Times and countdowns. One shared one-second ticker drives every countdown on the page, so SLA
// clocks move without re-fetching anything.
import { useEffect, useState } from 'preact/hooks'

const tickers = new Set<(now: number) => void>()
let timer: ReturnType<typeof setInterval> | null = null

/** The current time, re-rendering the caller once a second. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    tickers.add(setNow)
    if (timer === null) {
      timer = setInterval(() => {
        const at = Date.now()
        for (const tick of tickers) tick(at)
      }, 1000)
    }
    return () => {
      tickers.delete(setNow)
      if (tickers.size === 0 && timer !== null) {
        clearInterval(timer)
        timer = null
      }
    }
  }, [])
  return now
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const shortTime = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date)
}

export function formatShort(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : shortTime.format(date)
}

/** "4m 05s", "2h 10m", "3d 4h". */
export function formatSpan(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000)
  const days = Math.floor(seconds / 86_400)
  const hours = Math.floor((seconds % 86_400) / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  const rest = seconds % 60
  if (days > 0) return `${days}d ${hours}h`
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`
  return `${minutes}m ${String(rest).padStart(2, '0')}s`
}

export const amberMs = 30 * 60 * 1000

export type Urgency = 'calm' | 'amber' | 'red'

export function urgencyOf(dueMs: number, now: number): Urgency {
  const left = dueMs - now
  if (left < 0) return 'red'
  if (left < amberMs) return 'amber'
  return 'calm'
}

/** A live countdown to `due`: amber under 30 minutes, red once overdue. */
export function Countdown({ due, label, testid }: { due: string | null; label?: string; testid?: string }) {
  const now = useNow()
  if (!due) return <span class="countdown none" data-testid={testid}>—</span>
  const dueMs = new Date(due).getTime()
  const left = dueMs - now
  const urgency = urgencyOf(dueMs, now)
  const text = left < 0 ? `overdue ${formatSpan(left)}` : `${formatSpan(left)} left`
  return (
    <time
      class={`countdown ${urgency}`}
      dateTime={due}
      title={`${label ? `${label}: ` : ''}due ${formatDateTime(due)}`}
      data-testid={testid}
      data-urgency={urgency}
    >
      {text}
    </time>
  )
}

/** "5 min ago", for notification lists and presence. */
export function ago(iso: string, now = Date.now()): string {
  const ms = now - new Date(iso).getTime()
  if (ms < 60_000) return 'just now'
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ago`
  return formatDateTime(iso)
}

/** A datetime-local value (the browser's zone) as an ISO instant, or null when empty or invalid. */
export function localToIso(value: string): string | null {
  if (!value) return null
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

/** An instant as a datetime-local value in the browser's zone. */
export function isoToLocal(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}
