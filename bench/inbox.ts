// `npm run bench:inbox`: the inbox list API on real PostgreSQL with 1,000,000 mentions on 200,000
// open cases (p50/p95 through the whole app: session, validation, query, JSON), against the bare
// query for the same page in the same run; the counts beside it; then server-sent events fanned
// out to 200 connected agents on loopback, from the commit of a note to its delivery to each.
// Runs on BENCH_DATABASE_URL (default: the local test server), in a scratch database of its own.
import { serve } from '@hono/node-server'
import { createApp } from '../worker/app'
import { parseConfig } from '../worker/config'
import type { Sql } from '../worker/db/connect'
import type { Services } from '../worker/env'
import { createServerDatabase } from '../test/support/database'
import { agentEmail, benchPassword, customersIn, inChunks, seedBrand, seedCustomers, summary } from './seed'

const openCases = Number(process.env.BENCH_OPEN_CASES ?? 200_000)
const mentionsPerCase = 5
const listRequests = 400
const agents = Number(process.env.BENCH_SSE_CLIENTS ?? 200)
const notes = 40
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function seed(sql: Sql): Promise<{ brandId: string; email: string }> {
  const { brandId, teamId } = await seedBrand(sql)
  process.stderr.write(`seeding ${openCases} open cases and ${openCases * mentionsPerCase} mentions`)
  await inChunks(openCases, 50_000, async (from, to) => {
    await seedCustomers(sql, from, to)
    await sql`
      insert into care_case (brand_id, customer_id, status, priority, owner_id, team_id, language, opened_at, first_response_due_at, sla_due_at)
      select ${brandId}, i.customer_id, case when i.id % 7 = 0 then 'waiting_on_customer' when i.id % 3 = 0 then 'new' else 'open' end,
             1 + i.id % 4,
             case when i.id % 3 = 0 then null else (select min(id) from app_user where role = 'agent') + i.id % 20 end,
             ${teamId}, (array['en','et','ru','de','it','es'])[1 + i.id % 6],
             now() - make_interval(mins => (i.id % 5000)::int), now() + make_interval(mins => (i.id % 900)::int - 60),
             now() + make_interval(mins => (i.id % 900)::int - 60)
        from identity i where ${customersIn(sql, from, to)}`
    await sql`
      insert into mention (platform, external_id, brand_id, identity_id, case_id, text, posted_at, received_at, raw, language, kind,
                           sentiment, sentiment_label, complaint_probability, complaint, priority, urgency_score, urgency_reasons,
                           model_version, classified_at, routed_at)
      select i.platform, i.id || '-' || r, ${brandId}, i.id, c.id,
             (array['No internet in Tartu since Monday', 'Billing error again, charged twice', 'Router keeps rebooting every hour',
                    'Thanks for the quick fix', 'TV has no signal in Kalamaja'])[1 + (i.id + r) % 5] || ' #' || i.id,
             now() - make_interval(mins => (r * 10)::int), now() - make_interval(mins => (r * 10)::int), '{}', c.language, 'customer',
             -0.5, 'negative', 0.8, true, c.priority, 30, '[{"signal":"outage","points":30,"reason":"down 3 days"}]', 'bench', now(), now()
        from care_case c join identity i on i.customer_id = c.customer_id, generate_series(1, ${mentionsPerCase}) r
       where ${customersIn(sql, from, to)}`
  })
  await sql`vacuum analyze`
  return { brandId, email: agentEmail }
}

async function timeList(app: ReturnType<typeof createApp>, services: Services, cookie: string, sql: Sql, brandId: string) {
  const queries = ['view=all', 'view=mine', 'view=unassigned', 'view=team', 'view=all&priority=1', 'view=all&language=et', 'view=all&status=new', 'view=mine&priority=2']
  const ours: number[] = []
  const byQuery = new Map<string, number[]>()
  for (let n = 0; n < listRequests + 40; n++) {
    const query = queries[n % queries.length]!
    const started = performance.now()
    const response = await app.request(`/api/cases?${query}&limit=50`, { headers: { cookie } }, services)
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`GET /api/cases answered ${response.status}`)
    if (n < 40) continue // the first requests warm the caches
    const ms = performance.now() - started
    ours.push(ms)
    byQuery.set(query, [...(byQuery.get(query) ?? []), ms])
  }
  for (const [query, samples] of byQuery) process.stderr.write(`  ${query}: p95 ${summary(samples).p95} ms\n`)
  // The least any inbox does: the first page of the brand's open cases straight off its index.
  const bare: number[] = []
  for (let n = 0; n < listRequests + 40; n++) {
    const started = performance.now()
    await sql`
      select id, priority, sla_due_at from care_case
       where brand_id = ${brandId} and status not in ('resolved', 'closed')
       order by priority, sla_due_at limit 50`
    if (n >= 40) bare.push(performance.now() - started)
  }
  const counts: number[] = []
  for (let n = 0; n < 22; n++) {
    const started = performance.now()
    const response = await app.request('/api/cases/counts', { headers: { cookie } }, services)
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`GET /api/cases/counts answered ${response.status}`)
    if (n >= 2) counts.push(performance.now() - started)
  }
  return { ours: summary(ours), bare: summary(bare), counts: summary(counts) }
}

