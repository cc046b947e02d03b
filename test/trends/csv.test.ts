// CSV: RFC 4180 quoting, spreadsheet formulas defused, batches encoded only as the reader asks;
// and an export of 100,000 mentions streamed through the app in bounded memory.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { parse } from 'csv-parse/sync'
import { describe, expect, it, vi } from 'vitest'
import { csvField, csvResponse, csvRow, csvStream, type CsvValue } from '../../worker/trends/csv'
import { trendRoutes } from '../../worker/trends/routes'
import { useCareApi } from '../support/care-api'
import { insertIdentity } from '../support/routing'

const text = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text()

describe('fields', () => {
  it('quotes what needs quoting, doubling quotes, and leaves the rest bare', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('cr\rhere')).toBe('"cr\rhere"')
    expect(csvField('')).toBe('')
    expect(csvField(null)).toBe('')
    expect(csvField('ümlaut ✓ кириллица')).toBe('ümlaut ✓ кириллица')
  })

  it('writes numbers, booleans and times as numbers, true/false and ISO instants', () => {
    expect(csvField(-0.25)).toBe('-0.25')
    expect(csvField(12)).toBe('12')
    expect(csvField(Number.NaN)).toBe('')
    expect(csvField(false)).toBe('false')
    expect(csvField(new Date('2024-10-27T01:30:00Z'))).toBe('2024-10-27T01:30:00.000Z')
  })

  it('defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
    expect(csvField('=1+1')).toBe("'=1+1")
    expect(csvField('+31 555 0100')).toBe("'+31 555 0100")
    expect(csvField('-2+3')).toBe("'-2+3")
    expect(csvField('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)")
    expect(csvField('\t=1')).toBe("'\t=1")
    expect(csvField('=HYPERLINK("http://evil.example","click")')).toBe(`"'=HYPERLINK(""http://evil.example"",""click"")"`)
    expect(csvField('a=1')).toBe('a=1')
    expect(csvField(-3)).toBe('-3')
  })

  it('ends every record with CRLF, and reads back as written', () => {
    const rows: CsvValue[][] = [
      ['x', '=cmd|"/c calc"!A1', 'multi\r\nline, "quoted"', -0.5, true, null],
      ['', ' spaced ', '@mention', 0, false, new Date('2024-01-01T00:00:00Z')],
    ]
    const written = rows.map(csvRow).join('')
    expect(written.endsWith('\r\n')).toBe(true)
    expect(parse(written)).toEqual([
      ['x', `'=cmd|"/c calc"!A1`, 'multi\r\nline, "quoted"', '-0.5', 'true', ''],
      ['', ' spaced ', "'@mention", '0', 'false', '2024-01-01T00:00:00.000Z'],
    ])
  })
})

describe('streams', () => {
  it('send the header, then one chunk per batch', async () => {
    const stream = csvStream(['a', 'b'], [[['1', 2]], [], [['3', 4], ['5', 6]]])
    expect(await text(stream)).toBe('a,b\r\n1,2\r\n3,4\r\n5,6\r\n')
    expect(await text(csvStream(['only'], []))).toBe('only\r\n')
  })

  it('ask for the next batch only when the reader wants more, and end the source when the reader leaves', async () => {
    let produced = 0
    let ended = false
    async function* batches() {
      try {
        for (let i = 0; i < 1000; i++) {
          produced++
          yield [[i, `row ${i}`]]
        }
      } finally {
        ended = true
      }
    }
    const reader = csvStream(['n', 'text'], batches()).getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('n,text\r\n')
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('0,row 0\r\n')
    await new Promise((resolve) => setTimeout(resolve, 20))
    // The stream keeps at most one chunk ready beyond what was read.
    expect(produced).toBeLessThanOrEqual(2)
    await reader.cancel()
    expect(ended).toBe(true)
  })

  it('break off when the source fails, rather than end as if complete', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    async function* failing() {
      yield [['fine']]
      throw new Error('connection lost')
    }
    const reader = csvStream(['a'], failing()).getReader()
    await reader.read()
    await reader.read()
    await expect(reader.read()).rejects.toThrow('connection lost')
    expect(logged).toHaveBeenCalledWith('CSV export failed:', expect.any(Error))
    logged.mockRestore()
  })

  it('are downloads of CSV in UTF-8 under a safe file name', () => {
    const response = csvResponse('nord link/series "2024".csv', csvStream(['a'], []))
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="nord_link_series__2024_.csv"')
  })
})

