// A case: its timeline, the reply composer and notes, and beside them the clocks, owner,
// promises and customer. Refreshes itself when a live event touches the case. Marketing reads
// it without any of the tools: no composer, notes, actions or presence.
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, describe, get, post } from '../api'
import type { CaseDetail } from '../api-types'
import { rememberSelected } from '../inbox/inbox'
import { PriorityBadge } from '../inbox/row'
import { useKeys } from '../keyboard'
import { useLiveEvents } from '../live'
import { navigate } from '../router'
import { can, useMe } from '../session'
import { platformName, statusName } from '../text'
import { Countdown } from '../time'
import { toast } from '../toast'
import { useUserNames, useUsers } from '../users'
import { Composer } from './composer'
import { CustomerPanel } from './customer-panel'
import { HandoffDialog, HandoffPanel, handoffState, inFlight } from './handoff-panel'
import { readDraft, saveDraft, type Draft } from './drafts'
import { NoteForm } from './note-form'
import { OwnerPanel } from './owner-panel'
import { PresenceBanner, usePresence, type TypingState } from './presence'
import { openPromises, PromisesPanel } from './promises-panel'
import { SlaPanel } from './sla-panel'
import { nameResolver, Timeline } from './timeline'

/** Where the case's back link and Esc lead: the inbox it was opened from, or Trends. */
export interface BackLink {
  hash: string
  label: string
}

