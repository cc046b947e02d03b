// `npm run bench:route`: routing throughput into cases with eight routers at once on the real
// PostgreSQL, against the least any router must write for the same mentions in the same run
// (one plain INSERT of a case per customer and one UPDATE filing every mention, no rules); then
// the SLA sweep over 200,000 open cases. Runs on BENCH_DATABASE_URL (default: the local test
// server), in a scratch database of its own.
import { routeAllPending } from '../worker/cases/route'
import type { Sql } from '../worker/db/connect'
import { sweepSla } from '../worker/sla/sweep'
import { createServerDatabase } from '../test/support/database'

const mentionsPerRun = Number(process.env.BENCH_MENTIONS ?? 40_000)
const perCustomer = 4
const routers = 8
const openCases = Number(process.env.BENCH_OPEN_CASES ?? 200_000)
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
// Wednesday 10:00 in Tallinn: the team is on shift.
const now = new Date('2026-11-25T08:00:00Z')

async function setUpBrand(sql: Sql, slug: string): Promise<string> {
  const [brand] = await sql<{ id: string }[]>`insert into brand (slug, name, time_zone) values (${slug}, ${slug}, 'Europe/Tallinn') returning id`
  const brandId = brand!.id
  await sql`
    insert into business_hours (brand_id, weekday, opens_at, closes_at)
    select ${brandId}, d, '08:00', '20:00' from generate_series(1, 5) d`
  await sql`
    insert into sla_policy (brand_id, priority, first_response_minutes, next_response_minutes, resolution_minutes)
    values (${brandId}, 1, 15, 30, 480), (${brandId}, 2, 60, 120, 1440), (${brandId}, 3, 240, 480, 2880), (${brandId}, 4, 480, 1440, 5760)`
  const [team] = await sql<{ id: string }[]>`insert into team (brand_id, name) values (${brandId}, 'Care') returning id`
  const users = await sql<{ id: string }[]>`
    insert into app_user (email, name, role, password_hash, languages, capacity)
    select ${slug} || '-agent' || n || '@bench.example', 'Agent ' || n, 'agent', 'pbkdf2-sha256$1$AA==$AA==',
           case when n % 2 = 0 then '{en,et}'::text[] else '{en,ru}'::text[] end, 1000
      from generate_series(1, 12) n
    returning id`
  await sql`insert into team_member ${sql(users.map((user) => ({ team_id: team!.id, user_id: user.id })))}`
  await sql`
    insert into user_shift (user_id, weekday, starts_at, ends_at)
    select u.id, d, '07:00', '21:00' from app_user u, generate_series(1, 5) d where u.email like ${`${slug}-%`}`
  return brandId
}

/** Classified, unrouted mentions: `perCustomer` from each customer, interleaved. */
async function insertMentions(sql: Sql, brandId: string, prefix: string): Promise<void> {
  const customers = mentionsPerRun / perCustomer
  await sql`
    with c as (insert into customer (display_name) select 'Customer ' || n from generate_series(1, ${customers}) n returning id)
    insert into identity (customer_id, platform, platform_user_id, handle)
    select id, 'x', ${prefix} || id, 'user' || id from c`
  await sql`
    insert into mention (platform, external_id, brand_id, identity_id, text, posted_at, received_at, raw, language, kind,
                         sentiment, sentiment_label, complaint_probability, complaint, priority, urgency_score, urgency_reasons,
                         model_version, classified_at)
    select 'x', ${prefix} || '-' || i.id || '-' || r, ${brandId}, i.id, 'No internet in Tartu since Monday, fix it',
           ${now}::timestamptz - make_interval(mins => (${perCustomer} - r)::int), ${now}::timestamptz - make_interval(mins => (${perCustomer} - r)::int),
           '{}', case when i.id % 3 = 0 then 'ru' else 'et' end, 'customer', -0.6, 'negative', 0.9, true, 1 + (i.id + r) % 4, 30,
           '[{"signal":"outage","points":30,"reason":"down 3 days"}]', 'bench', ${now}
      from identity i, generate_series(1, ${perCustomer}) r
     where i.platform_user_id like ${`${prefix}%`}
     order by r, i.id`
}