describe('CSV export of 100,000 rows', () => {
  const care = useCareApi(trendRoutes, 'bulk')
  const rows = 100_000
  // Live memory, after a full collection, so garbage waiting for the collector does not count.
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void

  it('streams in bounded memory', { timeout: 300_000 }, async () => {
    const { sql } = care.db
    // Searching words plays no part in an export, and indexing every word of 100,000 texts is
    // most of this insert's time on PGlite: this throwaway database does without.
    await sql`drop index mention_search`
    const { identityId } = await insertIdentity(sql, 'bulk-customer')
    await sql`
      insert into mention (platform, external_id, brand_id, identity_id, text, posted_at, raw, language, kind, sentiment, sentiment_label,
                           complaint_probability, complaint, priority, urgency_score, urgency_reasons, model_version, classified_at)
      select 'x', 'bulk-' || g, ${care.brand.brandId}, ${identityId},
             '=HYPERLINK("http://evil.example/' || g || '") ' || repeat('The router keeps dropping, "again", since Monday. ', 9),
             timestamptz '2024-09-01T00:00Z' + g * interval '10 seconds', '{}', 'en', 'customer', -0.5, 'negative', 0.9, true, 3, 20,
             '[{"signal":"outage","points":30,"reason":"down 2 days"}]', 'test', timestamptz '2024-09-01T00:00Z' + g * interval '10 seconds'
        from generate_series(1, ${rows}) g`
    const marketer = await care.marketer('bulk@marketing.example')

    // On PGlite the database runs in this process and its WebAssembly memory is an ArrayBuffer
    // that grows with the query's sort: only the JavaScript heap is Earshot's there.
    const live = () => {
      gc()
      const usage = process.memoryUsage()
      return usage.heapUsed + (care.db.kind === 'postgres' ? usage.arrayBuffers : 0)
    }
    const baseline = live()
    const response = await care.api.call('GET', '/api/trends/mentions.csv?from=2024-09-01T00:00:00Z&to=2024-10-01T00:00:00Z', undefined, marketer.cookie)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="bulk-mentions-2024-09-01_2024-10-01.csv"')

    const reader = response.body!.getReader()
    let chunks = 0
    let bytes = 0
    let lines = 0
    let peak = 0
    let head = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks++
      bytes += value.byteLength
      for (const byte of value) if (byte === 10) lines++
      if (chunks <= 2) head += new TextDecoder().decode(value)
      // A sample every ten chunks: a file built whole would be in memory at each of them.
      if (chunks % 10 === 1) peak = Math.max(peak, live() - baseline)
    }

    expect(lines - 1).toBe(rows)
    // One chunk for the header and one per 1,000 rows from the cursor.
    expect(chunks).toBe(1 + rows / 1000)
    // The file is over twice the bound: had it been built whole, it would have been in memory
    // at one of the samples.
    const bound = 24 * 2 ** 20
    expect(bytes).toBeGreaterThan(2 * bound)
    expect(peak).toBeLessThan(bound)

    // No text here spans lines, so the first two lines are the first two records.
    const [header, newest] = parse(head.split('\r\n').slice(0, 2).join('\r\n')) as string[][]
    expect(header).toEqual(['posted_at', 'mention_id', 'case_id', 'platform', 'author_handle', 'language', 'sentiment', 'complaint', 'category', 'signals', 'url', 'text'])
    expect(newest!.slice(0, 10)).toEqual([
      new Date(Date.parse('2024-09-01T00:00Z') + rows * 10_000).toISOString(), expect.stringMatching(/^\d+$/), '', 'x', 'bulk-customer', 'en', '-0.5', 'true', 'outage', 'outage',
    ])
    expect(newest![11]).toMatch(/^'=HYPERLINK\("http:\/\/evil\.example\/100000"\) The router keeps dropping, "again", since Monday\./)
  })

  it('ends the query when the reader leaves halfway, and the connection serves on', { timeout: 120_000 }, async () => {
    const marketer = await care.marketer('leaver@marketing.example')
    const response = await care.api.call('GET', '/api/trends/mentions.csv?from=2024-09-01T00:00:00Z&to=2024-10-01T00:00:00Z', undefined, marketer.cookie)
    const reader = response.body!.getReader()
    for (let i = 0; i < 3; i++) expect((await reader.read()).done).toBe(false)
    await reader.cancel()
    // On PGlite the pool is one connection: a cursor left open would hold it, and this would hang.
    const [row] = await care.db.sql<{ mentions: number }[]>`select count(*)::int as mentions from mention`
    expect(row!.mentions).toBe(rows)
  })
})
