// `npm run bench:trends`: the trends dashboard at 1,000,000 mentions on the real PostgreSQL.
//  1. Each chart's query (series, options, reasons, terms, response times, satisfaction) and the
//     whole report through the app, p50/p95 over a mix of periods and filters; goal: p95 at most
//     50 ms per chart. The baseline, in the same run, is the series chart computed the way a
//     dashboard without rollups would: grouping the raw mentions of the period.
//  2. Keeping the rollups current: 1,000 new classified mentions arrive (a poll's worth, spread
//     over the last hours), then the rollup job brings every touched bucket up to date; ms per
//     1,000 mentions, ten times.
//  3. From a synthetic outage's first complaint to its spike alert, sweeping once a minute as the
//     jobs do, over four weeks of normal traffic and the outage (test/support/outage.ts).
// Runs on BENCH_DATABASE_URL (default: the local test server), in a scratch database of its own.
import { createApp } from '../worker/app'
import { parseConfig } from '../worker/config'
import type { Sql } from '../worker/db/connect'
import type { Services } from '../worker/env'
import { noFilters, trendOptions, trendReasons, trendResponse, trendSatisfaction, trendScope, trendSeries, trendTerms, type ChartScope } from '../worker/trends/queries'
import { processAllDirty } from '../worker/trends/rollup'
import { createServerDatabase } from '../test/support/database'
import { outageAlertDelay } from '../test/support/outage'
import { benchPassword, customersIn, inChunks, marketingEmail, seedBrand, seedCustomers, seedRealTexts, summary } from './seed'

const totalMentions = Number(process.env.BENCH_MENTIONS ?? 1_000_000)
const mentionsPerCase = 5
const days = 90
const samplesPerChart = 60
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const dayMs = 86_400_000

async function seed(sql: Sql, now: Date): Promise<string> {
  const { brandId, teamId } = await seedBrand(sql)
  const texts = await seedRealTexts(sql)
  const cases = totalMentions / mentionsPerCase
  process.stderr.write(`seeding ${cases} cases and ${totalMentions} mentions over ${days} days, texts from ${texts} real posts`)
  await inChunks(cases, 20_000, async (from, to) => {
    await seedCustomers(sql, from, to)
    // Cases spread over the 90 days, answered within hours, most resolved; a few breached.
    await sql`
      insert into care_case (brand_id, customer_id, status, priority, owner_id, team_id, language, opened_at, first_response_at,
                             resolved_at, first_response_breached_at)
      select ${brandId}, i.customer_id, case when i.id % 10 = 0 then 'open' else 'resolved' end, 1 + i.id % 4,
             (select min(id) from app_user where role = 'agent') + i.id % 20, ${teamId}, (array['en','et','ru','de','it','es'])[1 + i.id % 6],
             ${now}::timestamptz - make_interval(mins => ((i.id * 7919) % (${days} * 1440))::int),
             ${now}::timestamptz - make_interval(mins => ((i.id * 7919) % (${days} * 1440))::int - (5 + i.id % 300)::int),
             case when i.id % 10 = 0 then null else ${now}::timestamptz - make_interval(mins => ((i.id * 7919) % (${days} * 1440))::int - (60 + i.id % 3000)::int) end,
             case when i.id % 17 = 0 then ${now}::timestamptz - make_interval(mins => ((i.id * 7919) % (${days} * 1440))::int - 20) end
        from identity i where ${customersIn(sql, from, to)}`
    // Texts of real posts, so the terms are as many and as spread as real complaints' are.
    await sql`
      insert into mention (platform, external_id, brand_id, identity_id, case_id, text, posted_at, received_at, raw, language, kind,
                           sentiment, sentiment_label, complaint_probability, complaint, priority, urgency_score, urgency_reasons,
                           model_version, classified_at, routed_at)
      select i.platform, i.id || '-' || r, ${brandId}, i.id, c.id, t.text,
             c.opened_at + make_interval(mins => (r * 37)::int), c.opened_at + make_interval(mins => (r * 37)::int), '{}', c.language, 'customer',
             ((i.id + r) % 21 - 10) / 10.0, 'negative', 0.8, (i.id + r) % 6 <> 3, c.priority, 30,
             (array['[{"signal":"outage","points":30,"reason":"down 3 days"}]', '[{"signal":"money","points":20,"reason":"charged twice"}]',
                    '[]', '[]', '[{"signal":"outage","points":25,"reason":"no signal"}]', '[{"signal":"churn","points":25,"reason":"cancelling"}]'])[1 + (i.id + r) % 6]::jsonb,
             'bench', now(), now()
        from care_case c join identity i on i.customer_id = c.customer_id
        cross join generate_series(1, ${mentionsPerCase}) r
        join bench_text t on t.n = (i.id * ${mentionsPerCase} + r) % ${texts}
       where ${customersIn(sql, from, to)}`
    // A satisfaction ask on every resolved case, two in five answered.
    await sql`
      insert into satisfaction (case_id, token_hash, channel, language, agent_id, team_id, category, asked_at, expires_at,
                                score, answered_at, answered_via)
      select c.id, md5(c.id::text) || md5(c.id::text || 'x'), 'public', c.language, c.owner_id, c.team_id,
             (array['general','outage','money','churn'])[1 + c.id % 4], c.resolved_at, c.resolved_at + interval '7 days',
             case when c.id % 5 < 2 then 1 + (c.id * 7) % 5 end, case when c.id % 5 < 2 then c.resolved_at + interval '1 hour' end,
             case when c.id % 5 < 2 then 'page' end
        from care_case c join identity i on i.customer_id = c.customer_id
       where c.resolved_at is not null and ${customersIn(sql, from, to)}`
  })
  return brandId
}

