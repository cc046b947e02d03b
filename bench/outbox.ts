// `npm run bench:outbox`: replies from an agent pressing send to the post at the (fake) X API, on
// the real PostgreSQL, in three parts:
//  1. Throughput: 3,000 replies recorded by four agents at once (recordReply, what the API does on
//     send), then delivered by four sender runs going at once, each run straight after the last.
//     The baseline, in the same run, is the least any sender must do for the same posts: POST
//     each to the fake with twitter-api-v2, four at a time, with no database, no claim, no record
//     and no limiter. The outbox commits a claim before each post and the outcome after it, and
//     sends one request per account at a time (the limiter reads each answer's headers before the
//     next), so the ratio is reported, not aimed at; the goal is 100 sends/s, far beyond what X
//     lets any one account post, so that one database keeps up with many brands' accounts.
//  2. Delay: agents press send at a steady rate (a quarter of what part 1 delivered, at most 50
//     a second) while the senders run; from the call to recordReply to the post stored at the
//     fake, p50 and p95.
//  3. The limiter: the fake allows 2,000 posts per 20-second window (X's fixed windows, the reset
//     header rounded up to the second) and 10,000 queued replies go out through a fresh process's
//     limiters, four sender runs at once. Goal: not one 429 from the fake, and at least 90% of
//     the allowed posts per window used (time the sender leaves a window idle is capacity lost).
// Parts 1 and 2 measure the sender itself, running back to back as on Node, where a committed
// reply wakes it; on Workers the minute's cron adds up to a minute before the first run (each run
// then drains batches for up to 40 s). Runs on BENCH_DATABASE_URL (default: the local test
// server), in a scratch database of its own.
import http from 'node:http'
import { TwitterApi } from 'twitter-api-v2'
import type { SessionUser } from '../worker/auth/session'
import { recordReply } from '../worker/cases/reply'
import { idArray, type Sql } from '../worker/db/connect'
import { systemClock } from '../worker/listen/clock'
import { sendDue, sourcePublishers, type SendReport } from '../worker/outbox/sender'
import { RateLimiters } from '../worker/sources/limiter'
import { startFakeX, type FakeX } from '../test/fakes/x'
import { createServerDatabase } from '../test/support/database'
import { insertAgent, insertRoutingBrand } from '../test/support/routing'

const throughputSends = Number(process.env.BENCH_THROUGHPUT_SENDS ?? 3000)
const limitedSends = Number(process.env.BENCH_SENDS ?? 10_000)
const agents = 4
const senders = 4
const delayRateCap = Number(process.env.BENCH_DELAY_RATE ?? 50)
const delaySeconds = 10
const limitPerWindow = Number(process.env.BENCH_LIMIT ?? 2000)
const windowSeconds = Number(process.env.BENCH_WINDOW_S ?? 20)
const goalPerSecond = 100
// A sender with nothing due polls again after this long: it bounds what part 2 adds to the delay.
const idleMs = 10
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

// Sub-millisecond wall time, shared with the fake so that both ends of a delay use one clock.
const wallMs = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Bench {
  sql: Sql
  fake: FakeX
  brandId: string
  teamId: string
  agent: SessionUser
}

interface Case {
  caseId: string
  tweetId: string
}

let customers = 0

/** `count` open cases, each with one customer tweet that is on the fake; written in one statement. */
async function makeCases({ sql, fake, brandId, teamId, agent }: Bench, count: number): Promise<Case[]> {
  const userIds: string[] = []
  const tweetIds: string[] = []
  for (let n = 0; n < count; n++) {
    const userId = String(5_000_000 + ++customers)
    userIds.push(userId)
    tweetIds.push(fake.post({ text: `@acme my line is dead since Monday, ${userId}`, authorId: userId }))
  }
  return sql<Case[]>`
    with input as (
      select u.user_id, u.tweet_id from unnest(${idArray(userIds)}::text[], ${idArray(tweetIds)}::text[]) as u(user_id, tweet_id)
    ), c as (
      insert into customer (display_name) select 'Customer ' || user_id from input returning id, display_name
    ), i as (
      insert into identity (customer_id, platform, platform_user_id, handle)
      select c.id, 'x', input.user_id, 'user' || input.user_id from c join input on c.display_name = 'Customer ' || input.user_id
      returning id, customer_id, platform_user_id
    ), k as (
      insert into care_case (brand_id, customer_id, status, priority, team_id, owner_id)
      select ${brandId}, c.id, 'open', 3, ${teamId}, ${agent.id} from c
      returning id, customer_id
    )
    insert into mention (platform, external_id, brand_id, identity_id, case_id, text, posted_at, raw)
    select 'x', input.tweet_id, ${brandId}, i.id, k.id, 'my line is dead since Monday', now(), '{}'
      from input join i on i.platform_user_id = input.user_id join k on k.customer_id = i.customer_id
    returning case_id::text as "caseId", external_id as "tweetId"`
}

