import type { TransactionSql } from 'postgres'
import type { NormalizedMention, Platform, RejectedItem } from '../sources/mention'
import { sha256Hex } from '../digest'

// Always inside the caller's transaction, so that mentions and the cursor land together.
type Tx = TransactionSql

export interface StoreTarget {
  brandId: string
  sourceId: string
  platform: Platform
}

// Big enough that per-statement costs vanish, small enough to keep one statement's JSON modest.
const batchSize = 2000

/**
 * Stores mentions and their authors. A mention already stored (the same platform and external
 * id) is left as it is: polls overlap and re-polls after a crash repeat, and that must be a
 * no-op. Rows go in sorted by key so that two transactions touching the same authors lock them
 * in the same order and cannot deadlock.
 */
export async function storeMentions(tx: Tx, target: StoreTarget, mentions: NormalizedMention[]) {
  let stored = 0
  const sorted = [...mentions].sort((a, b) => compare(a.externalId, b.externalId))
  for (let start = 0; start < sorted.length; start += batchSize) {
    const batch = sorted.slice(start, start + batchSize)
    await upsertAuthors(tx, target.platform, batch)
    stored += await insertMentions(tx, target, batch)
  }
  return { stored, duplicates: mentions.length - stored }
}

async function upsertAuthors(tx: Tx, platform: Platform, mentions: NormalizedMention[]) {
  const authors = new Map<string, NormalizedMention['author']>()
  // The newest post carries the freshest handle and follower count.
  for (const mention of mentions) authors.set(mention.author.platformUserId, mention.author)
  const rows = [...authors.values()]
    .sort((a, b) => compare(a.platformUserId, b.platformUserId))
    .map((author) => ({
      platform_user_id: author.platformUserId,
      handle: author.handle,
      display_name: author.displayName,
      followers: author.followers,
      verified: author.verified,
      profile_url: author.profileUrl,
    }))
  // A new author is a new customer; the customer's id is drawn first so that one statement can
  // write both rows. Known authors get their current handle and reach.
  await tx`
    with author as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as a(
        platform_user_id text, handle text, display_name text, followers integer, verified boolean, profile_url text)
    ),
    refreshed as (
      update identity i
         set handle = a.handle, display_name = a.display_name, followers = a.followers,
             verified = a.verified, profile_url = a.profile_url, updated_at = now()
        from author a
       where i.platform = ${platform} and i.platform_user_id = a.platform_user_id
         and (i.handle, i.display_name, i.followers, i.verified, i.profile_url)
             is distinct from (a.handle, a.display_name, a.followers, a.verified, a.profile_url)
      returning i.id
    ),
    fresh as (
      select a.*, nextval(pg_get_serial_sequence('customer', 'id')) as customer_id
        from author a
       where not exists (select 1 from identity i where i.platform = ${platform} and i.platform_user_id = a.platform_user_id)
    ),
    new_customer as (
      insert into customer (id, display_name) overriding system value
      select customer_id, coalesce(display_name, handle) from fresh
      returning id
    )
    insert into identity (customer_id, platform, platform_user_id, handle, display_name, followers, verified, profile_url)
    select customer_id, ${platform}, platform_user_id, handle, display_name, followers, verified, profile_url
      from fresh
     order by platform_user_id
    on conflict (platform, platform_user_id) do nothing`
}

async function insertMentions(tx: Tx, target: StoreTarget, mentions: NormalizedMention[]): Promise<number> {
  const rows = mentions.map((mention) => ({
    external_id: mention.externalId,
    author_id: mention.author.platformUserId,
    text: mention.text,
    url: mention.url,
    posted_at: mention.postedAt.toISOString(),
    conversation_id: mention.conversationId,
    in_reply_to_id: mention.inReplyToId,
    language_hint: mention.languageHint,
    engagement: withoutUndefined(mention.engagement),
    private: mention.private ?? false,
    raw: mention.raw ?? null,
  }))
  const result = await tx`
    insert into mention (platform, external_id, brand_id, source_id, identity_id, text, url, posted_at,
                         conversation_id, in_reply_to_id, language_hint, engagement, private, raw)
    select ${target.platform}, m.external_id, ${target.brandId}, ${target.sourceId}, i.id, m.text, m.url, m.posted_at,
           m.conversation_id, m.in_reply_to_id, m.language_hint, coalesce(m.engagement, '{}'), m.private, coalesce(m.raw, 'null')
      from jsonb_to_recordset(${toJsonb(rows)}::text::jsonb) as m(
             external_id text, author_id text, text text, url text, posted_at timestamptz, conversation_id text,
             in_reply_to_id text, language_hint text, engagement jsonb, private boolean, raw jsonb)
      join identity i on i.platform = ${target.platform} and i.platform_user_id = m.author_id
     order by m.external_id
    on conflict (platform, external_id) do nothing`
  return result.count
}

/** Records items that could not become mentions; the same item seen again is recorded once. */
export async function storeRejected(tx: Tx, target: StoreTarget, rejected: RejectedItem[]): Promise<number> {
  if (rejected.length === 0) return 0
  const rows = await Promise.all(
    rejected.map(async (item) => {
      const raw = serialize(item.raw)
      return {
        source_id: target.sourceId,
        platform: target.platform,
        external_id: item.externalId,
        reason: item.reason.slice(0, 2000),
        raw,
        fingerprint: item.externalId ? `id:${item.externalId}` : `sha256:${await sha256Hex(raw)}`,
      }
    }),
  )
  const result = await tx`insert into rejected_item ${tx(rows)} on conflict (source_id, fingerprint) do nothing`
  return result.count
}

/**
 * JSON for a jsonb parameter. PostgreSQL's jsonb refuses the NUL character, which a platform may
 * well send in some field of a post we otherwise keep; it becomes U+FFFD rather than failing
 * the whole batch.
 */
function toJsonb(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    typeof field === 'string' && field.includes('\u0000') ? field.replaceAll('\u0000', '\uFFFD') : field,
  )
}

function serialize(raw: unknown): string {
  try {
    return toJsonb(raw) ?? 'null'
  } catch {
    return String(raw)
  }
}


function withoutUndefined(object: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(object).filter((entry): entry is [string, number] => entry[1] !== undefined))
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
