// The filter bar: the four views with their counts, selects for priority, language, status and
// platform, and the search box.
import type { Ref } from 'preact'
import type { CaseCounts, CaseView } from '../api-types'
import { platforms } from '../api-types'
import { languageName, platformName, statusName } from '../text'
import type { Filters } from './filters'

const viewLabels: Record<CaseView, string> = { mine: 'Mine', unassigned: 'Unassigned', team: 'Team', all: 'All' }
const knownLanguages = ['en', 'et', 'ru', 'de', 'it', 'es']

function counted(label: string, count: number | undefined) {
  return count === undefined ? label : `${label} (${count})`
}

export function FilterBar({
  filters,
  counts,
  search,
  searchRef,
  onChange,
  onSearch,
}: {
  filters: Filters
  counts: CaseCounts | undefined
  search: string
  searchRef: Ref<HTMLInputElement>
  onChange: (change: Partial<Filters>) => void
  onSearch: (text: string) => void
}) {
  const languages = [...new Set([...knownLanguages, ...Object.keys(counts?.language ?? {})])]
  return (
    <form class="filter-bar" role="search" aria-label="Filter the inbox" onSubmit={(event) => event.preventDefault()} data-testid="filter-bar">
      <div class="views" role="group" aria-label="Whose cases">
        {(Object.keys(viewLabels) as CaseView[]).map((view) => (
          <button
            key={view}
            type="button"
            class="segment"
            aria-pressed={filters.view === view}
            data-testid={`view-${view}`}
            onClick={() => onChange({ view })}
          >
            {viewLabels[view]}
            {counts && <span class="count">{counts[view]}</span>}
          </button>
        ))}
      </div>
      <label class="inline">
        <span>Priority</span>
        <select value={filters.priority} data-testid="filter-priority" onChange={(event) => onChange({ priority: event.currentTarget.value })}>
          <option value="">Any</option>
          {['1', '2', '3', '4'].map((priority) => (
            <option key={priority} value={priority}>
              {counted(`P${priority}`, counts?.priority[priority] ?? (counts ? 0 : undefined))}
            </option>
          ))}
        </select>
      </label>
      <label class="inline">
        <span>Language</span>
        <select value={filters.language} data-testid="filter-language" onChange={(event) => onChange({ language: event.currentTarget.value })}>
          <option value="">Any</option>
          {languages.map((language) => (
            <option key={language} value={language}>
              {counted(languageName(language), counts?.language[language] ?? (counts ? 0 : undefined))}
            </option>
          ))}
        </select>
      </label>
      <label class="inline">
        <span>Status</span>
        <select value={filters.status} data-testid="filter-status" onChange={(event) => onChange({ status: event.currentTarget.value as Filters['status'] })}>
          <option value="">Not resolved</option>
          {(['new', 'open', 'waiting', 'handed_off'] as const).map((status) => {
            const count = status === 'waiting' ? (counts?.status.waiting ?? counts?.status.waiting_on_customer) : counts?.status[status]
            return (
              <option key={status} value={status}>
                {counted(statusName(status), count ?? (counts ? 0 : undefined))}
              </option>
            )
          })}
          <option value="resolved">resolved</option>
          <option value="all">everything</option>
        </select>
      </label>
      <label class="inline">
        <span>Platform</span>
        <select value={filters.platform} data-testid="filter-platform" onChange={(event) => onChange({ platform: event.currentTarget.value })}>
          <option value="">Any</option>
          {platforms.map((platform) => (
            <option key={platform} value={platform}>
              {counted(platformName(platform), counts?.platform[platform] ?? (counts ? 0 : undefined))}
            </option>
          ))}
        </select>
      </label>
      <label class="search">
        <span class="visually-hidden">Search messages</span>
        <input
          ref={searchRef}
          type="search"
          placeholder="Search messages"
          title="Search messages (/)"
          value={search}
          data-testid="search"
          onInput={(event) => onSearch(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') event.preventDefault()
          }}
        />
      </label>
    </form>
  )
}
