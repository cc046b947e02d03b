// CSV downloads of the dashboard's figures and of the mentions under a filter. Rows are encoded
// batch by batch as the reader asks for them, so an export of any size holds one batch in memory.
export type CsvValue = string | number | boolean | Date | null

// A spreadsheet runs a cell starting with one of these as a formula (tab and carriage return
// too, which some strip first); mention texts and handles come from strangers on the internet.
const formulaStart = /^[=+\-@\t\r]/

/** One field, RFC 4180 quoted when it must be, text that a spreadsheet would run defused with a quote. */
export function csvField(value: CsvValue): string {
  if (value === null) return ''
  // Only text is guarded: a number such as -0.4 is a number, not a formula.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) return value.toISOString()
  const text = formulaStart.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One record with its CRLF line break. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`
}

export type CsvBatches = AsyncIterable<readonly (readonly CsvValue[])[]> | Iterable<readonly (readonly CsvValue[])[]>

/**
 * The header, then each batch as one chunk, pulled only when the reader wants more: a slow
 * download slows the query (through its cursor) instead of piling rows up here.
 */
export function csvStream(header: readonly string[], batches: CsvBatches): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const iterator = Symbol.asyncIterator in batches ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]()
  let headerSent = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true
        controller.enqueue(encoder.encode(csvRow(header)))
        return
      }
      try {
        // Each pull must enqueue or close, or the stream would wait for a pull that never comes.
        for (;;) {
          const next = await iterator.next()
          if (next.done) return controller.close()
          if (next.value.length > 0) return controller.enqueue(encoder.encode(next.value.map(csvRow).join('')))
        }
      } catch (error) {
        // The status line is long gone: a cut-off download is all the reader can be told.
        console.error('CSV export failed:', error)
        controller.error(error)
      }
    },
    // The reader went away: end the query so its connection goes back to the pool.
    async cancel() {
      await iterator.return?.()
    },
  })
}

/** The download: a file name made of safe characters only, as it goes into a header. */
export function csvResponse(filename: string, body: ReadableStream<Uint8Array>): Response {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, '_')
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${safe}"`,
      // Figures of a moment, and mentions of customers: nothing for shared caches.
      'cache-control': 'private, no-store',
    },
  })
}
