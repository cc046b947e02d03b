// Who else has a case open, and who is typing a reply in it, so that two agents do not answer the
// same customer at once. Each open case view sends a heartbeat every few seconds; a person missing
// for 30 s has left, a "typing" older than 10 s has stopped. `now` comes from the caller (one
// clock for writing and reading, and tests that need no sleeping).
import type { Sql } from '../db/connect'

export interface PresentPerson {
  user_id: string
  name: string
  typing: boolean
  seen_at: Date
}

const presentSeconds = 30
const typingSeconds = 10
// Rows this old mean nothing to anyone (see sql/0005_inbox.sql); pruning them only keeps the table small.
const keepSeconds = 60

/**
 * Records that `userId` has the case open (and whether they are typing), then answers who else is
 * there. Null when there is no such case.
 */
export async function heartbeat(
  sql: Sql,
  input: { caseId: string; userId: string; typing: boolean; now: Date },
): Promise<PresentPerson[] | null> {
  const written = await sql`
    insert into case_presence (case_id, user_id, typing, seen_at)
    select c.id, ${input.userId}, ${input.typing}, ${input.now} from care_case c where c.id = ${input.caseId}
    on conflict (case_id, user_id) do update set typing = excluded.typing, seen_at = excluded.seen_at`
  if (written.count === 0) return null
  return (await presentOthers(sql, input)) ?? []
}

/** Who other than `userId` has the case open now; null when there is no such case. */
export async function presentOthers(
  sql: Sql,
  input: { caseId: string; userId: string; now: Date },
): Promise<PresentPerson[] | null> {
  // One row with a null user when the case exists and nobody else is there; none when it does not.
  const rows = await sql<{ user_id: string | null; name: string; typing: boolean; seen_at: Date }[]>`
    select p.user_id, p.name, p.typing, p.seen_at
      from care_case c
      left join lateral (
        select p.user_id, u.name, p.seen_at,
               p.typing and p.seen_at > ${input.now}::timestamptz - make_interval(secs => ${typingSeconds}) as typing
          from case_presence p
          join app_user u on u.id = p.user_id and u.active
         where p.case_id = c.id and p.user_id <> ${input.userId}
           and p.seen_at > ${input.now}::timestamptz - make_interval(secs => ${presentSeconds})
      ) p on true
     where c.id = ${input.caseId}
     order by p.name, p.user_id`
  if (rows.length === 0) return null
  return rows.flatMap((row) => (row.user_id === null ? [] : [{ user_id: row.user_id, name: row.name, typing: row.typing, seen_at: row.seen_at }]))
}

/** Deletes presence rows too old to mean anything; for a scheduled job. Returns how many went. */
export async function prunePresence(sql: Sql, now: Date): Promise<number> {
  const deleted = await sql`
    delete from case_presence where seen_at < ${now}::timestamptz - make_interval(secs => ${keepSeconds})`
  return deleted.count
}
