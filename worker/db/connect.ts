import postgres from 'postgres'

export type Sql = postgres.Sql

export interface ConnectOptions {
  /** Pool size. */
  max: number
  /** Hyperdrive does its own type caching; asking for array types there costs a round trip per connection. */
  fetchTypes?: boolean
}

export function connect(url: string, { max, fetchTypes = true }: ConnectOptions): Sql {
  return postgres(url, {
    max,
    fetch_types: fetchTypes,
    connect_timeout: 10,
    idle_timeout: 60,
    // Notices (e.g. "relation already exists, skipping") are not errors; keep the log for what is.
    onnotice: () => {},
  })
}

/** A transaction's handle: what `sql.begin` passes to its callback. */
export type Tx = postgres.TransactionSql

/**
 * Ids as one array parameter: `= any(${idArray(ids)}::bigint[])`. postgres.js needs the server's
 * array types to send a JS array, and Hyperdrive connections do not load them (fetchTypes: false),
 * so the ids go as PostgreSQL's array text instead.
 */
export function idArray(ids: Iterable<string>): string {
  const list = [...ids]
  for (const id of list) if (!/^\d{1,19}$/.test(id)) throw new TypeError(`not an id: ${JSON.stringify(id)}`)
  return `{${list.join(',')}}`
}
