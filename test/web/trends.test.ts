// The Trends dashboard in Debian's Chromium, driven by playwright-core, against `npm start` as a
// newcomer runs it (embedded database, demo replay): the marketing user sees the charts drawn
// from the rollups (screenshot in docs/), reads the same numbers in a table view and under the
// cursor, and drills down from a point to the mentions behind it, following one of them to its
// case, which opens read-only; the spike alert of the demo's outage story reaches the banner. The
// banner's dismissal is checked with a routed answer, so as not to hide the demo's own alert.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SpikeAlert, TrendsReport } from '../../web/api-types'
import { launchChromium, logInAs } from '../support/browser'
import { projectRoot, startNode, type Running } from '../support/process'

const docs = join(projectRoot, 'docs')

let dataDir: string
let running: Running
let browser: Browser

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'earshot-trends-'))
  // Jobs every 5 s: the replay, classification and the rollups catch up within the test.
  running = await startNode({ EARSHOT_DATA_DIR: dataDir, JOB_INTERVAL_SECONDS: '5' })
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await running?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

/** Every API request the page makes, as `METHOD /path`, oldest first. */
function watchApi(page: Page): string[] {
  const asked: string[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.pathname.startsWith('/api/')) asked.push(`${request.method()} ${url.pathname}`)
  })
  return asked
}

/** Every report the page receives, newest last. */
function watchReports(page: Page): TrendsReport[] {
  const reports: TrendsReport[] = []
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (url.pathname === '/api/trends' && response.ok()) void response.json().then((report: TrendsReport) => reports.push(report), () => undefined)
  })
  return reports
}

/**
 * Refreshes the page's report until a bucket has complaints: mentions arrive with the demo
 * replay, are classified and rolled up by the jobs. Returns the report the page shows.
 */
async function reportWithComplaints(page: Page, reports: TrendsReport[]): Promise<TrendsReport> {
  // Only reports of the last 24 hours: Trends, marketing's start page, may have asked for its
  // default period before, and that answer can arrive late.
  const latest = () => reports.filter((report) => Date.parse(report.to) - Date.parse(report.from) <= 25 * 3_600_000).at(-1)
  const hasComplaints = (report: TrendsReport | undefined) => !!report && report.series.some((point) => point.complaints > 0)
  await expect
    .poll(
      async () => {
        if (hasComplaints(latest())) return true
        const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/trends', { timeout: 20_000 })
        await page.getByTestId('trends-refresh').click()
        await answered
        // The response listener parses the body on its own schedule.
        await page.waitForTimeout(200)
        return hasComplaints(latest())
      },
      { timeout: 150_000, interval: 5_000 },
    )
    .toBe(true)
  await page.locator('[data-testid="trends-page"]:not([aria-busy="true"])').waitFor()
  return latest()!
}