async function time(run: () => Promise<unknown>, samples = samplesPerChart): Promise<number[]> {
  for (let n = 0; n < 5; n++) await run()
  const out: number[] = []
  for (let n = 0; n < samples; n++) {
    const started = performance.now()
    await run()
    out.push(performance.now() - started)
  }
  return out
}

async function charts(sql: Sql, brandId: string, now: Date, services: Services, cookie: string) {
  const periods = [
    { days: 1, bucket: 'hour' as const },
    { days: 7, bucket: 'hour' as const },
    { days: 30, bucket: 'day' as const },
    { days: 90, bucket: 'day' as const },
    { days: 365, bucket: 'day' as const },
  ]
  const filterSets = [noFilters, { ...noFilters, platform: 'x' }, { ...noFilters, language: 'et', category: 'outage' }]
  const scopes: ChartScope[] = []
  for (const period of periods) {
    for (const filters of filterSets) {
      const scope = await trendScope(sql, { brandId, from: new Date(now.getTime() - period.days * dayMs), to: now, bucket: period.bucket, filters })
      scopes.push({ ...scope!, bucket: period.bucket })
    }
  }
  let turn = 0
  const next = () => scopes[turn++ % scopes.length]!
  const perChart: Record<string, { p50: number; p95: number }> = {
    series: summary(await time(() => trendSeries(sql, next()))),
    options: summary(await time(() => trendOptions(sql, next()))),
    reasons: summary(await time(() => trendReasons(sql, next()))),
    terms: summary(await time(() => trendTerms(sql, next()))),
    response: summary(await time(() => trendResponse(sql, next()))),
    satisfaction: summary(await time(() => trendSatisfaction(sql, next()))),
  }
  for (const [chart, figures] of Object.entries(perChart)) process.stderr.write(`  ${chart}: p50 ${figures.p50} ms, p95 ${figures.p95} ms\n`)
  const app = createApp()
  const report = summary(await time(async () => {
    const scope = next()
    const query = new URLSearchParams({ brand: brandId, from: scope.from.toISOString(), to: scope.to.toISOString(), bucket: scope.bucket })
    for (const [key, value] of Object.entries(scope.filters)) if (value) query.set(key, value)
    const response = await app.request(`/api/trends?${query}`, { headers: { cookie } }, services)
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`GET /api/trends answered ${response.status}`)
  }, 40))
  process.stderr.write(`  whole report through the app: p50 ${report.p50} ms, p95 ${report.p95} ms\n`)
  // Without rollups: the series of a 30-day period grouped straight from the mentions.
  const baseline = summary(await time(() => sql`
    select date_trunc('day', posted_at at time zone 'Europe/Tallinn') as t, count(*) as mentions, count(*) filter (where complaint) as complaints,
           avg(sentiment) as sentiment, stddev_pop(sentiment) as spread
      from mention where brand_id = ${brandId} and posted_at >= ${new Date(now.getTime() - 30 * dayMs)} and posted_at < ${now}
     group by 1 order by 1`, 20))
  process.stderr.write(`  baseline, the 30-day series from the raw mentions: p50 ${baseline.p50} ms, p95 ${baseline.p95} ms\n`)
  return { perChart, report, baseline }
}

