// Complaint spikes (GET /api/trends/alerts), on every page for everyone signed in: a crisis is
// everybody's business, and the care team should know before the queue shows it. Asked every
// minute, and sooner when case events arrive (new mentions are what make a spike). Marketing,
// admins and executives may dismiss an alert; the server enforces the same.
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, describe, get, post } from './api'
import type { SpikeAlert } from './api-types'
import { useLiveEvents } from './live'
import { can, useMe } from './session'
import { formatShort } from './time'
import { toast } from './toast'

const pollMs = 60_000
/** Case events arrive with every mention; a spike is not detected more often than this anyway. */
const liveGapMs = 15_000

const spikeSubject = (alert: SpikeAlert) =>
  alert.kind === 'volume' || !alert.key ? 'all complaints' : alert.kind === 'term' ? `“${alert.key}”` : alert.key.replaceAll('_', ' ')

function expectedText(expected: number): string {
  // "~0.4" says more than "~0" about a quiet baseline.
  return expected < 10 ? String(Math.round(expected * 10) / 10) : String(Math.round(expected))
}

export function SpikeBanner() {
  const me = useMe()
  const [alerts, setAlerts] = useState<SpikeAlert[]>([])
  const [busy, setBusy] = useState<string | null>(null)
  const lastLoad = useRef(0)
  const sequence = useRef(0)
  /** A server without the alerts API is not asked again until the page is loaded afresh. */
  const absent = useRef(false)
  const box = useRef<HTMLDivElement>(null)

  const load = async () => {
    if (absent.current) return
    const mine = ++sequence.current
    lastLoad.current = Date.now()
    try {
      const answer = await get<{ alerts: SpikeAlert[] }>('/api/trends/alerts')
      if (mine === sequence.current) setAlerts(answer.alerts)
    } catch (caught) {
      // The banner is a helper: when it cannot ask, the page carries on without it, and the
      // next poll tries again.
      if (caught instanceof ApiError && caught.missingRoute) absent.current = true
    }
  }

  useEffect(() => {
    void load()
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load()
    }, pollMs)
    const visible = () => {
      if (document.visibilityState === 'visible' && Date.now() - lastLoad.current > liveGapMs) void load()
    }
    document.addEventListener('visibilitychange', visible)
    return () => {
      clearInterval(timer)
      document.removeEventListener('visibilitychange', visible)
    }
  }, [me.id])
  useLiveEvents(
    () => {
      if (Date.now() - lastLoad.current > liveGapMs) void load()
    },
    { debounceMs: 2_000 },
  )

  const dismiss = async (alert: SpikeAlert, index: number) => {
    setBusy(alert.id)
    try {
      await post(`/api/trends/alerts/${alert.id}/dismiss`)
      setAlerts((list) => list.filter((entry) => entry.id !== alert.id))
      // The focused button is gone: keep the keyboard in the banner, or hand it to the page.
      requestAnimationFrame(() => {
        const spikes = box.current?.querySelectorAll<HTMLElement>('.spike')
        const next = spikes?.[Math.min(index, spikes.length - 1)]
        if (next) next.focus()
        else document.getElementById('main')?.focus()
      })
      toast(`Spike alert for ${spikeSubject(alert)} dismissed.`, 'ok')
    } catch (caught) {
      toast(describe(caught), 'bad')
    } finally {
      setBusy(null)
    }
  }

  const mayDismiss = can.trends(me.role)
  return (
    // A polite live region that is always there, so an alert that appears in it is announced.
    <div class="spike-banners" role="status" aria-label="Complaint spikes" ref={box} data-testid="spike-banner">
      {alerts.map((alert, index) => {
        const subject = spikeSubject(alert)
        const minutes = Math.max(1, Math.round((new Date(alert.window_end).getTime() - new Date(alert.window_start).getTime()) / 60_000))
        return (
          <div key={alert.id} class={`spike${alert.ended_at ? ' ended' : ''}`} tabIndex={-1} data-testid="spike-alert" data-alert-id={alert.id}>
            <p class="spike-line">
              <strong>
                Complaint spike{alert.ended_at ? ' (over)' : ''}: {subject}
              </strong>{' '}
              — {alert.observed} in {minutes} min (expected ~{expectedText(alert.expected)})
              <span class="muted">
                {' '}
                · {alert.brand_name} · since {formatShort(alert.detected_at)}
                {alert.ended_at && `, ended ${formatShort(alert.ended_at)}`}
              </span>
            </p>
            {alert.terms.length > 0 && (
              <ul class="chips" aria-label="Terms">
                {alert.terms.map((term) => (
                  <li key={term} class="chip">
                    {term}
                  </li>
                ))}
              </ul>
            )}
            {can.readCase(me.role) && alert.samples.length > 0 && (
              <details class="spike-samples">
                <summary>Sample mentions ({alert.samples.length})</summary>
                <ul>
                  {alert.samples.map((sample) => (
                    <li key={sample.id}>
                      <strong>@{sample.author_handle}</strong> <span class="user-text">{sample.text}</span>{' '}
                      {sample.case_id && <a href={`#/cases/${sample.case_id}`} data-testid="spike-sample-case">case {sample.case_id}</a>}
                    </li>
                  ))}
                </ul>
              </details>
            )}
            <div class="spike-actions">
              {can.trends(me.role) && (
                <a href={`#/trends?brand=${encodeURIComponent(alert.brand_id)}&period=24h`} data-testid="spike-trends">
                  Open Trends
                </a>
              )}
              {mayDismiss && (
                <button type="button" class="small" disabled={busy === alert.id} aria-label={`Dismiss the spike alert for ${subject}`} data-testid="spike-dismiss" onClick={() => void dismiss(alert, index)}>
                  Dismiss
                </button>
              )}
            </div>
          </div>
        )
      })}
    </div>
  )
}
