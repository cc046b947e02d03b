// What the outbox tests read and do the same way on every platform: a brand with a mentions
// source on a fake platform and an agent to reply, the sender's options, record a reply as the
// API does, read an item and the deliveries on a case's timeline, and leave only one test's items due.
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { SessionUser } from '../../worker/auth/session'
import { recordReply, type RecordedReply } from '../../worker/cases/reply'
import { sendDue, sourcePublishers, type SendReport, type SenderOptions } from '../../worker/outbox/sender'
import { RateLimiters } from '../../worker/sources/limiter'
import type { Platform } from '../../worker/sources/mention'
import { FakeClock } from './clock'
import { createTestDatabase, type TestDatabase } from './database'
import { insertAgent, insertRoutingBrand, type RoutingBrand } from './routing'

export interface OutboxRow {
  status: string
  attempts: number
  next_attempt_at: Date
  platform_post_id: string | null
  platform_url: string | null
  last_error: string | null
  idempotency_key: string
  created_at: Date
}

export interface OutboxTestSpec<Fake> {
  /** The brand's slug; its agent is anna@<slug>.example. */
  slug: string
  /** The platform of the brand's mentions source. */
  platform: Platform
  /** The fake platform, on the test's clock. */
  start(clock: FakeClock): Promise<Fake>
  /** The source's settings, pointing it at the fake. */
  settings(fake: Fake): Record<string, unknown>
  /** What the publishers find in the environment. */
  secrets(fake: Fake): Record<string, string>
  /**
   * How far past the database's now() each test's clock starts: rows take now() and the fake
   * clock only moves forward. Past the fake's rate window, where that is how its budget renews.
   */
  startAfterMs: number
  /** The rest of a fresh start at the fake, once the clock is set. */
  beforeEach?(fake: Fake): void
}

/** The customer's post that a case answers, as its source stores it. */
export interface MentionSpec {
  platform: Platform
  externalId: string
  platformUserId: string
  handle: string
}

export interface OutboxTest<Fake> {
  readonly db: TestDatabase
  readonly fake: Fake
  readonly clock: FakeClock
  /** New for each test. */
  readonly limiters: RateLimiters
  readonly brand: RoutingBrand
  /** Anna, who owns the cases and replies. */
  readonly agent: SessionUser
  /** The sender's options: publishers from the brand's sources, backoff without jitter. */
  options(overrides?: Partial<SenderOptions>): SenderOptions
  send(overrides?: Partial<SenderOptions>): Promise<SendReport>
  /** A reply by the agent, recorded as the API does. */
  reply(caseId: string, text: string, channel?: 'public' | 'private'): Promise<RecordedReply>
  outbox(id: string): Promise<OutboxRow>
  /** The deliveries on a case's timeline, oldest first. */
  deliveries(caseId: string): Promise<{ kind: string; body: Record<string, unknown> }[]>
  /** Earlier tests' items are settled, but be sure only this test's are due. */
  settleOthers(): Promise<void>
  /** An open case of a new customer, owned by the agent, whose latest post is `mention`. */
  insertCase(mention: MentionSpec): Promise<{ caseId: string; identityId: string }>
}

/**
 * The brand, its source on the fake and its agent, set up in a beforeAll; before each test the
 * clock moves on, the limiters are new and only that test's items are due.
 */
export function useOutboxTest<Fake extends { close(): Promise<void> }>(spec: OutboxTestSpec<Fake>): OutboxTest<Fake> {
  const test = {} as { -readonly [K in keyof OutboxTest<Fake>]: OutboxTest<Fake>[K] }
  let customers = 0
  beforeAll(async () => {
    test.db = await createTestDatabase()
    test.clock = new FakeClock(Date.now())
    test.fake = await spec.start(test.clock)
    test.brand = await insertRoutingBrand(test.db.sql, spec.slug)
    await test.db.sql`
      insert into source (brand_id, platform, kind, settings)
      values (${test.brand.brandId}, ${spec.platform}, 'mentions', ${JSON.stringify(spec.settings(test.fake))}::text::jsonb)`
    const email = `anna@${spec.slug}.example`
    const user = await insertAgent(test.db.sql, { email, name: 'Anna', languages: ['en'], shifts: [], teamId: test.brand.teamId })
    test.agent = { id: user.id, email, name: 'Anna', role: 'agent' }
  })
  afterAll(async () => {
    await test.fake?.close()
    await test.db?.close()
  })
  beforeEach(async () => {
    test.limiters = new RateLimiters(test.clock)
    test.clock.set(new Date(Math.max(test.clock.epochMs(), Date.now()) + spec.startAfterMs))
    spec.beforeEach?.(test.fake)
    await test.settleOthers()
  })
  return Object.assign(test, {
    options(overrides: Partial<SenderOptions> = {}): SenderOptions {
      const context = { secrets: spec.secrets(test.fake), limiters: test.limiters, clock: test.clock, requestTimeoutMs: 2000 }
      return { clock: test.clock, publishers: sourcePublishers(test.db.sql, context), random: () => 0.5, ...overrides }
    },
    send: (overrides: Partial<SenderOptions> = {}) => sendDue(test.db.sql, test.options(overrides)),
    async reply(caseId: string, text: string, channel: 'public' | 'private' = 'public') {
      const result = await recordReply(test.db.sql, { caseId, actor: test.agent, channel, body: text })
      if (!result.ok) throw new Error(result.detail)
      return result.value
    },
    async outbox(id: string) {
      const [row] = await test.db.sql<OutboxRow[]>`
        select status, attempts, next_attempt_at, platform_post_id, platform_url, last_error, idempotency_key, created_at
          from outbox where id = ${id}`
      return row!
    },
    deliveries: (caseId: string) =>
      test.db.sql<{ kind: string; body: Record<string, unknown> }[]>`
        select kind, body from case_event where case_id = ${caseId} and body ? 'delivery_of' order by id`,
    async settleOthers() {
      await test.db.sql`update outbox set status = 'failed', last_error = 'settled by the test' where status in ('queued', 'sending')`
    },
    async insertCase({ platform, externalId, platformUserId, handle }: MentionSpec) {
      const sql = test.db.sql
      const [customer] = await sql<{ id: string }[]>`insert into customer (display_name) values (${`customer ${++customers}`}) returning id`
      // A customer writing again is a new customer here: the account moves to them.
      const [identity] = await sql<{ id: string }[]>`
        insert into identity (customer_id, platform, platform_user_id, handle)
        values (${customer!.id}, ${platform}, ${platformUserId}, ${handle})
        on conflict (platform, platform_user_id) do update set customer_id = excluded.customer_id returning id`
      const [care] = await sql<{ id: string }[]>`
        insert into care_case (brand_id, customer_id, status, priority, team_id, owner_id)
        values (${test.brand.brandId}, ${customer!.id}, 'open', 3, ${test.brand.teamId}, ${test.agent.id}) returning id`
      await sql`
        insert into mention (platform, external_id, brand_id, identity_id, case_id, text, posted_at, raw)
        values (${platform}, ${externalId}, ${test.brand.brandId}, ${identity!.id}, ${care!.id}, 'my line is dead', now(), '{}')`
      return { caseId: care!.id, identityId: identity!.id }
    },
  })
}
