import { z } from 'zod'

// An empty variable (`DATABASE_URL=`) means "not set", as shells and .env files mean it.
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value)

function wholeNumber(min: number, max: number, fallback: number) {
  const rule = `must be a whole number from ${min} to ${max}`
  return z.preprocess(
    unsetIfEmpty,
    z.coerce.number({ error: rule }).int({ error: rule }).min(min, { error: rule }).max(max, { error: rule }).default(fallback),
  )
}

const postgresUrl = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .refine((value) => /^postgres(ql)?:\/\/\S+$/.test(value) && URL.canParse(value), {
      error: 'must be a postgres:// or postgresql:// URL',
    })
    .optional(),
)

const text = (fallback: string) => z.preprocess(unsetIfEmpty, z.string().default(fallback))

export const configSchema = z.object({
  PORT: wholeNumber(0, 65535, 8787),
  HOST: text('127.0.0.1'),
  DATABASE_URL: postgresUrl,
  EARSHOT_DATA_DIR: text('./data'),
  DATABASE_POOL_SIZE: wholeNumber(1, 100, 10),
  JOB_INTERVAL_SECONDS: wholeNumber(5, 3600, 60),
  SOURCE_TIMEOUT_MS: wholeNumber(100, 120_000, 10_000),
  LISTEN_SECONDS_PER_CRON: wholeNumber(0, 840, 50),
  /** The address customers reach Earshot at (satisfaction links); by default the address a request came to. */
  PUBLIC_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((url) => url.replace(/\/+$/, '')).optional()),
})

export type Config = z.infer<typeof configSchema>

// Values never echoed back in an error, since they may carry a password.
const secretVariables = new Set(['DATABASE_URL'])

export class ConfigError extends Error {
  constructor(readonly variable: string, rule: string, received: unknown) {
    const shown = received === undefined || secretVariables.has(variable) ? '' : ` (got ${JSON.stringify(received)})`
    super(`Invalid configuration: ${variable} ${rule}${shown}`)
    this.name = 'ConfigError'
  }
}

/** Reads the settings from environment variables; the first bad one throws a ConfigError naming it. */
export function parseConfig(env: Record<string, unknown>): Config {
  const result = configSchema.safeParse(env)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const variable = String(issue?.path[0] ?? 'configuration')
  throw new ConfigError(variable, issue?.message ?? 'is invalid', env[variable])
}
