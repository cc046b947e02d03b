import type { Sql } from '../db/connect'
import { classify, modelVersion } from './classify'

interface PendingMention {
  id: string
  text: string
  language_hint: string | null
  engagement: { reposts?: number; replies?: number; likes?: number; quotes?: number }
  posted_at: Date
  followers: number | null
  author_handle: string
  brand_handles: string[] | null
  earlier_mentions: number
  open_case_age_hours: number | null
  broken_promises: number
}

export interface ClassifyRunOptions {
  /** Mentions per transaction. */
  batchSize?: number
  /** Also re-classify mentions classified by another model version. */
  stale?: boolean
}

/**
 * Classifies stored mentions that have no classification yet (or, with `stale`, one from an
 * older model), a batch per transaction. Rows are claimed with `skip locked`, so several
 * processes can run this at once without doing the same work twice. Returns how many it did.
 */
export async function classifyPending(sql: Sql, { batchSize = 500, stale = false }: ClassifyRunOptions = {}): Promise<number> {
  return sql.begin(async (tx) => {
    const pending = await tx<PendingMention[]>`
      select m.id, m.text, m.language_hint, m.engagement, m.posted_at, i.followers, i.handle as author_handle,
             (select array_agg(bh.handle) from brand_handle bh
               where bh.brand_id = m.brand_id and bh.platform = m.platform) as brand_handles,
             (select count(*)::int from mention earlier join identity ei on ei.id = earlier.identity_id
               where ei.customer_id = i.customer_id and earlier.brand_id = m.brand_id
                 and earlier.posted_at < m.posted_at) as earlier_mentions,
             (select extract(epoch from m.posted_at - c.opened_at)::float8 / 3600 from care_case c
               where c.customer_id = i.customer_id and c.brand_id = m.brand_id
                 and c.status not in ('resolved', 'closed')
               limit 1) as open_case_age_hours,
             (select count(*)::int from promise p join care_case c on c.id = p.case_id
               where c.customer_id = i.customer_id and c.brand_id = m.brand_id and p.status = 'broken') as broken_promises
        from mention m
        join identity i on i.id = m.identity_id
       where ${stale ? tx`m.model_version is distinct from ${modelVersion}` : tx`m.classified_at is null`}
       order by m.id
       limit ${batchSize}
       for update of m skip locked`
    if (pending.length === 0) return 0
    const rows = pending.map((mention) => {
      const result = classify(mention.text, {
        languageHint: mention.language_hint,
        followers: mention.followers,
        engagement: mention.engagement,
        authorHandle: mention.author_handle,
        brandHandles: mention.brand_handles ?? [],
        postedAt: mention.posted_at,
        history: {
          earlierMentions: mention.earlier_mentions,
          openCaseAgeHours: mention.open_case_age_hours,
          brokenPromises: mention.broken_promises,
        },
      })
      return {
        id: mention.id,
        language: result.language === 'other' ? null : result.language,
        kind: result.kind,
        sentiment: result.sentiment,
        sentiment_label: result.sentimentLabel,
        complaint: result.complaint,
        complaint_probability: result.complaintProbability,
        urgency_score: result.urgency,
        priority: result.priority,
        urgency_reasons: result.reasons,
        model_version: result.modelVersion,
      }
    })
    await tx`
      update mention m
         set language = r.language, kind = r.kind, sentiment = r.sentiment, sentiment_label = r.sentiment_label,
             complaint = r.complaint, complaint_probability = r.complaint_probability,
             urgency_score = r.urgency_score, priority = r.priority, urgency_reasons = r.urgency_reasons,
             model_version = r.model_version, classified_at = now()
        from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as r(
               id bigint, language text, kind text, sentiment real, sentiment_label text, complaint boolean,
               complaint_probability real, urgency_score integer, priority smallint, urgency_reasons jsonb, model_version text)
       where m.id = r.id`
    return pending.length
  })
}

/** Runs classifyPending batch after batch until nothing is left; returns how many it did. */
export async function classifyAllPending(sql: Sql, options: ClassifyRunOptions = {}): Promise<number> {
  let classified = 0
  for (let batch = await classifyPending(sql, options); batch > 0; batch = await classifyPending(sql, options)) classified += batch
  return classified
}
