// A case's whole story, oldest first. Bodies are free-form per kind; everything the customer or
// a colleague wrote is rendered as text.
import type { ComponentChildren } from 'preact'
import type { TimelineEvent, UserName } from '../api-types'
import { ReasonChips } from '../inbox/row'
import { LinkedText, platformName, safeHref, statusName } from '../text'
import { formatDateTime } from '../time'

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)
const num = (value: unknown): number | null => (typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null)

const clockNames: Record<string, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
  callback: 'Executive callback',
}

export interface NameOf {
  (userId: unknown): string
}

export function nameResolver(users: UserName[], meId: string): NameOf {
  const byId = new Map(users.map((user) => [user.id, user.name]))
  return (userId) => {
    const id = typeof userId === 'number' ? String(userId) : str(userId)
    if (!id) return 'nobody'
    if (id === meId) return 'you'
    return byId.get(id) ?? `user ${id}`
  }
}

function Who({ event }: { event: TimelineEvent }) {
  return <span class="actor">{event.actor?.name ?? 'Earshot'}</span>
}

function Head({ event, children }: { event: TimelineEvent; children: ComponentChildren }) {
  return (
    <div class="event-head">
      <span class="event-what">{children}</span>
      <time class="muted" dateTime={event.occurred_at}>
        {formatDateTime(event.occurred_at)}
      </time>
    </div>
  )
}

function PostLink({ url }: { url: string | null }) {
  const href = safeHref(url)
  return href ? (
    <p class="muted">
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        see it on the platform
      </a>
    </p>
  ) : null
}

/**
 * The sender appends each delivery (sent or failed) as an event of its own, since the timeline is
 * append-only; it is shown on the message it delivers rather than as the same words twice.
 */
export function foldDeliveries(events: TimelineEvent[]): TimelineEvent[] {
  const deliveries = new Map<string, Record<string, unknown>>()
  for (const event of events) {
    const of = event.body?.delivery_of
    if (typeof of === 'string' || typeof of === 'number') deliveries.set(String(of), event.body)
  }
  if (deliveries.size === 0) return events
  const ids = new Set(events.map((event) => event.id))
  return events
    .filter((event) => {
      const of = event.body?.delivery_of
      return !((typeof of === 'string' || typeof of === 'number') && ids.has(String(of)))
    })
    .map((event) => {
      const delivery = deliveries.get(event.id)
      if (!delivery) return event
      return { ...event, body: { ...event.body, delivery: delivery.delivery, url: delivery.url ?? null, post_id: delivery.post_id ?? null, error: delivery.error ?? null } }
    })
}

function Body({ text }: { text: string | null }) {
  return text ? (
    <p class="event-text">
      <LinkedText text={text} />
    </p>
  ) : null
}

function Reason({ text }: { text: string | null }) {
  return text ? <p class="event-reason">Reason: {text}</p> : null
}

