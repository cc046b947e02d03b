// The Trends dashboard (GET /api/trends): how much is said about a brand and how it feels, how fast
// the team answers and how satisfied customers are, over a period and under filters. Loaded on
// demand with the chart library (web/trends.tsx). The report is fetched again every minute, so the
// page stays current through a spike without anyone reloading it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { describe, get } from '../api'
import type { Brand, SatisfactionGroup, SpikeAlert, TrendChart, TrendPoint, TrendsReport } from '../api-types'
import { navigate } from '../router'
import { useMe } from '../session'
import { languageName, platformName } from '../text'
import { TimeChart, type ChartSeries, type TimeChartProps } from './charts'
import { DrillDown, type Drill } from './drilldown'
import {
  bucketLabeller,
  dash,
  formatCount,
  formatDecimal,
  formatMinutes,
  formatPercent,
  formatSentiment,
  formatShare,
  signalName,
} from './format'
import { bucketRange, exportUrl, periods, rangeOf, readState, reportUrl, trendsPath, type TrendsState } from './state'

const refreshMs = 60_000

export function Dashboard({ params }: { params: URLSearchParams }) {
  const state = readState(params)
  const stateKey = trendsPath(state)
  const [report, setReport] = useState<TrendsReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [drill, setDrill] = useState<Drill | null>(null)
  const brands = useBrands(report)
  const sequence = useRef(0)

  const load = async () => {
    const mine = ++sequence.current
    setBusy(true)
    try {
      const answer = await get<TrendsReport>(reportUrl(state, rangeOf(state.period)))
      if (mine !== sequence.current) return
      setReport(answer)
      setError(null)
    } catch (caught) {
      if (mine === sequence.current) setError(describe(caught))
    } finally {
      if (mine === sequence.current) setBusy(false)
    }
  }

  useEffect(() => {
    setDrill(null)
    void load()
    const timer = setInterval(() => void load(), refreshMs)
    return () => clearInterval(timer)
  }, [stateKey])

  const change = (patch: Partial<TrendsState>) => navigate(trendsPath({ ...state, ...patch }))

  return (
    <section class="trends" aria-labelledby="trends-title" aria-busy={busy} data-testid="trends-page" data-state={report ? 'ready' : error ? 'error' : 'loading'}>
      <div class="page-head">
        <h1 id="trends-title">Trends</h1>
        {report && (
          <span class="muted">
            {report.brand.name} · times in {report.brand.time_zone}
          </span>
        )}
      </div>
      <Filters state={state} report={report} brands={brands} onChange={change} onRefresh={() => void load()} busy={busy} />
      {error && (
        <div class="notice bad" role="alert">
          <p>The trends could not be loaded: {error}</p>
          <button type="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      )}
      {!report && !error && <p class="muted">Loading trends…</p>}
      {report && <Report report={report} state={state} drill={drill} onDrill={setDrill} />}
    </section>
  )
}

/**
 * Brands to choose from: the API has no brand list for every role that sees Trends, so the list
 * is what this person can learn: the report's brand, brands with spike alerts, and for an admin
 * every brand.
 */
function useBrands(report: TrendsReport | null): { id: string; name: string }[] {
  const me = useMe()
  const [known, setKnown] = useState<{ id: string; name: string }[]>([])
  useEffect(() => {
    const add = (found: { id: string; name: string }[]) =>
      setKnown((list) => [...list, ...found.filter((brand) => !list.some((entry) => entry.id === brand.id))])
    get<{ alerts: SpikeAlert[] }>('/api/trends/alerts').then(
      ({ alerts }) => add(alerts.map((alert) => ({ id: alert.brand_id, name: alert.brand_name }))),
      () => undefined,
    )
    if (me.role === 'admin') get<{ brands: Brand[] }>('/api/admin/brands').then(({ brands }) => add(brands), () => undefined)
  }, [me.role])
  const all = report && !known.some((brand) => brand.id === report.brand.id) ? [{ id: report.brand.id, name: report.brand.name }, ...known] : known
  return [...all].sort((a, b) => a.name.localeCompare(b.name))
}

function Filters({
  state,
  report,
  brands,
  onChange,
  onRefresh,
  busy,
}: {
  state: TrendsState
  report: TrendsReport | null
  brands: { id: string; name: string }[]
  onChange: (patch: Partial<TrendsState>) => void
  onRefresh: () => void
  busy: boolean
}) {
  const choice = (values: string[], current: string) => (current && !values.includes(current) ? [current, ...values] : values)
  return (
    <div class="filter-bar trends-filters" role="group" aria-label="What to show">
      <label class="inline">
        <span>Brand</span>
        <select value={state.brand || report?.brand.id || ''} data-testid="trends-brand" onChange={(event) => onChange({ brand: event.currentTarget.value })}>
          {brands.length === 0 && <option value="">Default brand</option>}
          {brands.map((brand) => (
            <option key={brand.id} value={brand.id}>
              {brand.name}
            </option>
          ))}
        </select>
      </label>
      <div class="views" role="group" aria-label="Period">
        {periods.map((period) => (
          <button
            key={period.key}
            type="button"
            class="segment"
            aria-pressed={state.period === period.key}
            data-testid={`period-${period.key}`}
            onClick={() => onChange({ period: period.key })}
          >
            {period.label}
          </button>
        ))}
      </div>
      <FilterSelect label="Platform" testid="trends-platform" value={state.platform} values={choice(report?.options.platforms ?? [], state.platform)} name={platformName} onChange={(platform) => onChange({ platform })} />
      <FilterSelect label="Language" testid="trends-language" value={state.language} values={choice(report?.options.languages ?? [], state.language)} name={languageName} onChange={(language) => onChange({ language })} />
      <FilterSelect label="Category" testid="trends-category" value={state.category} values={choice(report?.options.categories ?? [], state.category)} name={signalName} onChange={(category) => onChange({ category })} />
      <button type="button" class="small" disabled={busy} onClick={onRefresh} data-testid="trends-refresh">
        {busy ? 'Refreshing…' : 'Refresh'}
      </button>
    </div>
  )
}

function FilterSelect({ label, testid, value, values, name, onChange }: { label: string; testid: string; value: string; values: string[]; name: (value: string) => string; onChange: (value: string) => void }) {
  return (
    <label class="inline">
      <span>{label}</span>
      <select value={value} data-testid={testid} onChange={(event) => onChange(event.currentTarget.value)}>
        <option value="">All</option>
        {values.map((entry) => (
          <option key={entry} value={entry}>
            {name(entry)}
          </option>
        ))}
      </select>
    </label>
  )
}

function Report({ report, state, drill, onDrill }: { report: TrendsReport; state: TrendsState; drill: Drill | null; onDrill: (drill: Drill | null) => void }) {
  const label = useMemo(() => bucketLabeller(report.bucket, report.brand.time_zone), [report.bucket, report.brand.time_zone])
  const charts = useMemo(() => chartsOf(report), [report])
  const drillBucket = (index: number, complaintsOnly: boolean) => {
    const range = bucketRange(report, index)
    const point = report.series[index]
    if (range && point) onDrill({ ...range, complaintsOnly, signal: null, title: label(point.t) })
  }
  const drillReason = (signal: string) => onDrill({ from: report.from, to: report.to, complaintsOnly: false, signal, title: `reason “${signalName(signal)}” over the period` })
  const csv = (chart: TrendChart) => exportUrl(chart, report, state)

  return (
    <>
      <Cards report={report} csv={csv('response')} />
      <div class="trend-charts">
        {charts.map((chart) => (
          <ChartFigure key={chart.id} chart={chart} report={report} label={label} csv={csv('series')} onPick={(index) => drillBucket(index, chart.complaintsOnly)} />
        ))}
      </div>
      {drill && <DrillDown drill={drill} report={report} state={state} onClose={() => onDrill(null)} />}
      <div class="trend-grid">
        <Reasons report={report} csv={csv('reasons')} onPick={drillReason} />
        <Terms report={report} csv={csv('terms')} />
      </div>
      <div class="trend-grid">
        <SatisfactionTable title="Satisfaction per team" testid="csat-teams" groups={report.satisfaction.teams} csv={csv('satisfaction')} />
        <SatisfactionTable title="Satisfaction per agent" testid="csat-agents" groups={report.satisfaction.agents} csv={csv('satisfaction')} />
      </div>
    </>
  )
}

function Card({ title, value, detail, testid }: { title: string; value: string; detail?: string; testid: string }) {
  return (
    <div class="card trend-card" data-testid={testid}>
      <dt>{title}</dt>
      <dd>
        <strong class="trend-figure">{value}</strong>
        {detail && <small class="muted block">{detail}</small>}
      </dd>
    </div>
  )
}

function Cards({ report, csv }: { report: TrendsReport; csv: string }) {
  const { totals, response } = report
  const { met, breached } = response.sla
  // Worked out from the counts, which say unambiguously what the share is of.
  const attainment = met + breached > 0 ? met / (met + breached) : null
  const csat = report.satisfaction.overall
  return (
    <section aria-labelledby="figures-title" class="trend-figures">
      <h2 id="figures-title" class="visually-hidden">
        Figures for the period
      </h2>
      <dl class="trend-cards">
        <Card title="Mentions" testid="card-mentions" value={formatCount(totals.mentions)} detail={`${formatCount(totals.complaints)} complaints`} />
        <Card title="Complaint share" testid="card-complaint-share" value={formatShare(totals.complaint_share)} />
        <Card
          title="Sentiment"
          testid="card-sentiment"
          value={totals.sentiment_mean === null ? dash : `${formatSentiment(totals.sentiment_mean)} ± ${formatDecimal(totals.sentiment_sd)}`}
          detail="mean ± standard deviation, −1 to 1"
        />
        <Card title="First response, median" testid="card-first-response" value={formatMinutes(response.first_response.median_minutes)} detail={`p90 ${formatMinutes(response.first_response.p90_minutes)} · business time`} />
        <Card title="Resolution, median" testid="card-resolution" value={formatMinutes(response.resolution.median_minutes)} detail={`p90 ${formatMinutes(response.resolution.p90_minutes)} · business time`} />
        <Card title="SLA attainment" testid="card-sla" value={formatShare(attainment)} detail={`${formatCount(met)} met · ${formatCount(breached)} breached · ${formatCount(response.cases)} cases`} />
        <Card title="CSAT" testid="card-csat" value={formatPercent(csat.csat)} detail={`${formatCount(csat.answered)} of ${formatCount(csat.asked)} answered`} />
      </dl>
      <p class="small-print">
        <a href={csv} download data-testid="csv-response">
          Response figures as CSV
        </a>
      </p>
    </section>
  )
}

interface ChartSpec {
  id: 'volume' | 'share' | 'sentiment'
  title: string
  /** Whether picking a point lists only the complaints. */
  complaintsOnly: boolean
  series: ChartSeries[]
  band?: [number, number]
  tick: TimeChartProps['tick']
  range: TimeChartProps['range']
  /** The table view's columns: a heading and the raw value of each point, with its text. */
  columns: { heading: string; value: (point: TrendPoint) => number | null; text: (point: TrendPoint) => string }[]
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

function chartsOf(report: TrendsReport): ChartSpec[] {
  const points = report.series
  const upper = (point: TrendPoint) => (point.sentiment_mean === null ? null : Math.min(1, point.sentiment_mean + (point.sentiment_sd ?? 0)))
  const lower = (point: TrendPoint) => (point.sentiment_mean === null ? null : Math.max(-1, point.sentiment_mean - (point.sentiment_sd ?? 0)))
  const fromZero = (_min: number | null, max: number | null): [number, number] => [0, Math.max(max ?? 0, 1) * 1.1]
  return [
    {
      id: 'volume',
      title: 'Mentions and complaints',
      complaintsOnly: false,
      series: [
        { label: 'Mentions', values: points.map((point) => point.mentions), color: '--accent', kind: 'bars', format: formatCount },
        { label: 'Complaints', values: points.map((point) => point.complaints), color: '--bad', kind: 'bars', format: formatCount },
      ],
      tick: (value) => (Number.isInteger(value) ? formatCount(value) : ''),
      range: fromZero,
      columns: [
        { heading: 'Mentions', value: (point) => point.mentions, text: (point) => formatCount(point.mentions) },
        { heading: 'Complaints', value: (point) => point.complaints, text: (point) => formatCount(point.complaints) },
        { heading: 'Negative', value: (point) => point.negative, text: (point) => formatCount(point.negative) },
      ],
    },
    {
      id: 'share',
      title: 'Complaint share',
      complaintsOnly: true,
      // Percent on the chart, so that axis and legend read like the cards.
      series: [{ label: 'Complaint share', values: points.map((point) => (point.complaint_share === null ? null : round(point.complaint_share * 100, 2))), color: '--warn', kind: 'line', format: (value) => formatPercent(value) }],
      tick: (value) => `${round(value, 1)} %`,
      range: (_min, max) => [0, Math.min(100, Math.max(max ?? 0, 10) * 1.1)],
      columns: [
        { heading: 'Complaint share', value: (point) => point.complaint_share, text: (point) => formatShare(point.complaint_share) },
        { heading: 'Complaints', value: (point) => point.complaints, text: (point) => formatCount(point.complaints) },
        { heading: 'Mentions', value: (point) => point.mentions, text: (point) => formatCount(point.mentions) },
      ],
    },
    {
      id: 'sentiment',
      title: 'Sentiment (mean ± sd)',
      complaintsOnly: false,
      series: [
        { label: 'Mean', values: points.map((point) => point.sentiment_mean), color: '--ok', kind: 'line', format: formatSentiment },
        { label: 'Mean + sd', values: points.map(upper), color: '--ok', kind: 'edge', format: formatSentiment },
        { label: 'Mean − sd', values: points.map(lower), color: '--ok', kind: 'edge', format: formatSentiment },
      ],
      band: [1, 2],
      tick: (value) => formatSentiment(round(value, 2)),
      range: (min, max) => [Math.max(-1, Math.min(min ?? 0, 0) - 0.1), Math.min(1, Math.max(max ?? 0, 0) + 0.1)],
      columns: [
        { heading: 'Mean', value: (point) => point.sentiment_mean, text: (point) => formatSentiment(point.sentiment_mean) },
        { heading: 'Standard deviation', value: (point) => point.sentiment_sd, text: (point) => formatDecimal(point.sentiment_sd) },
        { heading: 'Mentions', value: (point) => point.mentions, text: (point) => formatCount(point.mentions) },
      ],
    },
  ]
}

function chartSummary(chart: ChartSpec, report: TrendsReport, label: (iso: string) => string): string {
  const first = chart.series[0]
  const per = report.bucket === 'hour' ? 'hour' : 'day'
  if (!first) return chart.title
  let best = -1
  first.values.forEach((value, index) => {
    if (value !== null && (best < 0 || value > (first.values[best] ?? -Infinity))) best = index
  })
  const at = report.series[best]
  const peak = at ? `; highest ${first.format(first.values[best] ?? null)} on ${label(at.t)}` : '; no data'
  return `${chart.title} per ${per}, ${report.series.length} points${peak}. The table view below has every value.`
}

function ChartFigure({ chart, report, label, csv, onPick }: { chart: ChartSpec; report: TrendsReport; label: (iso: string) => string; csv: string; onPick: (index: number) => void }) {
  const times = useMemo(() => report.series.map((point) => point.t), [report])
  const titleId = `chart-${chart.id}-title`
  return (
    <figure class="card trend-figure-card" aria-labelledby={titleId} data-testid={`chart-${chart.id}`}>
      <figcaption class="section-head">
        <h2 id={titleId}>{chart.title}</h2>
        <a href={csv} download data-testid={`csv-${chart.id}`}>
          CSV
        </a>
      </figcaption>
      {report.series.length === 0 ? (
        <p class="muted empty">No data in this period.</p>
      ) : (
        <TimeChart
          times={times}
          series={chart.series}
          band={chart.band}
          bucket={report.bucket}
          timeZone={report.brand.time_zone}
          tick={chart.tick}
          range={chart.range}
          summary={chartSummary(chart, report, label)}
          onPick={onPick}
          testid="trend-chart"
        />
      )}
      <details class="table-view" data-testid="table-view">
        <summary>Table view</summary>
        <div class="table-scroll">
          <table class="admin-table trend-table">
            <caption class="visually-hidden">{chart.title}, one row per {report.bucket}</caption>
            <thead>
              <tr>
                <th scope="col">{report.bucket === 'hour' ? 'Hour' : 'Day'}</th>
                {chart.columns.map((column) => (
                  <th key={column.heading} scope="col" class="num">
                    {column.heading}
                  </th>
                ))}
                <th scope="col">
                  <span class="visually-hidden">Mentions behind the point</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {report.series.map((point, index) => (
                <tr key={point.t} data-testid="table-row" data-t={point.t}>
                  <th scope="row">{label(point.t)}</th>
                  {chart.columns.map((column) => (
                    <td key={column.heading} class="num" data-value={column.value(point) ?? ''}>
                      {column.text(point)}
                    </td>
                  ))}
                  <td>
                    {(chart.complaintsOnly ? point.complaints : point.mentions) > 0 && (
                      <button type="button" class="small" data-testid="drill" onClick={() => onPick(index)}>
                        {chart.complaintsOnly ? 'Complaints' : 'Mentions'}
                        <span class="visually-hidden"> of {label(point.t)}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  )
}

function Reasons({ report, csv, onPick }: { report: TrendsReport; csv: string; onPick: (signal: string) => void }) {
  const top = report.reasons.slice(0, 10)
  const most = Math.max(1, ...top.map((reason) => reason.mentions))
  return (
    <section class="card" aria-labelledby="reasons-title" data-testid="trend-reasons">
      <div class="section-head">
        <h2 id="reasons-title">Top urgency reasons</h2>
        <a href={csv} download data-testid="csv-reasons">
          CSV
        </a>
      </div>
      {top.length === 0 ? (
        <p class="muted">No urgency reasons in this period.</p>
      ) : (
        <ol class="bar-list">
          {top.map((reason) => (
            <li key={reason.signal}>
              <button type="button" class="bar-row" onClick={() => onPick(reason.signal)} title="List these mentions">
                <span class="bar-label">{signalName(reason.signal)}</span>
                <span class="bar" aria-hidden="true">
                  <span class={`bar-fill signal-${reason.signal}`} style={{ width: `${(reason.mentions / most) * 100}%` }} />
                </span>
                <span class="bar-value num">{formatCount(reason.mentions)}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

function Terms({ report, csv }: { report: TrendsReport; csv: string }) {
  const top = report.terms.slice(0, 15)
  return (
    <section class="card" aria-labelledby="terms-title" data-testid="trend-terms">
      <div class="section-head">
        <h2 id="terms-title">Top terms in complaints</h2>
        <a href={csv} download data-testid="csv-terms">
          CSV
        </a>
      </div>
      {top.length === 0 ? (
        <p class="muted">No complaint terms in this period.</p>
      ) : (
        <table class="admin-table trend-table">
          <thead>
            <tr>
              <th scope="col">Term</th>
              <th scope="col">Language</th>
              <th scope="col" class="num">
                Complaints
              </th>
              <th scope="col" class="num" title="TF-IDF against the brand's preceding 90 days">
                Score
              </th>
            </tr>
          </thead>
          <tbody>
            {top.map((term) => (
              <tr key={`${term.language}:${term.term}`}>
                <th scope="row">{term.term}</th>
                <td>{languageName(term.language)}</td>
                <td class="num">{formatCount(term.complaints)}</td>
                <td class="num">{formatDecimal(term.score)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function SatisfactionTable({ title, testid, groups, csv }: { title: string; testid: string; groups: SatisfactionGroup[]; csv: string }) {
  const id = `${testid}-title`
  return (
    <section class="card" aria-labelledby={id} data-testid={testid}>
      <div class="section-head">
        <h2 id={id}>{title}</h2>
        <a href={csv} download>
          CSV
        </a>
      </div>
      {groups.length === 0 ? (
        <p class="muted">No satisfaction answers in this period.</p>
      ) : (
        <table class="admin-table trend-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                Asked
              </th>
              <th scope="col" class="num">
                Answered
              </th>
              <th scope="col" class="num">
                Average
              </th>
              <th scope="col" class="num" title="Share of answers that were 4 or 5">
                CSAT
              </th>
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr key={group.key}>
                <th scope="row">{group.name}</th>
                <td class="num">{formatCount(group.asked)}</td>
                <td class="num">{formatCount(group.answered)}</td>
                <td class="num">{formatDecimal(group.average)}</td>
                <td class="num">{formatPercent(group.csat)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
