// Who owns the case and the actions on it: claim from the queue, assign or transfer (to someone
// on shift, with a reason), waiting on the customer, and resolve (refused while promises are open).
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { describe, post } from '../api'
import type { CaseSummary, Me, User } from '../api-types'
import { Dialog } from '../dialog'
import { languageName } from '../text'
import { toast } from '../toast'

export function OwnerPanel({
  item,
  me,
  canAct,
  users,
  usersError,
  onChanged,
  assignOpen,
  setAssignOpen,
  claim,
}: {
  item: CaseSummary
  me: Me
  canAct: boolean
  users: User[]
  usersError: string | null
  onChanged: () => void
  assignOpen: boolean
  setAssignOpen: (open: boolean) => void
  claim: () => void
}) {
  const [resolveOpen, setResolveOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const closed = item.status === 'resolved' || item.status === 'closed'
  const waiting = item.status === 'waiting_on_customer'
  const mine = item.owner?.id === me.id

  const toggleWaiting = async () => {
    setBusy(true)
    try {
      await post(`/api/cases/${item.id}/waiting`, { waiting: !waiting })
      toast(waiting ? 'Back to work: the resolution clock runs again.' : 'Waiting on the customer: the resolution clock is paused.', 'ok')
      onChanged()
    } catch (caught) {
      toast(describe(caught), 'bad', 8000)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card panel" aria-labelledby="owner-title" data-testid="owner-panel">
      <h2 id="owner-title">Owner</h2>
      <p data-testid="case-owner">
        {item.owner ? (
          <>
            <strong>{mine ? `${item.owner.name} (you)` : item.owner.name}</strong>
          </>
        ) : (
          <em>Team queue — nobody owns this case yet</em>
        )}
      </p>
      {canAct && !closed && (
        <div class="actions">
          {!item.owner && (
            <button type="button" class="primary" data-testid="claim" onClick={claim}>
              Claim <kbd>c</kbd>
            </button>
          )}
          <button type="button" data-testid="assign" onClick={() => setAssignOpen(true)}>
            {item.owner ? 'Transfer…' : 'Assign…'} <kbd>a</kbd>
          </button>
          <label class="check">
            <input type="checkbox" checked={waiting} disabled={busy} data-testid="waiting-toggle" onChange={() => void toggleWaiting()} />
            Waiting on customer
          </label>
          <button type="button" data-testid="resolve" onClick={() => setResolveOpen(true)}>
            Resolve…
          </button>
        </div>
      )}
      {closed && <p class="muted">This case is {item.status}.</p>}
      <AssignDialog
        open={assignOpen}
        item={item}
        users={users}
        usersError={usersError}
        onClose={() => setAssignOpen(false)}
        onDone={() => {
          setAssignOpen(false)
          onChanged()
        }}
      />
      <ResolveDialog
        open={resolveOpen}
        item={item}
        onClose={() => setResolveOpen(false)}
        onDone={() => {
          setResolveOpen(false)
          onChanged()
        }}
      />
    </section>
  )
}

function AssignDialog({
  open,
  item,
  users,
  usersError,
  onClose,
  onDone,
}: {
  open: boolean
  item: CaseSummary
  users: User[]
  usersError: string | null
  onClose: () => void
  onDone: () => void
}) {
  const [userId, setUserId] = useState('')
  const [reason, setReason] = useState('')
  // Cases go to care people; executives get a handoff instead.
  const candidates = users
    .filter((user) => (user.role === 'agent' || user.role === 'admin') && user.id !== item.owner?.id)
    .sort((a, b) => Number(b.on_shift) - Number(a.on_shift) || a.name.localeCompare(b.name))
  const transfer = item.owner !== null
  const ready = userId !== '' && reason.trim() !== ''
  const action = useDialogAction(async () => {
    await post(`/api/cases/${item.id}/assign`, { user_id: userId, reason: reason.trim() })
    const name = users.find((user) => user.id === userId)?.name ?? 'them'
    toast(`${transfer ? 'Transferred' : 'Assigned'} to ${name}.`, 'ok')
    setUserId('')
    setReason('')
    onDone()
  })
  return (
    <CaseDialog
      name="assign"
      open={open}
      title={transfer ? `Transfer case ${item.id}` : `Assign case ${item.id}`}
      onClose={onClose}
      onSubmit={() => {
        if (ready) void action.run()
      }}
      error={action.error}
      submit={transfer ? 'Transfer' : 'Assign'}
      disabled={!ready || action.busy}
    >
      {usersError && <p class="bad">Colleagues could not be loaded: {usersError}</p>}
      <label class="stack">
        <span>To</span>
        <select value={userId} required data-testid="assign-user" onChange={(event) => setUserId(event.currentTarget.value)}>
          <option value="">Choose someone on shift…</option>
          {candidates.map((user) => (
            <option key={user.id} value={user.id} disabled={!user.on_shift}>
              {user.name} — {user.on_shift ? 'on shift' : 'off shift'}
              {user.languages.length > 0 ? ` · ${user.languages.map(languageName).join(', ')}` : ''}
            </option>
          ))}
        </select>
      </label>
      <p class="muted">Only people on shift can take a case now.</p>
      <label class="stack">
        <span>Reason (the new owner and the timeline see it)</span>
        <textarea rows={3} value={reason} required maxLength={1000} data-testid="assign-reason" onInput={(event) => setReason(event.currentTarget.value)} />
      </label>
    </CaseDialog>
  )
}

function ResolveDialog({ open, item, onClose, onDone }: { open: boolean; item: CaseSummary; onClose: () => void; onDone: () => void }) {
  const [note, setNote] = useState('')
  const [ask, setAsk] = useState(true)
  const action = useDialogAction(async () => {
    const result = await post<{ satisfaction: { asked: boolean; reason?: string } }>(`/api/cases/${item.id}/resolve`, {
      ...(note.trim() ? { note: note.trim() } : {}),
      ask_satisfaction: ask,
    })
    const asked = result.satisfaction.asked ? ' The customer is asked how it went.' : ''
    toast(`Case ${item.id} resolved.${asked}`, 'ok')
    setNote('')
    setAsk(true)
    onDone()
  })
  return (
    <CaseDialog
      name="resolve"
      open={open}
      title={`Resolve case ${item.id}`}
      onClose={onClose}
      onSubmit={() => void action.run()}
      error={action.error}
      submit="Resolve"
      disabled={action.busy}
    >
      <label class="stack">
        <span>Note (optional)</span>
        <textarea rows={3} value={note} maxLength={1000} data-testid="resolve-note" onInput={(event) => setNote(event.currentTarget.value)} />
      </label>
      <label class="check">
        <input type="checkbox" checked={ask} data-testid="resolve-ask" onChange={(event) => setAsk(event.currentTarget.checked)} />
        <span>Ask the customer for a 1–5 score on the same channel</span>
      </label>
    </CaseDialog>
  )
}

/** Runs a dialog's action; a refusal stays in `error` for the dialog to show. */
export function useDialogAction(action: () => Promise<void>): { busy: boolean; error: string | null; run: () => Promise<void> } {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = async () => {
    setBusy(true)
    setError(null)
    try {
      await action()
    } catch (caught) {
      setError(describe(caught))
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, run }
}

/** A case action's dialog (test ids `<name>-dialog`, `-error`, `-submit`): the fields, the server's refusal, Cancel and `submit`. */
export function CaseDialog({
  name,
  open,
  title,
  onClose,
  onSubmit,
  error,
  submit,
  disabled,
  children,
}: {
  name: string
  open: boolean
  title: string
  onClose: () => void
  onSubmit: () => void
  error: string | null
  submit: string
  disabled: boolean
  children: ComponentChildren
}) {
  return (
    <Dialog open={open} title={title} onClose={onClose} testid={`${name}-dialog`}>
      <form
        class="stack-form"
        onSubmit={(event) => {
          event.preventDefault()
          onSubmit()
        }}
      >
        {children}
        {error && (
          <p class="bad" role="alert" data-testid={`${name}-error`}>
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={disabled} data-testid={`${name}-submit`}>
            {submit}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
