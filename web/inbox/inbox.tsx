// The inbox: the server's order (priority, then the nearest SLA due time), filters with counts,
// search, j/k selection, and live refresh that keeps the selected row where it was on screen.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { ApiError, describe, get } from '../api'
import type { CaseCounts, CaseList } from '../api-types'
import { useKeys } from '../keyboard'
import { useLiveEvents } from '../live'
import { navigate } from '../router'
import { casesUrl, countsUrl, inboxPath, readFilters, type Filters } from './filters'
import { FilterBar } from './filter-bar'
import { InboxRow } from './row'

// Kept between visits, so coming back from a case shows the list at once with that case selected.
let lastList: { key: string; list: CaseList } | null = null
let lastSelected: string | null = null

export function rememberSelected(caseId: string) {
  lastSelected = caseId
}

/** At log-out: the next person's inbox is their own. */
export function forgetInbox() {
  lastList = null
  lastSelected = null
}

export function Inbox({ params }: { params: URLSearchParams }) {
  const filters = readFilters(params)
  const key = casesUrl(filters)
  const [list, setList] = useState<CaseList | null>(lastList?.key === key ? lastList.list : null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [selected, setSelected] = useState<string | null>(lastSelected)
  const [search, setSearch] = useState(filters.q)
  const [announcement, setAnnouncement] = useState('')
  const searchRef = useRef<HTMLInputElement>(null)
  const listRef = useRef<HTMLOListElement>(null)
  const anchor = useRef<{ id: string; top: number } | null>(null)
  const sequence = useRef(0)
  const countedAt = useRef(0)

  const load = async (live: boolean) => {
    const mine = ++sequence.current
    setLoading(true)
    try {
      const next = await get<CaseList>(key)
      if (mine !== sequence.current) return
      if (live) {
        anchor.current = findAnchor(listRef.current, selected)
        const before = new Set((list?.cases ?? []).map((item) => item.id))
        const added = next.cases.filter((item) => !before.has(item.id)).length
        if (added > 0 || next.cases.length !== before.size) {
          setAnnouncement(`Inbox updated: ${next.cases.length} cases${added > 0 ? `, ${added} new` : ''}.`)
        }
      }
      // The counts read every open case: fetched beside the page, and at most every 15 s while live.
      const counts = list?.counts
      const fresh = !live || Date.now() - countedAt.current > 15_000
      const shown = { ...next, counts: next.counts ?? counts }
      lastList = { key, list: shown }
      setList(shown)
      setError(null)
      if (fresh) {
        countedAt.current = Date.now()
        void get<{ counts: CaseCounts }>(countsUrl(filters)).then(
          (answer) => {
            if (mine !== sequence.current) return
            setList((current) => {
              const updated = current && { ...current, counts: answer.counts }
              if (updated) lastList = { key, list: updated }
              return updated
            })
          },
          () => {}, // the bar keeps its last counts; the list itself is what matters
        )
      }
    } catch (caught) {
      if (mine !== sequence.current) return
      setError(caught instanceof ApiError && caught.status === 400 && filters.status !== ''
        ? `${caught.detail} (this server may not know that filter yet)`
        : describe(caught))
    } finally {
      if (mine === sequence.current) setLoading(false)
    }
  }

  useEffect(() => {
    void load(false)
  }, [key])
  useLiveEvents(() => void load(true))

  // Coming back from a case: the case just seen is on screen (and focused for j/k), else the top.
  const placed = useRef(false)
  useLayoutEffect(() => {
    if (placed.current || !list) return
    placed.current = true
    const row = selected ? listRef.current?.querySelector<HTMLElement>(`[data-case-id="${selected}"]`) : null
    if (row) {
      row.scrollIntoView({ block: 'center' })
      row.querySelector<HTMLElement>('.row-link')?.focus({ preventScroll: true })
    } else window.scrollTo(0, 0)
  }, [list])

  // After a live refresh, put the anchor row back where it was on screen.
  useLayoutEffect(() => {
    const held = anchor.current
    anchor.current = null
    if (!held || !listRef.current) return
    const row = listRef.current.querySelector<HTMLElement>(`[data-case-id="${held.id}"]`)
    if (row) window.scrollBy(0, row.getBoundingClientRect().top - held.top)
  }, [list])

  // The search box writes to the address after a pause in typing.
  useEffect(() => {
    if (search === filters.q) return
    const timer = setTimeout(() => change({ q: search }), 300)
    return () => clearTimeout(timer)
  }, [search])
  useEffect(() => {
    // Someone typing keeps what they typed; a back button or a link sets the box.
    if (document.activeElement !== searchRef.current) setSearch(filters.q)
  }, [filters.q])

  const change = (update: Partial<Filters>) => navigate(inboxPath({ ...filters, ...update }), { replace: true })

  const cases = list?.cases ?? []
  const select = (id: string | null, focus = false) => {
    setSelected(id)
    if (id) lastSelected = id
    if (focus && id) {
      const link = listRef.current?.querySelector<HTMLElement>(`[data-case-id="${id}"] .row-link`)
      link?.focus({ preventScroll: true })
      link?.scrollIntoView({ block: 'nearest' })
    }
  }
  const move = (step: number) => {
    if (cases.length === 0) return
    const index = cases.findIndex((item) => item.id === selected)
    const next = index === -1 ? (step > 0 ? 0 : cases.length - 1) : Math.min(cases.length - 1, Math.max(0, index + step))
    select(cases[next]!.id, true)
  }
  useKeys({
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    Enter: () => {
      if (selected && cases.some((item) => item.id === selected)) navigate(`/cases/${selected}`)
    },
    '/': () => searchRef.current?.focus(),
    Escape: (event) => {
      if (event.target === searchRef.current) searchRef.current?.blur()
    },
  })

  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <div class="page-head">
        <h1 id="inbox-title">Inbox</h1>
        <span class="muted" aria-hidden={loading ? undefined : 'true'}>
          {loading ? 'Updating…' : list ? `${cases.length} case${cases.length === 1 ? '' : 's'}` : ''}
        </span>
      </div>
      <FilterBar
        filters={filters}
        counts={list?.counts}
        search={search}
        searchRef={searchRef}
        onChange={change}
        onSearch={setSearch}
      />
      <p class="visually-hidden" aria-live="polite" data-testid="inbox-announcement">
        {announcement}
      </p>
      {error && (
        <div class="notice bad" role="alert">
          <p>The inbox could not be loaded: {error}</p>
          <button type="button" onClick={() => void load(false)}>
            Try again
          </button>
        </div>
      )}
      {list && cases.length === 0 && !error && <p class="empty">No cases match these filters.</p>}
      {!list && !error && <p class="muted">Loading cases…</p>}
      <ol class="rows" ref={listRef} aria-label="Cases, most urgent first" data-testid="inbox-list">
        {cases.map((item) => (
          <InboxRow key={item.id} item={item} selected={item.id === selected} onSelect={() => select(item.id)} />
        ))}
      </ol>
    </section>
  )
}

/** The selected row if it is on screen, else the first row on screen, with its position. */
function findAnchor(list: HTMLOListElement | null, selected: string | null): { id: string; top: number } | null {
  if (!list) return null
  const rows = [...list.querySelectorAll<HTMLElement>('[data-case-id]')]
  const visible = (row: HTMLElement) => {
    const box = row.getBoundingClientRect()
    return box.bottom > 0 && box.top < innerHeight
  }
  const chosen = rows.find((row) => row.dataset.caseId === selected && visible(row)) ?? rows.find(visible)
  return chosen ? { id: chosen.dataset.caseId!, top: chosen.getBoundingClientRect().top } : null
}