async function timeRouting(sql: Sql): Promise<number> {
  const started = performance.now()
  const results = await Promise.all(Array.from({ length: routers }, () => routeAllPending(sql, { batchSize: 250, now: () => now })))
  const rest = await routeAllPending(sql, { now: () => now })
  const ms = performance.now() - started
  const filed = results.reduce((sum, result) => sum + result.filed, rest.filed)
  if (filed !== mentionsPerRun) throw new Error(`routed ${filed} of ${mentionsPerRun}`)
  return ms
}

async function timeBaseline(sql: Sql, brandId: string, prefix: string): Promise<number> {
  const started = performance.now()
  await sql.begin(async (tx) => {
    await tx`
      insert into care_case (brand_id, customer_id, priority)
      select ${brandId}, i.customer_id, 3 from identity i where i.platform_user_id like ${`${prefix}%`}`
    await tx`
      update mention m set case_id = c.id, routed_at = now()
        from identity i, care_case c
       where m.identity_id = i.id and c.customer_id = i.customer_id and c.brand_id = ${brandId} and m.brand_id = ${brandId}`
  })
  return performance.now() - started
}

/** 200,000 open cases, 1% of them past a due time; the sweep's cost is the time to find and mark those. */
async function timeSweep(sql: Sql, brandId: string): Promise<{ ms: number; breached: number; idleMs: number }> {
  await sql`
    with c as (insert into customer (display_name) select 'Open ' || n from generate_series(1, ${openCases}) n returning id)
    insert into care_case (brand_id, customer_id, status, priority, opened_at, first_response_due_at, resolution_due_at, sla_due_at)
    select ${brandId}, id, 'open', 3, ${now}::timestamptz - interval '1 day',
           ${now}::timestamptz + make_interval(mins => ((id % 100) * 60 - 30)::int),
           ${now}::timestamptz + interval '3 days',
           ${now}::timestamptz + make_interval(mins => ((id % 100) * 60 - 30)::int)
      from c`
  await sql`analyze care_case`
  let started = performance.now()
  const { breached } = await sweepSla(sql, now)
  const ms = performance.now() - started
  started = performance.now()
  await sweepSla(sql, now)
  return { ms, breached, idleMs: performance.now() - started }
}

async function main() {
  const db = await createServerDatabase(serverUrl, { migrated: true })
  const { sql } = db
  try {
    const ours = await setUpBrand(sql, 'route')
    const plain = await setUpBrand(sql, 'plain')
    await insertMentions(sql, ours, 'r')
    await sql`analyze`
    process.stderr.write(`routing ${mentionsPerRun} mentions from ${mentionsPerRun / perCustomer} customers with ${routers} routers\n`)
    const routeMs = await timeRouting(sql)
    // The baseline's mentions go in after ours are routed, so neither run sees the other's backlog.
    await insertMentions(sql, plain, 'p')
    await sql`analyze`
    const baselineMs = await timeBaseline(sql, plain, 'p')
    const perSecond = Math.round(mentionsPerRun / (routeMs / 1000))
    const baselinePerSecond = Math.round(mentionsPerRun / (baselineMs / 1000))
    process.stderr.write(`earshot: ${perSecond} mentions/s; plain insert+update: ${baselinePerSecond} mentions/s\n`)
    process.stderr.write(`sweeping ${openCases} open cases\n`)
    const sweep = await timeSweep(sql, ours)
    process.stderr.write(`sweep: ${sweep.breached} breaches marked in ${Math.round(sweep.ms)} ms; a sweep with nothing due: ${sweep.idleMs.toFixed(1)} ms\n`)
    console.log(
      JSON.stringify({
        bench: 'route',
        mentions: mentionsPerRun,
        routers,
        mentions_per_s: perSecond,
        baseline: 'plain insert+update',
        baseline_mentions_per_s: baselinePerSecond,
        ratio: Number((perSecond / baselinePerSecond).toFixed(2)),
        sweep_open_cases: openCases,
        sweep_breached: sweep.breached,
        sweep_ms: Math.round(sweep.ms),
        sweep_idle_ms: Number(sweep.idleMs.toFixed(1)),
        goal: '>= 5000 mentions/s with 8 routers',
        met: perSecond >= 5000,
      }),
    )
  } finally {
    await db.close()
  }
}

await main()
