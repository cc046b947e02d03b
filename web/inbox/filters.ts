// The inbox's filters live in the address (#/inbox?view=mine&priority=1), so they survive a
// visit to a case, the back button and a reload.
import type { CaseView, StatusFilter } from '../api-types'
import { query } from '../api'

export interface Filters {
  view: CaseView
  priority: string
  language: string
  /** '' is every case not yet resolved (the server's default). */
  status: StatusFilter | ''
  platform: string
  q: string
}

const views: CaseView[] = ['mine', 'unassigned', 'team', 'all']
const statuses: StatusFilter[] = ['open', 'new', 'waiting', 'handed_off', 'resolved', 'all']

export function readFilters(params: URLSearchParams): Filters {
  const view = params.get('view') as CaseView | null
  const status = params.get('status') as StatusFilter | null
  return {
    view: view && views.includes(view) ? view : 'all',
    priority: params.get('priority') ?? '',
    language: params.get('language') ?? '',
    status: status && statuses.includes(status) ? status : '',
    platform: params.get('platform') ?? '',
    q: params.get('q') ?? '',
  }
}

/** The inbox address for these filters, leaving defaults out. */
export function inboxPath(filters: Filters): string {
  return `/inbox${query({
    view: filters.view === 'all' ? undefined : filters.view,
    priority: filters.priority,
    language: filters.language,
    status: filters.status,
    platform: filters.platform,
    q: filters.q.trim(),
  })}`
}

/** GET /api/cases with these filters. */
export function casesUrl(filters: Filters): string {
  return `/api/cases${query({
    view: filters.view,
    priority: filters.priority,
    language: filters.language,
    status: filters.status,
    platform: filters.platform,
    q: filters.q.trim(),
    limit: 200,
  })}`
}

/** GET /api/cases/counts: what each filter holds, for the brand and search in force. */
export function countsUrl(filters: Filters): string {
  return `/api/cases/counts${query({ q: filters.q.trim() })}`
}
