// The satisfaction ask, written when a case is resolved: on the channel the care happened on, in
// the customer's language, through the outbox like any reply, with a link to the one-click page.
// Written in the resolving transaction, so a resolution and its ask stand or fall together.
import { randomToken } from '../auth/session'
import { replyTarget } from '../cases/reply'
import type { Tx } from '../db/connect'
import { sha256Hex } from '../digest'
import { caseCategorySql } from '../trends/category'
import { satisfactionAsk, satisfactionTexts } from './ask'

/** How long an answer is taken: long enough for a weekend, short enough to still be about this case. */
export const answerWindowDays = 7

export type AskResult =
  | { asked: true; satisfactionId: string; link: string }
  | { asked: false; reason: string }

/** Builds the link to the one-click page from the token; the caller knows the public origin. */
export type LinkFor = (token: string) => string

export async function askForSatisfaction(tx: Tx, { caseId, linkFor, now }: { caseId: string; linkFor: LinkFor; now: Date }): Promise<AskResult> {
  const [kase] = await tx<{
    ask: boolean; texts: unknown; language: string | null; owner_id: string | null; team_id: string | null
    customer_name: string | null; replies: number; recently_asked: boolean; category: string
  }[]>`
    select b.satisfaction_ask as ask, b.satisfaction_texts as texts, c.language, c.owner_id, c.team_id,
           cu.display_name as customer_name,
           (select count(*)::int from case_event e where e.case_id = c.id and e.kind = 'reply' and e.actor_id is not null) as replies,
           exists (select 1 from satisfaction s where s.case_id = c.id and s.asked_at > ${now}::timestamptz - make_interval(days => ${answerWindowDays})) as recently_asked,
           ${caseCategorySql(tx, tx`c.id`)} as category
      from care_case c
      join brand b on b.id = c.brand_id
      join customer cu on cu.id = c.customer_id
     where c.id = ${caseId}`
  if (!kase) return { asked: false, reason: `There is no case ${caseId}.` }
  if (!kase.ask) return { asked: false, reason: 'The brand does not ask for satisfaction.' }
  // Asking someone nobody answered how the answer was would be an insult.
  if (kase.replies === 0) return { asked: false, reason: 'Nobody replied on this case.' }
  if (kase.recently_asked) return { asked: false, reason: `The customer was asked within the last ${answerWindowDays} days.` }

  const channel = await lastReplyChannel(tx, caseId)
  const target = await replyTarget(tx, caseId, channel)
  if (!target.ok) return { asked: false, reason: target.error }
  const overrides = satisfactionTexts.safeParse(kase.texts)
  const language = kase.language ?? 'en'
  const token = randomToken()
  const link = linkFor(token)
  const text = satisfactionAsk({ language, customerName: kase.customer_name, link, overrides: overrides.success ? overrides.data : {} })

  const [event] = await tx<{ id: string }[]>`
    insert into case_event (case_id, kind, occurred_at, body)
    values (${caseId}, 'satisfaction', ${now}, ${JSON.stringify({ asked: true, channel, text, delivery: 'queued' })}::text::jsonb)
    returning id`
  const [outbox] = await tx<{ id: string }[]>`
    insert into outbox (case_id, event_id, kind, platform, recipient_identity_id, in_reply_to_external_id, idempotency_key, body)
    values (${caseId}, ${event!.id}, ${target.kind}, ${target.platform}, ${target.identityId}, ${target.inReplyTo},
            ${`satisfaction:${caseId}:event:${event!.id}`}, ${text})
    returning id`
  const [row] = await tx<{ id: string }[]>`
    insert into satisfaction (case_id, token_hash, channel, language, agent_id, team_id, category, outbox_id, asked_at, expires_at)
    values (${caseId}, ${await sha256Hex(token)}, ${channel}, ${/^[a-z]{2}$/.test(language) ? language : 'en'}, ${kase.owner_id}, ${kase.team_id},
            ${kase.category}, ${outbox!.id}, ${now}, ${now}::timestamptz + make_interval(days => ${answerWindowDays}))
    returning id`
  return { asked: true, satisfactionId: row!.id, link }
}

/** Where the care happened: the channel of the last person's reply, public when there was none. */
async function lastReplyChannel(tx: Tx, caseId: string): Promise<'public' | 'private'> {
  const [last] = await tx<{ channel: string | null }[]>`
    select body->>'channel' as channel from case_event
     where case_id = ${caseId} and kind = 'reply' and actor_id is not null
     order by occurred_at desc, id desc limit 1`
  return last?.channel === 'private' ? 'private' : 'public'
}
