// What the benches that need a big database seed alike: a brand with its team, agents and a
// marketing user who can log in, customers with one identity each, and summaries of timings.
import { hashPassword } from '../worker/auth/password'
import { readComplaints, readSentiment } from '../worker/classify/csv'
import type { Sql } from '../worker/db/connect'

export const benchPassword = 'bench password 1'
export const marketingEmail = 'marketing@bench.example'
export const agentEmail = 'agent1@bench.example'

export interface BenchBrand {
  brandId: string
  teamId: string
}

/**
 * The brand 'bench' in Tallinn, open 08:00–20:00 on weekdays, its team of 20 agents and a
 * marketing user; all log in with benchPassword.
 */
export async function seedBrand(sql: Sql): Promise<BenchBrand> {
  const [brand] = await sql<{ id: string }[]>`insert into brand (slug, name, time_zone) values ('bench', 'Bench', 'Europe/Tallinn') returning id`
  const brandId = brand!.id
  await sql`insert into business_hours (brand_id, weekday, opens_at, closes_at) select ${brandId}, d, '08:00', '20:00' from generate_series(1, 5) d`
  const [team] = await sql<{ id: string }[]>`insert into team (brand_id, name) values (${brandId}, 'Care') returning id`
  const hash = await hashPassword(benchPassword)
  await sql`
    insert into app_user (email, name, role, password_hash, languages, capacity)
    values (${marketingEmail}, 'Mia Marketing', 'marketing', ${hash}, '{en}', 1)`
  const users = await sql<{ id: string }[]>`
    insert into app_user (email, name, role, password_hash, languages, capacity)
    select 'agent' || n || '@bench.example', 'Agent ' || n, 'agent', ${hash}, '{en,et}', 1000 from generate_series(1, 20) n
    returning id`
  await sql`insert into team_member ${sql(users.map((user) => ({ team_id: team!.id, user_id: user.id })))}`
  return { brandId, teamId: team!.id }
}

/**
 * Customers number `from` to `to` (counting from 1), each with an identity on one of the four
 * platforms in turn. `customersIn` selects identities of those customers as `i`.
 */
export async function seedCustomers(sql: Sql, from: number, to: number): Promise<void> {
  await sql`
    with c as (insert into customer (display_name) select 'Customer ' || n from generate_series(${from}::int, ${to}::int) n returning id)
    insert into identity (customer_id, platform, platform_user_id, handle)
    select id, (array['x','bluesky','mastodon','demo'])[1 + id % 4], 'u' || id, 'user' || id from c`
}

export function customersIn(sql: Sql, from: number, to: number) {
  return sql`i.customer_id between (select min(id) from customer) + ${from - 1} and (select min(id) from customer) + ${to - 1}`
}

/** Runs `seedChunk` over 1..total in chunks, a dot on stderr for each. */
export async function inChunks(total: number, chunk: number, seedChunk: (from: number, to: number) => Promise<void>): Promise<void> {
  for (let from = 1; from <= total; from += chunk) {
    await seedChunk(from, Math.min(total, from + chunk - 1))
    process.stderr.write('.')
  }
  process.stderr.write('\n')
}

/**
 * Real customer posts (the labelled training sets in ../shared/data) as the table bench_text
 * (n from 0, text), so that seeded mentions have the words and phrases of real complaints.
 * Returns how many there are.
 */
export async function seedRealTexts(sql: Sql): Promise<number> {
  const texts = [...readComplaints('train'), ...readSentiment('train')].map((row) => row.text)
  await sql`create unlogged table bench_text (n integer primary key, text text not null)`
  await sql`
    insert into bench_text (n, text)
    select ordinality - 1, value from jsonb_array_elements_text(${JSON.stringify(texts)}::text::jsonb) with ordinality`
  return texts.length
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** p50 and p95 of timings in ms, to two decimals. */
export function summary(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50: Number(percentile(sorted, 50).toFixed(2)), p95: Number(percentile(sorted, 95).toFixed(2)) }
}
