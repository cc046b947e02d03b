import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../worker/config'

describe('parseConfig', () => {
  it('has a default for everything but DATABASE_URL', () => {
    expect(parseConfig({})).toEqual({
      PORT: 8787,
      HOST: '127.0.0.1',
      DATABASE_URL: undefined,
      EARSHOT_DATA_DIR: './data',
      DATABASE_POOL_SIZE: 10,
      JOB_INTERVAL_SECONDS: 60,
      SOURCE_TIMEOUT_MS: 10_000,
      LISTEN_SECONDS_PER_CRON: 50,
    })
  })

  it('reads numbers from strings and treats empty variables as unset', () => {
    const config = parseConfig({ PORT: '9000', DATABASE_URL: '', DATABASE_POOL_SIZE: '4', UNRELATED: 'x' })
    expect(config).toMatchObject({ PORT: 9000, DATABASE_URL: undefined, DATABASE_POOL_SIZE: 4 })
  })

  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(parseConfig({ DATABASE_URL: 'postgresql://care@db.internal:5432/earshot' }).DATABASE_URL).toBe(
      'postgresql://care@db.internal:5432/earshot',
    )
    expect(parseConfig({ DATABASE_URL: 'postgres://care@db/earshot' }).DATABASE_URL).toBe('postgres://care@db/earshot')
  })

  it.each([
    ['PORT', '70000', 'PORT must be a whole number from 0 to 65535 (got "70000")'],
    ['PORT', '80.5', 'PORT must be a whole number from 0 to 65535 (got "80.5")'],
    ['JOB_INTERVAL_SECONDS', '1', 'JOB_INTERVAL_SECONDS must be a whole number from 5 to 3600 (got "1")'],
    ['DATABASE_URL', 'http://db', 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
  ])('rejects %s=%s naming the variable', (variable, value, message) => {
    expect(() => parseConfig({ [variable]: value })).toThrow(ConfigError)
    expect(() => parseConfig({ [variable]: value })).toThrow(`Invalid configuration: ${message}`)
  })

  it('never echoes a database URL back, since it may hold a password', () => {
    expect(() => parseConfig({ DATABASE_URL: 'mysql://root:hunter2@db/earshot' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    )
  })
})