export function TimelineItem({ event, nameOf, onUseDraft }: { event: TimelineEvent; nameOf: NameOf; onUseDraft?: (text: string) => void }) {
  const body = event.body ?? {}
  const content = (() => {
    switch (event.kind) {
      case 'mention': {
        const mention = event.mention
        if (!mention) return <Head event={event}>Customer message</Head>
        const href = safeHref(mention.url)
        return (
          <>
            <Head event={event}>
              <strong>@{mention.author_handle.replace(/^@/, '')}</strong>{' '}
              {mention.private ? <span data-testid="private-message">in a private message</span> : 'on'} {platformName(mention.platform)}
              {mention.language && <span class="muted"> · {mention.language}</span>}
              {href && (
                <>
                  {' · '}
                  <a href={href} target="_blank" rel="noopener noreferrer nofollow">
                    open post
                  </a>
                </>
              )}
            </Head>
            <Body text={mention.text} />
            <ReasonChips reasons={mention.urgency_reasons ?? []} testid="timeline-reason-chip" />
          </>
        )
      }
      case 'reply': {
        const channel = str(body.channel) ?? 'public'
        const delivery = str(body.delivery)
        return (
          <>
            <Head event={event}>
              <Who event={event} /> replied {channel === 'private' ? 'in a private message' : 'in public'}
              {delivery && (
                <span class={`delivery delivery-${delivery}`} data-testid="delivery-state">
                  {delivery}
                </span>
              )}
            </Head>
            <Body text={str(body.text) ?? str(body.body)} />
            <PostLink url={str(body.url)} />
            {str(body.error) && <p class="bad">Sending failed: {str(body.error)}</p>}
          </>
        )
      }
      case 'note':
        return (
          <>
            <Head event={event}>
              Note by <Who event={event} />
            </Head>
            <Body text={str(body.text) ?? str(body.body)} />
          </>
        )
      case 'assignment': {
        const action = str(body.action)
        const to = body.to === null || body.to === undefined ? null : nameOf(body.to)
        const from = body.from === null || body.from === undefined ? null : nameOf(body.from)
        const automatic = body.automatic === true
        const what =
          to === null
            ? `Back to the team queue${from ? ` from ${from}` : ''}`
            : action === 'claim'
              ? `${event.actor?.name ?? to} claimed the case`
              : action === 'transfer'
                ? `Transferred from ${from ?? 'nobody'} to ${to}`
                : `Assigned to ${to}${automatic ? ' automatically' : ''}`
        return (
          <>
            <Head event={event}>
              {what}
              {!automatic && event.actor && action !== 'claim' && <span class="muted"> by {event.actor.name}</span>}
            </Head>
            <Reason text={str(body.reason)} />
          </>
        )
      }
      case 'status': {
        const from = str(body.from)
        const to = str(body.to) ?? '?'
        return (
          <>
            <Head event={event}>
              Status {from ? `${statusName(from)} → ` : ''}
              <strong>{statusName(to)}</strong>
              {event.actor && <span class="muted"> by {event.actor.name}</span>}
            </Head>
            <Reason text={str(body.reason)} />
          </>
        )
      }
      case 'priority':
        return (
          <>
            <Head event={event}>
              Priority P{num(body.from) ?? '?'} → <strong>P{num(body.to) ?? '?'}</strong>
              {event.actor && <span class="muted"> by {event.actor.name}</span>}
            </Head>
            <Reason text={str(body.reason)} />
          </>
        )
      case 'promise': {
        const status = str(body.status) ?? 'open'
        const due = str(body.due_at)
        const draft = str(body.draft)
        return (
          <>
            <Head event={event}>
              {status === 'open' && (
                <>
                  <Who event={event} /> promised, due <strong>{formatDateTime(due)}</strong>
                </>
              )}
              {status === 'kept' && (
                <>
                  Promise kept{body.late === true ? ' (late)' : ''} · <Who event={event} />
                </>
              )}
              {status === 'broken' && <strong class="bad">Promise broken (was due {formatDateTime(due)})</strong>}
            </Head>
            <Body text={str(body.text)} />
            {draft && (
              <div class="draft">
                <p class="muted">Suggested update for the customer:</p>
                <Body text={draft} />
                {onUseDraft && (
                  <button type="button" class="small" onClick={() => onUseDraft(draft)}>
                    Use this draft
                  </button>
                )}
              </div>
            )}
          </>
        )
      }
      case 'reminder':
        return (
          <>
            <Head event={event}>
              {str(body.clock) === 'callback'
                ? `Reminder: the executive callback is due ${formatDateTime(str(body.callback_at))}`
                : `Reminder: a promise falls due ${formatDateTime(str(body.due_at))}`}
            </Head>
            <Body text={str(body.text)} />
          </>
        )
      case 'sla': {
        const clock = str(body.clock) ?? ''
        return (
          <Head event={event}>
            <strong class="bad">
              {clockNames[clock] ?? clock} SLA {body.breached === false ? 'met' : 'missed'}
            </strong>{' '}
            (due {formatDateTime(str(body.due_at))})
          </Head>
        )
      }
      case 'acknowledgement':
        return (
          <>
            <Head event={event}>
              Automatic acknowledgement {str(body.delivery) ? <span class={`delivery delivery-${str(body.delivery)}`}>{str(body.delivery)}</span> : 'queued'}
            </Head>
            <Body text={str(body.text)} />
          </>
        )
      case 'merge': {
        const parts = [
          str(body.into_case_id) && `merged into case ${str(body.into_case_id)}`,
          str(body.from_case_id) && `case ${str(body.from_case_id)} merged in`,
          str(body.moved_from_customer_id) && `moved from customer ${str(body.moved_from_customer_id)}`,
          str(body.moved_back_to_customer_id) && `moved back to customer ${str(body.moved_back_to_customer_id)}`,
        ].filter(Boolean)
        const undone = str(body.undone_at) !== null || body.undo === true || str(body.action) === 'undo'
        return (
          <>
            <Head event={event}>
              {undone ? 'Merge undone' : 'Customers merged'}
              {parts.length > 0 && `: ${parts.join(', ')}`}
              {event.actor && <span class="muted"> by {event.actor.name}</span>}
            </Head>
            <Reason text={str(body.reason)} />
          </>
        )
      }
      case 'handoff': {
        const action = str(body.action)
        const executive = str(body.executive) ?? 'the executive pool'
        return (
          <>
            <Head event={event}>
              {action === 'requested' && (
                <>
                  <Who event={event} /> handed the case to <strong>{executive}</strong>
                </>
              )}
              {action === 'accepted' && (
                <>
                  <strong>{executive}</strong> accepted the handoff
                </>
              )}
              {action === 'declined' && (
                <>
                  <strong>{executive}</strong> declined the handoff
                </>
              )}
              {action !== 'requested' && action !== 'accepted' && action !== 'declined' && (
                <>
                  Handoff {str(body.status) ?? action ?? ''} <span class="muted">by {event.actor?.name ?? 'Earshot'}</span>
                </>
              )}
            </Head>
            {action === 'requested' && <Body text={str(body.summary)} />}
            <Reason text={str(body.reason)} />
          </>
        )
      }
      case 'satisfaction': {
        const delivery = str(body.delivery)
        if (body.answered === true) {
          const score = typeof body.score === 'number' ? body.score : null
          return (
            <>
              <Head event={event}>
                Satisfaction: <strong data-testid="satisfaction-score" class={score !== null && score <= 2 ? 'bad' : undefined}>{score ?? '?'} of 5</strong>{' '}
                <span class="muted">
                  {str(body.via) === 'page' ? 'from the one-click page' : 'in a reply'}
                  {typeof body.previous === 'number' && ` · changed from ${body.previous}`}
                </span>
              </Head>
              <Body text={str(body.comment)} />
            </>
          )
        }
        return (
          <>
            <Head event={event}>
              Satisfaction asked {str(body.channel) === 'private' ? 'in a private message' : 'in public'}
              {delivery && <span class={`delivery delivery-${delivery}`}>{delivery}</span>}
            </Head>
            <Body text={str(body.text) ?? str(body.error)} />
          </>
        )
      }
      case 'callback': {
        const action = str(body.action)
        return (
          <>
            <Head event={event}>
              {action === 'completed' ? (
                <>
                  Executive callback done · <Who event={event} />
                </>
              ) : (
                <>
                  Callback {action === 'rescheduled' ? 'moved to' : 'scheduled for'} <strong>{formatDateTime(str(body.callback_at))}</strong> by {str(body.channel) ?? '?'}
                  {str(body.contact) && ` (${str(body.contact)})`} <span class="muted">· {event.actor?.name ?? 'Earshot'}</span>
                </>
              )}
            </Head>
            {action === 'completed' && <Body text={str(body.outcome)} />}
          </>
        )
      }
      default:
        return (
          <>
            <Head event={event}>
              <span class="kind-label">{event.kind}</span> {event.actor && <span class="muted">by {event.actor.name}</span>}
              {str(body.status) && ` · ${str(body.status)}`}
            </Head>
            <Body text={str(body.text) ?? str(body.summary) ?? str(body.outcome)} />
            <Reason text={str(body.reason)} />
          </>
        )
    }
  })()
  return (
    <li class={`event kind-${event.kind}`} data-testid="timeline-item" data-kind={event.kind} data-event-id={event.id}>
      {content}
    </li>
  )
}

export function Timeline({ events, nameOf, onUseDraft }: { events: TimelineEvent[]; nameOf: NameOf; onUseDraft?: (text: string) => void }) {
  if (events.length === 0) return <p class="muted">Nothing on this case yet.</p>
  return (
    <ol class="timeline" aria-label="Timeline, oldest first" data-testid="timeline">
      {foldDeliveries(events).map((event) => (
        <TimelineItem key={event.id} event={event} nameOf={nameOf} onUseDraft={onUseDraft} />
      ))}
    </ol>
  )
}