/** Logs in, does `first` on the start page, then opens Trends over the last 24 hours. */
async function openTrends(context: BrowserContext, email: string, first: (page: Page) => Promise<void> = async () => {}): Promise<{ page: Page; reports: TrendsReport[] }> {
  const page = await context.newPage()
  const reports = watchReports(page)
  await logInAs(page, running.url, email)
  await first(page)
  await page.getByRole('link', { name: 'Trends', exact: true }).click()
  await page.getByTestId('trends-page').waitFor()
  await page.getByTestId('period-24h').click()
  await page.waitForURL(/#\/trends\?period=24h/)
  return { page, reports }
}

describe('the Trends dashboard in Chromium', () => {
  it('draws the charts for marketing, with table views, hover values and a drill-down to a case it reads', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } })
    // The demo's week opens with an outage: its spike alert reaches the banner as it happens,
    // with the terms and sample mentions marketing can follow to their cases. (Waited for before
    // Trends opens, whose own minute-by-minute refresh would otherwise race the checks below.)
    const { page, reports } = await openTrends(context, 'marketing@earshot.example', async (start) => {
      const spike = start.getByTestId('spike-alert').first()
      await spike.waitFor({ timeout: 130_000 })
      expect(await spike.textContent()).toMatch(/Complaint spike: .+ — \d+ in \d+ min \(expected ~[\d.]+\)/)
      expect(await spike.getByTestId('spike-sample-case').count()).toBeGreaterThan(0)
    })
    const asked = watchApi(page)
    const report = await reportWithComplaints(page, reports)
    expect(report.bucket).toBe('hour')

    // The charts are drawn: a canvas of real size per chart, one point per bucket.
    for (const id of ['volume', 'share', 'sentiment']) {
      const chart = page.getByTestId(`chart-${id}`).getByTestId('trend-chart')
      await page.getByTestId(`chart-${id}`).locator('[data-testid="trend-chart"][data-drawn="true"]').waitFor()
      expect(Number(await chart.getAttribute('data-points'))).toBe(report.series.length)
      const canvas = await chart.locator('canvas').first().boundingBox()
      expect(canvas?.width).toBeGreaterThan(100)
      expect(canvas?.height).toBeGreaterThan(100)
    }
    const mentionsCard = await page.getByTestId('card-mentions').textContent()
    expect(mentionsCard?.replace(/\D/g, '').length).toBeGreaterThan(0)
    await page.evaluate(() => window.scrollTo(0, 0))
    await mkdir(docs, { recursive: true })
    await page.screenshot({ path: join(docs, 'trends.png'), fullPage: true })

    // The table view holds the same numbers as the report the chart was drawn from.
    const volume = page.getByTestId('chart-volume')
    await volume.getByTestId('table-view').locator('summary').click()
    const rows = volume.getByTestId('table-row')
    expect(await rows.count()).toBe(report.series.length)
    const table = await rows.evaluateAll((elements) =>
      elements.map((row) => ({ t: row.getAttribute('data-t'), values: [...row.querySelectorAll('td[data-value]')].map((cell) => cell.getAttribute('data-value')) })),
    )
    expect(table).toEqual(report.series.map((point) => ({ t: point.t, values: [String(point.mentions), String(point.complaints), String(point.negative)] })))
    const shareCells = await page.getByTestId('chart-share').getByTestId('table-row').evaluateAll((elements) =>
      elements.map((row) => row.querySelector('td[data-value]')?.getAttribute('data-value') ?? null),
    )
    expect(shareCells).toEqual(report.series.map((point) => (point.complaint_share === null ? '' : String(point.complaint_share))))

    // Under the cursor, the legend shows the value the table has for that bucket.
    const chart = volume.getByTestId('trend-chart')
    const busiest = report.series.reduce((best, point, index) => (point.mentions > (report.series[best]?.mentions ?? -1) ? index : best), 0)
    const at = await hoverBucket(page, chart, busiest)
    const legendMentions = await chart.locator('.u-legend .u-series').nth(1).locator('.u-value').textContent()
    expect(legendMentions).toBe(await rows.nth(busiest).locator('td').first().textContent())

    // A click on that point lists the mentions behind it.
    await page.mouse.click(at.x, at.y)
    const drill = page.getByTestId('drilldown')
    await page.locator(`[data-testid="drilldown"][data-from="${report.series[busiest]!.t}"]`).waitFor()
    await drill.getByTestId('trend-mention').first().waitFor()
    await drill.getByTestId('drilldown-close').click()
    await drill.waitFor({ state: 'detached' })

    // The keyboard's way: the table view's button for a bucket, which also pages with "More".
    const first = report.series.findIndex((point) => point.mentions > 0)
    const button = rows.nth(first).getByTestId('drill')
    await button.focus()
    await page.keyboard.press('Enter')
    await page.locator(`[data-testid="drilldown"][data-from="${report.series[first]!.t}"]`).waitFor()
    await drill.getByTestId('trend-mention').first().waitFor()
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('drilldown-title')
    const listed = await drill.getByTestId('trend-mention').count()
    expect(listed).toBeGreaterThan(0)
    if (await drill.getByTestId('drilldown-more').isVisible()) {
      await drill.getByTestId('drilldown-more').click()
      await expect.poll(() => drill.getByTestId('trend-mention').count()).toBeGreaterThan(listed)
    }
    expect(await drill.getByTestId('drilldown-csv').getAttribute('href')).toMatch(/^\/api\/trends\/mentions\.csv\?/)

    // Every chart offers its CSV, and the server answers with one.
    const csvHref = (await page.getByTestId('csv-volume').getAttribute('href'))!
    expect(csvHref).toMatch(/^\/api\/trends\/export\.csv\?chart=series&/)
    const csv = await context.request.get(new URL(csvHref, running.url).toString())
    expect(csv.status()).toBe(200)
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/)

    // Marketing follows a complaint behind a point to its case.
    await drill.getByTestId('drilldown-close').click()
    await drill.waitFor({ state: 'detached' })
    const share = page.getByTestId('chart-share')
    await share.getByTestId('table-view').locator('summary').click()
    const withComplaints = report.series.findIndex((point) => point.complaints > 0)
    await share.getByTestId('table-row').nth(withComplaints).getByTestId('drill').click()
    await page.locator(`[data-testid="drilldown"][data-from="${report.series[withComplaints]!.t}"]:not([aria-busy="true"])`).waitFor()
    await drill.getByTestId('trend-mention').first().waitFor()
    // Complaints open cases, though routing may still be on its way for the newest ones.
    const caseLink = drill.getByTestId('mention-case').first()
    for (let more = 0; more < 10 && !(await caseLink.isVisible()); more++) {
      if (!(await drill.getByTestId('drilldown-more').isVisible())) break
      await drill.getByTestId('drilldown-more').click()
      await page.waitForTimeout(300)
    }
    const caseId = await caseLink.locator('xpath=ancestor::li[1]').getAttribute('data-case-id')
    expect(caseId).toMatch(/^\d+$/)
    const trendsAddress = page.url()
    await caseLink.click()

    // It opens read-only: the whole timeline and the panels, none of the tools.
    const view = page.locator(`[data-testid="case-view"][data-case-id="${caseId}"]`)
    await view.waitFor()
    expect(page.url()).toContain(`#/cases/${caseId}`)
    await view.getByTestId('timeline').getByTestId('timeline-item').first().waitFor()
    expect(await view.getByTestId('timeline-item').count()).toBeGreaterThan(0)
    await view.getByTestId('read-only').waitFor()
    await view.getByTestId('customer-identities').waitFor()
    for (const tool of ['composer', 'note-form', 'claim', 'assign', 'resolve', 'waiting-toggle', 'escalate', 'keep-promise']) {
      expect(await view.getByTestId(tool).count(), tool).toBe(0)
    }
    // Nothing of the inbox or the collision warning is asked for: marketing is not working the case.
    expect(asked.filter((request) => ['GET /api/cases', 'GET /api/cases/counts', 'GET /api/users'].includes(request) || request.endsWith('/presence'))).toEqual([])
    expect(asked).toContain('GET /api/users/names')
    expect(await page.getByRole('link', { name: 'Inbox', exact: true }).count()).toBe(0)

    // The way back is to Trends as it was left.
    expect(await view.getByTestId('case-back').textContent()).toContain('Trends')
    await view.getByTestId('case-back').click()
    await page.getByTestId('trends-page').waitFor()
    expect(page.url()).toBe(trendsAddress)
    await context.close()
  }, 240_000)

  it('shows a spike alert on every page, with a dismiss for marketing only', async () => {
    const alert: SpikeAlert = {
      id: '9001',
      brand_id: '1',
      brand_name: 'Nordlink',
      kind: 'reason',
      key: 'outage',
      window_start: new Date(Date.now() - 15 * 60_000).toISOString(),
      window_end: new Date().toISOString(),
      observed: 42,
      expected: 3.2,
      score: 9.1,
      terms: ['no signal', 'tallinn'],
      samples: [],
      detected_at: new Date(Date.now() - 5 * 60_000).toISOString(),
      last_seen_at: new Date().toISOString(),
      ended_at: null,
    }
    const routeAlerts = async (context: BrowserContext) => {
      let dismissed = false
      await context.route('**/api/trends/alerts', (route) => route.fulfill({ json: { alerts: dismissed ? [] : [alert] } }))
      await context.route(`**/api/trends/alerts/${alert.id}/dismiss`, (route) => {
        dismissed = true
        return route.fulfill({ json: { alert: { ...alert, ended_at: new Date().toISOString() } } })
      })
    }

    // An agent sees it over the inbox, without a dismiss (and without the Trends link).
    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await routeAlerts(agentContext)
    const agent = await agentContext.newPage()
    await logInAs(agent, running.url, 'agent@earshot.example')
    const agentSpike = agent.getByTestId('spike-alert')
    await agentSpike.waitFor()
    expect(await agentSpike.textContent()).toContain('Complaint spike: outage — 42 in 15 min (expected ~3.2)')
    expect(await agent.getByTestId('spike-banner').getAttribute('role')).toBe('status')
    expect(await agentSpike.getByTestId('spike-dismiss').count()).toBe(0)
    await agentContext.close()

    // Marketing dismisses it from the keyboard; it goes, and focus stays on the page.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await routeAlerts(context)
    const page = await context.newPage()
    await logInAs(page, running.url, 'marketing@earshot.example')
    const spike = page.getByTestId('spike-alert')
    await spike.waitFor()
    expect(await spike.textContent()).toContain('no signal')
    expect(await spike.getByTestId('spike-trends').getAttribute('href')).toBe('#/trends?brand=1&period=24h')
    await spike.getByTestId('spike-dismiss').focus()
    await page.keyboard.press('Enter')
    await spike.waitFor({ state: 'detached' })
    // Focus moves on the animation frame after the banner re-renders without the alert.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main')
    await context.close()
  }, 60_000)
})

/** Moves the mouse across the plot until uPlot's cursor rests on bucket `index`; returns where. */
async function hoverBucket(page: Page, chart: Locator, index: number): Promise<{ x: number; y: number }> {
  await chart.scrollIntoViewIfNeeded()
  const box = await chart.locator('.u-over').boundingBox()
  if (!box) throw new Error('the chart has no plot area')
  const points = Number(await chart.getAttribute('data-points'))
  const steps = Math.max(60, points * 4)
  for (let step = 0; step <= steps; step++) {
    const at = { x: box.x + (box.width * step) / steps, y: box.y + box.height / 2 }
    await page.mouse.move(at.x, at.y)
    if ((await chart.getAttribute('data-cursor')) === String(index)) return at
  }
  throw new Error(`the cursor never rested on bucket ${index}`)
}