async function rollupCost(sql: Sql, brandId: string, now: Date): Promise<number[]> {
  const costs: number[] = []
  for (let round = 0; round < 10; round++) {
    await sql`
      insert into mention (platform, external_id, brand_id, identity_id, text, posted_at, received_at, raw, language, kind, sentiment,
                           sentiment_label, complaint_probability, complaint, priority, urgency_score, urgency_reasons, model_version, classified_at)
      select 'x', 'fresh-' || ${round} || '-' || g.n, ${brandId}, (select min(id) from identity) + g.n,
             (select text from bench_text where bench_text.n = (g.n * 13 + ${round} * 1000) % (select count(*) from bench_text)),
             ${now}::timestamptz - make_interval(mins => (g.n % 360)::int),
             ${now}, '{}', 'en', 'customer', -0.6, 'negative', 0.9, true, 2, 40, '[{"signal":"outage","points":30,"reason":"since this morning"}]',
             'bench', ${now}
        from generate_series(1, 1000) g(n)`
    const started = performance.now()
    await processAllDirty(sql, { now })
    costs.push(performance.now() - started)
  }
  return costs
}

async function main() {
  const db = await createServerDatabase(serverUrl, { migrated: true })
  try {
    const now = new Date()
    const brandId = await seed(db.sql, now)
    await db.sql`analyze`
    let started = performance.now()
    const built = await processAllDirty(db.sql, { now })
    const buildSeconds = (performance.now() - started) / 1000
    process.stderr.write(`rollups built from scratch in ${buildSeconds.toFixed(1)} s (${built.hours} hours, ${built.days} days of terms, ${built.cases} cases, ${built.caseDays} days of cases)\n`)
    await db.sql`vacuum analyze`

    const services: Services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
    const app = createApp()
    const login = await app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: marketingEmail, password: benchPassword }) }, services)
    const cookie = login.headers.get('set-cookie')?.split(';')[0]
    if (login.status !== 201 || !cookie) throw new Error(`logging in answered ${login.status}`)
    const { perChart, report, baseline } = await charts(db.sql, brandId, now, services, cookie)

    started = performance.now()
    const costs = await rollupCost(db.sql, brandId, now)
    const cost = summary(costs)
    process.stderr.write(`rollup of 1,000 new mentions: p50 ${cost.p50} ms, p95 ${cost.p95} ms\n`)

    const spike = await outageAlertDelay(db.sql)
    const delayMinutes = spike.delayMinutes === null ? null : Number(spike.delayMinutes.toFixed(2))
    process.stderr.write(`spike alert ${delayMinutes === null ? 'never raised' : `${delayMinutes} min after the outage's first complaint`}\n`)

    const worstChart = Math.max(...Object.values(perChart).map((figures) => figures.p95))
    const figures = {
      bench: 'trends',
      mentions: totalMentions,
      chart_p95_ms: Object.fromEntries(Object.entries(perChart).map(([chart, value]) => [chart, value.p95])),
      worst_chart_p95_ms: Number(worstChart.toFixed(2)),
      report_p95_ms: report.p95,
      baseline: 'the 30-day series grouped from the raw mentions',
      baseline_p95_ms: baseline.p95,
      ratio: Number((baseline.p95 / perChart.series!.p95).toFixed(1)),
      rollup_build_s: Number(buildSeconds.toFixed(1)),
      rollup_ms_per_1000_mentions_p50: cost.p50,
      rollup_ms_per_1000_mentions_p95: cost.p95,
      spike_alert_delay_min: delayMinutes,
      goal: 'p95 <= 50 ms per chart',
      met: worstChart <= 50,
    }
    console.log(JSON.stringify(figures))
  } finally {
    await db.close()
  }
}

await main()
