import type { Config } from './config'
import type { Sql } from './db/connect'

export type Runtime = 'node' | 'workerd'

/** What every handler and job gets, whichever runtime started Earshot. */
export interface Services {
  sql: Sql
  config: Config
  runtime: Runtime
}

export interface AppEnv {
  Bindings: Services
}
