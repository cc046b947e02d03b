// The bell: unread notifications (GET /api/notifications), asked for every 30 seconds and on
// live events; each links to its case and can be marked read.
import { useEffect, useRef, useState } from 'preact/hooks'
import { describe, get, post } from './api'
import type { Notification } from './api-types'
import { useLiveEvents } from './live'
import { ago, formatShort } from './time'
import { toast } from './toast'

function describeNotification(item: Notification): string {
  const body = item.body
  const text = typeof body.text === 'string' ? body.text : typeof body.excerpt === 'string' ? body.excerpt : null
  const from = typeof body.from === 'string' ? body.from : null
  const reason = typeof body.reason === 'string' ? body.reason : null
  const due = typeof body.due_at === 'string' ? formatShort(body.due_at) : null
  switch (item.kind) {
    case 'sla_breach':
      return text ?? 'An SLA was missed'
    case 'promise_due':
      return `Promise due ${due ?? 'soon'}: ${text ?? ''}`
    case 'promise_broken':
      return `Promise broken: ${text ?? ''}`
    case 'assignment':
      return `${from ?? 'Someone'} assigned you a case${reason ? `: ${reason}` : ''}`
    case 'transfer':
      return `${from ?? 'Someone'} transferred a case to you${reason ? `: ${reason}` : ''}`
    case 'note_mention':
      return `${from ?? (typeof body.by === 'string' ? body.by : 'A colleague')} mentioned you in a note${text ? `: ${text}` : ''}`
    case 'send_failed':
      return `A ${body.channel === 'private' ? 'private message' : 'reply'} was not delivered: ${typeof body.error === 'string' ? body.error : 'the platform refused it'}`
    case 'low_satisfaction':
      return `The customer scored the case ${typeof body.score === 'number' ? body.score : '?'} of 5${typeof body.comment === 'string' ? `: ${body.comment}` : ''}`
    default:
      return text ?? item.kind.replaceAll('_', ' ')
  }
}

export function Bell() {
  const [items, setItems] = useState<Notification[]>([])
  const [error, setError] = useState<string | null>(null)
  const [open, setOpen] = useState(false)
  const panel = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)

  const load = () =>
    void get<{ notifications: Notification[] }>('/api/notifications?limit=50').then(
      ({ notifications }) => {
        setItems(notifications)
        setError(null)
      },
      (caught: unknown) => setError(describe(caught)),
    )
  useEffect(() => {
    load()
    const timer = setInterval(load, 30_000)
    return () => clearInterval(timer)
  }, [])
  useLiveEvents(load, { debounceMs: 1000 })

  useEffect(() => {
    if (!open) return
    const outside = (event: MouseEvent) => {
      if (!panel.current?.contains(event.target as Node) && !button.current?.contains(event.target as Node)) setOpen(false)
    }
    const escape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault()
        setOpen(false)
        button.current?.focus()
      }
    }
    document.addEventListener('mousedown', outside)
    document.addEventListener('keydown', escape, true)
    return () => {
      document.removeEventListener('mousedown', outside)
      document.removeEventListener('keydown', escape, true)
    }
  }, [open])

  const markRead = async (item: Notification) => {
    try {
      await post(`/api/notifications/${item.id}/read`)
      setItems((list) => list.filter((other) => other.id !== item.id))
    } catch (caught) {
      toast(describe(caught), 'bad')
    }
  }

  const unread = items.filter((item) => !item.read_at).length
  return (
    <div class="bell">
      <button
        ref={button}
        type="button"
        class="icon-button"
        aria-expanded={open}
        aria-controls="notifications"
        aria-label={`Notifications, ${unread} unread`}
        data-testid="bell"
        onClick={() => setOpen(!open)}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
        </svg>
        {unread > 0 && (
          <span class="badge" data-testid="bell-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div ref={panel} id="notifications" class="popover" role="region" aria-label="Notifications" data-testid="notifications">
          <h2>Notifications</h2>
          {error && <p class="bad">{error}</p>}
          {items.length === 0 && !error && <p class="muted">Nothing new.</p>}
          <ul class="notification-list">
            {items.map((item) => (
              <li key={item.id} data-testid="notification">
                <div>
                  {item.case_id ? (
                    <a
                      href={`#/cases/${item.case_id}`}
                      onClick={() => {
                        setOpen(false)
                        void markRead(item)
                      }}
                    >
                      {describeNotification(item)}
                    </a>
                  ) : (
                    <span>{describeNotification(item)}</span>
                  )}
                  <small class="muted"> · {ago(item.created_at)}</small>
                </div>
                <button type="button" class="small" onClick={() => void markRead(item)}>
                  Mark read
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  )
}
