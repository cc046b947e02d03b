// Time-series charts drawn with uPlot: canvas, a few kB, and a legend that shows the values
// under the cursor. A chart is a picture for sighted mouse users; every one of them comes with a
// table of the same numbers (see dashboard.tsx), which is also how the keyboard drills down.
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import type { TrendBucket } from '../api-types'

const height = 220

let stylesheetLoaded: Promise<void> | null = null

/** uPlot's own stylesheet (legend, cursor), fetched with the first chart rather than on every page. */
function stylesheet(): Promise<void> {
  stylesheetLoaded ??= new Promise((resolve) => {
    const link = document.createElement('link')
    link.rel = 'stylesheet'
    link.href = '/uplot.css'
    // Without it the chart still draws, only its legend is plainer: never wait for ever.
    link.onload = link.onerror = () => resolve()
    document.head.append(link)
  })
  return stylesheetLoaded
}

/** A colour of the page's palette, which canvas cannot read from CSS variables by itself. */
function cssColor(variable: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(variable).trim() || fallback
}

function translucent(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color)
  if (!hex) return color
  const [r, g, b] = [hex[1], hex[2], hex[3]].map((part) => parseInt(part ?? '0', 16))
  return `rgba(${r}, ${g}, ${b}, ${alpha})`
}

export interface ChartSeries {
  label: string
  values: (number | null)[]
  /** A colour variable of style.css, such as --accent. */
  color: string
  /** Bars for counts, a line with points for rates, a thin dashed line for the edge of a band. */
  kind: 'bars' | 'line' | 'edge'
  format: (value: number | null) => string
}

export interface TimeChartProps {
  /** Bucket starts, ISO. */
  times: string[]
  series: ChartSeries[]
  /** Fill between these two series (indices into `series`). */
  band?: [number, number]
  bucket: TrendBucket
  timeZone: string
  /** Ticks on the value axis. */
  tick: (value: number) => string
  /** The range of the value axis, given the data's; counts and shares start at zero. */
  range: (min: number | null, max: number | null) => [number, number]
  /** What the picture shows, for those who cannot see it. */
  summary: string
  onPick?: (index: number) => void
  testid?: string
}

const halfBucket = (bucket: TrendBucket) => (bucket === 'hour' ? 3_600 : 86_400) / 2

function tzDateIn(timeZone: string): (seconds: number) => Date {
  try {
    uPlot.tzDate(new Date(), timeZone)
    return (seconds) => uPlot.tzDate(new Date(seconds * 1000), timeZone)
  } catch {
    return (seconds) => new Date(seconds * 1000)
  }
}

function options(props: TimeChartProps, width: number, box: HTMLElement): uPlot.Options {
  const muted = cssColor('--muted', '#56606e')
  const line = cssColor('--line', '#d9dde3')
  const text = cssColor('--text', '#1c2430')
  const bars = uPlot.paths.bars?.({ size: [0.7, 48], gap: 1 })
  const axis: uPlot.Axis = { stroke: muted, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } }
  const tzDate = tzDateIn(props.timeZone)
  return {
    width,
    height,
    tzDate,
    series: [
      { label: props.bucket === 'hour' ? 'Hour' : 'Day', value: props.bucket === 'hour' ? '{WWW} {D} {MMM} {HH}:{mm}' : '{WWW} {D} {MMM} {YYYY}' },
      ...props.series.map((series): uPlot.Series => {
        const color = cssColor(series.color, text)
        const value = (_: uPlot, raw: number | null) => series.format(raw)
        // No outline: an empty bucket's outline would draw a line along zero.
        if (series.kind === 'bars') return { label: series.label, stroke: color, fill: translucent(color, 0.6), width: 0, paths: bars, points: { show: false }, value }
        if (series.kind === 'edge') return { label: series.label, stroke: translucent(color, 0.7), width: 1, dash: [4, 4], points: { show: false }, value }
        return { label: series.label, stroke: color, width: 2, points: { show: true, size: 5, fill: color }, value }
      }),
    ],
    bands: props.band
      ? [{ series: [props.band[0] + 1, props.band[1] + 1], fill: translucent(cssColor(props.series[props.band[0]]?.color ?? '--accent', text), 0.16) }]
      : [],
    scales: {
      // Half a bucket of room at either end, so the first and last bars are drawn whole.
      x: { time: true, range: (_self, min, max) => [min - halfBucket(props.bucket), max + halfBucket(props.bucket)] },
      y: { range: (_self, min, max) => props.range(Number.isFinite(min) ? min : null, Number.isFinite(max) ? max : null) },
    },
    axes: [{ ...axis, values: timeTicks(props.bucket, tzDate) }, { ...axis, size: 56, values: (_self, splits) => splits.map(props.tick) }],
    // Clicking picks the bucket under the cursor; dragging to zoom would make every click a zoom.
    cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 7 } },
    legend: { live: true },
    hooks: {
      draw: [() => (box.dataset.drawn = 'true')],
      setCursor: [(plot) => (box.dataset.cursor = plot.cursor.idx === null || plot.cursor.idx === undefined ? '' : String(plot.cursor.idx))],
    },
  }
}

