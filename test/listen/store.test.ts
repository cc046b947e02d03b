// Storing mentions: once per platform and external id, authors become customers once,
// rejected items are kept with their reason.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { storeMentions, storeRejected, type StoreTarget } from '../../worker/listen/store'
import type { NormalizedMention } from '../../worker/sources/mention'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertBrand } from '../support/fixtures'

let db: TestDatabase
let target: StoreTarget
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.close())
beforeEach(async () => {
  await db.sql`truncate brand, customer, identity, mention, source, rejected_item restart identity cascade`
  const brandId = await insertBrand(db.sql)
  const [source] = await db.sql<{ id: string }[]>`
    insert into source (brand_id, platform, kind) values (${brandId}, 'x', 'mentions') returning id`
  target = { brandId, sourceId: source!.id, platform: 'x' }
})

function mention(externalId: string, authorId = '77', overrides: Partial<NormalizedMention> = {}): NormalizedMention {
  return {
    platform: 'x',
    externalId,
    author: { platformUserId: authorId, handle: `user${authorId}`, displayName: 'Kati Kask', followers: 120, verified: false, profileUrl: null },
    text: `No internet since Monday (${externalId})`,
    languageHint: 'en',
    postedAt: new Date('2026-11-20T10:00:00Z'),
    conversationId: externalId,
    inReplyToId: null,
    url: `https://x.com/user${authorId}/status/${externalId}`,
    engagement: { likes: 2, reposts: 1 },
    raw: { id: externalId },
    ...overrides,
  }
}

const store = (mentions: NormalizedMention[]) => db.sql.begin((tx) => storeMentions(tx, target, mentions))

describe('storeMentions', () => {
  it('stores new mentions and treats a repeat as a no-op', async () => {
    expect(await store([mention('1'), mention('2')])).toEqual({ stored: 2, duplicates: 0 })
    expect(await store([mention('2'), mention('3')])).toEqual({ stored: 1, duplicates: 1 })
    const rows = await db.sql`select external_id, text, language_hint, engagement from mention order by external_id`
    expect(rows.map((row) => row.external_id)).toEqual(['1', '2', '3'])
    expect(rows[0]).toMatchObject({ text: 'No internet since Monday (1)', language_hint: 'en', engagement: { likes: 2, reposts: 1 } })
  })

  it('takes the same post twice within one batch once', async () => {
    expect(await store([mention('5'), mention('5')])).toEqual({ stored: 1, duplicates: 1 })
  })

  it('makes one customer per author and keeps the handle and reach current', async () => {
    await store([mention('1', '77'), mention('2', '88')])
    const renamed = mention('3', '77')
    renamed.author = { ...renamed.author, handle: 'kati_new', followers: 5000 }
    await store([renamed])
    const identities = await db.sql`select platform_user_id, handle, followers, customer_id from identity order by platform_user_id`
    expect(identities).toHaveLength(2)
    expect(identities[0]).toMatchObject({ platform_user_id: '77', handle: 'kati_new', followers: 5000 })
    const [customers] = await db.sql<{ customers: number }[]>`select count(*)::int as customers from customer`
    expect(customers!.customers).toBe(2)
    const [authors] = await db.sql<{ authors: number }[]>`select count(distinct identity_id)::int as authors from mention`
    expect(authors!.authors).toBe(2)
  })

  it('keeps a raw payload holding a NUL character, which jsonb refuses', async () => {
    await store([mention('9', '77', { raw: { id: '9', bio: 'a\u0000b' } })])
    const [row] = await db.sql`select raw->>'bio' as bio from mention`
    expect(row!.bio).toBe('a\uFFFDb')
  })

  it('writes nothing when the transaction rolls back', async () => {
    await expect(
      db.sql.begin(async (tx) => {
        await storeMentions(tx, target, [mention('1')])
        throw new Error('crash before commit')
      }),
    ).rejects.toThrow('crash before commit')
    const [count] = await db.sql<{ count: number }[]>`select count(*)::int as count from mention`
    expect(count!.count).toBe(0)
  })
})

describe('storeRejected', () => {
  it('records each bad item once with its reason', async () => {
    const bad = [
      { externalId: '10', reason: 'text: is empty', raw: { id: '10', text: '' } },
      { externalId: null, reason: 'id: is not a numeric id', raw: { id: 'x\u0000' } },
    ]
    expect(await db.sql.begin((tx) => storeRejected(tx, target, bad))).toBe(2)
    expect(await db.sql.begin((tx) => storeRejected(tx, target, bad))).toBe(0)
    const rows = await db.sql`select external_id, reason, raw from rejected_item order by id`
    expect(rows.map((row) => row.reason)).toEqual(['text: is empty', 'id: is not a numeric id'])
    expect(JSON.parse(rows[1]!.raw as string)).toEqual({ id: 'x\uFFFD' })
  })
})
