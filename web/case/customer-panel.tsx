// The customer behind the case: every identity they use (merged customers' too) and their other
// cases, from GET /api/customers/:id.
import { useEffect, useState } from 'preact/hooks'
import { describe, get } from '../api'
import type { CustomerView } from '../api-types'
import { PriorityBadge } from '../inbox/row'
import { platformName, safeHref, statusName } from '../text'
import { formatDateTime } from '../time'

export function CustomerPanel({ customerId, caseId, fallbackName }: { customerId: string; caseId: string; fallbackName: string }) {
  const [view, setView] = useState<CustomerView | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    setView(null)
    get<CustomerView>(`/api/customers/${customerId}`).then(
      (answer) => {
        setView(answer)
        setError(null)
      },
      (caught: unknown) => setError(describe(caught)),
    )
  }, [customerId, caseId])
  const others = view?.cases.filter((other) => other.id !== caseId) ?? []
  return (
    <section class="card panel" aria-labelledby="customer-title" data-testid="customer-panel">
      <h2 id="customer-title">Customer</h2>
      <p>
        <strong>{view?.customer.display_name ?? fallbackName}</strong>
        {view && view.merged_customer_ids.length > 0 && <small class="muted"> · {view.merged_customer_ids.length} merged profile(s)</small>}
      </p>
      {error && <p class="bad">{error}</p>}
      {!view && !error && <p class="muted">Loading…</p>}
      {view && (
        <>
          <h3>Identities</h3>
          <ul class="identities" data-testid="customer-identities">
            {view.identities.map((identity) => {
              const href = safeHref(identity.profile_url)
              const handle = identity.handle ? `@${identity.handle.replace(/^@/, '')}` : identity.platform_user_id
              return (
                <li key={identity.id}>
                  <span class="platform-tag">{platformName(identity.platform)}</span>{' '}
                  {href ? (
                    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
                      {handle}
                    </a>
                  ) : (
                    handle
                  )}
                  {identity.display_name && <span class="muted"> · {identity.display_name}</span>}
                  {identity.followers !== null && <span class="muted"> · {identity.followers.toLocaleString()} followers</span>}
                  {identity.verified && <span class="muted"> · verified</span>}
                </li>
              )
            })}
          </ul>
          <h3>Other cases</h3>
          {others.length === 0 ? (
            <p class="muted">No earlier cases.</p>
          ) : (
            <ul class="earlier-cases" data-testid="customer-cases">
              {others.map((other) => (
                <li key={other.id}>
                  <a href={`#/cases/${other.id}`}>Case {other.id}</a> <PriorityBadge priority={other.priority} />{' '}
                  <span class={`status status-${other.status}`}>{statusName(other.status)}</span>
                  <small class="muted">
                    {' '}
                    · opened {formatDateTime(other.opened_at)}
                    {other.owner ? ` · ${other.owner.name}` : ''}
                    {other.merged_into_id ? ` · merged into ${other.merged_into_id}` : ''}
                  </small>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  )
}