async function reply(bench: Bench, caseId: string, text: string): Promise<string> {
  const result = await recordReply(bench.sql, { caseId, actor: bench.agent, channel: 'public', body: text })
  if (!result.ok) throw new Error(result.detail)
  if (!result.value.outboxId) throw new Error(`case ${caseId}: the reply has nowhere to go`)
  return result.value.outboxId
}

/** `agents` at once, each pressing send on the next case as soon as its last reply is recorded. */
async function replyToAll(bench: Bench, cases: Case[], label: string): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: agents }, async () => {
      while (next < cases.length) {
        const { caseId } = cases[next++]!
        await reply(bench, caseId, `Sorry about your line, an engineer is on it (${label} ${caseId}).`)
      }
    }),
  )
  return performance.now() - started
}

type Totals = Omit<SendReport, 'claimed'> & { runs: number }

/**
 * `senders` loops, each calling sendDue as the send-outbox job does (a fresh publisher lookup per
 * run, the process's limiters shared), one run straight after another, until `done` says so.
 */
async function runSenders(bench: Bench, limiters: RateLimiters, done: (totals: Totals) => boolean, label: string): Promise<Totals> {
  const totals: Totals = { runs: 0, sent: 0, reconciled: 0, retried: 0, rate_limited: 0, failed: 0 }
  const context = { secrets: { X_BEARER_TOKEN: bench.fake.bearerToken }, limiters, clock: systemClock, requestTimeoutMs: 5000 }
  const started = performance.now()
  const progress = setInterval(() => {
    const s = (performance.now() - started) / 1000
    process.stderr.write(`  ${label} ${s.toFixed(0)} s: ${totals.sent + totals.reconciled} sent, ${totals.rate_limited} held back by the limit, ${totals.retried} retried\n`)
  }, 5000)
  try {
    await Promise.all(
      Array.from({ length: senders }, async () => {
        while (!done(totals)) {
          const report = await sendDue(bench.sql, { clock: systemClock, publishers: sourcePublishers(bench.sql, context) })
          totals.runs++
          totals.sent += report.sent
          totals.reconciled += report.reconciled
          totals.retried += report.retried
          totals.rate_limited += report.rate_limited
          totals.failed += report.failed
          if (report.failed > 0) throw new Error(`${report.failed} outbox items failed: ${JSON.stringify(await lastErrors(bench.sql))}`)
          if (report.claimed === 0) await sleep(idleMs)
        }
      }),
    )
  } finally {
    clearInterval(progress)
  }
  return totals
}

async function lastErrors(sql: Sql) {
  return sql`select last_error, count(*)::int as n from outbox where status = 'failed' group by 1 order by 2 desc limit 3`
}

/** The floor: the same posts straight to the fake, `senders` at a time, nothing written anywhere. */
async function baseline(fake: FakeX, cases: Case[]): Promise<number> {
  const client = new TwitterApi(fake.bearerToken, { httpAgent: new http.Agent({ keepAlive: true }) })
  const prefix = `${fake.url}/2/`
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < cases.length) {
        const { tweetId } = cases[next++]!
        await client.v2.post('tweets', { text: `Baseline reply under ${tweetId}.`, reply: { in_reply_to_tweet_id: tweetId } }, { prefix })
      }
    }),
  )
  return performance.now() - started
}

/** When each post the fake stored arrived, by post id. */
function arrivals(fake: FakeX, from = 0): Map<string, number> {
  const at = new Map<string, number>()
  for (let n = from; n < fake.posts.length; n++) at.set(fake.posts[n]!.id, fake.postedAt[n]!)
  return at
}

