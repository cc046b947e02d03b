import type { Config } from './config'
import type { Sql } from './db/connect'

export type Runtime = 'node' | 'workerd'

/** What every handler and job gets, whichever runtime started Earshot. */
export interface Services {
  sql: Sql
  config: Config
  runtime: Runtime
  /** Where sources find their credentials: process.env on Node, the Worker's secrets on Workers. */
  secrets: Readonly<Record<string, string | undefined>>
}

export interface AppEnv {
  Bindings: Services
}
