// One case in the inbox. The customer's text is rendered as text only.
import type { CaseSummary } from '../api-types'
import { platformName, statusName } from '../text'
import { Countdown } from '../time'

export function PriorityBadge({ priority }: { priority: number }) {
  return (
    <span class={`priority p${priority}`} title={`Priority ${priority}`} data-testid="priority-badge">
      P{priority}
    </span>
  )
}

export function ReasonChips({ reasons, testid = 'reason-chip' }: { reasons: CaseSummary['reasons']; testid?: string }) {
  if (reasons.length === 0) return null
  return (
    <ul class="chips" aria-label="Why it is urgent">
      {reasons.map((reason) => (
        <li class={`chip signal-${reason.signal}`} key={`${reason.signal}:${reason.reason}`} data-testid={testid} title={`${reason.signal.replaceAll('_', ' ')}, +${reason.points}`}>
          {reason.reason}
        </li>
      ))}
    </ul>
  )
}

export function InboxRow({
  item,
  selected,
  onSelect,
}: {
  item: CaseSummary
  selected: boolean
  onSelect: () => void
}) {
  const who = item.customer.name ?? item.customer.handle ?? `Customer ${item.customer.id}`
  return (
    <li class={`row${selected ? ' selected' : ''}`} data-testid="inbox-row" data-case-id={item.id} aria-current={selected ? 'true' : undefined}>
      <a class="row-link" href={`#/cases/${item.id}`} onClick={onSelect} onFocus={onSelect}>
        <span class="row-priority">
          <PriorityBadge priority={item.priority} />
        </span>
        <span class="row-customer">
          <strong>{who}</strong>
          <small class="muted">
            {item.customer.handle && item.customer.name ? `@${item.customer.handle.replace(/^@/, '')} · ` : ''}
            {platformName(item.customer.platform)}
            {item.mentions > 1 ? ` · ${item.mentions} messages` : ''}
          </small>
        </span>
        <span class="row-text">
          <span class="latest" data-testid="row-text">{item.latest_text ?? ''}</span>
          <ReasonChips reasons={item.reasons} />
        </span>
        <span class="row-owner">
          {item.owner ? item.owner.name : <em class="muted">team queue</em>}
          {item.status !== 'open' && <small class={`status status-${item.status}`}>{statusName(item.status)}</small>}
        </span>
        <span class="row-due">
          <Countdown due={item.sla_due_at} label="SLA" testid="row-countdown" />
        </span>
      </a>
    </li>
  )
}
