// The X source inside the Worker runtime: the same driver and listener as on Node, run by a cron
// in wrangler's local workerd against the fake X over HTTPS. Inside workerd the driver cannot be
// handed an http.Agent, so the fake serves TLS with a throwaway certificate that wrangler is told
// to trust through NODE_EXTRA_CA_CERTS (miniflare adds that file to workerd's trusted CAs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeX, type FakeX } from '../fakes/x'
import { createTestDatabase, onePoolOnPglite, type TestDatabase } from '../support/database'
import { insertBrand } from '../support/fixtures'
import { type Running, startWorker } from '../support/process'
import { selfSignedCertificate, type TestCertificate } from '../support/tls'

// Long enough for the first poll, its triage (classify, route, acknowledge) and a later poll, even
// on a busy machine with the embedded database's single connection.
const listenSeconds = 8
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the X source in the Worker runtime', () => {
  let db: TestDatabase
  let certificate: TestCertificate
  let fake: FakeX
  let running: Running
  let sourceId: string

  beforeAll(async () => {
    certificate = await selfSignedCertificate()
    db = await createTestDatabase()
    // Real time on both sides: the Worker polls on its own clock, so the fake's clock must agree.
    fake = await startFakeX({ tls: certificate })
    for (let n = 1; n <= 20; n++) fake.addUser({ id: String(2000 + n), username: `customer${n}`, name: `Customer ${n}`, followers: n * 10 })
    const brandId = await insertBrand(db.sql)
    const [source] = await db.sql<{ id: string }[]>`
      insert into source (brand_id, platform, kind, settings, poll_interval_seconds)
      values (${brandId}, 'x', 'mentions', ${db.sql.json({ api_base_url: fake.url, user_id: fake.brand.id })}, 1)
      returning id`
    sourceId = source!.id
    running = await startWorker(
      { CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: db.url, NODE_EXTRA_CA_CERTS: certificate.certPath },
      {
        X_BEARER_TOKEN: fake.bearerToken,
        LISTEN_SECONDS_PER_CRON: String(listenSeconds),
        // PGlite is one session: the Worker must not spread its statements over several connections.
        ...onePoolOnPglite(db),
      },
    )
  })
  afterAll(async () => {
    await running?.stop()
    await fake?.close()
    await db?.close()
    await certificate?.remove()
  })

  let posted = 0
  function postMentions(count: number): string[] {
    return Array.from({ length: count }, () => {
      posted++
      return fake.post({ text: `@acme still no internet, message ${posted}`, authorId: String(2001 + (posted % 20)) })
    })
  }

  const mentionReads = () => fake.requests.filter((request) => request.path === `/2/users/${fake.brand.id}/mentions`)

  it('polls the mentions over HTTPS on cron, pages through them and stores each once', async () => {
    // More than one page of 100, so the first poll follows pagination_token inside workerd too.
    const before = postMentions(120)
    const response = await fetch(`${running.url}/__scheduled?cron=*+*+*+*+*`)
    expect(response.status).toBe(200)
    const windowStarted = Date.now()

    // Once the first poll has been answered, more arrive: a later poll in the same window must
    // ask from the cursor (since_id) and bring just those. Watching the fake, not the database,
    // keeps the test's queries from overlapping the Worker's.
    while (!mentionReads().some((request) => request.status === 200) && Date.now() - windowStarted < listenSeconds * 1000) {
      await sleep(20)
    }
    const reads = mentionReads()
    expect(reads.length, `no mentions read from the fake; wrangler said:\n${running.output()}`).toBeGreaterThan(0)
    expect(reads[0]!.status, `the first read failed; wrangler said:\n${running.output()}`).toBe(200)
    const later = postMentions(10)

    // Look only after the listening window has closed and its last poll has had time to commit.
    await sleep(Math.max(0, windowStarted + listenSeconds * 1000 + 1500 - Date.now()))

    expect(mentionReads().every((request) => request.status === 200)).toBe(true)
    expect(mentionReads().some((request) => request.query.since_id === before.at(-1))).toBe(true)
    const served = fake.served()
    expect([...before, ...later].filter((id) => !served.has(id))).toEqual([])

    const stored = (await db.sql<{ external_id: string }[]>`select external_id from mention where platform = 'x'`).map((row) => row.external_id)
    expect(new Set(stored).size).toBe(stored.length)
    expect(stored.sort()).toEqual([...served].sort())

    // Each poll's mentions are classified and filed on their authors' cases inside the Worker too.
    const [filed] = await db.sql<{ unfiled: number; cases: number }[]>`
      select count(*) filter (where case_id is null)::int as unfiled, count(distinct case_id)::int as cases
        from mention where platform = 'x'`
    expect(filed, running.output()).toEqual({ unfiled: 0, cases: 20 })

    const [source] = await db.sql<{ cursor: string | null; last_success_at: Date | null; last_error: string | null }[]>`
      select cursor, last_success_at, last_error from source where id = ${sourceId}`
    expect(source!.cursor).toBe(later.at(-1))
    expect(source!.last_success_at).not.toBeNull()
    expect(source!.last_error).toBeNull()
  })
})