/**
 * Time ticks on the 24-hour clock (uPlot's default is am/pm), with the date under the first tick
 * and under each midnight. The dates uPlot hands over are already shifted to the brand's zone.
 */
function timeTicks(bucket: TrendBucket, tzDate: (seconds: number) => Date): uPlot.Axis.DynamicValues {
  const time = uPlot.fmtDate('{HH}:{mm}')
  const day = uPlot.fmtDate('{D} {MMM}')
  return (_self, splits) =>
    splits.map((seconds, index) => {
      const date = tzDate(seconds)
      if (bucket === 'day') return day(date)
      const midnight = date.getHours() === 0 && date.getMinutes() === 0
      return index === 0 || midnight ? `${time(date)}\n${day(date)}` : time(date)
    })
}

function alignedData(props: TimeChartProps): uPlot.AlignedData {
  return [props.times.map((iso) => new Date(iso).getTime() / 1000), ...props.series.map((series) => series.values)]
}

/** Follows the page between light and dark, whose palettes the canvas has to be redrawn in. */
function colourScheme(): string {
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

export function TimeChart(props: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const latest = useRef(props)
  latest.current = props
  // What cannot change without building the chart again: the rest is new data for the same chart.
  const shape = [props.bucket, props.timeZone, props.band?.join() ?? '', ...props.series.map((series) => `${series.label}:${series.kind}:${series.color}`)].join('|')

  useEffect(() => {
    let cancelled = false
    let observer: ResizeObserver | null = null
    const media = matchMedia('(prefers-color-scheme: dark)')
    let scheme = colourScheme()
    const build = () => {
      const target = box.current
      if (cancelled || !target) return
      plot.current?.destroy()
      const chart = new uPlot(options(latest.current, Math.max(target.clientWidth, 200), target), alignedData(latest.current), target)
      plot.current = chart
      chart.over.addEventListener('click', () => {
        const index = chart.cursor.idx
        if (index !== null && index !== undefined) latest.current.onPick?.(index)
      })
    }
    const rescheme = () => {
      if (colourScheme() === scheme) return
      scheme = colourScheme()
      build()
    }
    void stylesheet().then(() => {
      if (cancelled || !box.current) return
      build()
      const target = box.current
      observer = new ResizeObserver(() => {
        const width = target.clientWidth
        if (width > 0 && plot.current && width !== plot.current.width) plot.current.setSize({ width, height })
      })
      observer.observe(target)
      media.addEventListener('change', rescheme)
    })
    return () => {
      cancelled = true
      observer?.disconnect()
      media.removeEventListener('change', rescheme)
      plot.current?.destroy()
      plot.current = null
      if (box.current) delete box.current.dataset.drawn
    }
  }, [shape])

  useEffect(() => {
    plot.current?.setData(alignedData(props))
  }, [props.times, ...props.series.map((series) => series.values)])

  return <div class="trend-chart" ref={box} role="img" aria-label={props.summary} data-testid={props.testid} data-points={props.times.length} />
}
