// /healthz through the app itself, with the database up, unmigrated and unreachable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../worker/app'
import { parseConfig } from '../../worker/config'
import { connect } from '../../worker/db/connect'
import type { Services } from '../../worker/env'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { latestMigration } from '../support/fixtures'
import { freePort } from '../support/process'

const app = createApp()
const config = parseConfig({})
let migrated: TestDatabase
let empty: TestDatabase
beforeAll(async () => {
  ;[migrated, empty] = await Promise.all([createTestDatabase(), createTestDatabase({ migrated: false })])
})
afterAll(async () => {
  await Promise.all([migrated.close(), empty.close()])
})

const services = (sql: Services['sql']): Services => ({ sql, config, runtime: 'node', secrets: {} })

describe('GET /healthz', () => {
  it('answers ok with the applied migration and the runtime', async () => {
    const response = await app.request('/healthz', {}, services(migrated.sql))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      status: 'ok',
      runtime: 'node',
      database: { reachable: true, migration: await latestMigration() },
    })
  })

  it('answers 503 on a database Earshot has not migrated', async () => {
    const response = await app.request('/healthz', {}, services(empty.sql))
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ status: 'unmigrated', database: { reachable: true, migration: null } })
  })

  it('answers 503 with the reason when the database cannot be reached', async () => {
    const closedPort = await freePort()
    const sql = connect(`postgres://postgres:postgres@127.0.0.1:${closedPort}/none`, { max: 1 })
    try {
      const response = await app.request('/healthz', {}, services(sql))
      expect(response.status).toBe(503)
      const body = (await response.json()) as { status: string; database: { reachable: boolean; error: string } }
      expect(body.status).toBe('unavailable')
      expect(body.database.reachable).toBe(false)
      expect(body.database.error).toMatch(/ECONNREFUSED|connect/)
    } finally {
      await sql.end({ timeout: 1 })
    }
  })
})

describe('unknown routes', () => {
  it('answer 404 with a JSON problem body', async () => {
    const response = await app.request('/no/such/page', {}, services(migrated.sql))
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toEqual({
      type: 'about:blank',
      status: 404,
      title: 'Not Found',
      detail: 'No route for GET /no/such/page',
    })
  })
})