/** Presses send on `cases` at `perSecond`, whatever the senders are doing; the delay runs from each press. */
async function timeDelays(bench: Bench, limiters: RateLimiters, cases: Case[], perSecond: number): Promise<number[]> {
  const pressed = new Map<string, number>()
  const replies: Promise<void>[] = []
  let delivered = false
  const sending = runSenders(bench, limiters, (totals) => delivered && totals.sent + totals.reconciled >= cases.length, 'delay')
  const from = bench.fake.posts.length
  const started = performance.now()
  for (let n = 0; n < cases.length; n++) {
    // An open loop: a slow reply does not hold back the next press.
    const wait = started + (n * 1000) / perSecond - performance.now()
    if (wait > 0) await sleep(wait)
    const at = wallMs()
    const { caseId } = cases[n]!
    replies.push(reply(bench, caseId, `We are sorry, a technician is booked (${caseId}).`).then((outboxId) => void pressed.set(outboxId, at)))
  }
  await Promise.all(replies)
  delivered = true
  await sending
  const posted = arrivals(bench.fake, from)
  const rows = await bench.sql<{ id: string; platform_post_id: string }[]>`
    select id::text, platform_post_id from outbox where id = any(${idArray(pressed.keys())}::bigint[])`
  return rows.map((row) => posted.get(row.platform_post_id)! - pressed.get(row.id)!)
}

/** Queues one reply on each case in one statement: part 3 is about the limiter, not about recording. */
async function queueReplies(bench: Bench, cases: Case[]): Promise<void> {
  await bench.sql`
    with e as (
      insert into case_event (case_id, kind, actor_id, body)
      select c.id, 'reply', ${bench.agent.id}, jsonb_build_object('channel', 'public', 'text', 'An update on your line, case ' || c.id, 'delivery', 'queued')
        from care_case c where c.id = any(${idArray(cases.map((c) => c.caseId))}::bigint[])
      returning id, case_id, body
    )
    insert into outbox (case_id, event_id, kind, platform, recipient_identity_id, in_reply_to_external_id, idempotency_key, body, created_by)
    select e.case_id, e.id, 'public_reply', 'x', m.identity_id, m.external_id, 'bench:' || e.id, e.body->>'text', ${bench.agent.id}
      from e join mention m on m.case_id = e.case_id`
}

interface Windows {
  counts: number[]
  /** Posts per window over the windows that had a successor: the limiter's own pace. */
  achieved: number
  /** After a window the limit ran out in: from the reset X advertised (whole seconds) to the next post, on average. */
  resumeMs: number | null
}

