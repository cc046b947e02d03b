// The mentions behind a point of a chart (or a reason, or the whole period): newest first, a page
// at a time, each with a way to its case. Read from GET /api/trends/mentions under the page's
// filters, so what is listed is what was counted.
import { useEffect, useRef, useState } from 'preact/hooks'
import { describe, get } from '../api'
import type { TrendMention, TrendMentionPage, TrendsReport } from '../api-types'
import { can, useMe } from '../session'
import { LinkedText, platformName, safeHref } from '../text'
import { formatDateTime } from '../time'
import { formatSentiment, signalName } from './format'
import { mentionsCsvUrl, mentionsUrl, type MentionFilter, type TrendsState } from './state'

const pageSize = 20

export interface Drill extends MentionFilter {
  /** What was picked, in words: "Mon 3 Nov 14:00", "reason outage". */
  title: string
}

export function DrillDown({ drill, report, state, onClose }: { drill: Drill; report: TrendsReport; state: TrendsState; onClose: () => void }) {
  const me = useMe()
  const [mentions, setMentions] = useState<TrendMention[] | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const heading = useRef<HTMLHeadingElement>(null)
  const list = useRef<HTMLOListElement>(null)
  const sequence = useRef(0)
  const key = mentionsUrl(report, state, drill, { limit: pageSize, before: null })

  const load = async (before: string | null) => {
    const mine = ++sequence.current
    setBusy(true)
    setError(null)
    try {
      const page = await get<TrendMentionPage>(mentionsUrl(report, state, drill, { limit: pageSize, before }))
      if (mine !== sequence.current) return
      const shownBefore = before ? (list.current?.children.length ?? 0) : 0
      setMentions((shown) => (before && shown ? [...shown, ...page.mentions] : page.mentions))
      setNext(page.next)
      // "More" may have gone with the last page: carry on reading at the first new mention.
      if (before) requestAnimationFrame(() => (list.current?.children[shownBefore] as HTMLElement | undefined)?.focus())
    } catch (caught) {
      if (mine === sequence.current) setError(describe(caught))
    } finally {
      if (mine === sequence.current) setBusy(false)
    }
  }

  useEffect(() => {
    setMentions(null)
    setNext(null)
    void load(null)
    // Keyboard and screen reader users are taken to what they asked for.
    heading.current?.focus()
  }, [key])

  return (
    <section class="card drilldown" aria-labelledby="drilldown-title" aria-busy={busy} data-testid="drilldown" data-from={drill.from} data-to={drill.to}>
      <div class="drilldown-head">
        <h2 id="drilldown-title" tabIndex={-1} ref={heading}>
          {drill.complaintsOnly ? 'Complaints' : 'Mentions'}: {drill.title}
        </h2>
        <a href={mentionsCsvUrl(report, state, drill)} download data-testid="drilldown-csv">
          Download CSV
        </a>
        <button type="button" class="small" onClick={onClose} data-testid="drilldown-close">
          Close
        </button>
      </div>
      {error && (
        <div class="notice bad" role="alert">
          <p>The mentions could not be loaded: {error}</p>
          <button type="button" onClick={() => void load(null)}>
            Try again
          </button>
        </div>
      )}
      {mentions === null && !error && <p class="muted">Loading mentions…</p>}
      {mentions !== null && mentions.length === 0 && <p class="muted">No mentions in this {drill.signal ? 'period' : 'bucket'} under these filters.</p>}
      {mentions !== null && mentions.length > 0 && (
        <ol class="trend-mentions" aria-label="Mentions" ref={list}>
          {mentions.map((mention) => (
            <MentionItem key={mention.id} mention={mention} openCases={can.readCase(me.role)} />
          ))}
        </ol>
      )}
      {next && (
        <button type="button" disabled={busy} onClick={() => void load(next)} data-testid="drilldown-more">
          {busy ? 'Loading…' : 'More mentions'}
        </button>
      )}
    </section>
  )
}

function MentionItem({ mention, openCases }: { mention: TrendMention; openCases: boolean }) {
  const post = safeHref(mention.url)
  return (
    <li class="trend-mention" tabIndex={-1} data-testid="trend-mention" data-case-id={mention.case_id ?? ''}>
      <div class="trend-mention-head">
        <span class="platform-tag">{platformName(mention.platform)}</span>
        <strong>@{mention.author_handle}</strong>
        <time class="muted" dateTime={mention.posted_at}>
          {formatDateTime(mention.posted_at)}
        </time>
        {mention.complaint && <span class="chip signal-complaint">complaint</span>}
        {mention.sentiment !== null && <span class="muted">sentiment {formatSentiment(mention.sentiment)}</span>}
        <span class="spacer" />
        {mention.case_id &&
          (openCases ? (
            <a href={`#/cases/${mention.case_id}`} data-testid="mention-case">
              Open case {mention.case_id}
            </a>
          ) : (
            <span class="muted" title="Your role cannot open cases">
              Case {mention.case_id}
            </span>
          ))}
        {post && (
          <a href={post} target="_blank" rel="noopener noreferrer nofollow">
            View post
          </a>
        )}
      </div>
      <LinkedText text={mention.text} class="user-text event-text" />
      {mention.urgency_reasons.length > 0 && (
        <ul class="chips" aria-label="Why it is urgent">
          {mention.urgency_reasons.map((reason) => (
            <li key={`${reason.signal}:${reason.reason}`} class={`chip signal-${reason.signal}`} title={`${signalName(reason.signal)}, +${reason.points}`}>
              {reason.reason}
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}
