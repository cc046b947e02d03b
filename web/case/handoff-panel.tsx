// The case's executive handoff: where the latest one stands (read from the timeline's handoff and
// callback events), the .ics for a scheduled callback, and the agent's "Escalate" dialog that
// sends the drafted summary to an executive or the executive pool.
import { useEffect, useState } from 'preact/hooks'
import { describe, get, post } from '../api'
import type { CaseSummary, Handoff, TimelineEvent, User } from '../api-types'
import { formatDateTime } from '../time'
import { toast } from '../toast'
import { CaseDialog, useDialogAction } from './owner-panel'

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)

export interface HandoffState {
  id: string
  status: string
  executive: string | null
  summary: string | null
  reason: string | null
  callbackAt: string | null
  channel: string | null
  contact: string | null
  outcome: string | null
}

/** The latest handoff of the case as its events tell it, or null when there has been none. */
export function handoffState(events: TimelineEvent[], caseId: string): HandoffState | null {
  let state: HandoffState | null = null
  for (const event of events) {
    if ((event.kind !== 'handoff' && event.kind !== 'callback') || String(event.case_id) !== caseId) continue
    const body = event.body ?? {}
    const id = str(body.handoff_id)
    if (!id) continue
    if (!state || state.id !== id) {
      state = { id, status: 'requested', executive: null, summary: null, reason: null, callbackAt: null, channel: null, contact: null, outcome: null }
    }
    state.status = str(body.status) ?? state.status
    if ('executive' in body) state.executive = str(body.executive)
    state.summary = str(body.summary) ?? state.summary
    state.reason = str(body.reason) ?? state.reason
    state.callbackAt = str(body.callback_at) ?? state.callbackAt
    state.channel = str(body.channel) ?? state.channel
    state.contact = str(body.contact) ?? state.contact
    state.outcome = str(body.outcome) ?? state.outcome
  }
  return state
}

export const inFlight = (state: HandoffState | null) => state !== null && ['requested', 'accepted', 'callback_scheduled'].includes(state.status)

const statusNames: Record<string, string> = {
  requested: 'Requested',
  accepted: 'Accepted',
  callback_scheduled: 'Callback scheduled',
  done: 'Done',
  declined: 'Declined',
}
export const handoffStatusName = (status: string) => statusNames[status] ?? status.replace(/_/g, ' ')

/** `calendar`: whether to offer the callback's .ics, which the server gives to care roles only. */
export function HandoffPanel({ state, canEscalate, calendar, onEscalate }: { state: HandoffState | null; canEscalate: boolean; calendar: boolean; onEscalate: () => void }) {
  if (!state && !canEscalate) return null
  const who = state?.executive ?? 'the executive pool'
  return (
    <section class="card panel" aria-labelledby="handoff-title" data-testid="handoff-panel" data-status={state?.status ?? 'none'}>
      <h2 id="handoff-title">Executive handoff</h2>
      {state ? (
        <>
          <p>
            <strong class={`handoff-status handoff-${state.status}`} data-testid="handoff-status">
              {handoffStatusName(state.status)}
            </strong>{' '}
            <span class="muted">· {who}</span>
          </p>
          {state.status === 'declined' && state.reason && <p data-testid="handoff-reason">Reason: {state.reason}</p>}
          {state.status === 'callback_scheduled' && (
            <>
              <p data-testid="handoff-callback">
                Callback {formatDateTime(state.callbackAt)} by {state.channel}
                {state.contact ? ` (${state.contact})` : ''}
              </p>
              {calendar && (
                <p>
                  <a href={`/api/handoffs/${state.id}/callback.ics`} download={`callback-${state.id}.ics`} data-testid="ics-link">
                    Add to calendar (.ics)
                  </a>
                </p>
              )}
            </>
          )}
          {state.status === 'done' && state.outcome && (
            <p class="event-text" data-testid="handoff-outcome">
              Outcome: {state.outcome}
            </p>
          )}
        </>
      ) : (
        <p class="muted">Not handed off.</p>
      )}
      {canEscalate && !inFlight(state) && (
        <div class="actions">
          <button type="button" data-testid="escalate" onClick={onEscalate}>
            Escalate to an executive <kbd>e</kbd>
          </button>
        </div>
      )}
    </section>
  )
}

export function HandoffDialog({
  open,
  item,
  users,
  onClose,
  onDone,
}: {
  open: boolean
  item: CaseSummary
  users: User[]
  onClose: () => void
  onDone: () => void
}) {
  const [summary, setSummary] = useState('')
  const [executiveId, setExecutiveId] = useState('')
  const [loading, setLoading] = useState(false)
  const [loadError, setLoadError] = useState<string | null>(null)
  const executives = users
    .filter((user) => user.role === 'executive')
    .sort((a, b) => Number(b.on_shift) - Number(a.on_shift) || a.name.localeCompare(b.name))

  useEffect(() => {
    if (!open) return
    let current = true
    setLoading(true)
    setLoadError(null)
    get<{ summary: string }>(`/api/cases/${item.id}/handoff/draft`).then(
      (answer) => {
        if (!current) return
        setSummary(answer.summary)
        setLoading(false)
      },
      (caught: unknown) => {
        if (!current) return
        setLoadError(describe(caught))
        setLoading(false)
      },
    )
    return () => {
      current = false
    }
  }, [open, item.id])

  const ready = summary.trim() !== '' && !loading
  const action = useDialogAction(async () => {
    await post<{ handoff: Handoff }>(`/api/cases/${item.id}/handoff`, { executive_id: executiveId || null, summary: summary.trim() })
    const name = executives.find((user) => user.id === executiveId)?.name ?? 'the executive pool'
    toast(`Handed off to ${name}.`, 'ok')
    setExecutiveId('')
    onDone()
  })
  return (
    <CaseDialog
      name="handoff"
      open={open}
      title={`Escalate case ${item.id} to an executive`}
      onClose={onClose}
      onSubmit={() => {
        if (ready) void action.run()
      }}
      error={action.error}
      submit="Send to executive"
      disabled={!ready || action.busy}
    >
      <label class="stack">
        <span>Executive</span>
        <select value={executiveId} data-testid="handoff-executive" onChange={(event) => setExecutiveId(event.currentTarget.value)}>
          <option value="">The executive pool</option>
          {executives.map((user) => (
            <option key={user.id} value={user.id}>
              {user.name} — {user.on_shift ? 'on shift' : 'off shift'}
            </option>
          ))}
        </select>
      </label>
      <label class="stack">
        <span>Summary (drafted from the case; edit before sending)</span>
        <textarea
          rows={10}
          value={summary}
          required
          maxLength={10_000}
          placeholder={loading ? 'Drafting the summary…' : ''}
          data-testid="handoff-summary"
          onInput={(event) => setSummary(event.currentTarget.value)}
        />
      </label>
      {loadError && <p class="bad">The summary could not be drafted: {loadError}</p>}
    </CaseDialog>
  )
}