/** Splits posts into the fake's fixed windows: each opens with the first request after the last one closed. */
function windowsOf(times: number[]): Windows {
  const windowMs = windowSeconds * 1000
  const sorted = [...times].sort((a, b) => a - b)
  const starts: number[] = []
  const counts: number[] = []
  for (const at of sorted) {
    if (starts.length === 0 || at >= starts.at(-1)! + windowMs) {
      starts.push(at)
      counts.push(0)
    }
    counts[counts.length - 1]!++
  }
  const full = counts.slice(0, -1).reduce((sum, n) => sum + n, 0)
  const spanWindows = (starts.at(-1)! - starts[0]!) / windowMs
  // A window the sender could not fill is followed by no wait at all: only spent ones say how promptly it came back.
  const resumes = starts.slice(1).flatMap((start, n) => (counts[n] === limitPerWindow ? [start - Math.ceil((starts[n]! + windowMs) / 1000) * 1000] : []))
  return {
    counts,
    achieved: spanWindows > 0 ? full / spanWindows : counts[0]!,
    resumeMs: resumes.length ? resumes.reduce((sum, ms) => sum + ms, 0) / resumes.length : null,
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function main() {
  const db = await createServerDatabase(serverUrl, { migrated: true })
  const fake = await startFakeX({ now: wallMs })
  try {
    const { sql } = db
    const { brandId, teamId } = await insertRoutingBrand(sql, 'outbox')
    await sql`
      insert into source (brand_id, platform, kind, settings)
      values (${brandId}, 'x', 'mentions', ${JSON.stringify({ api_base_url: fake.url, user_id: fake.brand.id })}::text::jsonb)`
    const user = await insertAgent(sql, { email: 'anna@outbox.example', name: 'Anna', languages: ['en'], shifts: [], teamId })
    const bench: Bench = { sql, fake, brandId, teamId, agent: { id: user.id, email: 'anna@outbox.example', name: 'Anna', role: 'agent' } }

    // Part 1: no limit worth the name at the fake.
    fake.setRateLimit(1_000_000_000, 900)
    const cases = await makeCases(bench, Math.max(throughputSends, limitedSends))
    await sql`analyze`
    const replied = cases.slice(0, throughputSends)
    process.stderr.write(`${agents} agents replying on ${throughputSends} cases\n`)
    const replyMs = await replyToAll(bench, replied, 'reply')
    const repliesPerSecond = Math.round(throughputSends / (replyMs / 1000))
    process.stderr.write(`recorded: ${repliesPerSecond} replies/s; sending with ${senders} sender runs at once\n`)
    let started = performance.now()
    const drained = await runSenders(bench, new RateLimiters(systemClock), (totals) => totals.sent + totals.reconciled >= throughputSends, 'send')
    const perSecond = Math.round(throughputSends / ((performance.now() - started) / 1000))
    const baselinePerSecond = Math.round(throughputSends / ((await baseline(fake, replied)) / 1000))
    process.stderr.write(`outbox: ${perSecond} sends/s in ${drained.runs} runs; twitter-api-v2 alone: ${baselinePerSecond} posts/s\n`)

    // Part 2.
    const offered = Math.max(1, Math.min(delayRateCap, Math.floor(perSecond / 4)))
    process.stderr.write(`pressing send ${offered} times a second for ${delaySeconds} s\n`)
    const delays = (await timeDelays(bench, new RateLimiters(systemClock), await makeCases(bench, offered * delaySeconds), offered)).sort((a, b) => a - b)
    const delay = { p50: Math.round(percentile(delays, 50)), p95: Math.round(percentile(delays, 95)) }
    process.stderr.write(`delay: p50 ${delay.p50} ms, p95 ${delay.p95} ms over ${delays.length} replies\n`)

    // Part 3: a fresh process knows nothing of the window until X's first answer tells it.
    fake.setRateLimit(limitPerWindow, windowSeconds)
    await queueReplies(bench, cases.slice(0, limitedSends))
    const firstRequest = fake.requests.length
    const firstPost = fake.posts.length
    process.stderr.write(`sending ${limitedSends} replies at ${limitPerWindow} posts per ${windowSeconds} s\n`)
    started = performance.now()
    const limited = await runSenders(bench, new RateLimiters(systemClock), (totals) => totals.sent + totals.reconciled >= limitedSends, 'limit')
    const limitedMs = performance.now() - started
    const requests = fake.requests.slice(firstRequest)
    const refused = requests.filter((request) => request.status === 429)
    const timelineReads = requests.filter((request) => request.method === 'GET' && request.path.endsWith('/tweets')).length
    const windows = windowsOf(fake.postedAt.slice(firstPost))
    const limitRatio = Number((windows.achieved / limitPerWindow).toFixed(2))
    process.stderr.write(
      `limit: ${refused.length} answered 429 (${refused.filter((r) => r.method === 'POST').length} of them posts) in ${(limitedMs / 1000).toFixed(1)} s; ` +
        `${limited.rate_limited} sends held back by the limiter, ${timelineReads} timeline reads to reconcile items held back; ` +
        `posts per window ${windows.counts.join(', ')}, the first post after a spent window ${windows.resumeMs === null ? '-' : Math.round(windows.resumeMs)} ms after the advertised reset\n`,
    )

    const ratio = Number((perSecond / baselinePerSecond).toFixed(2))
    console.log(
      JSON.stringify({
        bench: 'outbox',
        sends: throughputSends,
        agents,
        senders,
        replies_per_s: repliesPerSecond,
        sends_per_s: perSecond,
        baseline: 'twitter-api-v2 straight to the fake',
        baseline_sends_per_s: baselinePerSecond,
        ratio,
        delay_offered_per_s: offered,
        delay_p50_ms: delay.p50,
        delay_p95_ms: delay.p95,
        limited_sends: limitedSends,
        limit_per_window: limitPerWindow,
        window_s: windowSeconds,
        achieved_per_window: Math.round(windows.achieved),
        max_per_window: Math.max(...windows.counts),
        limit_ratio: limitRatio,
        resume_after_reset_ms: windows.resumeMs === null ? null : Math.round(windows.resumeMs),
        limited_s: Number((limitedMs / 1000).toFixed(1)),
        held_back: limited.rate_limited,
        reconcile_reads: timelineReads,
        http_429: refused.length,
        goal: `>= ${goalPerSecond} sends/s; no 429 over ${limitedSends} limited sends; >= 90% of the allowed posts per window`,
        met: perSecond >= goalPerSecond && refused.length === 0 && limitRatio >= 0.9,
      }),
    )
  } finally {
    await fake.close()
    await db.close()
  }
}

await main()
