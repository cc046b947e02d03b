// Priority with its reasons, and the SLA clocks with live countdowns.
import type { CaseSummary } from '../api-types'
import { PriorityBadge, ReasonChips } from '../inbox/row'
import { statusName } from '../text'
import { Countdown, formatDateTime } from '../time'

export function SlaPanel({ item }: { item: CaseSummary }) {
  const waiting = item.status === 'waiting_on_customer'
  const closed = item.status === 'resolved' || item.status === 'closed'
  return (
    <section class="card panel" aria-labelledby="sla-title" data-testid="sla-panel">
      <h2 id="sla-title">Priority and SLA</h2>
      <p class="priority-line">
        <PriorityBadge priority={item.priority} /> <span class={`status status-${item.status}`}>{statusName(item.status)}</span>
      </p>
      <ReasonChips reasons={item.reasons} testid="case-reason-chip" />
      <dl class="clocks">
        <dt>First response</dt>
        <dd data-testid="sla-first-response">
          {item.first_response_at ? (
            <span class="ok">answered {formatDateTime(item.first_response_at)}</span>
          ) : closed ? (
            '—'
          ) : (
            <Countdown due={item.first_response_due_at} label="First response" />
          )}
        </dd>
        <dt>Next response</dt>
        <dd data-testid="sla-next-response">{item.next_response_due_at && !closed ? <Countdown due={item.next_response_due_at} label="Next response" /> : <span class="muted">not running</span>}</dd>
        <dt>Resolution</dt>
        <dd data-testid="sla-resolution">
          {closed ? (
            <span class="ok">resolved {formatDateTime(item.resolved_at)}</span>
          ) : waiting ? (
            <span class="muted">paused while waiting on the customer</span>
          ) : (
            <Countdown due={item.resolution_due_at} label="Resolution" />
          )}
        </dd>
      </dl>
      <p class="muted small-print">Opened {formatDateTime(item.opened_at)}{item.last_customer_message_at ? ` · customer last wrote ${formatDateTime(item.last_customer_message_at)}` : ''}</p>
    </section>
  )
}
