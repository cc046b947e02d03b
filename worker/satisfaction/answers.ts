// A customer's answer to the satisfaction ask, from a reply on the platform or from the one-click
// page: stored on the ask and on the case, shown on the timeline, and a low score is told to the
// people who can still do something about it.
import { idArray, type Sql, type Tx } from '../db/connect'
import { sha256Hex } from '../digest'
import { leadIdsOfCase, notify } from '../notify/notify'

export interface OpenAsk {
  id: string
  caseId: string
  language: string
}

/** Unanswered, unexpired asks on these cases, newest per case. */
export async function openAsks(tx: Sql | Tx, caseIds: string[], now: Date): Promise<Map<string, OpenAsk>> {
  if (caseIds.length === 0) return new Map()
  const rows = await tx<{ id: string; case_id: string; language: string }[]>`
    select distinct on (case_id) id, case_id, language
      from satisfaction
     where case_id = any(${idArray(caseIds)}::bigint[]) and score is null and expires_at > ${now}
     order by case_id, asked_at desc`
  return new Map(rows.map((row) => [row.case_id, { id: row.id, caseId: row.case_id, language: row.language }]))
}

export interface Answer {
  satisfactionId: string
  score: number
  comment: string | null
  via: 'reply' | 'page'
  mentionId?: string | null
}

/** A score at or under this tells the case's owner and team lead. */
export const lowScore = 2

/**
 * Stores answers. A reply answers only an unanswered ask; the page may change its answer while the
 * ask is open (a mis-tap corrected). Returns the case ids whose answer was stored.
 */
export async function recordAnswers(tx: Tx, answers: Answer[], now: Date): Promise<string[]> {
  if (answers.length === 0) return []
  const rows = answers.map((answer) => ({
    id: answer.satisfactionId, score: answer.score, comment: answer.comment, via: answer.via, mention_id: answer.mentionId ?? null,
  }))
  const stored = await tx<{ id: string; case_id: string; score: number; comment: string | null; via: string; agent_id: string | null; previous: number | null }[]>`
    with answer as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
               as a(id bigint, score smallint, comment text, via text, mention_id bigint)
    ), previous as (
      select s.id, s.score from satisfaction s join answer a on a.id = s.id for update of s
    )
    update satisfaction s
       set score = a.score, comment = a.comment, answered_at = ${now}, answered_via = a.via, answer_mention_id = a.mention_id
      from answer a, previous p
     where s.id = a.id and p.id = s.id and s.expires_at > ${now} and (s.score is null or a.via = 'page')
    returning s.id, s.case_id, s.score, s.comment, s.answered_via as via, s.agent_id, p.score as previous`
  if (stored.length === 0) return []
  await tx`
    update care_case c set satisfaction = r.score, satisfaction_at = ${now}, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(stored.map((row) => ({ case_id: row.case_id, score: row.score })))}::text::jsonb) as r(case_id bigint, score smallint)
     where c.id = r.case_id`
  const events = stored.map((row) => {
    const mentionId = answers.find((answer) => answer.satisfactionId === row.id)?.mentionId ?? null
    return {
      case_id: row.case_id,
      body: {
        answered: true, score: row.score, comment: row.comment, via: row.via,
        ...(mentionId === null ? {} : { mention_id: mentionId }),
        ...(row.previous === null ? {} : { previous: row.previous }),
      },
    }
  })
  await tx`
    insert into case_event (case_id, kind, occurred_at, body)
    select r.case_id, 'satisfaction', ${now}, r.body
      from jsonb_to_recordset(${JSON.stringify(events)}::text::jsonb) as r(case_id bigint, body jsonb)`
  const low = stored.filter((row) => row.score <= lowScore)
  if (low.length > 0) {
    const people = await tx<{ case_id: string; owner_id: string | null; lead_ids: string[] }[]>`
      select c.id as case_id, c.owner_id, ${leadIdsOfCase(tx)} as lead_ids
        from care_case c where c.id = any(${idArray(low.map((row) => row.case_id))}::bigint[])`
    await notify(tx, people.flatMap((person) => {
      const row = low.find((answer) => answer.case_id === person.case_id)!
      const body = { score: row.score, comment: row.comment }
      return [row.agent_id, person.owner_id, ...person.lead_ids].map((userId) => ({
        userId, caseId: person.case_id, kind: 'low_satisfaction' as const, body, dedupeKey: `low_satisfaction:${row.id}:${row.score}`,
      }))
    }))
  }
  return stored.map((row) => row.case_id)
}

export interface PageAsk {
  id: string
  caseId: string
  language: string
  brandName: string
  score: number | null
  expired: boolean
}

/** The ask a one-click link's token stands for, or null for a token Earshot never gave out. */
export async function askByToken(sql: Sql | Tx, token: string, now: Date): Promise<PageAsk | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null
  const [row] = await sql<{ id: string; case_id: string; language: string; brand_name: string; score: number | null; expired: boolean }[]>`
    select s.id, s.case_id, s.language, b.name as brand_name, s.score, s.expires_at <= ${now} as expired
      from satisfaction s join care_case c on c.id = s.case_id join brand b on b.id = c.brand_id
     where s.token_hash = ${await sha256Hex(token)}`
  return row ? { id: row.id, caseId: row.case_id, language: row.language, brandName: row.brand_name, score: row.score, expired: row.expired } : null
}
