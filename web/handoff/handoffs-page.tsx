// The executives' queue (GET /api/handoffs), in the server's order: accept or decline a handoff,
// schedule the callback and record how it went. Each action refreshes the list; a refusal shows
// the server's problem detail on the item.
import { useEffect, useRef, useState } from 'preact/hooks'
import { describe, get, post } from '../api'
import { callbackChannels, type CallbackChannel, type HandoffItem } from '../api-types'
import { handoffStatusName } from '../case/handoff-panel'
import { PriorityBadge } from '../inbox/row'
import { useLiveEvents } from '../live'
import { ago, formatDateTime, localToIso, useNow } from '../time'
import { toast } from '../toast'

const channelNames: Record<CallbackChannel, string> = { phone: 'Phone', x: 'X', bluesky: 'Bluesky', mastodon: 'Mastodon', email: 'Email' }

export function HandoffsPage() {
  const [items, setItems] = useState<HandoffItem[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const sequence = useRef(0)
  const load = async () => {
    const mine = ++sequence.current
    try {
      const answer = await get<{ handoffs: HandoffItem[] }>('/api/handoffs')
      if (mine !== sequence.current) return
      setItems(answer.handoffs)
      setError(null)
    } catch (caught) {
      if (mine === sequence.current) setError(describe(caught))
    }
  }
  useEffect(() => void load(), [])
  useLiveEvents(() => void load())

  return (
    <section class="handoffs-page" aria-labelledby="handoffs-title" data-testid="handoffs-page">
      <h1 id="handoffs-title">Handoffs</h1>
      {error && (
        <div class="notice bad" role="alert">
          <p>The handoffs could not be loaded: {error}</p>
          <button type="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      )}
      {items === null && !error && <p class="muted">Loading handoffs…</p>}
      {items !== null && items.length === 0 && <p class="muted">Nothing handed off to you.</p>}
      {items !== null && items.length > 0 && (
        <ol class="handoff-list">
          {items.map((item) => (
            <HandoffEntry key={item.id} item={item} onChanged={() => void load()} />
          ))}
        </ol>
      )}
    </section>
  )
}

function HandoffEntry({ item, onChanged }: { item: HandoffItem; onChanged: () => void }) {
  const now = useNow()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const [at, setAt] = useState('')
  const [channel, setChannel] = useState<CallbackChannel>('phone')
  const [contact, setContact] = useState('')
  const [outcome, setOutcome] = useState('')
  const working = item.status === 'accepted' || item.status === 'callback_scheduled'

  const act = async (path: string, body: unknown, done: string) => {
    setBusy(true)
    setError(null)
    try {
      await post(`/api/handoffs/${item.id}/${path}`, body)
      toast(done, 'ok')
      onChanged()
    } catch (caught) {
      setError(describe(caught))
    } finally {
      setBusy(false)
    }
  }
  const excerpt = item.summary.length > 240 ? `${item.summary.slice(0, 240)}…` : item.summary

  return (
    <li class={`card handoff-item handoff-item-${item.status}`} data-testid="handoff-item" data-handoff-id={item.id} data-case-id={item.case_id} data-status={item.status}>
      <a class="handoff-open" href={`#/cases/${item.case_id}`} data-testid="handoff-open">
        <span class="handoff-line">
          <PriorityBadge priority={item.priority} /> <strong>{item.customer ?? `Case ${item.case_id}`}</strong>
          <span class="muted"> · case {item.case_id}</span>
          <span class={`handoff-status handoff-${item.status}`} data-testid="handoff-status">
            {handoffStatusName(item.status)}
          </span>
          {item.overdue && <strong class="bad">overdue</strong>}
          <span class="muted" title={formatDateTime(item.created_at)}>
            {ago(item.created_at, now)}
          </span>
        </span>
        <span class="event-text handoff-excerpt">{excerpt}</span>
        <span class="muted">
          From {item.requested_by.name} · {item.executive ? `for ${item.executive}` : 'executive pool'}
          {item.callback_at && ` · callback ${formatDateTime(item.callback_at)} by ${item.callback_channel ?? '?'}${item.callback_contact ? ` (${item.callback_contact})` : ''}`}
        </span>
      </a>
      {item.status === 'callback_scheduled' && (
        <a href={`/api/handoffs/${item.id}/callback.ics`} download={`callback-${item.id}.ics`} data-testid="ics-link">
          Add to calendar (.ics)
        </a>
      )}
      <div class="handoff-actions">
        {item.status === 'requested' && (
          <button type="button" class="primary" disabled={busy} data-testid="handoff-accept" onClick={() => void act('accept', {}, `Handoff ${item.id} accepted.`)}>
            Accept
          </button>
        )}
        {working && (
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault()
              const iso = localToIso(at)
              if (!iso) return setError('Choose the callback time.')
              if (!contact.trim()) return setError('Give the contact to call back on.')
              void act('callback', { callback_at: iso, channel, contact: contact.trim() }, `Callback scheduled for ${formatDateTime(iso)}.`)
            }}
          >
            <label>
              <span>Callback</span>
              <input type="datetime-local" value={at} required data-testid="callback-at" onInput={(event) => setAt(event.currentTarget.value)} />
            </label>
            <label>
              <span>By</span>
              <select value={channel} data-testid="callback-channel" onChange={(event) => setChannel(event.currentTarget.value as CallbackChannel)}>
                {callbackChannels.map((name) => (
                  <option key={name} value={name}>
                    {channelNames[name]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>Contact</span>
              <input type="text" value={contact} required maxLength={320} data-testid="callback-contact" onInput={(event) => setContact(event.currentTarget.value)} />
            </label>
            <button type="submit" disabled={busy} data-testid="callback-submit">
              {item.status === 'callback_scheduled' ? 'Reschedule' : 'Schedule callback'}
            </button>
          </form>
        )}
        {working && (
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault()
              if (!outcome.trim()) return setError('Say how the callback went.')
              void act('outcome', { outcome: outcome.trim() }, `Outcome recorded for handoff ${item.id}.`)
            }}
          >
            <label class="grow">
              <span>Outcome</span>
              <input type="text" value={outcome} required maxLength={10_000} data-testid="outcome-text" onInput={(event) => setOutcome(event.currentTarget.value)} />
            </label>
            <button type="submit" disabled={busy} data-testid="outcome-submit">
              Record outcome
            </button>
          </form>
        )}
        {(item.status === 'requested' || working) && (
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault()
              if (!reason.trim()) return setError('A reason is required to decline.')
              void act('decline', { reason: reason.trim() }, `Handoff ${item.id} declined.`)
            }}
          >
            <label class="grow">
              <span>Decline reason</span>
              <input type="text" value={reason} maxLength={2000} data-testid="decline-reason" onInput={(event) => setReason(event.currentTarget.value)} />
            </label>
            <button type="submit" disabled={busy} data-testid="handoff-decline">
              Decline
            </button>
          </form>
        )}
      </div>
      {error && (
        <p class="bad" role="alert" data-testid="handoff-error">
          {error}
        </p>
      )}
    </li>
  )
}
