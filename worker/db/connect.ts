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