/** 200 agents' event streams; a note is written `notes` times and each delivery is timed from its commit. */
async function timeFanOut(app: ReturnType<typeof createApp>, services: Services, cookie: string, caseId: string) {
  let server: ReturnType<typeof serve> | undefined
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: (request) => app.fetch(request, services), port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
  })
  const base = `http://127.0.0.1:${port}`
  const arrivals = new Map<string, number[]>()
  const ready: Promise<void>[] = []
  const controllers: AbortController[] = []
  for (let n = 0; n < agents; n++) {
    const controller = new AbortController()
    controllers.push(controller)
    ready.push(
      new Promise<void>((resolve, reject) => {
        void fetch(`${base}/api/events`, { headers: { cookie }, signal: controller.signal })
          .then(async (response) => {
            const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
            let buffer = ''
            for (;;) {
              const { value, done } = await reader.read()
              if (done) return
              buffer += value
              let end: number
              while ((end = buffer.indexOf('\n\n')) >= 0) {
                const message = buffer.slice(0, end)
                buffer = buffer.slice(end + 2)
                if (message.includes('event: ready')) resolve()
                const id = /^id: ?(\d+)/m.exec(message)?.[1]
                if (id && message.includes('event: case')) {
                  const list = arrivals.get(id) ?? []
                  list.push(performance.now())
                  arrivals.set(id, list)
                }
              }
            }
          })
          .catch((error: unknown) => (controller.signal.aborted ? undefined : reject(error)))
      }),
    )
  }
  await Promise.all(ready)
  const delays: number[] = []
  let lost = 0
  for (let n = 0; n < notes; n++) {
    const response = await fetch(`${base}/api/cases/${caseId}/notes`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `fan-out ${n}` }),
    })
    // The answer comes after the commit: the clock for this note starts here.
    const committed = performance.now()
    const { eventId } = (await response.json()) as { eventId: string }
    const deadline = Date.now() + 5000
    while ((arrivals.get(eventId)?.length ?? 0) < agents && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
    const got = arrivals.get(eventId) ?? []
    lost += agents - got.length
    for (const at of got) delays.push(Math.max(0, at - committed))
  }
  for (const controller of controllers) controller.abort()
  server?.close()
  return { ...summary(delays), lost }
}

async function main() {
  const db = await createServerDatabase(serverUrl, { migrated: true })
  try {
    const { brandId, email } = await seed(db.sql)
    const app = createApp()
    const services: Services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
    const login = await app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: benchPassword }) }, services)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const list = await timeList(app, services, cookie, db.sql, brandId)
    process.stderr.write(`list: p50 ${list.ours.p50} ms, p95 ${list.ours.p95} ms (bare query p95 ${list.bare.p95} ms); counts p95 ${list.counts.p95} ms\n`)
    const [someCase] = await db.sql<{ id: string }[]>`select id from care_case order by id limit 1`
    const fanOut = await timeFanOut(app, services, cookie, someCase!.id)
    process.stderr.write(`events to ${agents} agents: p50 ${fanOut.p50} ms, p95 ${fanOut.p95} ms, ${fanOut.lost} deliveries missing\n`)
    console.log(
      JSON.stringify({
        bench: 'inbox',
        open_cases: openCases,
        mentions: openCases * mentionsPerCase,
        list_p50_ms: list.ours.p50,
        list_p95_ms: list.ours.p95,
        baseline: 'bare page query',
        baseline_p95_ms: list.bare.p95,
        ratio: Number((list.ours.p95 / list.bare.p95).toFixed(1)),
        counts_p95_ms: list.counts.p95,
        sse_agents: agents,
        sse_p50_ms: fanOut.p50,
        sse_p95_ms: fanOut.p95,
        sse_lost: fanOut.lost,
        goal: 'list p95 <= 20 ms',
        met: list.ours.p95 <= 20,
      }),
    )
  } finally {
    await db.close()
  }
}

await main()
