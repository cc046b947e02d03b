// `npm run bench:ingest`: 100,000 mentions stored the way a poll stores them (authors upserted,
// duplicates ignored, one transaction per poll of 1,000), against COPY of the same rows into the
// same table in the same run: COPY is the fastest way into PostgreSQL, so it is the ceiling.
// Runs on the PostgreSQL at BENCH_DATABASE_URL (default: the local test server), in a scratch
// database of its own.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { storeMentions } from '../worker/listen/store'
import type { NormalizedMention } from '../worker/sources/mention'
import { createServerDatabase } from '../test/support/database'

const total = Number(process.env.BENCH_MENTIONS ?? 100_000)
const perPoll = 1000
const authors = 20_000
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

function mentions(): NormalizedMention[] {
  const base = Date.parse('2026-11-01T00:00:00Z')
  return Array.from({ length: total }, (_, n) => {
    const author = String(100_000 + (n * 7919) % authors)
    return {
      platform: 'x',
      externalId: String(1_850_000_000_000_000_000n + BigInt(n)),
      author: { platformUserId: author, handle: `user${author}`, displayName: `User ${author}`, followers: n % 5000, verified: false, profileUrl: null },
      text: `@NordlinkCare internet down in Tartu since Monday, this is message ${n}. Fix it or I switch.`,
      languageHint: 'en',
      postedAt: new Date(base + n * 1000),
      conversationId: String(n),
      inReplyToId: null,
      url: `https://x.com/user${author}/status/${n}`,
      engagement: { likes: n % 7, reposts: n % 3 },
      raw: { id: String(n), text: 'raw payload as received', author_id: author, public_metrics: { like_count: n % 7 } },
    }
  })
}

async function main() {
  const db = await createServerDatabase(serverUrl, { migrated: true })
  const { sql } = db
  try {
    const [brand] = await sql<{ id: string }[]>`insert into brand (slug, name, time_zone) values ('bench', 'Bench', 'UTC') returning id`
    const [source] = await sql<{ id: string }[]>`
      insert into source (brand_id, platform, kind, settings) values (${brand!.id}, 'x', 'mentions', '{"user_id":"1"}') returning id`
    const target = { brandId: brand!.id, sourceId: source!.id, platform: 'x' as const }
    const rows = mentions()

    process.stderr.write(`storing ${total} mentions in polls of ${perPoll}`)
    let started = performance.now()
    for (let start = 0; start < rows.length; start += perPoll) {
      await sql.begin((tx) => storeMentions(tx, target, rows.slice(start, start + perPoll)))
      if ((start / perPoll) % 10 === 0) process.stderr.write('.')
    }
    const earshotMs = performance.now() - started
    process.stderr.write('\n')
    const [stored] = await sql<{ n: number }[]>`select count(*)::int as n from mention`
    if (stored!.n !== total) throw new Error(`stored ${stored!.n} of ${total}`)

    // The same rows again, by COPY, into the same table with the same indexes; the authors exist by now.
    const identities = new Map(
      (await sql<{ id: string; platform_user_id: string }[]>`select id, platform_user_id from identity`).map((row) => [row.platform_user_id, row.id]),
    )
    await sql`truncate mention cascade`
    process.stderr.write(`copying the same ${total} rows\n`)
    started = performance.now()
    const copy = await sql`
      copy mention (platform, external_id, brand_id, source_id, identity_id, text, url, posted_at, conversation_id,
                    in_reply_to_id, language_hint, engagement, raw) from stdin`.writable()
    await pipeline(Readable.from(copyLines(rows, identities, target.brandId, target.sourceId)), copy)
    const copyMs = performance.now() - started
    const [copied] = await sql<{ n: number }[]>`select count(*)::int as n from mention`
    if (copied!.n !== total) throw new Error(`copied ${copied!.n} of ${total}`)

    const rowsPerS = Math.round(total / (earshotMs / 1000))
    const copyRowsPerS = Math.round(total / (copyMs / 1000))
    const ratio = Number((rowsPerS / copyRowsPerS).toFixed(2))
    console.log(`earshot: ${rowsPerS} rows/s (${(earshotMs / 1000).toFixed(2)} s); COPY: ${copyRowsPerS} rows/s (${(copyMs / 1000).toFixed(2)} s)`)
    console.log(
      JSON.stringify({ bench: 'ingest', mentions: total, rows_per_s: rowsPerS, baseline: 'COPY', baseline_rows_per_s: copyRowsPerS, ratio, goal: '>= 0.5', met: ratio >= 0.5 }),
    )
  } finally {
    await db.close()
  }
}

function* copyLines(rows: NormalizedMention[], identities: Map<string, string>, brandId: string, sourceId: string) {
  // Large chunks, so that COPY is held back by nothing on our side.
  let chunk = ''
  for (const row of rows) {
    const fields = [
      row.platform,
      row.externalId,
      brandId,
      sourceId,
      identities.get(row.author.platformUserId)!,
      row.text,
      row.url,
      row.postedAt.toISOString(),
      row.conversationId,
      row.inReplyToId,
      row.languageHint,
      JSON.stringify(row.engagement),
      JSON.stringify(row.raw),
    ]
    chunk += fields.map(copyField).join('\t') + '\n'
    if (chunk.length > 1 << 20) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/** COPY's text format: \N for null, backslash escapes for the characters it gives meaning to. */
function copyField(value: string | null): string {
  if (value === null) return '\\N'
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
