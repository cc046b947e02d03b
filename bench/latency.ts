// `npm run bench:latency`: from a mention appearing at the (fake) X API to its row being
// committed, over 1,000 mentions with a 1 s poll interval. The baseline, in the same run, is the
// bare minimum: a loop that fetches the same endpoint every second and stores nothing; whatever
// Earshot adds on top of that (leases, validation, the transaction) is the ratio.
import { connect } from '../worker/db/connect'
import { systemClock } from '../worker/listen/clock'
import { listen } from '../worker/listen/listener'
import { RateLimiters } from '../worker/sources/limiter'
import { startFakeX, type FakeX } from '../test/fakes/x'
import { createServerDatabase } from '../test/support/database'

const total = Number(process.env.BENCH_MENTIONS ?? 1000)
const perSecond = 25
const intervalMs = 1000
const goalMs = intervalMs + 250
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Posts `total` mentions at random moments, `perSecond` on average; resolves with when each appeared. */
async function postSteadily(fake: FakeX, appeared: Map<string, number>) {
  for (let n = 0; n < total; n++) {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * (2000 / perSecond)))
    const id = fake.post({ text: `@acme no signal in Narva, report ${n}`, authorId: String(2001 + (n % 50)) })
    appeared.set(id, performance.now())
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!)
}

/** The floor: fetch every interval with a plain HTTP client, note when each id is first seen. */
async function baseline(fake: FakeX): Promise<number[]> {
  const appeared = new Map<string, number>()
  const seen = new Map<string, number>()
  const posting = postSteadily(fake, appeared)
  let sinceId: string | undefined
  let done = false
  void posting.then(() => (done = true))
  while (!done || seen.size < appeared.size) {
    const started = performance.now()
    let token: string | undefined
    do {
      const url = new URL(`${fake.url}/2/users/${fake.brand.id}/mentions`)
      url.searchParams.set('max_results', '100')
      if (sinceId) url.searchParams.set('since_id', sinceId)
      if (token) url.searchParams.set('pagination_token', token)
      const response = await fetch(url, { headers: { authorization: `Bearer ${fake.bearerToken}` } })
      const body = (await response.json()) as { data?: { id: string }[]; meta: { newest_id?: string; next_token?: string } }
      const now = performance.now()
      for (const { id } of body.data ?? []) if (!seen.has(id)) seen.set(id, now)
      if (!token && body.meta.newest_id) sinceId = body.meta.newest_id
      token = body.meta.next_token
    } while (token)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (performance.now() - started))))
  }
  return [...appeared].map(([id, at]) => seen.get(id)! - at)
}

async function earshot(fake: FakeX, url: string): Promise<number[]> {
  const sql = connect(url, { max: 4 })
  const [brand] = await sql<{ id: string }[]>`insert into brand (slug, name, time_zone) values ('bench', 'Bench', 'UTC') returning id`
  await sql`
    insert into source (brand_id, platform, kind, settings, poll_interval_seconds)
    values (${brand!.id}, 'x', 'mentions', ${sql.json({ api_base_url: fake.url, user_id: fake.brand.id })}, ${intervalMs / 1000})`
  const appeared = new Map<string, number>()
  const committed = new Map<string, number>()
  let lastId = '0'
  const stop = new AbortController()
  const deps = {
    sql,
    context: { secrets: { X_BEARER_TOKEN: fake.bearerToken }, limiters: new RateLimiters(systemClock), clock: systemClock, requestTimeoutMs: 5000 },
  }
  // A poll has committed when onPoll runs; stamp what it added.
  const stamping: Promise<void>[] = []
  const listening = listen(deps, {
    signal: stop.signal,
    onPoll: (outcome) => {
      if (outcome.status !== 'ok' || outcome.stored === 0) return
      const at = performance.now()
      stamping.push(
        sql<{ id: string; external_id: string }[]>`select id, external_id from mention where id > ${lastId} order by id`.then((rows) => {
          for (const row of rows) if (!committed.has(row.external_id)) committed.set(row.external_id, at)
          if (rows.length) lastId = rows.at(-1)!.id
        }),
      )
    },
  })
  // The first poll sets the cursor; mentions start arriving after it.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  await postSteadily(fake, appeared)
  while (committed.size < appeared.size) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    await Promise.all(stamping)
  }
  stop.abort()
  await listening
  await sql.end({ timeout: 5 })
  return [...appeared].map(([id, at]) => committed.get(id)! - at)
}

async function main() {
  const db = await createServerDatabase(serverUrl, { migrated: true })
  // The listener brings its own pool; this one only made and migrated the database.
  await db.sql.end()
  const fakes = [await startFakeX(), await startFakeX()]
  try {
    for (const fake of fakes) for (let n = 1; n <= 50; n++) fake.addUser({ id: String(2000 + n), username: `c${n}`, name: `C ${n}` })
    process.stderr.write(`baseline: plain fetch loop, ${total} mentions at ~${perSecond}/s\n`)
    const floor = await baseline(fakes[0]!)
    process.stderr.write(`earshot: listener on PostgreSQL, ${total} mentions at ~${perSecond}/s\n`)
    const ours = await earshot(fakes[1]!, db.url)
    const p50 = percentile(ours, 50)
    const p95 = percentile(ours, 95)
    const baseP95 = percentile(floor, 95)
    console.log(`earshot p50 ${p50} ms, p95 ${p95} ms; plain fetch loop p50 ${percentile(floor, 50)} ms, p95 ${baseP95} ms`)
    console.log(
      JSON.stringify({
        bench: 'latency',
        mentions: total,
        interval_ms: intervalMs,
        p50_ms: p50,
        p95_ms: p95,
        baseline: 'plain fetch loop',
        baseline_p95_ms: baseP95,
        ratio: Number((p95 / baseP95).toFixed(2)),
        goal: `p95 <= ${goalMs} ms`,
        met: p95 <= goalMs,
      }),
    )
  } finally {
    await Promise.all(fakes.map((fake) => fake.close()))
    await db.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
