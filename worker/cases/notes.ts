// Internal notes on a case: for the team only, never sent to the customer. A note can mention
// colleagues as @Full Name or @email-local-part; each one mentioned is told in the app.
import type { SessionUser } from '../auth/session'
import { audit } from '../audit'
import type { Sql } from '../db/connect'
import { wake } from '../live/wake'
import { notify } from '../notify/notify'

export interface Colleague {
  id: string
  name: string
  email: string
}

export interface RecordedNote {
  eventId: string
  /** The colleagues the note mentions, the author left out. */
  mentioned: string[]
}

// What may not follow a mention for it to end there: "@Maria Tamm," ends at the comma, "@Mariana"
// is not "@Maria".
const wordCharacter = /[\p{L}\p{N}_]/u
// What may not come before the @: "ann@example.com" mentions nobody.
const mentionStart = /(?<![\p{L}\p{N}_.@])@/gu

/**
 * The ids of the colleagues `text` mentions, in the order first mentioned. At each @ the longest
 * name or email local part that matches (case-insensitively) wins, so "@Maria Tamm" is Maria Tamm
 * even when someone else is called Maria. Two people with the same name are both mentioned: telling
 * one too many beats telling the wrong one.
 */
export function findMentions(text: string, colleagues: readonly Colleague[]): string[] {
  const handles = colleagues.flatMap((person) => {
    const local = person.email.slice(0, person.email.lastIndexOf('@'))
    return [person.name.trim(), local].filter((handle) => handle.length > 0).map((handle) => ({ handle, id: person.id }))
  })
  const found = new Set<string>()
  for (const match of text.matchAll(mentionStart)) {
    const at = (match.index ?? 0) + 1
    let longest = 0
    let ids: string[] = []
    for (const { handle, id } of handles) {
      if (handle.length < longest) continue
      const candidate = text.slice(at, at + handle.length)
      if (candidate.length !== handle.length || !sameIgnoringCase(candidate, handle)) continue
      const following = text.charAt(at + handle.length)
      if (following !== '' && wordCharacter.test(following)) continue
      if (handle.length > longest) {
        longest = handle.length
        ids = []
      }
      ids.push(id)
    }
    for (const id of ids) found.add(id)
  }
  return [...found]
}

function sameIgnoringCase(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0
}

/**
 * Adds a note to a case's timeline and tells the colleagues it mentions; null when there is no
 * such case. The case row is not locked: a note changes nothing about the case, so it never
 * conflicts with a claim or a reply.
 */
export async function recordNote(sql: Sql, input: { caseId: string; actor: SessionUser; text: string }): Promise<RecordedNote | null> {
  const note = await sql.begin(async (tx): Promise<RecordedNote | null> => {
    // Anyone who can open the case can be mentioned; marketing cannot. The author takes part in
    // the matching, so that "@Maria Tamm" written by Maria Tamm is not read as "@Maria", and is
    // then left out: nobody is told about their own note.
    const people = await tx<Colleague[]>`
      select id, name, email from app_user where active and role in ('agent', 'executive', 'admin')`
    const mentioned = findMentions(input.text, people).filter((id) => id !== input.actor.id)
    const [event] = await tx<{ id: string }[]>`
      insert into case_event (case_id, kind, actor_id, body)
      select c.id, 'note', ${input.actor.id}, ${JSON.stringify({ text: input.text, mentions: mentioned })}::text::jsonb
        from care_case c
       where c.id = ${input.caseId}
      returning id`
    if (!event) return null
    await notify(
      tx,
      mentioned.map((userId) => ({
        userId,
        caseId: input.caseId,
        kind: 'note_mention' as const,
        body: { from: input.actor.name, event_id: event.id, excerpt: excerpt(input.text) },
        dedupeKey: `note:${event.id}`,
      })),
    )
    await audit(tx, { actorId: input.actor.id, action: 'case.note', targetType: 'case', targetId: input.caseId, detail: { event_id: event.id, mentions: mentioned } })
    return { eventId: event.id, mentioned }
  })
  if (note) wake()
  return note
}

function excerpt(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 199)}…`
}
