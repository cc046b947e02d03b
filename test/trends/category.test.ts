// A mention's and a case's category: one rule, in TypeScript and in SQL, giving the same answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../../worker/random'
import { caseCategorySql, categoryOf, mentionCategorySql, topicalSignals, type ReasonLike } from '../../worker/trends/category'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertClassified, insertIdentity, insertRoutingBrand } from '../support/routing'

const reason = (signal: string, points: unknown) => ({ signal, points, reason: signal })

describe('categoryOf', () => {
  it('is general without a topical signal', () => {
    expect(categoryOf([])).toBe('general')
    expect(categoryOf([reason('reach', 20), reason('negative_sentiment', 10), reason('repeat_contact', 15)])).toBe('general')
  })

  it('is the topical signal with the most points, summed over all the reasons given', () => {
    expect(categoryOf([reason('reach', 50), reason('money', 10), reason('outage', 20)])).toBe('outage')
    expect(categoryOf([reason('money', 10), reason('outage', 20), reason('money', 15)])).toBe('money')
  })

  it('breaks a tie by the name that sorts first', () => {
    expect(categoryOf([reason('outage', 10), reason('churn', 10), reason('money', 10)])).toBe('churn')
  })

  it('counts a reason without usable points as naming its topic with none', () => {
    expect(categoryOf([reason('regulator', 'many')])).toBe('regulator')
    expect(categoryOf([reason('regulator', null), reason('churn', 1)])).toBe('churn')
    expect(categoryOf([{ signal: 42, points: 10 }, reason('money', Number.NaN)])).toBe('money')
  })
})

describe('the SQL form', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase()
  })
  afterAll(() => db.close())

  const signals = [...topicalSignals, 'reach', 'repeat_contact', 'negative_sentiment']

  function randomReasons(random: () => number): ReasonLike[] {
    const count = Math.floor(random() * 5)
    return Array.from({ length: count }, () => {
      const signal = signals[Math.floor(random() * signals.length)]!
      const roll = random()
      // Mostly whole points as the classifier gives; some halves (exact in binary) and junk.
      const points = roll < 0.8 ? Math.floor(random() * 4) * 5 : roll < 0.9 ? Math.floor(random() * 8) / 2 : '7'
      return { signal, points, reason: signal }
    })
  }

  it('agrees with categoryOf for mentions and for cases, merged cases counting for their survivor', async () => {
    const random = seededRandom(20261125)
    const brand = await insertRoutingBrand(db.sql, 'category-agreement')
    const cases: { id: string; mergedInto: string | null; reasons: ReasonLike[] }[] = []
    const mentions: { id: string; reasons: ReasonLike[] }[] = []
    for (let c = 0; c < 30; c++) {
      const { customerId, identityId } = await insertIdentity(db.sql, `category-${c}`)
      const [kase] = await db.sql<{ id: string }[]>`
        insert into care_case (brand_id, customer_id, status) values (${brand.brandId}, ${customerId}, 'open') returning id`
      const reasons: ReasonLike[] = []
      const perCase = Math.floor(random() * 4)
      for (let m = 0; m < perCase; m++) {
        const mentionReasons = randomReasons(random)
        const id = await insertClassified(db.sql, {
          brandId: brand.brandId,
          identityId,
          externalId: `category-${c}-${m}`,
          receivedAt: new Date(Date.UTC(2026, 10, 25, 10, c, m)),
        })
        await db.sql`
          update mention set case_id = ${kase!.id}, urgency_reasons = ${JSON.stringify(mentionReasons)}::text::jsonb where id = ${id}`
        mentions.push({ id, reasons: mentionReasons })
        reasons.push(...mentionReasons)
      }
      cases.push({ id: kase!.id, mergedInto: null, reasons })
    }
    // Every third case merged into the one before it.
    for (let c = 2; c < cases.length; c += 3) {
      const merged = cases[c]!
      merged.mergedInto = cases[c - 1]!.id
      await db.sql`
        update care_case set status = 'closed', resolved_at = now(), closed_at = now(), merged_into_id = ${merged.mergedInto}
         where id = ${merged.id}`
    }

    const mentionRows = await db.sql<{ id: string; category: string }[]>`
      select m.id, ${mentionCategorySql(db.sql, 'm')} as category from mention m where m.brand_id = ${brand.brandId}`
    expect(mentionRows).toHaveLength(mentions.length)
    const byMention = new Map(mentionRows.map((row) => [row.id, row.category]))
    for (const mention of mentions) expect(byMention.get(mention.id), JSON.stringify(mention.reasons)).toBe(categoryOf(mention.reasons))

    const caseRows = await db.sql<{ id: string; category: string }[]>`
      select c.id, ${caseCategorySql(db.sql, db.sql`c.id`)} as category from care_case c where c.brand_id = ${brand.brandId}`
    const byCase = new Map(caseRows.map((row) => [row.id, row.category]))
    for (const kase of cases) {
      const mergedIn = cases.filter((other) => other.mergedInto === kase.id).flatMap((other) => other.reasons)
      expect(byCase.get(kase.id)).toBe(categoryOf([...kase.reasons, ...mergedIn]))
    }
    // The sample reaches every branch of the rule.
    expect(new Set(mentions.map((mention) => categoryOf(mention.reasons))).size).toBeGreaterThanOrEqual(5)
  })
})
