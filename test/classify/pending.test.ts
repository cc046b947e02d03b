// Stored mentions get their classification: once, with the customer's history, and again when
// the model changes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { modelVersion } from '../../worker/classify/classify'
import { classifyPending } from '../../worker/classify/pending'
import { storeMentions } from '../../worker/listen/store'
import type { NormalizedMention } from '../../worker/sources/mention'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertBrand } from '../support/fixtures'

let db: TestDatabase
let target: { brandId: string; sourceId: string; platform: 'x' }
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())
beforeEach(async () => {
  await db.sql`truncate brand, customer, identity, mention, source restart identity cascade`
  const brandId = await insertBrand(db.sql)
  await db.sql`insert into brand_handle (brand_id, platform, handle) values (${brandId}, 'x', 'AcmeCare')`
  const [source] = await db.sql<{ id: string }[]>`
    insert into source (brand_id, platform, kind) values (${brandId}, 'x', 'mentions') returning id`
  target = { brandId, sourceId: source!.id, platform: 'x' }
})

let nextId = 1
function mention(text: string, author = { id: '77', handle: 'kati', followers: 120 }, postedAt = new Date('2026-11-20T10:00:00Z')): NormalizedMention {
  const externalId = String(nextId++)
  return {
    platform: 'x',
    externalId,
    author: { platformUserId: author.id, handle: author.handle, displayName: null, followers: author.followers, verified: false, profileUrl: null },
    text,
    languageHint: null,
    postedAt,
    conversationId: null,
    inReplyToId: null,
    url: null,
    engagement: {},
    raw: {},
  }
}

const store = (mentions: NormalizedMention[]) => db.sql.begin((tx) => storeMentions(tx, target, mentions))

describe('classifyPending', () => {
  it('classifies each stored mention once, with language, complaint, urgency and reasons', async () => {
    await store([
      mention('@AcmeCare no internet for 3 days now, nobody answers the phone. I will complain to the regulator.'),
      mention('Нет интернета с понедельника, обещали починить к пятнице', { id: '88', handle: 'ivan', followers: 40 }),
    ])
    expect(await classifyPending(db.sql)).toBe(2)
    expect(await classifyPending(db.sql)).toBe(0)
    const rows = await db.sql`
      select language, kind, complaint, priority, urgency_score, urgency_reasons, model_version, sentiment_label
        from mention order by id`
    expect(rows[0]).toMatchObject({ language: 'en', kind: 'customer', complaint: true, model_version: modelVersion, sentiment_label: 'negative' })
    expect(rows[0]!.priority).toBeLessThanOrEqual(2)
    const signals = (rows[0]!.urgency_reasons as { signal: string }[]).map((reason) => reason.signal)
    expect(signals).toEqual(expect.arrayContaining(['outage', 'regulator', 'support_failure']))
    expect(rows[1]).toMatchObject({ language: 'ru', kind: 'customer' })
  })

  it("counts the customer's earlier mentions as repeat contact", async () => {
    const kati = { id: '77', handle: 'kati', followers: 120 }
    await store([
      mention('@AcmeCare my internet is down', kati, new Date('2026-11-20T08:00:00Z')),
      mention('@AcmeCare still down', kati, new Date('2026-11-20T12:00:00Z')),
      mention('@AcmeCare still nothing, fix it', kati, new Date('2026-11-20T18:00:00Z')),
    ])
    await classifyPending(db.sql)
    const [last] = await db.sql`select urgency_reasons from mention order by posted_at desc limit 1`
    expect((last!.urgency_reasons as { signal: string }[]).map((reason) => reason.signal)).toContain('repeat_contact')
  })

  it("marks the brand's own posts and keeps them out of complaints", async () => {
    await store([mention('We know about the outage in Tartu and are on it', { id: '1', handle: 'AcmeCare', followers: 9000 })])
    await classifyPending(db.sql)
    const [row] = await db.sql`select kind, complaint, priority from mention`
    expect(row).toEqual({ kind: 'own_post', complaint: false, priority: 4 })
  })

  it('re-classifies mentions of an older model version when asked', async () => {
    await store([mention('@AcmeCare billed twice this month')])
    await classifyPending(db.sql)
    await db.sql`update mention set model_version = 'complaint-old'`
    expect(await classifyPending(db.sql)).toBe(0)
    expect(await classifyPending(db.sql, { stale: true })).toBe(1)
    const [row] = await db.sql`select model_version from mention`
    expect(row!.model_version).toBe(modelVersion)
  })
})