export function CaseView({ id, back }: { id: string; back: BackLink }) {
  const me = useMe()
  const canAct = can.act(me.role)
  const canNote = can.note(me.role)
  const readOnly = !canAct && !canNote
  const [detail, setDetail] = useState<CaseDetail | null>(null)
  const [error, setError] = useState<{ text: string; status: number } | null>(null)
  const [draft, setDraftState] = useState<Draft>(() => readDraft(id))
  const [assignOpen, setAssignOpen] = useState(false)
  const [handoffOpen, setHandoffOpen] = useState(false)
  // The colleagues (pickers, @mentions) for care only; everyone's names for the timeline.
  const { users, error: usersError } = useUsers(can.readCases(me.role))
  const names = useUserNames()
  const composerRef = useRef<HTMLTextAreaElement>(null)
  const noteRef = useRef<HTMLTextAreaElement>(null)
  const typing = useRef<TypingState>({ focused: false, lastChange: 0 })
  const sequence = useRef(0)

  const load = async () => {
    const mine = ++sequence.current
    try {
      const answer = await get<CaseDetail>(`/api/cases/${id}`)
      if (mine !== sequence.current) return
      setDetail(answer)
      setError(null)
    } catch (caught) {
      if (mine !== sequence.current) return
      setError({ text: describe(caught), status: caught instanceof ApiError ? caught.status : 0 })
    }
  }

  useEffect(() => {
    rememberSelected(id)
    setDetail(null)
    setError(null)
    setDraftState(readDraft(id))
    void load()
    window.scrollTo(0, 0)
  }, [id])
  useLiveEvents(() => void load(), { filter: (event) => event.case_id === id || event.kind === 'merge' })
  // Only care joins the collision warning: a reader who cannot answer would only alarm those who can.
  const present = usePresence(id, typing, can.readCases(me.role))

  const setDraft = (change: Partial<Draft>) =>
    setDraftState((current) => {
      const next = { ...current, ...change }
      saveDraft(id, next)
      return next
    })

  const claim = async () => {
    try {
      await post(`/api/cases/${id}/claim`, {})
      toast(`Case ${id} is yours.`, 'ok')
      void load()
    } catch (caught) {
      toast(describe(caught), 'bad', 8000)
    }
  }

  const focusComposer = (channel?: 'public' | 'private') => {
    if (channel) setDraft({ channel })
    const area = composerRef.current
    area?.focus()
    area?.scrollIntoView({ block: 'center', behavior: 'smooth' })
  }

  const item = detail?.case
  const open = item ? item.status !== 'resolved' && item.status !== 'closed' : false
  const handoff = detail && item ? handoffState(detail.timeline, item.id) : null
  const canEscalate = canAct && open
  useKeys({
    r: () => (canAct ? focusComposer('public') : toast('Your role cannot reply.', 'info')),
    n: () => {
      if (!canNote) {
        toast('Your role cannot write notes.', 'info')
        return
      }
      noteRef.current?.focus()
      noteRef.current?.scrollIntoView({ block: 'center', behavior: 'smooth' })
    },
    a: () => (canAct && open ? setAssignOpen(true) : toast('Your role cannot assign cases.', 'info')),
    c: () => {
      if (!canAct) toast('Your role cannot claim cases.', 'info')
      else if (item?.owner) toast(`Case ${id} already belongs to ${item.owner.name}.`, 'info')
      else void claim()
    },
    e: () => {
      if (!canAct) toast('Your role cannot escalate cases.', 'info')
      else if (!open) toast(`Case ${id} is closed; reopen it before escalating.`, 'info')
      else if (inFlight(handoff)) toast(`Case ${id} is already with ${handoff?.executive ?? 'the executive pool'}.`, 'info')
      else setHandoffOpen(true)
    },
    Escape: () => navigate(back.hash),
  })

  if (error && !detail) {
    return (
      <section class="case-view" aria-labelledby="case-title">
        <a class="back" href={`#${back.hash}`}>
          ← {back.label}
        </a>
        <h1 id="case-title">Case {id}</h1>
        <div class="notice bad" role="alert">
          <p>{error.status === 404 ? `There is no case ${id}.` : `The case could not be loaded: ${error.text}`}</p>
          <button type="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      </section>
    )
  }
  if (!detail || !item) {
    return (
      <section class="case-view">
        <a class="back" href={`#${back.hash}`}>
          ← {back.label}
        </a>
        <p class="muted">Loading case {id}…</p>
      </section>
    )
  }

  const who = item.customer.name ?? item.customer.handle ?? `Customer ${item.customer.id}`
  const nameOf = nameResolver(names, me.id)
  const promises = openPromises(detail.timeline)
  return (
    <section class="case-view" aria-labelledby="case-title" data-testid="case-view" data-case-id={item.id}>
      <div class="case-head">
        <a class="back" href={`#${back.hash}`} data-testid="case-back">
          ← {back.label} <kbd>Esc</kbd>
        </a>
        <h1 id="case-title">
          <PriorityBadge priority={item.priority} /> {who}
          <small class="muted">
            {item.customer.handle && item.customer.name ? ` @${item.customer.handle.replace(/^@/, '')}` : ''} · {platformName(item.customer.platform)} · case {item.id}
          </small>
        </h1>
        <p class="case-summary-line">
          <span class={`status status-${item.status}`}>{statusName(item.status)}</span>
          <span>{item.owner ? `Owner: ${item.owner.name}` : 'Team queue'}</span>
          {open && (
            <span>
              SLA <Countdown due={item.sla_due_at} label="Next SLA" testid="case-countdown" />
            </span>
          )}
        </p>
        {readOnly && (
          <p class="muted" data-testid="read-only">
            Read-only: your role can follow this case but not reply, note or change it.
          </p>
        )}
        <PresenceBanner present={present} myId={me.id} />
        {error && <p class="bad" role="alert">Could not refresh: {error.text}</p>}
      </div>
      <div class="case-grid">
        <div class="case-main">
          <section aria-labelledby="timeline-title">
            <h2 id="timeline-title" class="visually-hidden">
              Timeline
            </h2>
            <Timeline events={detail.timeline} nameOf={nameOf} onUseDraft={canAct && open ? (text) => {
              setDraft({ text, channel: 'public' })
              focusComposer()
            } : undefined} />
          </section>
          {canAct && open && (
            <Composer item={item} me={me} nextStaffedTime={detail.next_staffed_time} draft={draft} onDraft={setDraft} textRef={composerRef} typing={typing} onSent={() => void load()} />
          )}
          {canNote && (
            <NoteForm caseId={item.id} users={users} text={draft.note} onText={(note) => setDraft({ note })} textRef={noteRef} onSaved={() => void load()} />
          )}
        </div>
        <aside class="case-side" aria-label="Case details">
          <SlaPanel item={item} />
          <OwnerPanel
            item={item}
            me={me}
            canAct={canAct}
            users={users}
            usersError={usersError}
            onChanged={() => void load()}
            assignOpen={assignOpen}
            setAssignOpen={setAssignOpen}
            claim={() => void claim()}
          />
          <HandoffPanel state={handoff} canEscalate={canEscalate} calendar={can.readCases(me.role)} onEscalate={() => setHandoffOpen(true)} />
          {canEscalate && (
            <HandoffDialog
              open={handoffOpen}
              item={item}
              users={users}
              onClose={() => setHandoffOpen(false)}
              onDone={() => {
                setHandoffOpen(false)
                void load()
              }}
            />
          )}
          <PromisesPanel promises={promises} canKeep={can.keepPromise(me.role)} onChanged={() => void load()} />
          <CustomerPanel customerId={item.customer.id} caseId={item.id} fallbackName={who} />
        </aside>
      </div>
    </section>
  )
}
